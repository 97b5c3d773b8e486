"""Safeguarding: the children in a person's household and in contact with them, the safe
storage of take-home medication, adult and child protection referrals, and concerns of
domestic abuse and exploitation.

A child is recorded without a name (an initial, or "Child 1"), with the year they were
born, whether they live with the person, and whether children's social care is involved;
each change re-dates the record and the write history keeps what it said before. A
protection referral is open until its outcome is recorded; a concern until it is closed.
None of these records is ever deleted: a trigger refuses DELETE, whoever asks. All keep
their write history (`cases.history`).
"""

import datetime
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cases.history import never_deleted, tracked
from cases.models import ServiceUser

# A child counts until the end of the year they turn 18: the year of birth is all the
# record holds, and until then they may still be 17.
ADULT_AGE = 18
# How long after a protection referral is made its outcome is chased, unless the keyworker
# gives another date.
REFERRAL_CHASE_DAYS = 14

CHILD_NAMED = 'Use an initial (for example "A" or "A.B.") or "Child 1": never the child\'s name.'
CHILD_BORN_IN_THE_FUTURE = "The year of birth cannot be after this year."
CHILD_AN_ADULT = "Record children under 18 only: this year of birth makes them an adult."
CHILD_BORN_BEFORE_1900 = "Enter the year the child was born, for example 2016."
SAFEGUARDING_DATE_IN_THE_FUTURE = "This date cannot be in the future."
SAFE_STORAGE_EMPTY = (
    "Record at least one of these: a locked box given, safe storage discussed, or whether "
    "consumption is supervised."
)
SUPERVISED_SINCE_WITHOUT_YES = "Give a start date only when consumption is supervised."
PROTECTION_OUTCOME_WITHOUT_DATE = "Give the date of the outcome."
PROTECTION_OUTCOME_DATE_WITHOUT_OUTCOME = "Choose the outcome this date is for."
PROTECTION_OUTCOME_BEFORE_REFERRAL = "The outcome cannot be before the referral was made."
PROTECTION_CHASE_BEFORE_REFERRAL = "The date to chase it cannot be before the referral was made."
PROTECTION_OTHER_AGENCY = "Say which agency the referral went to."
CONCERN_NEEDS_ROLE = "Say whether the person is the victim, the perpetrator or both."
CONCERN_ROLE_ONLY_FOR_ABUSE = "Say this only for a concern of domestic abuse."
CONCERN_NEEDS_EXPLOITATION = "Choose the kind of exploitation."
CONCERN_EXPLOITATION_ONLY = "Say this only for a concern of exploitation."
CONCERN_CLOSED_BEFORE_RAISED = "A concern cannot be closed before it was raised."

_CHILD_LABEL = re.compile(r"^(?:(?:[a-z]\.?\s?){1,3}|child\s?\d{1,2})$", re.IGNORECASE)


class LivesWith(models.TextChoices):
    LIVES_WITH = "lives_with", "Lives with them"
    IN_CONTACT = "in_contact", "Does not live with them, in contact"
    NO_CONTACT = "no_contact", "No contact"


class ChildrensSocialCare(models.TextChoices):
    NONE = "none", "Not involved"
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION = "child_protection", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after"


