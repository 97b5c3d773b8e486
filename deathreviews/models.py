"""Death reviews and near-fatal overdose reviews, their parts, and the frozen snapshot.

A review follows the workflow in `deathreviews.workflow`; its record is kept
by domain (see `deathreviews.domains`). Every editable row carries a
`version`: a save names the version it was loaded with and is refused when
someone saved in between (`deathreviews.services`). Every change is kept by
database triggers (django-pghistory) with who made it, and nothing here is
ever deleted: foreign keys PROTECT, and a trigger refuses DELETE on reviews
and their parts. The snapshot of what Lantern knew is written once and a
trigger refuses any UPDATE or DELETE of it.

Writes go through `deathreviews.services`; reads through
`deathreviews.selectors`, starting from `reviews_visible_to(user)`.
"""

import uuid
from typing import ClassVar

import pghistory
import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q

from cases.models import (
    Ethnicity,
    InjectingStatus,
    LocalAuthority,
    OstMedicine,
    Route,
    ServiceUser,
    Sex,
    Team,
    today,
)

# Reviews and their parts are never hard-deleted, whatever the code path.
NO_DELETE = pgtrigger.Protect(name="protect_delete", operation=pgtrigger.Delete)


class ReviewKind(models.TextChoices):
    DRUG_DEATH = "drug_death", "Drug-related death"
    ALCOHOL_DEATH = "alcohol_death", "Alcohol-related death"
    NEAR_FATAL = "near_fatal", "Near-fatal overdose"


DEATH_KINDS = (ReviewKind.DRUG_DEATH, ReviewKind.ALCOHOL_DEATH)


class ReviewStatus(models.TextChoices):
    NOTIFIED = "notified", "Notified"
    GATHERING = "gathering", "Gathering information"
    READY = "ready_for_panel", "Ready for panel"
    PANEL_HELD = "panel_held", "Panel held"
    SIGNED_OFF = "signed_off", "Signed off"
    CLOSED = "closed", "Closed"


# The states whose learning may be shared on the bulletin.
SHARED_STATUSES = (ReviewStatus.SIGNED_OFF, ReviewStatus.CLOSED)


class NotificationSource(models.TextChoices):
    CORONER = "coroner", "Coroner"
    POLICE = "police", "Police"
    HOSPITAL = "hospital", "Hospital or A&E"
    AMBULANCE = "ambulance", "Ambulance service"
    GP = "gp", "GP"
    FAMILY = "family", "Family or friend"
    PARTNER = "partner", "Partner agency"
    STAFF = "staff", "Lantern staff"
    OTHER = "other", "Other"


class Housing(models.TextChoices):
    SETTLED = "settled", "Settled (own or rented home)"
    FAMILY = "family", "Living with family or friends"
    SUPPORTED = "supported", "Hostel or supported accommodation"
    TEMPORARY = "temporary", "Temporary accommodation"
    ROUGH_SLEEPING = "rough_sleeping", "Rough sleeping / no fixed abode"
    CUSTODY = "custody", "In custody"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class PlaceOfDeath(models.TextChoices):
    OWN_HOME = "own_home", "Their own home"
    OTHER_HOME = "other_home", "Someone else's home"
    HOSTEL = "hostel", "Hostel or supported accommodation"
    PUBLIC = "public", "Street or public place"
    HOSPITAL = "hospital", "Hospital"
    CUSTODY = "custody", "Prison or police custody"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class FoundBy(models.TextChoices):
    PARTNER = "partner", "Partner"
    FAMILY = "family", "Family member"
    FRIEND = "friend", "Friend or peer"
    STAFF = "staff", "Hostel, housing or support staff"
    POLICE = "police", "Police"
    PUBLIC = "public", "Member of the public"
    AMBULANCE = "ambulance", "Ambulance crew"
    NOT_APPLICABLE = "not_applicable", "Not applicable (died in hospital or was with others)"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class ToxicologyStatus(models.TextChoices):
    AWAITED = "awaited", "Awaited"
    AVAILABLE = "available", "Results available"
    NOT_AVAILABLE = "not_available", "Not done or not available"


