"""Forms for outreach attempts and flag overrides. They check input and put every
message at its field; the services do the writing (and check again)."""

import datetime

from django import forms
from django.utils import timezone

from cases.forms import CheckedInputForm, ClientChecks, uk_date_field
from cases.models import LocalAuthority, Team
from cases.validators import period_problems
from outcomes.figures import FigureFilters, FigureInputError
from outcomes.figures.filters import last_whole_quarter
from risk.models import OutreachAttempt, OutreachMethod, OutreachOutcome, RemovalReason
from risk.services import OVERRIDE_LONGEST_DAYS


class OutreachAttemptForm(ClientChecks, CheckedInputForm, forms.ModelForm):
    """One attempt: when, how and a fixed outcome; the date to be reminded and the
    reason for removal only when the outcome needs them."""

    class Meta:
        model = OutreachAttempt
        fields = [
            "attempted_on",
            "method",
            "outcome",
            "remind_on",
            "removal_reason",
            "removal_detail",
            "notes",
        ]
        labels = {
            "attempted_on": "Date of the attempt",
            "method": "How",
            "outcome": "Outcome",
            "remind_on": "Remind me on",
            "removal_reason": "Reason for removal",
            "removal_detail": "Describe the reason",
            "notes": "Notes (optional)",
        }
        widgets = {
            "method": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "removal_reason": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "method": {"required": "Choose how you tried to reach them."},
            "outcome": {"required": "Choose what happened."},
            # The dates' "invalid" message is the project's, from `uk_date_field`.
            "attempted_on": {"required": "Give the date of the attempt."},
        }

    # Taking someone off the worklist hides a flagged person from everyone working
    # it, so it needs a deliberate tick as well as a reason (no script required).
    confirm_removal = forms.BooleanField(
        required=False, label="Yes, take them off the worklist until their flag changes"
    )

    # Which extra field goes with which outcome: the page shows each only then.
    SHOWN_FOR = {
        "remind_on": OutreachOutcome.REMIND,
        "removal_reason": OutreachOutcome.REMOVED,
        "removal_detail": RemovalReason.OTHER,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attempted_on"].initial = timezone.localdate
        # Radio buttons without an empty "---------" choice.
        self.fields["method"].choices = OutreachMethod.choices
        self.fields["outcome"].choices = OutreachOutcome.choices
        self.fields["removal_reason"].choices = RemovalReason.choices
        self.fields["remind_on"].help_text = "Only with “Remind me on a date”."
        self.fields["removal_reason"].help_text = "Only with “Removed from the list”."
        uk_date_field(self.fields["attempted_on"])
        uk_date_field(self.fields["remind_on"])
        self.fields["removal_detail"].help_text = "Only when the reason is “Other”."

    def clean(self):
        data = super().clean()
        # A field the page hid (it does not go with the outcome chosen) is
        # dropped rather than reported: it was filled before the outcome changed.
        outcome = data.get("outcome")
        if outcome != OutreachOutcome.REMIND:
            data["remind_on"] = None
        confirmed = data.pop("confirm_removal", False)
        if outcome == OutreachOutcome.REMOVED and not confirmed:
            self.add_error(
                "confirm_removal", "Tick the box to confirm taking them off the worklist."
            )
        if outcome != OutreachOutcome.REMOVED:
            data["removal_reason"] = ""
        if data.get("removal_reason") != RemovalReason.OTHER:
            data["removal_detail"] = ""
        return data


class FlagOverrideForm(ClientChecks, CheckedInputForm, forms.Form):
    reason = forms.CharField(
        label="Why this flag does not apply",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why this flag does not apply."},
    )
    expires_on = uk_date_field(
        forms.DateField(
            label="Override until",
            help_text=f"At most {OVERRIDE_LONGEST_DAYS} days from today. "
            "The flag can be raised again after this date.",
            error_messages={"required": "Choose the date the override ends."},
        )
    )
    confirm = forms.BooleanField(
        label="I confirm this flag does not apply until that date, and that this is recorded "
        "under my name and visible to clinical governance.",
        error_messages={"required": "Tick the box to confirm the override."},
    )

    def clean_expires_on(self) -> datetime.date:
        expires_on = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on <= today:
            raise forms.ValidationError("The override must end after today.")
        if expires_on > today + datetime.timedelta(days=OVERRIDE_LONGEST_DAYS):
            raise forms.ValidationError(
                f"An override can last at most {OVERRIDE_LONGEST_DAYS} days; review it then."
            )
        return expires_on


class OverrideDecisionForm(CheckedInputForm, forms.Form):
    """A team lead's answer to a very high flag's override waiting for approval."""

    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        error_messages={"required": "Choose to approve or decline the override."},
    )
    note = forms.CharField(
        label="Note to the keyworker",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("note") or "").strip():
            self.add_error("note", "Say why you decline, so the keyworker knows what to do.")
        return data


# The fairness report's filter field for each field of `FigureFilters` it can refuse.
FAIRNESS_FIELDS = {
    "start": "start",
    "end": "end",
    "team_ids": "team",
    "local_authority_ids": "local_authority",
}


class FairnessFilterForm(ClientChecks, CheckedInputForm, forms.Form):
    """The fairness report's period and whom it counts: a team of those the user may
    see, and a local authority of residence. Unbound, it offers the last whole quarter."""

    start = uk_date_field(forms.DateField(label="From"))
    end = uk_date_field(forms.DateField(label="To"))
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="All teams"
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.order_by("name"),
        required=False,
        empty_label="All local authorities",
    )

    def __init__(self, *args, scope: frozenset[int] | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        teams = Team.objects.order_by("name")
        self.fields["team"].queryset = teams if scope is None else teams.filter(pk__in=scope)
        period = last_whole_quarter(timezone.localdate())
        self.fields["start"].initial = period.start
        self.fields["end"].initial = period.end

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        for field, problem in period_problems(start, end).items():
            self.add_error(field, problem)
        if self.errors:
            return cleaned
        team, authority = cleaned.get("team"), cleaned.get("local_authority")
        try:
            cleaned["filters"] = FigureFilters(
                start=start,
                end=end,
                team_ids=[team.pk] if team else None,
                local_authority_ids=[authority.pk] if authority else None,
                person_scope=self.scope,
            )
        except FigureInputError as error:
            for field, message in error.errors.items():
                self.add_error(FAIRNESS_FIELDS.get(field), message)
        return cleaned

    def figure_filters(self) -> FigureFilters:
        """The filters asked for, or the default period's for an unbound form."""
        if self.is_bound:
            return self.cleaned_data["filters"]
        return FigureFilters(
            start=self.fields["start"].initial,
            end=self.fields["end"].initial,
            person_scope=self.scope,
        )
