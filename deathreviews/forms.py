"""Forms for death reviews: notification, each domain of the record, and the parts.

Every form that edits an existing row carries the version it was loaded with
(`loaded_version`, hidden); the service refuses the save if the row has moved
on since. Model `clean()` messages land at their field, as in `cases.forms`.
"""

from django import forms
from django.db.models import Q

from cases.forms import CheckedInputForm, RecordForm
from cases.models import Role, ServiceUser, User
from cases.validators import normalise_nhs_number, validate_nhs_number
from deathreviews.access import REVIEW_ROLES
from deathreviews.domains import Domain
from deathreviews.models import (
    InformationRequest,
    LearningTheme,
    PartnerAgency,
    Review,
    ReviewAction,
    ToxicologyFinding,
)
from partners.models import PartnerOrganisation

TEXTAREA_ROWS = 3
# The hidden version arrives broken only from a page that was not Lantern's own.
VERSION_MISSING = dict.fromkeys(
    ("required", "invalid"),
    "This form came back without the version of the record it was opened from. Open it "
    "again from the review and make your change there.",
)


def reviewers() -> "forms.models.QuerySet[User]":
    return User.objects.filter(is_active=True, role__in=REVIEW_ROLES).order_by(
        "first_name", "last_name"
    )


class VersionedForm(RecordForm):
    """A record form that remembers the version of the row it was loaded from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = TEXTAREA_ROWS
        # Added after RecordForm has styled the model's fields: it is not one of them.
        self.fields["loaded_version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            initial=getattr(self.instance, "version", 1),
            error_messages=VERSION_MISSING,
        )


class ReviewDomainForm(VersionedForm):
    """One domain of a review; built for each domain by `domain_form`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "reviewer" in self.fields:
            self.fields["reviewer"].queryset = reviewers()
            self.fields["reviewer"].label_from_instance = lambda u: u.display_name
        if "themes" in self.fields:
            self.fields["themes"].queryset = LearningTheme.objects.filter(
                Q(active=True) | Q(pk__in=self.instance.themes.values("pk"))
            )
            self.fields["themes"].widget = forms.CheckboxSelectMultiple(
                choices=self.fields["themes"].choices
            )
            self.fields["themes"].label = "Learning themes"
        if "joint_agencies" in self.fields:
            self.fields["joint_agencies"].queryset = PartnerAgency.objects.filter(
                Q(active=True) | Q(pk__in=self.instance.joint_agencies.values("pk"))
            )
            self.fields["joint_agencies"].widget = forms.CheckboxSelectMultiple(
                choices=self.fields["joint_agencies"].choices
            )
        if "nhs_number" in self.fields:
            self.fields["nhs_number"].max_length = 14
            self.fields["nhs_number"].widget.attrs["maxlength"] = 14
            self.fields["nhs_number"].help_text = "For someone the service never knew. Optional."

    def clean_nhs_number(self) -> str:
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value:
            validate_nhs_number(value)
        return value


_DOMAIN_FORMS: dict[str, type[ReviewDomainForm]] = {}


def domain_form(domain: Domain) -> type[ReviewDomainForm]:
    if domain.slug not in _DOMAIN_FORMS:
        _DOMAIN_FORMS[domain.slug] = forms.modelform_factory(
            Review, form=ReviewDomainForm, fields=list(domain.fields)
        )
    return _DOMAIN_FORMS[domain.slug]


def person_ref_field() -> forms.CharField:
    return forms.CharField(
        label="Client reference or NHS number",
        required=False,
        max_length=30,
        help_text="If the person had a record in Lantern. Leave empty for someone the "
        "service never knew.",
    )


def find_person(people, value: str) -> ServiceUser | None:
    """The person among `people` with this client reference or NHS number."""
    value = value.strip()
    if not value:
        return None
    digits = normalise_nhs_number(value)
    match = Q(client_ref__iexact=value)
    if digits.isdigit() and len(digits) == 10:
        match |= Q(nhs_number=digits)
    person = people.filter(match).first()
    if person is None:
        raise forms.ValidationError(
            "No one you can see has this client reference or NHS number. Check it, or "
            "leave it empty for someone the service never knew."
        )
    return person


class NotifyForm(RecordForm):
    """File a review: what happened, who told us, and who it was about."""

    class Meta:
        model = Review
        fields = [
            "kind",
            "occurred_on",
            "notified_on",
            "notification_source",
            "notification_detail",
            "reviewer",
            "person_name",
            "age",
            "sex",
        ]
        labels = {"person_name": "Name (if they were not known to the service)"}
        help_texts = {"age": "At the time; filled from the record for someone known."}

    def __init__(self, *args, people, **kwargs):
        self._people = people
        super().__init__(*args, **kwargs)
        # Not a field of the review: added once RecordForm has styled those.
        self.fields["person_ref"] = person_ref_field()
        self.fields["reviewer"].queryset = reviewers()
        self.fields["reviewer"].label_from_instance = lambda u: u.display_name

    def clean_person_ref(self) -> ServiceUser | None:
        return find_person(self._people, self.cleaned_data["person_ref"])

    def _post_clean(self):
        # `Review` rows are built and checked by the service, which knows the person.
        pass


class LinkPersonForm(CheckedInputForm, forms.Form):
    person_ref = person_ref_field()
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_MISSING)

    def __init__(self, *args, people, **kwargs):
        self._people = people
        super().__init__(*args, **kwargs)
        self.fields["person_ref"].required = True

    def clean_person_ref(self) -> ServiceUser | None:
        return find_person(self._people, self.cleaned_data["person_ref"])


class ToxicologyForm(VersionedForm):
    class Meta:
        model = ToxicologyFinding
        fields = ["substance", "substance_detail", "implicated", "level", "entered_in_error"]


class InformationRequestForm(VersionedForm):
    class Meta:
        model = InformationRequest
        fields = [
            "agency",
            "asked",
            "sent_on",
            "due_on",
            "received_on",
            "response_summary",
            "closed_on",
            "closed_reason",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = PartnerAgency.objects.filter(
            Q(active=True) | Q(pk=self.instance.agency_id)
        )


class ActionForm(VersionedForm):
    class Meta:
        model = ReviewAction
        fields = [
            "description",
            "owner",
            "partner_owner",
            "partner_organisation",
            "due_on",
            "status",
            "not_done_reason",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Partner staff are not owners: an action for a partner is assigned to its organisation.
        self.fields["owner"].queryset = (
            User.objects.filter(Q(is_active=True) | Q(pk=self.instance.owner_id))
            .exclude(role=Role.PARTNER)
            .order_by("first_name", "last_name")
        )
        self.fields["owner"].label_from_instance = lambda u: (
            f"{u.display_name} ({u.get_role_display().lower()})"
        )
        self.fields["partner_organisation"].queryset = PartnerOrganisation.objects.filter(
            Q(active=True) | Q(pk=self.instance.partner_organisation_id)
        )


PART_FORMS = {
    "toxicology": ToxicologyForm,
    "request": InformationRequestForm,
    "action": ActionForm,
}


class BulletinApprovalForm(CheckedInputForm, forms.Form):
    """Governance's approval of one text for the bulletin, amended if need be."""

    text = forms.CharField(
        label="Text the bulletin will show",
        widget=forms.Textarea(attrs={"rows": TEXTAREA_ROWS}),
        help_text="Read by all staff and commissioners. Amend it here to take out anything "
        "that could identify someone; it is checked again when you approve.",
        error_messages={"required": "Write the words the bulletin should show."},
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_MISSING)
