"""Moving a person: a change of keyworker within their team, and a request to another team."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.history import tracked
from cases.models.organisation import Team, User
from cases.models.people import ServiceUser


class Reassignment(models.Model):
    """One change of a person's keyworker within their team: kept, never edited.

    Written only by `cases.services.service_user_reassign`.
    """

    service_user = models.ForeignKey(
        "ServiceUser", on_delete=models.CASCADE, related_name="reassignments"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="reassignments")
    from_keyworker = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_keyworker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reassigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reassigned_at = models.DateTimeField(default=timezone.now)
    # True when the team lead confirmed taking the new keyworker over the team's cap.
    over_cap = models.BooleanField(default=False)
    # Set when the person came from another team by an accepted transfer request
    # (`cases.services.transfer_request_answer`); `team` is then the team they joined.
    from_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Why the person moved, and what the new keyworker needs to know. Both are asked for
    # every move; moves made before they were asked for have them empty.
    reason = models.CharField("why they are moving", max_length=200, blank=True)
    handover_note = models.TextField("handover note for the new keyworker", blank=True)

    class Meta:
        ordering = ["-reassigned_at"]
        indexes = [models.Index(fields=["team", "-reassigned_at"])]

    def __str__(self) -> str:
        return (
            f"{self.service_user_id} to {self.to_keyworker} at {self.reassigned_at:%d/%m/%Y %H:%M}"
        )


class TransferStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


@tracked()
class TransferRequest(models.Model):
    """A request to move a person known to one team to another team, answered by a lead of
    the team that holds them.

    Made by `cases.services.nhs_number_claim` when someone adds a person, or gives a
    record (`duplicate`) an NHS number, already held outside their scope: the requester
    is told nothing of the person, and the lead of `from_team` accepts (the person moves
    to `to_team` and `to_keyworker`, recorded as a `Reassignment`, where the two records
    can be made one) or declines (nothing moves). Kept, with its answer;
    `cases.services.transfer_request_answer` writes the answer.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.CASCADE, related_name="transfer_requests"
    )
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="transfers_out")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="transfers_in")
    to_keyworker = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(blank=True)
    # The requesting team's record that was given this person's NHS number: probably the
    # same person, recorded twice. Empty when the request came from adding a person.
    duplicate = models.ForeignKey(
        ServiceUser,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="record given the same NHS number",
    )

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["from_team", "status"], name="transfer_request_team")]
        constraints = [
            # Adding the same person twice asks once: one open request per person and team.
            models.UniqueConstraint(
                fields=["service_user", "to_team"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_team",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", answered_at__isnull=True)
                | (~Q(status="pending") & Q(answered_at__isnull=False)),
                name="transfer_answered_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.service_user_id} from {self.from_team_id} to {self.to_team_id} ({self.status})"
        )
