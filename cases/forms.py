"""Forms for case records. Every field is validated; model `clean()` messages land at their field."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases import validators
from cases.models import (
    Contact,
    Disability,
    DischargeReason,
    Event,
    EventStatus,
    Intervention,
    NaloxoneSupply,
    OverdoseSubstance,
    Responder,
    Role,
    ServiceUser,
    Substance,
    Team,
    TreatmentEpisode,
    User,
)
from cases.selectors import active_team_ids, possible_duplicates

YES_NO_UNKNOWN = [("", "Not known"), ("true", "Yes"), ("false", "No")]


# The hint beside each of `Event.OVERDOSE_FIELDS`.
OVERDOSES_ONLY = "Overdoses only."

DATE_HINT = "For example, 27/03/2025"
DATE_INVALID = "Enter a real date as dd/mm/yyyy, for example 27/03/2025."


class DateInput(forms.DateInput):
    """Lantern's one date input: a text box showing and taking dd/mm/yyyy.

    Not the browser's native date picker, which follows the browser's locale
    (mm/dd/yyyy under en-US) rather than the service's. The formats it accepts
    are the project's DATE_INPUT_FORMATS; `static/js/field-checks.js` checks the
    same shape on blur, and the server remains the authority.
    """

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {"inputmode": "numeric", "autocomplete": "off", "data-date": "uk", **(attrs or {})}
        super().__init__(attrs=attrs, format="%d/%m/%Y")


def uk_date_field(field: forms.DateField) -> forms.DateField:
    """Give a date field the project's input, its hint and a message a keyworker understands."""
    field.widget = DateInput(attrs=field.widget.attrs if field.widget.attrs else None)
    field.help_text = f"{field.help_text} {DATE_HINT}." if field.help_text else DATE_HINT
    field.error_messages["invalid"] = DATE_INVALID
    return field


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class CheckedInputForm(forms.BaseForm):
    """The rules for everything typed into Lantern, with messages at the field.

    Text refuses control characters (this replaces Django's own NUL check, whose
    message means nothing to a keyworker); a date must be no earlier than 1900 and
    no more than 10 years ahead, which catches a mistyped year. Every form of the
    app's pages derives from this (a test holds them to it); a form's own rules
    narrow these further.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ] + [validators.validate_no_control_characters]
            elif isinstance(field, forms.DateField):
                field.validators = [*field.validators, validators.validate_plausible_date]


class ClientChecks:
    """Adds `add_client_checks` to a form the first time a field is rendered.

    Done then, not in `__init__`, so that messages a subclass sets after
    `super().__init__()` are the ones handed to the script.
    """

    _client_checks_added = False

    def __getitem__(self, name):
        if not self._client_checks_added:
            self._client_checks_added = True
            add_client_checks(self)
        return super().__getitem__(name)


class RecordForm(ClientChecks, CheckedInputForm, forms.ModelForm):
    """A model form with date pickers, yes / no / not known choices and friendly messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            model_field = self._meta.model._meta.get_field(name)
            if isinstance(field, forms.DateField):
                uk_date_field(field)
            elif isinstance(field, forms.TimeField):
                field.widget = TimeInput()
                field.error_messages["invalid"] = "Enter a time, e.g. 14:30."
            elif isinstance(field, forms.NullBooleanField):
                field.widget = forms.Select(choices=YES_NO_UNKNOWN)
            elif isinstance(field, forms.IntegerField | forms.DecimalField):
                field.error_messages["invalid"] = "Enter a number."
            if field.required:
                field.error_messages["required"] = (
                    f"Enter the {str(model_field.verbose_name).lower()}."
                    if not isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
                    else f"Choose the {str(model_field.verbose_name).lower()}."
                )


def team_choices_for(user: User) -> QuerySet[Team]:
    return Team.objects.filter(id__in=active_team_ids(user))


