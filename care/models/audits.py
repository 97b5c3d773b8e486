"""The case-file audit: a random sample of a team's people in treatment, drawn by clinical
governance or the team's lead, each with a checklist prefilled from their record and the
auditor's judgement beside each item.

A round (`AuditRound`) names the team, who drew it and when, how many were asked for, and
the seed the sample was drawn with (with the number of people it was drawn from), so the
draw can be repeated. The people drawn (`AuditedPerson`) and, for each, what the record
said of each item on the day of the draw (`AuditCheck`: met, not met or not applicable,
and the fact behind it in words) are stored at the draw, so later changes to the record
never rewrite an audit. Once every item has a judgement the round is complete and frozen:
a trigger refuses any change to a completed round's checks or to the round itself. Nothing
here is ever deleted; every write is kept in the history (`cases.history`).
"""

import uuid

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.history import never_deleted, tracked
from cases.models import ServiceUser, Team

DEFAULT_SAMPLE_SIZE = 10
MAX_SAMPLE_SIZE = 50
COMMENT_MAX = 300

DISAGREE_WITHOUT_COMMENT = "Say in a few words why you disagree with what the record says."
JUDGEMENT_NEEDED = "Choose whether you agree with what the record says."


class AuditItem(models.TextChoices):
    """The checklist, in the order it reads."""

    CARE_PLAN = "care_plan", "Care plan in date and reviewed"
    RISK_ASSESSMENT = "risk_assessment", "Overdose risk assessment in date"
    TOP = "top", "TOP up to date"
    NALOXONE = "naloxone", "Naloxone held by someone who uses opioids"
    HEP_C = "hep_c", "Hepatitis C test offered"
    SAFEGUARDING = "safeguarding", "Safeguarding recorded where children live with them"


class DataSays(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Judgement(models.TextChoices):
    AGREE = "agree", "Agree"
    DISAGREE = "disagree", "Disagree"


def _frozen_once_completed(table: str, round_of_row: str) -> pgtrigger.Trigger:
    """A trigger refusing any change to a row of `table` once its round is completed;
    `round_of_row` is the SQL giving the row's round id from OLD."""
    return pgtrigger.Trigger(
        name="frozen_once_completed",
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        func=f"""
        IF EXISTS (
            SELECT 1 FROM care_auditround r
            WHERE r.id = ({round_of_row}) AND r.completed_at IS NOT NULL
        ) THEN
            RAISE EXCEPTION '{table}: a completed audit round is never changed'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
        """,
    )


@tracked()
class AuditRound(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="audit_rounds")
    sample_size = models.PositiveSmallIntegerField(
        "how many people to audit",
        default=DEFAULT_SAMPLE_SIZE,
        validators=[
            MinValueValidator(1, "Audit at least one person."),
            MaxValueValidator(
                MAX_SAMPLE_SIZE, f"Audit at most {MAX_SAMPLE_SIZE} people in one round."
            ),
        ],
    )
    # The draw: `random.Random(seed).sample` over the ids of the `eligible` people in
    # treatment in the team on `drawn_on`, in id order.
    seed = models.BigIntegerField(editable=False)
    eligible = models.PositiveIntegerField("people in treatment it was drawn from")
    drawn_on = models.DateField("date drawn")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField("completed", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-drawn_on", "-id"]
        indexes = [models.Index(fields=["team", "-drawn_on"], name="auditround_team_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_size__gte=1, sample_size__lte=MAX_SAMPLE_SIZE),
                name="auditround_sample_size",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True, completed_by__isnull=True)
                | Q(completed_at__isnull=False, completed_by__isnull=False),
                name="auditround_completed_by_whom",
            ),
        ]
        triggers = [
            never_deleted("care_auditround"),
            pgtrigger.Protect(
                name="frozen_once_completed",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__completed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Case-file audit of {self.team} drawn {self.drawn_on:%d/%m/%Y}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


@tracked()
class AuditedPerson(models.Model):
    """A person drawn into a round, in the order drawn."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(AuditRound, on_delete=models.PROTECT, related_name="people")
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "service_user"], name="audited_once"),
        ]
        triggers = [never_deleted("care_auditedperson")]

    def __str__(self) -> str:
        return f"{self.service_user} in {self.round}"


@tracked()
class AuditCheck(models.Model):
    """One checklist item for one person: what the record said on the day of the draw, and
    the auditor's judgement of it."""

    audited = models.ForeignKey(AuditedPerson, on_delete=models.PROTECT, related_name="checks")
    item = models.CharField(max_length=20, choices=AuditItem.choices)
    data_says = models.CharField("the record says", max_length=16, choices=DataSays.choices)
    fact = models.CharField("what the record shows", max_length=300)
    judgement = models.CharField(max_length=10, choices=Judgement.choices, blank=True)
    comment = models.CharField(max_length=COMMENT_MAX, blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    judged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["audited_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["audited", "item"], name="auditcheck_item_once"),
            models.CheckConstraint(
                condition=Q(judgement="", judged_by__isnull=True)
                | (~Q(judgement="") & Q(judged_by__isnull=False)),
                name="auditcheck_judged_by_whom",
            ),
            models.CheckConstraint(
                condition=~Q(judgement=Judgement.DISAGREE) | ~Q(comment=""),
                name="auditcheck_disagree_says_why",
            ),
        ]
        triggers = [
            never_deleted("care_auditcheck"),
            _frozen_once_completed(
                "care_auditcheck",
                "SELECT p.round_id FROM care_auditedperson p WHERE p.id = OLD.audited_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.get_data_says_display()}"
