"""A practitioner's assessment of a person's overdose risk, with the safety plan agreed
with them at the same time.

The assessment answers each factor yes, no or not known, with a short detail where it
helps; gives the practitioner's overall judgement in its own words (low to very high:
a practitioner's view, not one of the risk engine's tiers, which stand beside it and
are never changed by it); and sets a review date. The safety plan says what the person
will do, whom they can call, whether they and the people around them hold naloxone,
and when the plan is reviewed.

A new assessment supersedes the last: the latest by date is the current one, and the
earlier ones stay readable. An assessment is never deleted (a database trigger refuses
it, whoever asks); its write history is kept (`cases.history`).
"""

import uuid

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cases.history import tracked
from cases.models import ServiceUser

ASSESSMENT_IN_THE_FUTURE = (
    "An assessment cannot be dated in the future: use today's date or an earlier one."
)
REVIEW_BEFORE_ASSESSMENT = "The review date cannot be before the date of the assessment."
PLAN_REVIEW_BEFORE_ASSESSMENT = (
    "The plan's review date cannot be before the date of the assessment."
)
TOLERANCE_WHY_NEEDED = "Say why their tolerance is reduced."
TOLERANCE_WHY_ONLY_IF_REDUCED = (
    "Give a reason only when their tolerance is reduced: answer Yes above."
)
POLYDRUG_WHAT_NEEDED = "Choose what they use with opioids."
POLYDRUG_WHAT_ONLY_IF_YES = (
    "Choose what they use only when they use other drugs with opioids: answer Yes above."
)
HOUSING_WHAT_NEEDED = "Say whether they are homeless or insecurely housed."
HOUSING_WHAT_ONLY_IF_YES = "Choose their housing only when it is a concern: answer Yes above."
OWN_VIEW_EMPTY = (
    "Write their own view of their risk, in their words, or that they did not want to say."
)
PLAN_EMPTY = "Choose at least one thing they will do, or write it in their words."


class Answer(models.TextChoices):
    """The answer to each factor: a fact not asked or not told is "not known", never "no"."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class ToleranceReason(models.TextChoices):
    PRISON = "prison", "Released from prison"
    HOSPITAL = "hospital", "Out of hospital"
    DETOX = "detox", "After detox or residential treatment"
    BREAK = "break", "A break in use"
    OTHER = "other", "Other"


class AlongsideOpioids(models.TextChoices):
    """What a person uses with opioids that raises the risk of overdose."""

    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines"
    ALCOHOL = "alcohol", "Alcohol"
    GABAPENTINOIDS = "gabapentinoids", "Gabapentin or pregabalin"
    STIMULANTS = "stimulants", "Cocaine or other stimulants"
    OTHER = "other", "Other"


class HousingConcern(models.TextChoices):
    HOMELESS = "homeless", "Homeless (sleeping rough, no fixed abode)"
    INSECURE = "insecure", "Insecurely housed (sofa surfing, hostel, notice to leave)"


class RiskJudgement(models.TextChoices):
    """The practitioner's overall judgement of the person's overdose risk: their own view,
    in their own scale, not one of the risk engine's tiers."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class PlanStep(models.TextChoices):
    """What a person will do to keep safer, as a safety plan says it."""

    NOT_ALONE = "not_alone", "Not use alone, or tell someone first"
    TEST_DOSE = "test_dose", "Test a small amount first"
    SUPERVISED = "supervised", "Use in a supervised setting"
    NO_MIXING = "no_mixing", "Not mix with alcohol or pills"
    CARRY_NALOXONE = "carry_naloxone", "Carry naloxone"
    LOWER_DOSE = "lower_dose", "Use less after a break"


def _answer(label: str, help_text: str = "") -> models.CharField:
    return models.CharField(label, max_length=10, choices=Answer.choices, help_text=help_text)


def _detail(label: str) -> models.CharField:
    return models.CharField(label, max_length=200, blank=True, default="")