class ServiceUserForm(RecordForm):
    disabilities = forms.MultipleChoiceField(
        label="Disability",
        choices=Disability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each that applies; leave all clear until the person has been asked.",
    )
    # Wider than the stored 10 digits so "943 476 5919" can be typed with its spaces.
    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=14,
        help_text="Optional. 10 digits; spaces are fine.",
    )

    class Meta:
        model = ServiceUser
        fields = list(ServiceUser.RECORDED_FIELDS)
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        teams = team_choices_for(user)
        self.fields["team"].queryset = teams
        self.fields["keyworker"].queryset = (
            User.objects.filter(
                is_active=True,
                role__in=[Role.KEYWORKER, Role.TEAM_LEAD],
                memberships__team__in=teams,
            )
            .filter(
                Q(memberships__ends_on__isnull=True)
                | Q(memberships__ends_on__gte=timezone.localdate())
            )
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.fields["keyworker"].label_from_instance = lambda u: u.display_name
        only_team = list(teams[:2])
        if self.instance.pk is None and len(only_team) == 1:
            self.fields["team"].initial = only_team[0]
            self.fields["keyworker"].initial = user.pk

    postcode = forms.CharField(required=False, max_length=12)

    def clean_nhs_number(self) -> str:
        value = validators.normalise_nhs_number(self.cleaned_data["nhs_number"])
        if not value:
            return value
        validators.validate_nhs_number(value)
        # Whether someone holds the number is not the form's to say: the save claims it
        # (`cases.services.nhs_number_claim`), telling nothing of people outside the
        # user's scope, and the model leaves it out of its constraint checks.
        return value

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"]
        if not value:
            return value
        validators.validate_postcode(value)
        return validators.normalise_postcode(value)


class PersonAddForm(ServiceUserForm):
    """ "Add a person": the details, and a warning of people already in the user's scope
    who may be the same person (`cases.selectors.possible_duplicates`).

    With possible matches the form is refused until `different_person` is ticked;
    one with the same NHS number cannot be added again at all. `possible_matches`
    holds them for the page to list with links.
    """

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # Added here, not declared: `RecordForm` reads each declared field's model field.
        self.fields["different_person"] = forms.BooleanField(
            label="This is a different person: add them anyway", required=False
        )
        self.user = user
        self.possible_matches: list[ServiceUser] = []

    def clean(self):
        cleaned = super().clean()
        born = cleaned.get("date_of_birth")
        if self.errors or born is None:
            return cleaned
        nhs_number = cleaned.get("nhs_number", "")
        self.possible_matches = possible_duplicates(
            self.user,
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
            date_of_birth=born,
            nhs_number=nhs_number,
        )
        same_number = [
            p for p in self.possible_matches if nhs_number and p.nhs_number == nhs_number
        ]
        if same_number:
            self.add_error(
                "nhs_number",
                f"{same_number[0].display_name} ({same_number[0].client_ref}) already has this "
                "NHS number: open their record rather than adding them again.",
            )
        elif self.possible_matches and not cleaned.get("different_person"):
            self.add_error(
                "different_person",
                "Someone with this date of birth and a similar name is already on record (listed "
                "above). Open their record if it is them; if this is a different person, tick the "
                "box to add them anyway.",
            )
        return cleaned


class TransferAnswerForm(CheckedInputForm, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept: move them"), ("decline", "Decline: they stay")],
        error_messages={"required": "Choose whether to accept or decline."},
    )
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=1000, widget=forms.TextInput()
    )


class EpisodeForm(RecordForm):
    class Meta:
        model = TreatmentEpisode
        fields = list(TreatmentEpisode.RECORDED_FIELDS)

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        active = Substance.objects.filter(active=True)
        for name in ("substance_1", "substance_2", "substance_3"):
            self.fields[name].queryset = active
        self.fields["discharge_reason"].queryset = DischargeReason.objects.filter(active=True)
        self.instance.service_user = service_user
        self.instance.team_id = self.instance.team_id or service_user.team_id

    def clean(self):
        cleaned = super().clean()
        picked = [cleaned.get(n) for n in ("substance_1", "substance_2", "substance_3")]
        picked = [s for s in picked if s]
        if len(picked) != len(set(picked)):
            self.add_error("substance_2", "Each problem substance should be listed once.")
        return cleaned

    def validate_unique(self):
        # The one-open-episode rule is a partial unique constraint; say it plainly.
        super().validate_unique()
        open_episode = (
            TreatmentEpisode.objects.filter(
                service_user=self.instance.service_user, discharge_date__isnull=True
            )
            .exclude(pk=self.instance.pk)
            .first()
        )
        if open_episode and not self.cleaned_data.get("discharge_date"):
            self.add_error(
                None,
                f"This person already has an open episode (referred {open_episode.referral_date:%d/%m/%Y}). "
                "Discharge it before opening a new one.",
            )


class InterventionForm(RecordForm):
    class Meta:
        model = Intervention
        fields = list(Intervention.RECORDED_FIELDS)
        help_texts = {"medicine": "For prescribing (OST) only."}

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = service_user.episodes.all()
        self.fields["episode"].empty_label = None


