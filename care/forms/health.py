"""The harm reduction and health forms: a blood-borne virus test offered, its result,
hepatitis C treatment, a hepatitis B vaccination step. Each checks at the field, in a
keyworker's words; the models' `clean()` holds the rules."""

import copy

from django import forms
from django.core.exceptions import ValidationError

from care.models import (
    BbvResult,
    BloodBorneVirusTest,
    HepatitisBVaccination,
    MentalHealthNeed,
    NeedleExchangeContact,
    PharmacyArrangement,
    PhysicalHealthCheck,
    Virus,
)
from cases.forms import YES_NO_UNKNOWN, CheckedInputForm, ClientChecks, RecordForm, uk_date_field
from cases.models import ServiceUser, Team

ACCEPTED_CHOICES = [("true", "Accepted"), ("false", "Declined")]
RESULT_CHOICES = [("", "No result yet"), *BbvResult.choices]


def _yes(value: str) -> bool:
    return value == "true"


def _date(label: str, help_text: str = "") -> forms.DateField:
    return uk_date_field(forms.DateField(label=label, required=False, help_text=help_text))


class BbvTestForm(RecordForm):
    accepted = forms.TypedChoiceField(
        label="Accepted or declined",
        choices=ACCEPTED_CHOICES,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the test was accepted or declined.",
            "invalid_choice": "Say whether the test was accepted or declined.",
        },
    )

    class Meta:
        model = BloodBorneVirusTest
        fields = list(BloodBorneVirusTest.RECORDED_FIELDS)

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        self.fields["virus"].error_messages["required"] = "Choose what the test is for."
        self.fields["accepted"].error_messages["required"] = (
            "Say whether the test was accepted or declined."
        )
        self.fields["tested_on"].help_text = "Leave empty until the test is taken. " + str(
            self.fields["tested_on"].help_text
        )
        self.fields["result"].choices = RESULT_CHOICES  # type: ignore[attr-defined]


class BbvTestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: BloodBorneVirusTest) -> str:  # type: ignore[override]
        return obj.in_words()


class _ChangeToATest(ClientChecks, CheckedInputForm, forms.Form):
    """A change to one of the person's tests, chosen from the list, checked against the
    test's own rules so that each message lands at its field."""

    CHANGED: tuple[str, ...] = ()

    test = BbvTestChoiceField(
        queryset=BloodBorneVirusTest.objects.none(),
        to_field_name="external_id",
        label="Test",
        empty_label="Choose the test",
        error_messages={
            "required": "Choose the test.",
            "invalid_choice": "Choose one of this person's tests.",
        },
    )

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["test"].queryset = self.tests_of(service_user)  # type: ignore[attr-defined]

    def tests_of(self, service_user: ServiceUser):
        return BloodBorneVirusTest.objects.filter(service_user=service_user)

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("test")
        if chosen is None or any(name in self.errors for name in self.CHANGED):
            return cleaned
        changed = copy.copy(chosen)
        for name in self.CHANGED:
            setattr(changed, name, cleaned.get(name))
        try:
            changed.clean()
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.CHANGED else None, message)
        return cleaned


class BbvTestResultForm(_ChangeToATest):
    CHANGED = BloodBorneVirusTest.RESULT_FIELDS

    tested_on = _date("Test date")
    result = forms.ChoiceField(
        choices=RESULT_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Choose one of the results listed."},
    )
    result_on = _date("Result date", "The day the result came back.")

    def tests_of(self, service_user: ServiceUser):
        # Tests that were accepted: a declined offer has no result.
        return super().tests_of(service_user).filter(accepted=True).order_by("-offered_on")


class HepCTreatmentForm(_ChangeToATest):
    CHANGED = BloodBorneVirusTest.TREATMENT_FIELDS

    treatment_referred_on = _date("Referred for treatment")
    treatment_started_on = _date("Treatment started")
    treatment_completed_on = _date("Treatment completed")
    cured = forms.TypedChoiceField(
        label="Cured (sustained virological response)",
        choices=YES_NO_UNKNOWN,
        coerce=_yes,
        empty_value=None,
        required=False,
        help_text="Known from the test 12 weeks after treatment ends.",
    )

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, service_user=service_user, **kwargs)
        self.fields["test"].error_messages["invalid_choice"] = (
            "Choose one of this person's positive hepatitis C RNA results."
        )

    def tests_of(self, service_user: ServiceUser):
        return (
            super()
            .tests_of(service_user)
            .filter(virus=Virus.HEP_C_RNA, result=BbvResult.POSITIVE)
            .order_by("-offered_on")
        )


class HepBVaccinationForm(RecordForm):
    class Meta:
        model = HepatitisBVaccination
        fields = list(HepatitisBVaccination.RECORDED_FIELDS)

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        self.fields["kind"].error_messages["required"] = "Choose what happened."
        self.fields["dose_number"].help_text = "For a dose only."
        self.fields["schedule"].help_text = "For a dose only: the same for every dose of a course."


class NspContactForm(RecordForm):
    """A needle and syringe programme contact: of `service_user` (recorded for their team),
    or, without one, an anonymous contact of `team`."""

    class Meta:
        model = NeedleExchangeContact
        fields = list(NeedleExchangeContact.RECORDED_FIELDS)

    def __init__(self, *args, team: Team, service_user: ServiceUser | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.team = team
        self.instance.service_user = service_user
        for name in NeedleExchangeContact.COUNTS:
            field = self.fields[name]
            field.required = False
            field.min_value = 0  # type: ignore[attr-defined]
            field.error_messages["min_value"] = "Enter a count of 0 or more."
        if "contact_on" not in self.initial and not self.is_bound:
            from django.utils import timezone

            self.initial["contact_on"] = timezone.localdate()

    def _count(self, name: str) -> int:
        return self.cleaned_data.get(name) or 0

    def clean_needles_syringes(self) -> int:
        return self._count("needles_syringes")

    def clean_foil(self) -> int:
        return self._count("foil")

    def clean_other_kit(self) -> int:
        return self._count("other_kit")


class _PersonsRecordForm(RecordForm):
    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user


class MentalHealthNeedForm(_PersonsRecordForm):
    class Meta:
        model = MentalHealthNeed
        fields = list(MentalHealthNeed.RECORDED_FIELDS)


class PharmacyArrangementForm(_PersonsRecordForm):
    class Meta:
        model = PharmacyArrangement
        fields = list(PharmacyArrangement.RECORDED_FIELDS)

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, service_user=service_user, **kwargs)
        # An empty or blank name is refused by the model's rule, said once.
        self.fields["pharmacy_name"].required = False


class PhysicalHealthCheckForm(_PersonsRecordForm):
    class Meta:
        model = PhysicalHealthCheck
        fields = list(PhysicalHealthCheck.RECORDED_FIELDS)
