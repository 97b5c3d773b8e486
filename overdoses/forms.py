"""The forms of the quick capture and the naloxone programme's pages.

Each reuses the record's own declarations (`Event.OVERDOSE_FIELDS`, the fields of
`UnidentifiedPerson` and `NaloxoneSupply`, `cases.forms.EventForm`'s choices) rather than
saying them again, and derives from `cases.forms.CheckedInputForm`.
"""

import uuid
from collections.abc import Sequence

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from cases.forms import (
    CheckedInputForm,
    EventForm,
    NaloxoneSupplyForm,
    RecordForm,
    team_choices_for,
)
from cases.models import (
    Event,
    EventKind,
    EventStatus,
    FollowUpBasis,
    NaloxoneSupply,
    ServiceUser,
    Team,
    UnidentifiedPerson,
    User,
)
from cases.search import nhs_number_in

# What a user is told for a person who is not among those they may see, whether or not
# such a person exists: the same words either way.
CHOOSE_FROM_THE_LIST = "Choose a person from the list."

# The overdose's fields, in the order a notifier tells them: when and where, who told us,
# what was taken, naloxone, who came, hospital, the basis for following it up, notes.
OVERDOSE_FORM_FIELDS: tuple[str, ...] = (
    "occurred_on",
    "occurred_at_time",
    "place",
    "information_source",
    *(
        name
        for name in Event.OVERDOSE_FIELDS
        if name not in ("occurred_at_time", "information_source")
    ),
    "notes",
)

# What is known of someone not yet known to the service.
SOMEONE_FIELDS = UnidentifiedPerson.RECORDED_FIELDS


def person_label(person: ServiceUser) -> str:
    born = f", born {person.date_of_birth:%d/%m/%Y}" if person.date_of_birth else ""
    return f"{person.display_name} ({person.client_ref}{born})"


def person_among(people: QuerySet[ServiceUser], value: str) -> ServiceUser | None:
    """The person of `people` with this external id, or None: for anyone else, whether
    they exist or not, the same None."""
    try:
        external_id = uuid.UUID(str(value))
    except ValueError:
        return None
    return people.filter(external_id=external_id).first()


def _team_field(user: User, *, required: bool = True) -> forms.ModelChoiceField:
    """The team a record is held by, among the user's teams; hidden when they have one."""
    teams = team_choices_for(user).order_by("name")
    only = list(teams[:2])
    field = forms.ModelChoiceField(
        queryset=teams,
        label="Team",
        required=required,
        empty_label="Choose the team",
        error_messages={
            "required": "Choose the team.",
            "invalid_choice": "Choose one of your teams.",
        },
    )
    if len(only) == 1:
        field.initial = only[0].pk
        field.widget = forms.HiddenInput()
    return field


