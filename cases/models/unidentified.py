"""People the service hears of through an overdose before it knows who they are.

A notifier (an ambulance crew, a hostel, a peer) often gives only a first name or a
description. The overdose is recorded against an `UnidentifiedPerson` held by the team
that will follow it up; once the service knows who it was, the person is linked to an
existing record or becomes a new one, and their overdoses move to that record.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cases.history import tracked
from cases.models.organisation import Team, User
from cases.models.people import ServiceUser, Sex

# The youngest and oldest plausible approximate ages a notifier may give.
APPROXIMATE_AGES = (10, 100)


@tracked()
class UnidentifiedPerson(models.Model):
    RECORDED_FIELDS: tuple[str, ...] = ("description", "approximate_age", "sex")

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The team whose duty worker follows the overdose up.",
    )
    description = models.CharField(
        "name or description",
        max_length=200,
        help_text="What the notifier could say: a name, a nickname, or what they look like.",
    )
    approximate_age = models.PositiveSmallIntegerField("approximate age", null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_STATED)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    linked_to = models.ForeignKey(
        ServiceUser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The record this person turned out to be.",
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "person not yet known"
        verbose_name_plural = "people not yet known"
        constraints = [
            models.CheckConstraint(
                condition=Q(linked_to__isnull=True, linked_at__isnull=True)
                | Q(linked_to__isnull=False, linked_at__isnull=False),
                name="unidentified_link_says_when",
            ),
        ]

    def __str__(self) -> str:
        age = f", about {self.approximate_age}" if self.approximate_age else ""
        return f"Not yet known: {self.description}{age}"

    @property
    def is_linked(self) -> bool:
        return self.linked_to_id is not None

    def clean(self) -> None:
        low, high = APPROXIMATE_AGES
        if self.approximate_age is not None and not low <= self.approximate_age <= high:
            raise ValidationError(
                {"approximate_age": f"Give an age between {low} and {high}, or leave it empty."}
            )
