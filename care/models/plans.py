"""The care and recovery plan: what a person is working towards, agreed with them and
reviewed on a schedule.

A person has one current plan. A new plan supersedes the last, which is kept as it was
(`superseded_at` says when). A plan holds goals across the domains a plan covers, each
open, achieved or no longer relevant (with the date), and the reviews held on it; each
review moves the next review's due date on by the plan's interval. A contact can say
which goal(s) it worked on (`GoalContact`). Plans, goals and reviews are never deleted
(a trigger refuses it); every write is kept in the history (`cases.history`).
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.history import never_deleted, tracked
from cases.models import Contact, ServiceUser

DEFAULT_REVIEW_WEEKS = 12
MAX_REVIEW_WEEKS = 52

PLAN_AGREED_IN_THE_FUTURE = "Record the plan once it is agreed: the date cannot be in the future."
GOAL_DATE_WITHOUT_CLOSING = (
    "Only an achieved or no longer relevant goal has a date: leave it empty while the goal is open."
)
GOAL_CLOSED_WITHOUT_DATE = "Enter the date the goal was achieved or stopped being relevant."
GOAL_CLOSED_IN_THE_FUTURE = "The date a goal closed cannot be in the future."
GOAL_CLOSED_BEFORE_PLAN = "A goal cannot close before the plan was agreed."
GOAL_DUE_BEFORE_PLAN = "The goal cannot be due before the plan was agreed."
REVIEW_IN_THE_FUTURE = "Record a review once it is held: the date cannot be in the future."
REVIEW_BEFORE_PLAN = "A review cannot be before the plan was agreed."
SUMMARY_EMPTY = "Write a short summary of the review."


class AgreedHow(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    VIDEO = "video", "By video"
    WRITING = "writing", "In writing"


class GoalDomain(models.TextChoices):
    """The domains a care and recovery plan covers, in the order a plan reads."""

    SUBSTANCE_USE = "substance_use", "Substance use"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    HOUSING = "housing", "Housing"
    MONEY = "money", "Money"
    FAMILY = "family", "Family and relationships"
    OFFENDING = "offending", "Offending"
    WORK = "work", "Work and education"


class GoalState(models.TextChoices):
    OPEN = "open", "Open"
    ACHIEVED = "achieved", "Achieved"
    NOT_RELEVANT = "not_relevant", "No longer relevant"


@tracked()
class CarePlan(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="care_plans"
    )
    agreed_on = models.DateField("date agreed with them")
    agreed_how = models.CharField("how it was agreed", max_length=10, choices=AgreedHow.choices)
    review_every_weeks = models.PositiveSmallIntegerField(
        "review every (weeks)",
        default=DEFAULT_REVIEW_WEEKS,
        validators=[
            MinValueValidator(1, "Review the plan at least every week: enter 1 or more."),
            MaxValueValidator(
                MAX_REVIEW_WEEKS,
                f"Review the plan at least once a year: {MAX_REVIEW_WEEKS} weeks or fewer.",
            ),
        ],
    )
    # When the next review is due: set from the date agreed, moved on by each review.
    review_due_on = models.DateField("next review due")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField("replaced by a new plan", null=True, blank=True)

    RECORDED_FIELDS: tuple[str, ...] = ("agreed_on", "agreed_how", "review_every_weeks")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["service_user", "-created_at"], name="careplan_newest_first"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["service_user"],
                condition=Q(superseded_at__isnull=True),
                name="careplan_one_current",
            ),
            models.CheckConstraint(
                condition=Q(review_every_weeks__gte=1, review_every_weeks__lte=MAX_REVIEW_WEEKS),
                name="careplan_review_interval",
            ),
        ]
        triggers = [never_deleted("care_careplan")]

    def __str__(self) -> str:
        return f"Care plan agreed {self.agreed_on:%d/%m/%Y}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def get_constraints(self):
        # A new plan replaces the current one: `care_plan_start` supersedes it in the same
        # transaction, so checking a new plan against "one current plan" would refuse every
        # second plan. The database still holds the rule (`careplan_one_current`).
        if self.pk is not None:
            return super().get_constraints()
        return [
            (model, [c for c in constraints if c.name != "careplan_one_current"])
            for model, constraints in super().get_constraints()
        ]

    def review_due_after(self, day: datetime.date) -> datetime.date:
        return day + datetime.timedelta(weeks=self.review_every_weeks)

    def clean(self) -> None:
        if self.agreed_on and self.agreed_on > timezone.localdate():
            raise ValidationError({"agreed_on": PLAN_AGREED_IN_THE_FUTURE})


@tracked()
class PlanReview(models.Model):
    """A review held on a plan; it moves the plan's next review on."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField("date of the review")
    who = models.CharField(
        "who took part",
        max_length=200,
        help_text="For example: the person, their keyworker and their GP.",
    )
    summary = models.TextField("summary", max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(summary=""), name="planreview_summary")]
        triggers = [never_deleted("care_planreview")]

    def __str__(self) -> str:
        return f"Review on {self.reviewed_on:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            errors["reviewed_on"] = REVIEW_IN_THE_FUTURE
        elif self.reviewed_on and self.plan_id and self.reviewed_on < self.plan.agreed_on:
            errors["reviewed_on"] = REVIEW_BEFORE_PLAN
        if not (self.summary or "").strip():
            errors["summary"] = SUMMARY_EMPTY
        if errors:
            raise ValidationError(errors)


