"""The safeguarding record's forms: a child, safe storage, a protection referral and its
outcome, a concern and its closing. Each checks at the field, in a keyworker's words; the
models' `clean()` holds the rules."""

import datetime

from django import forms
from django.utils import timezone

from care.models import (
    CHILD_AN_ADULT,
    CHILD_BORN_IN_THE_FUTURE,
    REFERRAL_CHASE_DAYS,
    ChildInContact,
    ProtectionOutcome,
    ProtectionReferral,
    SafeguardingConcern,
    SafeStorage,
)
from cases.forms import CheckedInputForm, ClientChecks, RecordForm, uk_date_field
from cases.models import ServiceUser

AGE_OR_YEAR = "Give the year the child was born, or their age."
AGE_AND_YEAR_DISAGREE = "The age and the year of birth do not agree: give one of them."


class ChildInContactForm(RecordForm):
    class Meta:
        model = ChildInContact
        fields = list(ChildInContact.RECORDED_FIELDS)

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        # The age is not kept: a year of birth is, which stays true as the child grows.
        self.fields["age"] = forms.IntegerField(
            label="or their age",
            required=False,
            min_value=0,
            max_value=17,
            error_messages={
                "invalid": "Enter the age as a number of years.",
                "min_value": "Enter an age of 0 or more.",
                "max_value": CHILD_AN_ADULT,
            },
        )
        self.order_fields(["label", "year_of_birth", "age"])
        year = self.fields["year_of_birth"]
        year.required = False
        year.error_messages["invalid"] = "Enter the year as four digits, for example 2016."
        if not self.instance.pk:
            self.initial.setdefault("recorded_on", timezone.localdate())
        self.fields["label"].error_messages["required"] = (
            'Enter an initial or "Child 1" for the child.'
        )

    def clean(self):
        data = super().clean()
        year, age = data.get("year_of_birth"), data.get("age")
        if "year_of_birth" in self.errors or "age" in self.errors:
            return data
        as_of = data.get("recorded_on") or timezone.localdate()
        if year is None and age is None:
            self.add_error("year_of_birth", AGE_OR_YEAR)
        elif year is None:
            # Born that many years before the year it is recorded in, or the year before:
            # the later keeps them counted as a child longer, the safer guess.
            data["year_of_birth"] = as_of.year - age
            self.instance.year_of_birth = data["year_of_birth"]
        elif age is not None and as_of.year - year not in (age, age + 1):
            self.add_error("age", AGE_AND_YEAR_DISAGREE)
        elif year > timezone.localdate().year:
            self.add_error("year_of_birth", CHILD_BORN_IN_THE_FUTURE)
        return data

    def _post_clean(self):
        # A year worked out from the age reaches the model's checks too.
        if self.cleaned_data.get("year_of_birth") is not None:
            self.instance.year_of_birth = self.cleaned_data["year_of_birth"]
        super()._post_clean()


class SafeStorageForm(RecordForm):
    class Meta:
        model = SafeStorage
        fields = list(SafeStorage.RECORDED_FIELDS)

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user


class ProtectionReferralForm(RecordForm):
    class Meta:
        model = ProtectionReferral
        fields = list(ProtectionReferral.RECORDED_FIELDS)
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        self.fields["reason"].error_messages["required"] = "Say why the referral was made."
        self.fields["chase_on"].required = False

    def clean(self):
        data = super().clean()
        made_on = data.get("made_on")
        if made_on and not data.get("chase_on"):
            data["chase_on"] = made_on + datetime.timedelta(days=REFERRAL_CHASE_DAYS)
            self.instance.chase_on = data["chase_on"]
        return data

    def _post_clean(self):
        if self.cleaned_data.get("chase_on") is not None:
            self.instance.chase_on = self.cleaned_data["chase_on"]
        super()._post_clean()


class ProtectionReferralChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProtectionReferral) -> str:  # type: ignore[override]
        state = "open" if obj.is_open else obj.get_outcome_display().lower()
        return f"{obj.agency_name}, made {obj.made_on:%d/%m/%Y} ({state})"


class ProtectionOutcomeForm(ClientChecks, CheckedInputForm, forms.Form):
    referral = ProtectionReferralChoiceField(
        queryset=ProtectionReferral.objects.none(),
        to_field_name="external_id",
        label="Referral",
        empty_label="Choose the referral",
        error_messages={
            "required": "Choose the referral.",
            "invalid_choice": "Choose one of this person's referrals.",
        },
    )
    outcome = forms.ChoiceField(
        choices=[("", "Choose the outcome"), *ProtectionOutcome.choices],
        error_messages={
            "required": "Choose the outcome.",
            "invalid_choice": "Choose one of the outcomes listed.",
        },
    )
    outcome_on = forms.DateField(
        label="Date of the outcome", error_messages={"required": "Enter the date of the outcome."}
    )

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        uk_date_field(self.fields["outcome_on"])  # type: ignore[arg-type]
        self.fields["referral"].queryset = ProtectionReferral.objects.filter(  # type: ignore[attr-defined]
            service_user=service_user
        ).order_by("outcome", "chase_on")


class SafeguardingConcernForm(RecordForm):
    class Meta:
        model = SafeguardingConcern
        fields = list(SafeguardingConcern.RECORDED_FIELDS)

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        self.fields["note"].error_messages["required"] = (
            "Write a line about the concern: it cannot be empty."
        )


class ConcernChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SafeguardingConcern) -> str:  # type: ignore[override]
        return f"{obj.description}, raised {obj.raised_on:%d/%m/%Y}"


class ConcernCloseForm(ClientChecks, CheckedInputForm, forms.Form):
    concern = ConcernChoiceField(
        queryset=SafeguardingConcern.objects.none(),
        to_field_name="external_id",
        label="Concern",
        empty_label="Choose the concern",
        error_messages={
            "required": "Choose the concern.",
            "invalid_choice": "Choose one of this person's open concerns.",
        },
    )
    closed_on = forms.DateField(
        label="Closed on", error_messages={"required": "Enter the date the concern was closed."}
    )

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        uk_date_field(self.fields["closed_on"])  # type: ignore[arg-type]
        self.fields["concern"].queryset = SafeguardingConcern.objects.filter(  # type: ignore[attr-defined]
            service_user=service_user, closed_on__isnull=True
        )
