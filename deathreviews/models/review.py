"""A review: the death or near-fatal overdose reviewed, its facts, findings and sign-off.

With the themes and partner agencies tagged on it. A review follows the workflow in
`deathreviews.workflow`; nothing here is ever deleted (see the package's docstring).
"""

import uuid

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
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
from deathreviews.models.choices import (
    DEATH_KINDS,
    FoundBy,
    Housing,
    InquestConclusion,
    InquestStatus,
    NotificationSource,
    PlaceOfDeath,
    Preventability,
    ReviewKind,
    ReviewStatus,
    ToxicologyStatus,
)
from deathreviews.models.common import NO_DELETE, approved_at_field, approved_by_field
from deathreviews.models.reference import LearningTheme, PartnerAgency


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
