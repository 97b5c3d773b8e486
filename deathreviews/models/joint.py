"""A partner organisation's own section of a joint review: what its agency knew and did,
what it found and what it learned, written by its staff from their partner pages.

An organisation takes part in a review when the review is joint and one of its agencies is
linked to the organisation (`PartnerAgency.organisation`). It has one section per review,
with a `version` for conflict checks; a section is never deleted, and its history is kept.
"""

import pghistory
from django.db import models

from deathreviews.models.common import NO_DELETE
from deathreviews.models.parts import ReviewPart
from deathreviews.models.review import Review

# The fields a partner writes, in the order the form and the review page show them.
JOINT_SECTION_FIELDS = ("knew", "did", "findings", "learning")


@pghistory.track()
class JointReviewSection(ReviewPart):
    """One partner organisation's contribution to a joint review."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="joint_sections")
    organisation = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        related_name="joint_review_sections",
        verbose_name="partner organisation",
    )
    knew = models.TextField(
        "what the agency knew",
        blank=True,
        help_text="Its contact with the person, and what it knew of their risk.",
    )
    did = models.TextField("what the agency did", blank=True)
    findings = models.TextField("the agency's findings", blank=True)
    learning = models.TextField("the agency's learning", blank=True)

    class Meta:
        verbose_name = "joint review section"
        ordering = ["organisation__name", "id"]
        triggers = [NO_DELETE]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "organisation"], name="joint_section_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"Section of {self.organisation}"

    @property
    def is_written(self) -> bool:
        return any(getattr(self, name).strip() for name in JOINT_SECTION_FIELDS)