@tracked()
class RiskAssessment(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    assessed_on = models.DateField("date of the assessment")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    # The factors, each answered yes, no or not known, with a short detail.
    uses_alone = _answer("Uses alone")
    uses_alone_detail = _detail("Uses alone: detail")
    reduced_tolerance = _answer("Reduced tolerance")
    tolerance_reason = models.CharField(
        "why their tolerance is reduced",
        max_length=10,
        choices=ToleranceReason.choices,
        blank=True,
        default="",
    )
    reduced_tolerance_detail = _detail("Reduced tolerance: detail")
    polydrug = _answer("Uses other drugs with opioids")
    alongside_opioids = ArrayField(
        models.CharField(max_length=16, choices=AlongsideOpioids.choices),
        verbose_name="what they use with opioids",
        default=list,
        blank=True,
    )
    polydrug_detail = _detail("Other drugs: detail")
    recent_overdose = _answer(
        "An overdose or near miss recently", help_text="In the last three months."
    )
    recent_overdose_detail = _detail("Overdose or near miss: detail")
    mental_health = _answer("A mental health concern")
    mental_health_detail = _detail("Mental health: detail")
    housing_problem = _answer("Homeless or insecurely housed")
    housing = models.CharField(
        "their housing", max_length=10, choices=HousingConcern.choices, blank=True, default=""
    )
    housing_detail = _detail("Housing: detail")
    own_view = models.TextField(
        "their own view of their risk",
        max_length=1000,
        help_text="In their words.",
    )
    judgement = models.CharField(
        "your overall judgement of their overdose risk",
        max_length=10,
        choices=RiskJudgement.choices,
    )
    review_on = models.DateField("review the assessment by")

    # The safety plan, agreed with the person.
    plan_steps = ArrayField(
        models.CharField(max_length=16, choices=PlanStep.choices),
        verbose_name="what they will do",
        default=list,
        blank=True,
    )
    plan_in_their_words = models.TextField(
        "what they will do, in their words", max_length=1000, blank=True, default=""
    )
    plan_contacts = models.CharField(
        "who they can call",
        max_length=300,
        blank=True,
        default="",
        help_text="Names and how they know them, e.g. Sam (sister), the hostel night staff.",
    )
    naloxone_held = _answer("They hold naloxone")
    naloxone_around = _answer("The people around them hold naloxone")
    plan_review_on = models.DateField("review the safety plan by")

    # What a practitioner records, in the form's order: the assessment, then the plan.
    ASSESSED_FIELDS: tuple[str, ...] = (
        "assessed_on",
        "uses_alone",
        "uses_alone_detail",
        "reduced_tolerance",
        "tolerance_reason",
        "reduced_tolerance_detail",
        "polydrug",
        "alongside_opioids",
        "polydrug_detail",
        "recent_overdose",
        "recent_overdose_detail",
        "mental_health",
        "mental_health_detail",
        "housing_problem",
        "housing",
        "housing_detail",
        "own_view",
        "judgement",
        "review_on",
    )
    PLAN_FIELDS: tuple[str, ...] = (
        "plan_steps",
        "plan_in_their_words",
        "plan_contacts",
        "naloxone_held",
        "naloxone_around",
        "plan_review_on",
    )
    RECORDED_FIELDS: tuple[str, ...] = ASSESSED_FIELDS + PLAN_FIELDS
    # The factors, each with its detail field, in the order the pages list them.
    FACTORS: tuple[tuple[str, str], ...] = (
        ("uses_alone", "uses_alone_detail"),
        ("reduced_tolerance", "reduced_tolerance_detail"),
        ("polydrug", "polydrug_detail"),
        ("recent_overdose", "recent_overdose_detail"),
        ("mental_health", "mental_health_detail"),
        ("housing_problem", "housing_detail"),
    )

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-id"]
        indexes = [
            models.Index(
                fields=["service_user", "-assessed_on", "-recorded_at", "-id"],
                name="riskassessment_newest_first",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__gte=F("assessed_on")),
                name="riskassessment_review_after",
            ),
            models.CheckConstraint(
                condition=Q(plan_review_on__gte=F("assessed_on")),
                name="riskassessment_plan_review_after",
            ),
            models.CheckConstraint(condition=~Q(own_view=""), name="riskassessment_has_own_view"),
        ]
        triggers = [
            # An assessment is superseded by the next, never removed: no delete from the
            # app, the admin or SQL. TRUNCATE (test teardown, the demo's reset) is not a
            # row trigger's business.
            pgtrigger.Trigger(
                name="never_deleted",
                when=pgtrigger.Before,
                operation=pgtrigger.Delete,
                func="""
                RAISE EXCEPTION 'care_riskassessment is never deleted: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
                """,
            )
        ]

    def __str__(self) -> str:
        return f"Overdose risk assessment on {self.assessed_on:%d/%m/%Y}"

    @property
    def factors(self) -> list[dict[str, str]]:
        """Each factor's question, answer and detail, for the pages."""
        rows = []
        for name, detail in self.FACTORS:
            field = self._meta.get_field(name)
            rows.append(
                {
                    "name": name,
                    "label": str(field.verbose_name),
                    "answer": getattr(self, name),
                    "answer_label": Answer(getattr(self, name)).label,
                    "detail": self._factor_detail(name, getattr(self, detail)),
                }
            )
        return rows

    def _factor_detail(self, name: str, detail: str) -> str:
        also = ""
        if name == "reduced_tolerance" and self.tolerance_reason:
            also = ToleranceReason(self.tolerance_reason).label
        elif name == "polydrug" and self.alongside_opioids:
            also = ", ".join(AlongsideOpioids(v).label for v in self.alongside_opioids)
        elif name == "housing_problem" and self.housing:
            also = HousingConcern(self.housing).label
        return "; ".join(part for part in (also, detail) if part)

    @property
    def plan_step_labels(self) -> list[str]:
        return [PlanStep(v).label for v in self.plan_steps]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.assessed_on and self.assessed_on > timezone.localdate():
            errors["assessed_on"] = ASSESSMENT_IN_THE_FUTURE
        if self.assessed_on and self.review_on and self.review_on < self.assessed_on:
            errors["review_on"] = REVIEW_BEFORE_ASSESSMENT
        if self.assessed_on and self.plan_review_on and self.plan_review_on < self.assessed_on:
            errors["plan_review_on"] = PLAN_REVIEW_BEFORE_ASSESSMENT
        _depends(
            errors,
            self.reduced_tolerance,
            self.tolerance_reason,
            "tolerance_reason",
            TOLERANCE_WHY_NEEDED,
            TOLERANCE_WHY_ONLY_IF_REDUCED,
        )
        _depends(
            errors,
            self.polydrug,
            self.alongside_opioids,
            "alongside_opioids",
            POLYDRUG_WHAT_NEEDED,
            POLYDRUG_WHAT_ONLY_IF_YES,
        )
        _depends(
            errors,
            self.housing_problem,
            self.housing,
            "housing",
            HOUSING_WHAT_NEEDED,
            HOUSING_WHAT_ONLY_IF_YES,
        )
        if not (self.own_view or "").strip():
            errors["own_view"] = OWN_VIEW_EMPTY
        if not self.plan_steps and not (self.plan_in_their_words or "").strip():
            errors["plan_steps"] = PLAN_EMPTY
        if errors:
            raise ValidationError(errors)


def _depends(
    errors: dict[str, str], answer: str, value: object, field: str, needed: str, only_if: str
) -> None:
    """A factor's "which" field: needed when the answer is yes, and only then."""
    if answer == Answer.YES and not value:
        errors[field] = needed
    elif answer and answer != Answer.YES and value:
        errors[field] = only_if
