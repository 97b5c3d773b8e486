"""The lists reviews choose from, kept by administrators: learning themes and partner agencies."""

import pghistory
from django.db import models

from deathreviews.models.choices import AgencyKind


@pghistory.track()
class LearningTheme(models.Model):
    """A recurring theme of learning (e.g. "Loss of tolerance after prison release")."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True, help_text="Offered on new findings.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class PartnerAgency(models.Model):
    """An agency asked for information or joining a review."""

    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    active = models.BooleanField(default=True)
    # The organisation in Lantern whose staff answer this agency's requests themselves.
    organisation = models.OneToOneField(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_agency",
        verbose_name="partner organisation in Lantern",
        help_text="Its staff then see and answer the requests sent to this agency.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner agencies"

    def __str__(self) -> str:
        return self.name


# The review ----------------------------------------------------------------
