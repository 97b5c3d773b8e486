"""The case review's forms. Each checks at the field, in a keyworker's words, and
derives from `cases.forms.CheckedInputForm`."""

from django import forms
from django.db.models import QuerySet

from casereviews.services import Partner
from cases.forms import CheckedInputForm, ClientChecks, TimeInput, uk_date_field
from cases.models import ServiceUser, Team, User
from partners.models import PartnerOrganisation
from partners.selectors import active_organisations

PARTNERS_HELP = (
    "One person a line: name, organisation, role, separated by commas. "
    "For example: Sam Patel, Probation Service, probation officer"
)


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.display_name


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.display_name


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ServiceUser) -> str:  # type: ignore[override]
        return f"{obj.first_name} {obj.last_name} ({obj.client_ref})"


class MeetingForm(ClientChecks, CheckedInputForm, forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your teams."},
    )
    meets_on = uk_date_field(
        forms.DateField(label="Date", error_messages={"required": "Enter the date."})
    )
    meets_at = forms.TimeField(
        label="Time",
        widget=TimeInput(),
        error_messages={"required": "Enter the time.", "invalid": "Enter a time, e.g. 14:30."},
    )
    place = forms.CharField(
        label="Where or how",
        max_length=200,
        help_text="A room, or how to join a call.",
        error_messages={"required": "Say where the meeting is, or how to join it."},
    )
    staff = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Staff attending",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose staff of your teams."},
    )
    partners = forms.CharField(
        label="Partner representatives attending",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=PARTNERS_HELP,
    )
    organisations = forms.ModelMultipleChoiceField(
        queryset=active_organisations(),
        required=False,
        label="Partner organisations contributing in Lantern",
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Their staff write, from their own pages, what their agency knows and is doing "
            "about each person on the list whom Lantern may share with them."
        ),
        error_messages={"invalid_choice": "Choose one of the partner organisations."},
    )

    def __init__(self, *args, teams: QuerySet[Team], staff: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]

    def clean_partners(self) -> list[Partner]:
        partners = []
        for number, line in enumerate(self.cleaned_data["partners"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(",")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    f"Line {number}: give at least a name and an organisation, "
                    "separated by a comma."
                )
            name, organisation, role = parts[0], parts[1], ", ".join(parts[2:])
            if len(name) > 120 or len(organisation) > 160 or len(role) > 120:
                raise forms.ValidationError(f"Line {number} is too long: shorten it.")
            partners.append(Partner(name=name, organisation=organisation, role=role))
        return partners

    def clean(self):
        data = super().clean()
        team, staff = data.get("team"), data.get("staff")
        if team is not None and staff:
            members = set(team.memberships.values_list("user_id", flat=True))
            if any(user.pk not in members for user in staff):
                self.add_error("staff", "Choose staff of the meeting's team.")
        return data


class InviteForm(ClientChecks, CheckedInputForm, forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        queryset=PartnerOrganisation.objects.none(),
        label="Invite more partner organisations to contribute in Lantern",
        widget=forms.CheckboxSelectMultiple,
        help_text=MeetingForm.base_fields["organisations"].help_text,
        error_messages={
            "required": "Choose at least one partner organisation to invite.",
            "invalid_choice": "Choose one of the partner organisations not yet invited.",
            "invalid_pk_value": "Choose one of the partner organisations not yet invited.",
        },
    )

    def __init__(self, *args, organisations: QuerySet[PartnerOrganisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]


class PeopleForm(ClientChecks, CheckedInputForm, forms.Form):
    people = PersonChoiceField(
        queryset=ServiceUser.objects.none(),
        to_field_name="external_id",
        label="People to review",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one person to review.",
            "invalid_choice": "Choose people of the meeting's team.",
        },
    )

    def __init__(self, *args, candidates: QuerySet[ServiceUser], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = candidates  # type: ignore[attr-defined]


class DecisionsForm(ClientChecks, CheckedInputForm, forms.Form):
    decisions = forms.CharField(
        label="Decisions",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write what the meeting decided."},
    )
    next_review_on = uk_date_field(
        forms.DateField(
            label="Next review by",
            required=False,
            help_text="Leave empty when no further review is needed.",
        )
    )


class ActionForm(ClientChecks, CheckedInputForm, forms.Form):
    description = forms.CharField(
        label="What",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what is to be done."},
    )
    owner = OwnerChoiceField(
        queryset=User.objects.none(),
        label="Owner",
        empty_label="Choose who will do it",
        error_messages={
            "required": "Choose who will do it.",
            "invalid_choice": "Choose someone in the team.",
        },
    )
    due_on = uk_date_field(
        forms.DateField(label="Due by", error_messages={"required": "Enter when it is due."})
    )
    partner_organisation = forms.ModelChoiceField(
        queryset=active_organisations(),
        required=False,
        label="Assigned to a partner organisation",
        help_text="Optional: its staff see the action in Lantern and mark it done.",
        error_messages={"invalid_choice": "Choose one of the partner organisations."},
    )

    def __init__(self, *args, staff: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]


class ActionDoneForm(ClientChecks, CheckedInputForm, forms.Form):
    done_on = uk_date_field(
        forms.DateField(label="Done on", error_messages={"required": "Enter when it was done."})
    )


class TeamSettingForm(ClientChecks, CheckedInputForm, forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the team.",
            "invalid_choice": "Choose one of your teams.",
        },
    )
    include_high = forms.BooleanField(label="Review people at high too", required=False)

    def __init__(self, *args, teams: QuerySet[Team], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