class ProtectionAgency(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    MARAC = "marac", "MARAC"
    POLICE = "police", "Police"
    OTHER = "other", "Other"


class ProtectionOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    STRATEGY_MEETING = "strategy_meeting", "Strategy meeting"
    SECTION_47 = "section_47", "Section 47 enquiry"
    SECTION_42 = "section_42", "Section 42 enquiry"
    OTHER = "other", "Other"


class ConcernKind(models.TextChoices):
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    EXPLOITATION = "exploitation", "Exploitation"
    OTHER = "other", "Other"


class AbuseRole(models.TextChoices):
    VICTIM = "victim", "As a victim"
    PERPETRATOR = "perpetrator", "As a perpetrator"
    BOTH = "both", "Both"


class Exploitation(models.TextChoices):
    CRIMINAL = "criminal", "Criminal"
    SEXUAL = "sexual", "Sexual"
    FINANCIAL = "financial", "Financial"
    CUCKOOING = "cuckooing", "Cuckooing (their home taken over)"


def _in_the_future(value: datetime.date | None) -> bool:
    return bool(value and value > timezone.localdate())


@tracked()
class ChildInContact(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="safeguarding_children"
    )
    label = models.CharField(
        "child",
        max_length=12,
        help_text='An initial or "Child 1", never a name.',
    )
    year_of_birth = models.PositiveSmallIntegerField(
        "year of birth", help_text="If only the age is known, give the age instead."
    )
    lives_with = models.CharField("lives with the person", max_length=12, choices=LivesWith.choices)
    other_carer = models.CharField(
        "other parent or carer",
        max_length=60,
        blank=True,
        help_text="Who else cares for the child, by relationship, not by name: for example "
        "the child's mother, a grandparent, foster carers.",
    )
    social_care = models.CharField(
        "children's social care",
        max_length=20,
        choices=ChildrensSocialCare.choices,
        default=ChildrensSocialCare.NONE,
    )
    recorded_on = models.DateField(
        "as of", help_text="The day this was known to be so; each change gives a new date."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    RECORDED_FIELDS: tuple[str, ...] = (
        "label",
        "year_of_birth",
        "lives_with",
        "other_carer",
        "social_care",
        "recorded_on",
    )

    class Meta:
        ordering = ["year_of_birth", "id"]
        indexes = [models.Index(fields=["service_user", "year_of_birth"], name="child_of_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_of_birth__gte=1900), name="child_born_after_1900"
            ),
        ]
        triggers = [never_deleted("care_childincontact")]

    def __str__(self) -> str:
        return f"{self.label} (born {self.year_of_birth})"

    def age_in(self, year: int) -> int:
        return year - self.year_of_birth

    def is_child_in(self, year: int) -> bool:
        return self.age_in(year) <= ADULT_AGE

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.label and not _CHILD_LABEL.match(self.label.strip()):
            errors["label"] = CHILD_NAMED
        this_year = timezone.localdate().year
        if self.year_of_birth is not None:
            if self.year_of_birth > this_year:
                errors["year_of_birth"] = CHILD_BORN_IN_THE_FUTURE
            elif self.year_of_birth < 1900:
                errors["year_of_birth"] = CHILD_BORN_BEFORE_1900
            elif not self.is_child_in(this_year):
                errors["year_of_birth"] = CHILD_AN_ADULT
        if _in_the_future(self.recorded_on):
            errors["recorded_on"] = SAFEGUARDING_DATE_IN_THE_FUTURE
        if errors:
            raise ValidationError(errors)


@tracked()
class SafeStorage(models.Model):
    """One a person: what is known of how their take-home medication is kept safe. Each
    change is kept in the history."""

    service_user = models.OneToOneField(
        ServiceUser, on_delete=models.PROTECT, related_name="safe_storage"
    )
    locked_box_given_on = models.DateField(
        "locked box given",
        null=True,
        blank=True,
        help_text="When a locked box for medication was given (or seen at home).",
    )
    storage_discussed_on = models.DateField(
        "safe storage discussed",
        null=True,
        blank=True,
        help_text="The last time safe storage of take-home doses was talked through.",
    )
    supervised_consumption = models.BooleanField(
        "supervised consumption in place", null=True, blank=True
    )
    supervised_since = models.DateField("supervised since", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    RECORDED_FIELDS: tuple[str, ...] = (
        "locked_box_given_on",
        "storage_discussed_on",
        "supervised_consumption",
        "supervised_since",
    )

    class Meta:
        verbose_name_plural = "safe storage"
        constraints = [
            models.CheckConstraint(
                condition=Q(supervised_since__isnull=True) | Q(supervised_consumption=True),
                name="safe_storage_supervised_since_only_if_supervised",
            ),
        ]
        triggers = [never_deleted("care_safestorage")]

    def __str__(self) -> str:
        return "Safe storage of take-home medication"

    @property
    def recorded(self) -> bool:
        """Whether safe storage is on record: a locked box given, or storage talked through.
        Supervised consumption alone is not enough: take-home doses remain on the days
        it does not cover."""
        return bool(self.locked_box_given_on or self.storage_discussed_on)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("locked_box_given_on", "storage_discussed_on", "supervised_since"):
            if _in_the_future(getattr(self, field)):
                errors[field] = SAFEGUARDING_DATE_IN_THE_FUTURE
        if self.supervised_since and self.supervised_consumption is not True:
            errors["supervised_since"] = SUPERVISED_SINCE_WITHOUT_YES
        if errors:
            raise ValidationError(errors)
        if not (
            self.locked_box_given_on
            or self.storage_discussed_on
            or self.supervised_consumption is not None
        ):
            raise ValidationError(SAFE_STORAGE_EMPTY)


@tracked()
class ProtectionReferral(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="protection_referrals"
    )
    agency = models.CharField("referred to", max_length=24, choices=ProtectionAgency.choices)
    agency_other = models.CharField(
        "which agency",
        max_length=100,
        blank=True,
        help_text="Only for a referral to another agency.",
    )
    reason = models.TextField("why")
    made_on = models.DateField("date made")
    chase_on = models.DateField(
        "chase the outcome by",
        help_text=f"Leave empty to chase it {REFERRAL_CHASE_DAYS} days after it was made.",
    )
    outcome = models.CharField(max_length=20, choices=ProtectionOutcome.choices, blank=True)
    outcome_on = models.DateField("date of the outcome", null=True, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    RECORDED_FIELDS: tuple[str, ...] = ("agency", "agency_other", "reason", "made_on", "chase_on")

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [
            models.Index(
                fields=["service_user", "outcome", "chase_on"], name="protection_ref_to_chase"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(chase_on__gte=F("made_on")), name="protection_ref_chase_after_made"
            ),
            models.CheckConstraint(
                condition=Q(outcome="", outcome_on__isnull=True)
                | (~Q(outcome="") & Q(outcome_on__gte=F("made_on"))),
                name="protection_ref_outcome_dated",
            ),
        ]
        triggers = [never_deleted("care_protectionreferral")]

    def __str__(self) -> str:
        return f"Protection referral to {self.agency_name} on {self.made_on:%d/%m/%Y}"

    @property
    def agency_name(self) -> str:
        if self.agency == ProtectionAgency.OTHER and self.agency_other:
            return self.agency_other
        return self.get_agency_display()

    @property
    def is_open(self) -> bool:
        return not self.outcome

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if _in_the_future(self.made_on):
            errors["made_on"] = SAFEGUARDING_DATE_IN_THE_FUTURE
        if self.agency == ProtectionAgency.OTHER and not (self.agency_other or "").strip():
            errors["agency_other"] = PROTECTION_OTHER_AGENCY
        if self.made_on and self.chase_on and self.chase_on < self.made_on:
            errors["chase_on"] = PROTECTION_CHASE_BEFORE_REFERRAL
        if self.outcome and not self.outcome_on:
            errors["outcome_on"] = PROTECTION_OUTCOME_WITHOUT_DATE
        elif self.outcome_on and not self.outcome:
            errors["outcome"] = PROTECTION_OUTCOME_DATE_WITHOUT_OUTCOME
        elif _in_the_future(self.outcome_on):
            errors["outcome_on"] = SAFEGUARDING_DATE_IN_THE_FUTURE
        elif self.outcome_on and self.made_on and self.outcome_on < self.made_on:
            errors["outcome_on"] = PROTECTION_OUTCOME_BEFORE_REFERRAL
        if errors:
            raise ValidationError(errors)


@tracked()
class SafeguardingConcern(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="safeguarding_concerns"
    )
    kind = models.CharField("concern", max_length=16, choices=ConcernKind.choices)
    abuse_role = models.CharField(
        "domestic abuse: the person is involved",
        max_length=12,
        choices=AbuseRole.choices,
        blank=True,
    )
    exploitation = models.CharField(
        "kind of exploitation", max_length=12, choices=Exploitation.choices, blank=True
    )
    raised_on = models.DateField("raised")
    closed_on = models.DateField("closed", null=True, blank=True)
    note = models.CharField(
        "note",
        max_length=300,
        help_text="A line on what is known and what is being done; details belong in a case note.",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    RECORDED_FIELDS: tuple[str, ...] = ("kind", "abuse_role", "exploitation", "raised_on", "note")

    class Meta:
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["service_user", "closed_on"], name="concern_open_of_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("raised_on")),
                name="concern_closed_after_raised",
            ),
            models.CheckConstraint(
                condition=Q(kind="domestic_abuse", abuse_role__gt="")
                | (~Q(kind="domestic_abuse") & Q(abuse_role="")),
                name="concern_abuse_role_for_abuse",
            ),
            models.CheckConstraint(
                condition=Q(kind="exploitation", exploitation__gt="")
                | (~Q(kind="exploitation") & Q(exploitation="")),
                name="concern_exploitation_kind",
            ),
        ]
        triggers = [never_deleted("care_safeguardingconcern")]

    def __str__(self) -> str:
        return f"{self.description} raised {self.raised_on:%d/%m/%Y}"

    @property
    def description(self) -> str:
        if self.kind == ConcernKind.DOMESTIC_ABUSE:
            return f"Domestic abuse ({self.get_abuse_role_display().lower()})"
        if self.kind == ConcernKind.EXPLOITATION:
            return f"Exploitation: {self.get_exploitation_display().lower()}"
        return self.get_kind_display()

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if _in_the_future(self.raised_on):
            errors["raised_on"] = SAFEGUARDING_DATE_IN_THE_FUTURE
        if self.kind == ConcernKind.DOMESTIC_ABUSE and not self.abuse_role:
            errors["abuse_role"] = CONCERN_NEEDS_ROLE
        elif self.kind != ConcernKind.DOMESTIC_ABUSE and self.abuse_role:
            errors["abuse_role"] = CONCERN_ROLE_ONLY_FOR_ABUSE
        if self.kind == ConcernKind.EXPLOITATION and not self.exploitation:
            errors["exploitation"] = CONCERN_NEEDS_EXPLOITATION
        elif self.kind != ConcernKind.EXPLOITATION and self.exploitation:
            errors["exploitation"] = CONCERN_EXPLOITATION_ONLY
        if _in_the_future(self.closed_on):
            errors["closed_on"] = SAFEGUARDING_DATE_IN_THE_FUTURE
        elif self.closed_on and self.raised_on and self.closed_on < self.raised_on:
            errors["closed_on"] = CONCERN_CLOSED_BEFORE_RAISED
        if errors:
            raise ValidationError(errors)