class ToxicologySubstance(models.TextChoices):
    HEROIN = "heroin", "Heroin or morphine"
    METHADONE = "methadone", "Methadone"
    BUPRENORPHINE = "buprenorphine", "Buprenorphine"
    FENTANYL = "fentanyl", "Fentanyl or an analogue"
    NITAZENE = "nitazene", "Nitazene"
    OTHER_OPIOID = "other_opioid", "Other opioid"
    BENZODIAZEPINE = "benzodiazepine", "Prescribed benzodiazepine"
    STREET_BENZODIAZEPINE = "street_benzodiazepine", "Street benzodiazepine"
    GABAPENTIN = "gabapentin", "Gabapentin"
    PREGABALIN = "pregabalin", "Pregabalin"
    ALCOHOL = "alcohol", "Alcohol"
    COCAINE = "cocaine", "Cocaine (including crack)"
    AMPHETAMINE = "amphetamine", "Amphetamine or methamphetamine"
    CANNABIS = "cannabis", "Cannabis"
    SYNTHETIC_CANNABINOID = "synthetic_cannabinoid", "Synthetic cannabinoid"
    XYLAZINE = "xylazine", "Xylazine"
    ANTIDEPRESSANT = "antidepressant", "Antidepressant"
    ANTIPSYCHOTIC = "antipsychotic", "Antipsychotic"
    OTHER = "other", "Other"


class InquestStatus(models.TextChoices):
    NOT_OPENED = "not_opened", "Not yet opened"
    OPENED = "opened", "Opened and adjourned"
    CONCLUDED = "concluded", "Concluded"
    NONE = "none", "No inquest"


class InquestConclusion(models.TextChoices):
    DRUG_RELATED = "drug_related", "Drug-related death"
    ALCOHOL_RELATED = "alcohol_related", "Alcohol-related death"
    MISADVENTURE = "misadventure", "Accident or misadventure"
    SUICIDE = "suicide", "Suicide"
    NARRATIVE = "narrative", "Narrative conclusion"
    OPEN = "open", "Open conclusion"
    NATURAL = "natural", "Natural causes"
    OTHER = "other", "Other"


class Preventability(models.TextChoices):
    PREVENTABLE = "preventable", "Preventable"
    POTENTIALLY = "potentially", "Potentially preventable"
    NOT_PREVENTABLE = "not_preventable", "Not preventable"
    UNDETERMINED = "undetermined", "Could not be determined"


class AgencyKind(models.TextChoices):
    DRUG_SERVICE = "drug_service", "Drug and alcohol service"
    GP = "gp", "GP"
    HOSPITAL = "hospital", "Hospital or A&E"
    AMBULANCE = "ambulance", "Ambulance service"
    MENTAL_HEALTH = "mental_health", "Mental health service"
    PRISON = "prison", "Prison"
    PROBATION = "probation", "Probation"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing or homelessness service"
    SOCIAL_CARE = "social_care", "Social care"
    PHARMACY = "pharmacy", "Pharmacy"
    CORONER = "coroner", "Coroner"
    OTHER = "other", "Other"


# Reference lists, administered in the Django admin -----------------------


