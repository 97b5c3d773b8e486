"""The response to a near-fatal overdose: a follow-up that cannot be forgotten.

Every overdose recorded as happening recently (`cases.Event`, kind non-fatal overdose,
of a known person or of someone not yet known) opens one `FollowUp`, owned by the
person's keyworker or the team's duty worker, due the same or next working day
(`overdoses.schedule`). It escalates to a team lead once overdue, and closes only with
an outcome. Each try at reaching the person is a `FollowUpAttempt`. Nothing here is
ever deleted.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.history import tracked
from cases.models import Event, Team


class Outcome(models.TextChoices):
    """How a follow-up ended: one main outcome; naloxone and referrals are recorded beside it."""

    MAT_OFFERED = "mat_offered", "Contacted: treatment (MAT) offered, decision pending"
    MAT_STARTED = "mat_started", "Contacted: started treatment (MAT)"
    MAT_RESTARTED = "mat_restarted", "Contacted: restarted treatment (MAT)"
    MAT_CONTINUING = "mat_continuing", "Contacted: already in treatment, plan reviewed"
    MAT_DECLINED = "mat_declined", "Contacted: declined treatment"
    NOT_CONTACTABLE = "not_contactable", "Not contactable"
    DIED = "died", "Died"


# The outcomes that mean the person was reached.
CONTACTED_OUTCOMES = (
    Outcome.MAT_OFFERED,
    Outcome.MAT_STARTED,
    Outcome.MAT_RESTARTED,
    Outcome.MAT_CONTINUING,
    Outcome.MAT_DECLINED,
)
# The outcomes that mean treatment was offered (every contacted outcome offers it).
MAT_OFFERED_OUTCOMES = CONTACTED_OUTCOMES
MAT_STARTED_OUTCOMES = (Outcome.MAT_STARTED, Outcome.MAT_RESTARTED)


class Referral(models.TextChoices):
    ADULT_PROTECTION = "adult_protection", "Adult protection"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    GP = "gp", "GP"
    HOUSING = "housing", "Housing"
    MENTAL_HEALTH = "mental_health", "Mental health"
    OTHER = "other", "Other"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class AttemptMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    VISIT = "visit", "Home or street visit"
    HOSPITAL = "hospital", "Seen in hospital"
    IN_PERSON = "in_person", "In person at the service"
    PARTNER = "partner", "Via a partner agency"
    LETTER = "letter", "Letter"


@tracked()
class FollowUp(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    overdose = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="follow_up")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="overdose_follow_ups"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField("due")
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The team lead told when it went overdue.",
    )
    # Safeguarding, asked before the follow-up can close.
    children_in_household = models.CharField(
        "children in the household", max_length=10, choices=Answer.choices, blank=True
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    naloxone_supplied = models.BooleanField("naloxone kit supplied", default=False)
    referrals = ArrayField(
        models.CharField(max_length=20, choices=Referral.choices),
        default=list,
        blank=True,
        help_text="Referrals made.",
    )
    closing_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["owner", "due_at"],
                condition=Q(closed_at__isnull=True),
                name="followup_open_by_owner",
            ),
            models.Index(
                fields=["team", "due_at"],
                condition=Q(closed_at__isnull=True),
                name="followup_open_by_team",
            ),
        ]
        constraints = [
            # Closed means an outcome, a time and who closed it; open means none of them.
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, closed_by__isnull=True, outcome="")
                | (
                    Q(closed_at__isnull=False, closed_by__isnull=False)
                    & ~Q(outcome="")
                    & ~Q(children_in_household="")
                ),
                name="followup_closes_with_an_outcome",
            ),
            models.CheckConstraint(
                condition=Q(escalated_at__isnull=True, escalated_to__isnull=True)
                | Q(escalated_at__isnull=False),
                name="followup_escalation_says_when",
            ),
        ]

    def __str__(self) -> str:
        return f"Overdose follow-up due {timezone.localtime(self.due_at):%d/%m/%Y %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_overdue(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at


@tracked()
class FollowUpAttempt(models.Model):
    """One try at reaching the person after their overdose."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="attempts")
    attempted_at = models.DateTimeField("when")
    method = models.CharField("how", max_length=12, choices=AttemptMethod.choices)
    reached = models.BooleanField("reached them")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attempted_at", "id"]
        indexes = [models.Index(fields=["follow_up", "attempted_at"])]

    def __str__(self) -> str:
        reached = "reached" if self.reached else "not reached"
        return f"{self.get_method_display()} at {timezone.localtime(self.attempted_at):%d/%m/%Y %H:%M}: {reached}"
