"""The parts of a review that people add one by one: information requests to other
agencies, toxicology findings and the actions agreed, with reminders about actions.

Each part carries its own `version` for conflict checks and is never deleted.
"""

import uuid
from typing import ClassVar

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from cases.models import today
from deathreviews.models.choices import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    ToxicologySubstance,
)
from deathreviews.models.common import NO_DELETE, approved_at_field, approved_by_field
from deathreviews.models.reference import PartnerAgency
from deathreviews.models.review import Review


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
    partner_organisation = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="death_review_actions",
        verbose_name="assigned to partner organisation",
        help_text="Its staff see the action in Lantern and mark its progress.",
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
# Every kind of part, for code that takes any of them (`ReviewPart` is abstract).
ConcretePart = ToxicologyFinding | InformationRequest | ReviewAction

PART_MODELS: dict[str, type[ConcretePart]] = {
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
