"""The care record's forms: a case note, an onward referral, a referral's outcome. Each
checks at the field, in a keyworker's words; the models' `clean()` holds the rules."""

from django import forms

from care.models import CaseNote, OnwardReferral, ReferralOutcome
from cases.forms import CheckedInputForm, ClientChecks, RecordForm
from cases.models import ServiceUser


class CaseNoteForm(RecordForm):
    class Meta:
        model = CaseNote
        fields = list(CaseNote.RECORDED_FIELDS)
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        # Empty or blank text is refused by the model's rule (NOTE_EMPTY), said once.
        self.fields["text"].required = False
        corrects = self.fields["corrects"]
        corrects.queryset = CaseNote.objects.filter(service_user=service_user)  # type: ignore[attr-defined]
        corrects.to_field_name = "external_id"  # type: ignore[attr-defined]
        corrects.empty_label = "No: this is a new note"  # type: ignore[attr-defined]
        corrects.error_messages["invalid_choice"] = (
            "Choose one of this person's own notes to correct."
        )


class OnwardReferralForm(RecordForm):
    class Meta:
        model = OnwardReferral
        fields = list(OnwardReferral.RECORDED_FIELDS)
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        self.fields["reason"].error_messages["required"] = "Say why they are being referred."
        self.fields["organisation_name"].error_messages["required"] = (
            "Enter the name of the service they are referred to."
        )


class ReferralChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OnwardReferral) -> str:  # type: ignore[override]
        return f"{obj.get_organisation_kind_display()}: {obj.organisation_name}, made {obj.made_on:%d/%m/%Y}"


class ReferralOutcomeForm(ClientChecks, CheckedInputForm, forms.Form):
    referral = ReferralChoiceField(
        queryset=OnwardReferral.objects.none(),
        to_field_name="external_id",
        label="Referral",
        empty_label="Choose the referral",
        error_messages={
            "required": "Choose the referral.",
            "invalid_choice": "Choose one of this person's referrals.",
        },
    )
    outcome = forms.ChoiceField(
        choices=[("", "Choose the outcome"), *ReferralOutcome.choices],
        error_messages={
            "required": "Choose the outcome.",
            "invalid_choice": "Choose one of the outcomes listed.",
        },
    )

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = OnwardReferral.objects.filter(  # type: ignore[attr-defined]
            service_user=service_user
        ).order_by("outcome", "follow_up_on")