class OverdoseRecordForm(RecordForm):
    """One page to record an overdose: of a person the user may see (`person`, their
    external id) or of someone not yet known (`not_known`, with what is known of them and
    the team that will hold them), and the overdose itself (an `Event` of kind non-fatal
    overdose: `Event.OVERDOSE_FIELDS` with the date, place and notes)."""

    substances_suspected = EventForm.declared_fields["substances_suspected"]
    responders = EventForm.declared_fields["responders"]

    class Meta:
        model = Event
        fields = list(OVERDOSE_FORM_FIELDS)
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "place": forms.TextInput(attrs={"placeholder": "Street, hostel, address or area"}),
        }
        labels = {"occurred_on": "Date of the overdose"}

    def __init__(
        self,
        *args,
        user: User,
        people: QuerySet[ServiceUser],
        candidates: Sequence[ServiceUser] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._people = people
        self.person: ServiceUser | None = None
        self.instance.kind = EventKind.NON_FATAL_OVERDOSE
        self.instance.status = EventStatus.HAPPENED
        # Sensible defaults for a form filled in seconds: today, and consent not yet sought.
        self.initial["occurred_on"] = timezone.localdate()
        self.initial["followup_basis"] = FollowUpBasis.NOT_YET_SOUGHT
        self.fields["taken_to_hospital"].label = "Taken to hospital"
        # Added here, not declared: `RecordForm` reads each declared field's model field.
        who = {
            "person": forms.CharField(
                label="Person",
                required=False,
                widget=forms.RadioSelect(
                    choices=[(str(p.external_id), person_label(p)) for p in candidates]
                ),
            ),
            "not_known": forms.BooleanField(
                label="Not yet known to the service",
                required=False,
                help_text="Record what is known: they can be linked to a record later.",
            ),
        }
        for name in SOMEONE_FIELDS:
            field = UnidentifiedPerson._meta.get_field(name).formfield()
            field.required = False
            who[name] = field
        # Asked only of someone not yet known: a known person's team is their record's.
        who["team"] = _team_field(user, required=False)
        self.fields = {**who, **self.fields}
        self.fields["approximate_age"].error_messages["invalid"] = "Enter an age in years."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("not_known"):
            if not cleaned.get("description", "").strip():
                self.add_error(
                    "description", "Give a name or a description of the person: what is known."
                )
            if not cleaned.get("team") and "team" not in self.errors:
                self.add_error("team", "Choose the team.")
            someone = UnidentifiedPerson(**{n: cleaned.get(n) for n in SOMEONE_FIELDS})
            try:
                someone.clean()
            except forms.ValidationError as invalid:
                self.add_error(None, invalid)
        else:
            self.person = person_among(self._people, cleaned.get("person", ""))
            if self.person is None:
                self.add_error("person", CHOOSE_FROM_THE_LIST)
            else:
                # Dated from their birth: the model checks the date against it.
                self.instance.service_user = self.person
        return cleaned

    @property
    def someone(self) -> dict:
        return {name: self.cleaned_data[name] for name in SOMEONE_FIELDS}

    @property
    def overdose(self) -> dict:
        return {name: self.cleaned_data[name] for name in OVERDOSE_FORM_FIELDS}

    @property
    def team(self) -> Team:
        return self.cleaned_data["team"]


class LinkRecordForm(CheckedInputForm, forms.Form):
    """Someone not yet known was a person on record: which one (their client reference or
    NHS number, among the people the user may see)."""

    reference = forms.CharField(
        label="Their client reference or NHS number",
        max_length=30,
        help_text="Find them with the search box at the top of the page if you need to.",
        error_messages={"required": "Give the client reference or NHS number of their record."},
    )

    def __init__(self, *args, people: QuerySet[ServiceUser], **kwargs):
        super().__init__(*args, **kwargs)
        self._people = people

    def clean_reference(self) -> ServiceUser:
        value = self.cleaned_data["reference"].strip()
        nhs_number = nhs_number_in(value)
        people = self._people.filter(
            **({"nhs_number": nhs_number} if nhs_number else {"client_ref__iexact": value})
        )
        person = people.first()
        if person is None:
            raise forms.ValidationError(
                "No one you can see has this client reference or NHS number: check it."
            )
        return person


class NonClientNaloxoneForm(NaloxoneSupplyForm):
    """A kit given to someone who is not a client: the supply record, who received it (never
    the person at risk: they would be a client), and the team that gave it."""

    class Meta(NaloxoneSupplyForm.Meta):
        fields = [*NaloxoneSupply.RECORDED_FIELDS, "team"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, service_user=None, **kwargs)
        recipient = self.fields["recipient"]
        recipient.choices = [("", "Choose who received it")] + [
            choice
            for choice in NaloxoneSupply.Recipient.choices
            if choice[0] != NaloxoneSupply.Recipient.PERSON
        ]
        self.initial["recipient"] = ""
        recipient.error_messages["required"] = "Say who received the kit."
        self.initial["supplied_on"] = timezone.localdate()
        self.fields["team"] = _team_field(user)
        self.initial["team"] = self.fields["team"].initial