class EventForm(RecordForm):
    substances_suspected = forms.MultipleChoiceField(
        choices=OverdoseSubstance.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    responders = forms.MultipleChoiceField(
        label="Who responded",
        choices=Responder.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Event
        fields = list(Event.RECORDED_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "status": "A planned prison release or hospital discharge can be entered ahead as "
            "expected; confirm it on the person's record when it happens.",
        }

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Event.OVERDOSE_FIELDS:
            self.fields[name].help_text = OVERDOSES_ONLY
        self.instance.service_user = service_user
        # Most events are recorded after they happen: left out, that is what it means.
        self.fields["status"].required = False

    def clean_status(self) -> str:
        return self.cleaned_data.get("status") or EventStatus.HAPPENED


class EventHappenedForm(RecordForm):
    """Confirms an expected release or discharge happened, on its actual date."""

    class Meta:
        model = Event
        fields = ["occurred_on"]
        labels = {"occurred_on": "Date it happened"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        expected = self.instance.occurred_on
        self.initial["occurred_on"] = min(expected, timezone.localdate())
        self.fields["occurred_on"].help_text = f"It was expected on {expected:%d/%m/%Y}."
        # Checked as the event it becomes: happened, so not in the future.
        self.instance.status = EventStatus.HAPPENED


class ContactForm(RecordForm):
    class Meta:
        model = Contact
        fields = list(Contact.RECORDED_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user


class NaloxoneSupplyForm(RecordForm):
    class Meta:
        model = NaloxoneSupply
        fields = list(NaloxoneSupply.RECORDED_FIELDS)

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user


class ReassignForm(ClientChecks, CheckedInputForm, forms.Form):
    """Choose a person's new keyworker from their team; each choice shows its caseload size."""

    keyworker = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="New keyworker",
        empty_label="Choose a keyworker",
        error_messages={"required": "Choose the new keyworker."},
    )
    reason = forms.CharField(
        label="Why they are moving",
        max_length=200,
        help_text="For example: Alice is leaving the team, or to balance caseloads.",
        error_messages={"required": "Say why they are moving."},
    )
    # Required: whatever the reason, the new keyworker starts from what the last one knew.
    handover_note = forms.CharField(
        label="Handover note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the new keyworker needs to know first: current risks, plans, who to "
        "contact. They see it on the person's record.",
        error_messages={"required": "Write a handover note for the new keyworker."},
    )
    over_cap_confirmed = forms.BooleanField(
        required=False, label="Yes, reassign them even though it goes over the cap"
    )

    def __init__(self, *args, sizes, current: User | None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = {row.keyworker.pk: row for row in sizes if row.keyworker != current}
        field = self.fields["keyworker"]
        # In the order of the sizes (by name), as the team page lists them.
        field.queryset = User.objects.filter(pk__in=choices).order_by("last_name", "first_name")
        field.label_from_instance = lambda user: _size_label(choices[user.pk])


def _size_label(row) -> str:
    state = f", over the cap by {row.over_by}" if row.over_by else ""
    if not row.over_by and row.size == row.cap:
        state = ", at the cap"
    return f"{row.keyworker.display_name} ({row.size} of {row.cap}{state})"


def add_client_checks(form: forms.BaseForm) -> forms.BaseForm:
    """Hand each field's own messages to `static/js/field-checks.js` as data attributes.

    The script then shows, on blur and on submit, exactly what the server would say
    for a missing value, a date that is not one, or a number out of range. The
    server still checks everything.
    """
    for field in form.fields.values():
        attrs = field.widget.attrs
        if field.required and "required" in field.error_messages:
            attrs["data-required-message"] = str(field.error_messages["required"])
        if isinstance(field, forms.DateField):
            attrs["data-invalid-message"] = str(field.error_messages["invalid"])
        if isinstance(field, forms.IntegerField | forms.DecimalField):
            attrs["data-invalid-message"] = str(field.error_messages["invalid"])
            for validator in field.validators:
                code = getattr(validator, "code", "")
                if code in ("min_value", "max_value"):
                    message = field.error_messages.get(code, validator.message)
                    attrs[f"data-{code.replace('_value', '')}-message"] = str(message) % {
                        "limit_value": validator.limit_value
                    }
    return form


class BreakGlassForm(CheckedInputForm, forms.Form):
    """Reach one person outside your teams: their exact reference, and why."""

    reference = forms.CharField(
        label="Client reference or NHS number",
        max_length=30,
        help_text="The exact reference, e.g. LAN-0000123, or the 10-digit NHS number.",
    )
    reason = forms.CharField(
        label="Why you need this record",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the duty shift you are covering. Governance reviews every use.",
    )


class BreakGlassReviewForm(CheckedInputForm, forms.Form):
    review_note = forms.CharField(
        label="Review note",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the review concluded, e.g. “Covering duty shift, appropriate”.",
    )


class AccessReportSearchForm(CheckedInputForm, forms.Form):
    reference = forms.CharField(
        label="Client reference or NHS number",
        max_length=30,
        help_text="The exact reference of the person whose access report you need.",
    )
