"""Partner organisations at a case review meeting, and what each writes about a person.

A meeting may invite partner organisations whose staff sign in to Lantern
(`MeetingOrganisation`). For each person on the meeting's list, an invited organisation's
staff write their contribution (`PartnerContribution`): what their agency knows of the
person's risk and what it is doing about it, before or at the meeting. A contribution
carries a `version` for conflict checks, is kept in the history and is never deleted:
a held meeting's contributions are part of its record.
"""

import uuid

import pgtrigger
from django.conf import settings
from django.db import models

from casereviews.models.meetings import Meeting, ReviewedPerson
from cases.history import tracked

# The fields a partner writes, in the order the form and the meeting page show them.
CONTRIBUTION_FIELDS = ("knows", "doing")


@tracked()
class MeetingOrganisation(models.Model):
    """A partner organisation invited to contribute to a meeting in Lantern."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="invited")
    organisation = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        related_name="case_review_invitations",
    )

    class Meta:
        ordering = ["meeting", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="invited_once_a_meeting"
            )
        ]
        triggers = [pgtrigger.Protect(name="protect_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.organisation} at {self.meeting}"


@tracked()
class PartnerContribution(models.Model):
    """One invited organisation's contribution about one person on a meeting's list."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reviewed = models.ForeignKey(
        ReviewedPerson, on_delete=models.PROTECT, related_name="partner_contributions"
    )
    organisation = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        related_name="case_review_contributions",
        verbose_name="partner organisation",
    )
    knows = models.TextField(
        "what the agency knows",
        blank=True,
        help_text="Its contact with the person, and what it knows of their risk.",
    )
    doing = models.TextField("what the agency is doing about it", blank=True)
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
        ordering = ["reviewed", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewed", "organisation"], name="contribution_once_per_organisation"
            )
        ]
        triggers = [pgtrigger.Protect(name="protect_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"Contribution of {self.organisation}"

    @property
    def is_written(self) -> bool:
        return any(getattr(self, name).strip() for name in CONTRIBUTION_FIELDS)
