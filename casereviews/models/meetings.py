"""A team's case review meetings: who came, whom they reviewed, what they decided.

A meeting is scheduled by a team lead, prefilled with the team's people due a review,
and marked held once it has met. A held meeting is the record that the review happened:
the database refuses to delete it, or any person reviewed at it, and every change is
kept in its history. Actions are never deleted: one not needed is marked done.
"""

import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.history import tracked
from cases.models import ServiceUser, Team


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"


@tracked()
class Meeting(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="case_reviews")
    meets_on = models.DateField("date")
    meets_at = models.TimeField("time")
    place = models.CharField(
        "where or how", max_length=200, help_text="A room, or how to join a call."
    )
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="MeetingStaff",
        related_name="case_review_meetings",
        blank=True,
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meets_on", "-meets_at", "-id"]
        indexes = [models.Index(fields=["team", "meets_on"], name="case_review_by_team")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="scheduled", held_at__isnull=True)
                | Q(status="held", held_at__isnull=False),
                name="case_review_held_says_when",
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="held_meeting_kept",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="held"),
            )
        ]

    def __str__(self) -> str:
        return f"Case review of {self.team} on {self.meets_on:%d/%m/%Y}"

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD


@tracked()
class MeetingStaff(models.Model):
    """A member of staff attending a meeting (tracked, so who came keeps its history)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attends_once_a_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}"


@tracked()
class PartnerAttendee(models.Model):
    """A named representative of a partner agency at a meeting (no account in Lantern)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=120)
    organisation = models.CharField(max_length=160)
    role = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


# A person reviewed at a held meeting stays: that they were reviewed is the record.
KEEP_REVIEWED_AT_HELD = pgtrigger.Trigger(
    name="reviewed_at_held_kept",
    operation=pgtrigger.Delete,
    when=pgtrigger.Before,
    func="""
        IF EXISTS (SELECT 1 FROM casereviews_meeting m
                   WHERE m.id = OLD.meeting_id AND m.status = 'held') THEN
            RAISE EXCEPTION 'A person reviewed at a held case review is never removed';
        END IF;
        RETURN OLD;
    """,
)


@tracked()
class ReviewedPerson(models.Model):
    """One person on a meeting's list, with what the meeting decided for them."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reviewed")
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="case_reviews"
    )
    decisions = models.TextField(blank=True)
    next_review_on = models.DateField("next review by", null=True, blank=True)

    class Meta:
        ordering = ["meeting", "service_user__last_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "service_user"], name="reviewed_once_a_meeting"
            )
        ]
        indexes = [models.Index(fields=["service_user"], name="case_review_person")]
        triggers = [KEEP_REVIEWED_AT_HELD]

    def __str__(self) -> str:
        return f"{self.service_user} at {self.meeting}"


@tracked()
class ReviewAction(models.Model):
    """An action a meeting set for one person, owned by a member of staff."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reviewed = models.ForeignKey(ReviewedPerson, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField("what")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_review_actions"
    )
    partner_organisation = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_review_actions",
        verbose_name="assigned to partner organisation",
        help_text="Its staff see the action in Lantern and mark it done.",
    )
    due_on = models.DateField("due by")
    done_on = models.DateField("done on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(done_on__isnull=True),
                name="case_review_action_open",
            )
        ]
        triggers = [pgtrigger.Protect(name="protect_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.done_on is None


class ActionReminder(models.Model):
    """The one reminder email an owner gets on a day, so a retried run sends nothing twice."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    actions = models.PositiveIntegerField(help_text="How many actions the email listed.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "owner"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "sent_on"], name="one_case_review_reminder_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.owner} on {self.sent_on:%d/%m/%Y}"