@tracked()
class PlanGoal(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="goals")
    domain = models.CharField(max_length=20, choices=GoalDomain.choices)
    what = models.CharField(
        "the goal", max_length=300, help_text="In the person's words where you can."
    )
    by_when = models.DateField("by when")
    who_helps = models.CharField(
        "who helps",
        max_length=200,
        help_text="For example: keyworker, GP, housing officer, their sister.",
    )
    state = models.CharField(max_length=15, choices=GoalState.choices, default=GoalState.OPEN)
    state_on = models.DateField(
        "date achieved or closed",
        null=True,
        blank=True,
        help_text="When the goal was achieved or stopped being relevant.",
    )
    closed_at_review = models.ForeignKey(
        PlanReview, on_delete=models.PROTECT, null=True, blank=True, related_name="goals_closed"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    RECORDED_FIELDS: tuple[str, ...] = (
        "domain",
        "what",
        "by_when",
        "who_helps",
        "state",
        "state_on",
    )

    class Meta:
        ordering = ["domain", "by_when", "id"]
        constraints = [
            # An open goal has no closing date; an achieved or dropped one has one.
            models.CheckConstraint(
                condition=Q(state=GoalState.OPEN, state_on__isnull=True)
                | (~Q(state=GoalState.OPEN) & Q(state_on__isnull=False)),
                name="plangoal_closed_has_date",
            ),
        ]
        triggers = [never_deleted("care_plangoal")]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.what}"

    @property
    def is_open(self) -> bool:
        return self.state == GoalState.OPEN

    def clean(self) -> None:
        errors: dict[str, str] = {}
        agreed = self.plan.agreed_on if self.plan_id else None
        if self.by_when and agreed and self.by_when < agreed:
            errors["by_when"] = GOAL_DUE_BEFORE_PLAN
        if self.state == GoalState.OPEN and self.state_on:
            errors["state_on"] = GOAL_DATE_WITHOUT_CLOSING
        elif self.state and self.state != GoalState.OPEN:
            if not self.state_on:
                errors["state_on"] = GOAL_CLOSED_WITHOUT_DATE
            elif self.state_on > timezone.localdate():
                errors["state_on"] = GOAL_CLOSED_IN_THE_FUTURE
            elif agreed and self.state_on < agreed:
                errors["state_on"] = GOAL_CLOSED_BEFORE_PLAN
        if errors:
            raise ValidationError(errors)


@tracked()
class GoalContact(models.Model):
    """A contact that worked on a goal. Contacts live in `cases`, which knows nothing of
    plans, so the link lives here."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="contact_links")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="goal_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "contact"], name="goalcontact_once"),
        ]

    def __str__(self) -> str:
        return f"{self.contact} on {self.goal}"
