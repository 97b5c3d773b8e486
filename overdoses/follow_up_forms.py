"""The forms of an overdose follow-up's page: an attempt at reaching the person, and the
close with its outcome. They check input and put every message at its field; the services
(`overdoses.services`) do the writing and check the pathway's rules again, and
`add_service_errors` puts their messages at the same fields.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.forms import CheckedInputForm, ClientChecks, TimeInput, uk_date_field
from overdoses.models import Answer, AttemptMethod, Outcome, Referral

TIME_INVALID = "Enter a time as hh:mm, for example 14:30."
NOTE_LONGEST = 2000


def _now_time() -> datetime.time:
    return timezone.localtime().time().replace(second=0, microsecond=0)


def _time_field(label: str, **kwargs) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=TimeInput(),
        error_messages={"invalid": TIME_INVALID, **kwargs.pop("error_messages", {})},
        **kwargs,
    )


def _moment(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """A date and a time typed on a page, as the aware moment they name in the UK."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


class FollowUpAttemptForm(ClientChecks, CheckedInputForm, forms.Form):
    """One try at reaching the person: when (now unless changed), how, and whether it did."""

    attempted_on = uk_date_field(
        forms.DateField(
            label="Date",
            initial=timezone.localdate,
            error_messages={"required": "Give the date of the attempt."},
        )
    )
    attempted_time = _time_field(
        "Time",
        initial=_now_time,
        error_messages={"required": "Give the time of the attempt."},
    )
    method = forms.ChoiceField(
        label="How",
        choices=AttemptMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you tried to reach them."},
    )
    reached = forms.TypedChoiceField(
        label="Did you reach them?",
        choices=[("yes", "Yes, reached them"), ("no", "No, not reached")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you reached them."},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=NOTE_LONGEST,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # Where each of the service's messages belongs on this form.
    SERVICE_FIELDS = {"attempted_at": "attempted_on", "method": "method", "notes": "notes"}

    def clean(self) -> dict:
        data = super().clean()
        day, time = data.get("attempted_on"), data.get("attempted_time")
        if day is not None and time is not None:
            data["attempted_at"] = _moment(day, time)
            if data["attempted_at"] > timezone.now():
                self.add_error("attempted_time", "This time is still to come.")
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "attempted_at": data["attempted_at"],
            "method": data["method"],
            "reached": data["reached"],
            "notes": data["notes"],
        }


class FollowUpCloseForm(ClientChecks, CheckedInputForm, forms.Form):
    """Close the follow-up with its outcome, what else was done, and the safeguarding
    answers. When nobody has recorded reaching the person yet, a contacted outcome asks
    when and how they were reached (`contacted_on`, `contacted_time`, `contact_method`)."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the follow-up ended."},
    )
    contacted_on = uk_date_field(forms.DateField(label="Date you reached them", required=False))
    contacted_time = _time_field("Time you reached them", required=False)
    contact_method = forms.ChoiceField(
        label="How you reached them",
        choices=AttemptMethod.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    naloxone_supplied = forms.BooleanField(label="Naloxone kit supplied", required=False)
    referrals = forms.MultipleChoiceField(
        label="Referrals made",
        choices=Referral.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    children_in_household = forms.ChoiceField(
        label="Children in the household?",
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether children live in the household."},
    )
    closing_note = forms.CharField(
        label="Closing note",
        required=False,
        max_length=NOTE_LONGEST,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    SERVICE_FIELDS = {
        "outcome": "outcome",
        "contacted_at": "contacted_on",
        "contact_method": "contact_method",
        "children_in_household": "children_in_household",
        "referrals": "referrals",
        "closing_note": "closing_note",
        "naloxone_supplied": "naloxone_supplied",
    }

    def __init__(self, *args, reached: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Someone already recorded reaching them: the close needs no contact of its own.
        self.reached = reached
        if reached:
            for name in ("contacted_on", "contacted_time", "contact_method"):
                del self.fields[name]
        else:
            self.fields["contacted_on"].help_text = (
                "Only for an outcome where you reached them, when no attempt above did. "
                + self.fields["contacted_on"].help_text
            )

    def clean(self) -> dict:
        data = super().clean()
        data["contacted_at"] = None
        if self.reached:
            return data
        day, time = data.get("contacted_on"), data.get("contacted_time")
        if day is not None and time is None and "contacted_time" not in self.errors:
            self.add_error("contacted_time", "Give the time you reached them too.")
        elif time is not None and day is None and "contacted_on" not in self.errors:
            self.add_error("contacted_on", "Give the date you reached them too.")
        elif day is not None and time is not None:
            data["contacted_at"] = _moment(day, time)
            if data["contacted_at"] > timezone.now():
                self.add_error("contacted_time", "This time is still to come.")
        if data.get("outcome") not in Outcome.values or data.get("outcome") in (
            Outcome.NOT_CONTACTABLE,
            Outcome.DIED,
        ):
            # Not a contact: a date or a way filled in before the outcome changed is dropped.
            data["contacted_at"] = None
            data["contact_method"] = ""
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "children_in_household": data["children_in_household"],
            "naloxone_supplied": data["naloxone_supplied"],
            "referrals": data["referrals"],
            "closing_note": data["closing_note"],
            "contacted_at": data.get("contacted_at"),
            "contact_method": data.get("contact_method", ""),
        }


def add_service_errors(form: forms.Form, invalid: ValidationError) -> None:
    """Put each message of a service's ValidationError at the form's field it is about
    (`form.SERVICE_FIELDS`); one about nothing on the form goes above it."""
    if not hasattr(invalid, "error_dict"):
        form.add_error(None, invalid)
        return
    for key, errors in invalid.error_dict.items():
        field = form.SERVICE_FIELDS.get(key)  # type: ignore[attr-defined]
        form.add_error(field if field in form.fields else None, errors)