@pghistory.track()
class LearningTheme(models.Model):
    """A recurring theme of learning (e.g. "Loss of tolerance after prison release")."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True, help_text="Offered on new findings.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class PartnerAgency(models.Model):
    """An agency asked for information or joining a review."""

    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner agencies"

    def __str__(self) -> str:
        return self.name


# The review ----------------------------------------------------------------


def approved_by_field() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="approved for the bulletin by",
    )


def approved_at_field() -> models.DateTimeField:
    return models.DateTimeField("approved for the bulletin at", null=True, blank=True)


def _yes_no() -> models.BooleanField:
    return models.BooleanField(null=True, blank=True)


@pghistory.track()
class Review(models.Model):
    """One review of a death or a near-fatal overdose, with its record by domain."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, editable=False)
    kind = models.CharField("type of review", max_length=20, choices=ReviewKind.choices)
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.NOTIFIED
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    # Who: a person known to Lantern, or details of someone it never knew.
    service_user = models.ForeignKey(
        ServiceUser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name="person's record",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The team that held the person's record at the time.",
    )
    person_name = models.CharField(
        "name", max_length=160, blank=True, help_text="For someone the service never knew."
    )
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    age = models.PositiveSmallIntegerField("age at the time", null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=1, choices=Ethnicity.choices, blank=True)
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="local authority of residence",
    )
    lives_alone = _yes_no()
    housing = models.CharField(max_length=20, choices=Housing.choices, blank=True)
    dependent_children = models.BooleanField("had dependent children", null=True, blank=True)
    living_situation = models.TextField("living situation", blank=True)

    # Notification.
    occurred_on = models.DateField("date of death or overdose")
    notified_on = models.DateField("date notified", default=today)
    notification_source = models.CharField(
        "notified by", max_length=20, choices=NotificationSource.choices
    )
    notification_detail = models.CharField(
        "notification details", max_length=200, blank=True, help_text="Who told us, and how."
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews_led",
        verbose_name="lead reviewer",
    )

    # Substance history and route.
    substance_history = models.TextField(blank=True)
    route = models.CharField("main route", max_length=10, choices=Route.choices, blank=True)
    injecting_status = models.CharField(max_length=10, choices=InjectingStatus.choices, blank=True)

    # Treatment history and the last contact with each service.
    treatment_history = models.TextField(blank=True)
    last_contact_drug_service = models.DateField("drug service", null=True, blank=True)
    last_contact_gp = models.DateField("GP", null=True, blank=True)
    last_contact_emergency = models.DateField("A&E", null=True, blank=True)
    last_contact_hospital = models.DateField("hospital admission", null=True, blank=True)
    last_contact_prison_probation = models.DateField("prison or probation", null=True, blank=True)
    last_contact_mental_health = models.DateField("mental health", null=True, blank=True)
    last_contact_housing = models.DateField("housing", null=True, blank=True)
    service_contact_notes = models.TextField("notes on contact with services", blank=True)

    # Prescribing at death.
    ost_medicine = models.CharField(
        "OST medicine", max_length=20, choices=OstMedicine.choices, blank=True
    )
    ost_daily_dose_mg = models.DecimalField(
        "OST daily dose (mg)", max_digits=6, decimal_places=1, null=True, blank=True
    )
    ost_supervised = models.BooleanField("supervised consumption", null=True, blank=True)
    benzodiazepines_prescribed = models.BooleanField(
        "co-prescribed benzodiazepines", null=True, blank=True
    )
    gabapentinoids_prescribed = models.BooleanField(
        "co-prescribed gabapentinoids", null=True, blank=True
    )
    prescribing_notes = models.TextField(blank=True)

    # Circumstances.
    place_of_death = models.CharField(
        "place", max_length=20, choices=PlaceOfDeath.choices, blank=True
    )
    place_detail = models.CharField("place details", max_length=200, blank=True)
    found_by = models.CharField(max_length=20, choices=FoundBy.choices, blank=True)
    witnessed = _yes_no()
    naloxone_present = models.BooleanField("naloxone kit present", null=True, blank=True)
    naloxone_used = _yes_no()
    emergency_call_made = models.BooleanField("emergency call made", null=True, blank=True)
    circumstances_notes = models.TextField("notes on the circumstances", blank=True)

    # Toxicology (the findings are `ToxicologyFinding` rows).
    toxicology_status = models.CharField(
        max_length=15, choices=ToxicologyStatus.choices, default=ToxicologyStatus.AWAITED
    )

    # Cause of death and inquest.
    cause_of_death = models.TextField("cause of death", blank=True)
    inquest_status = models.CharField(max_length=12, choices=InquestStatus.choices, blank=True)
    inquest_date = models.DateField("date of inquest conclusion", null=True, blank=True)
    inquest_conclusion = models.CharField(
        max_length=20, choices=InquestConclusion.choices, blank=True
    )

    # Significant life events.
    life_events = models.TextField("significant life events", blank=True)

    # Panel findings.
    panel_date = models.DateField(null=True, blank=True)
    panel_members = models.TextField("panel members", blank=True)
    modifiable_factors = models.TextField(blank=True)
    preventability = models.CharField(
        "judged preventable", max_length=20, choices=Preventability.choices, blank=True
    )
    missed_opportunities = models.TextField(blank=True)
    learning = models.TextField(blank=True, help_text="The panel's learning, for the review.")
    bulletin_learning = models.TextField(
        "learning to share",
        blank=True,
        help_text="Shown on the learning bulletin to all staff: no name, reference, date, "
        "place or other detail that could identify the person.",
    )
    themes = models.ManyToManyField(
        LearningTheme, through="ReviewTheme", blank=True, related_name="reviews"
    )
    no_actions = models.BooleanField(
        "no actions needed", default=False, help_text="Only with the panel's reasons."
    )
    no_actions_reason = models.TextField("why no actions are needed", blank=True)

    # Joint review with partner agencies.
    joint_review = models.BooleanField(
        "reviewed jointly with partner agencies", null=True, blank=True
    )
    joint_agencies = models.ManyToManyField(
        PartnerAgency,
        through="ReviewAgency",
        blank=True,
        related_name="joint_reviews",
        verbose_name="agencies in the joint review",
    )
    joint_review_notes = models.TextField("notes on the joint review", blank=True)

    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # Set by `services.bulletin_item_approve`, cleared when the learning to share changes:
    # the learning reaches the bulletin only with governance's approval.
    bulletin_approved_by = approved_by_field()
    bulletin_approved_at = approved_at_field()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        triggers = [NO_DELETE]
        constraints = [
            models.CheckConstraint(
                condition=Q(notified_on__gte=F("occurred_on")),
                name="review_notified_after_it_happened",
            ),
            models.CheckConstraint(
                condition=Q(no_actions=False) | ~Q(no_actions_reason=""),
                name="review_no_actions_needs_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-occurred_on"]),
            models.Index(fields=["occurred_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()}"

    @property
    def is_death(self) -> bool:
        return self.kind in DEATH_KINDS

    def clean(self) -> None:
        errors: dict[str, str] = {}
        now = today()
        if self.occurred_on and self.occurred_on > now:
            errors["occurred_on"] = "This date is in the future."
        if self.notified_on and self.notified_on > now:
            errors["notified_on"] = "The notification date is in the future."
        elif self.notified_on and self.occurred_on and self.notified_on < self.occurred_on:
            errors["notified_on"] = "The notification cannot come before the date it happened."
        if self.panel_date and self.panel_date > now:
            errors["panel_date"] = "Record the panel once it has met; this date is in the future."
        if self.panel_date and self.occurred_on and self.panel_date < self.occurred_on:
            errors["panel_date"] = "The panel cannot meet before the date it reviews."
        if self.inquest_date and self.inquest_date > now:
            errors["inquest_date"] = "This date is in the future."
        if self.inquest_conclusion and self.inquest_status != InquestStatus.CONCLUDED:
            errors["inquest_conclusion"] = "A conclusion goes with a concluded inquest."
        if self.inquest_date and self.inquest_status != InquestStatus.CONCLUDED:
            errors["inquest_date"] = "The inquest date goes with a concluded inquest."
        if self.ost_daily_dose_mg is not None:
            if not self.ost_medicine:
                errors["ost_medicine"] = "Choose the OST medicine the dose is for."
            elif not 0 < self.ost_daily_dose_mg <= 500:
                errors["ost_daily_dose_mg"] = (
                    "The daily dose must be more than 0 and at most 500 mg."
                )
        if self.naloxone_used and self.naloxone_present is False:
            errors["naloxone_used"] = "Naloxone cannot have been used if no kit was present."
        if self.no_actions and not self.no_actions_reason.strip():
            errors["no_actions_reason"] = "Give the panel's reasons for needing no actions."
        if self.age is not None and self.age > 110:
            errors["age"] = "Check the age: it must be 110 or under."
        if errors:
            raise ValidationError(errors)


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class ReviewTheme(models.Model):
    """A learning theme the panel found in a review."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="+")
    theme = models.ForeignKey(LearningTheme, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "learning theme"
        constraints = [
            models.UniqueConstraint(fields=["review", "theme"], name="review_theme_once")
        ]

    def __str__(self) -> str:
        return str(self.theme)


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class ReviewAgency(models.Model):
    """A partner agency that took part in a joint review."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(PartnerAgency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "joint review agency"
        constraints = [
            models.UniqueConstraint(fields=["review", "agency"], name="review_agency_once")
        ]

    def __str__(self) -> str:
        return str(self.agency)


# The review's parts ----------------------------------------------------------


class ReviewPart(models.Model):
    """What every editable part of a review carries: an id for URLs, a version, who and when.

    Each kind of part is named once: `part_kind` in its URLs and edit rules
    (`deathreviews.domains.PART_EDITABLE_IN`), its Meta verbose name in words.
    """

    part_kind: ClassVar[str]

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        abstract = True


@pghistory.track()
class InformationRequest(ReviewPart):
    """A request for information sent to a partner agency, tracked until received or closed."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="requests")
    agency = models.ForeignKey(PartnerAgency, on_delete=models.PROTECT, related_name="requests")
    asked = models.TextField("what was asked")
    sent_on = models.DateField("sent on")
    due_on = models.DateField("due on")
    received_on = models.DateField("received on", null=True, blank=True)
    response_summary = models.TextField("what they told us", blank=True)
    closed_on = models.DateField(
        "closed without a response on",
        null=True,
        blank=True,
        help_text="Close a request that will not be answered, with the reason.",
    )
    closed_reason = models.CharField("why it was closed", max_length=200, blank=True)

    part_kind = "request"

    class Meta:
        verbose_name = "request for information"
        verbose_name_plural = "requests for information"
        ordering = ["sent_on", "id"]
        triggers = [NO_DELETE]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("sent_on")), name="request_due_after_sent"
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(closed_on__isnull=True),
                name="request_received_or_closed_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"Request to {self.agency}"

    @property
    def is_outstanding(self) -> bool:
        return self.received_on is None and self.closed_on is None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        now = today()
        if self.sent_on and self.sent_on > now:
            errors["sent_on"] = "This date is in the future."
        if self.sent_on and self.due_on and self.due_on < self.sent_on:
            errors["due_on"] = "The due date cannot be before the request was sent."
        if self.received_on:
            if self.received_on > now:
                errors["received_on"] = "This date is in the future."
            elif self.sent_on and self.received_on < self.sent_on:
                errors["received_on"] = "It cannot be received before it was sent."
            if self.closed_on:
                errors["closed_on"] = "A request that was received is not closed without one."
        if self.closed_on:
            if self.closed_on > now:
                errors["closed_on"] = "This date is in the future."
            if not self.closed_reason.strip():
                errors["closed_reason"] = "Say why the request was closed without a response."
        elif self.closed_reason.strip():
            errors["closed_on"] = "Give the date the request was closed."
        if errors:
            raise ValidationError(errors)


@pghistory.track()
class ToxicologyFinding(ReviewPart):
    """One substance found at post-mortem (or in hospital), and whether it was implicated."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="toxicology")
    substance = models.CharField(max_length=25, choices=ToxicologySubstance.choices)
    substance_detail = models.CharField(
        "substance details", max_length=120, blank=True, help_text="E.g. the name of an 'other'."
    )
    implicated = models.BooleanField(
        "implicated in the death or overdose",
        help_text="As the pathologist or clinician judged it.",
    )
    level = models.CharField("level found", max_length=60, blank=True)
    entered_in_error = models.BooleanField(
        default=False, help_text="Kept in the history, left out of the review and figures."
    )

    part_kind = "toxicology"

    class Meta:
        ordering = ["-implicated", "substance", "id"]
        triggers = [NO_DELETE]

    def __str__(self) -> str:
        return self.get_substance_display()

    def clean(self) -> None:
        if self.substance == ToxicologySubstance.OTHER and not self.substance_detail.strip():
            raise ValidationError({"substance_detail": "Name the other substance."})


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


@pghistory.track()
class ReviewAction(ReviewPart):
    """An action the panel set, owned by a member of staff and tracked to closure."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(
        help_text="Shown on the learning bulletin: no detail that could identify the person."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_actions",
        help_text="Receives reminders by email.",
    )
    partner_owner = models.CharField(
        "owner at a partner agency", max_length=160, blank=True, help_text="Optional."
    )
    due_on = models.DateField("due on")
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_on = models.DateField("done or closed on", null=True, blank=True)
    not_done_reason = models.TextField("why it was not done", blank=True)
    # As the review's learning to share: on the bulletin only once governance approved
    # this description, cleared when the description changes.
    bulletin_approved_by = approved_by_field()
    bulletin_approved_at = approved_at_field()

    part_kind = "action"

    class Meta:
        verbose_name = "action"
        ordering = ["due_on", "id"]
        triggers = [NO_DELETE]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(status__in=["open", "in_progress"]),
                name="review_action_open_by_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_done") | ~Q(not_done_reason=""),
                name="review_action_not_done_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.status == ActionStatus.NOT_DONE and not self.not_done_reason.strip():
            errors["not_done_reason"] = "Say why the action was not done."
        elif self.status != ActionStatus.NOT_DONE and self.not_done_reason.strip():
            errors["not_done_reason"] = "A reason goes only with “Not done”."
        if self.completed_on and self.completed_on > today():
            errors["completed_on"] = "This date is in the future."
        if self.completed_on and self.status in OPEN_ACTION_STATUSES:
            errors["completed_on"] = "An open action has no completion date."
        if errors:
            raise ValidationError(errors)


# The parts of a review, by their `part_kind`.
PART_MODELS: dict[str, type[ReviewPart]] = {
    model.part_kind: model for model in (ToxicologyFinding, InformationRequest, ReviewAction)
}


class ActionReminder(models.Model):
    """The one reminder email an owner gets on a day, so a retried run sends nothing twice."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    actions = models.PositiveIntegerField(help_text="How many actions the email listed.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "owner"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sent_on"], name="one_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.owner} on {self.sent_on:%d/%m/%Y}"


class ReviewSnapshot(models.Model):
    """What Lantern knew about the person on notification, frozen.

    Written once by `deathreviews.snapshot.snapshot_take`; the database refuses
    any UPDATE or DELETE of it, so the live record changing afterwards never
    changes what the panel saw.
    """

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="snapshot")
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(help_text="The date of death (or overdose) it looks back from.")
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        triggers = [
            pgtrigger.Protect(
                name="snapshot_is_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"Snapshot as of {self.as_of:%d/%m/%Y}"
