"""Each team's choice of who is due a case review."""

from django.conf import settings
from django.db import models

from cases.history import tracked
from cases.models import Team


@tracked()
class TeamReviewSetting(models.Model):
    """Whether a team reviews people at high as well as very high (very high always).

    A team without a row reviews very high only.
    """

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="review_setting")
    include_high = models.BooleanField(
        "review people at high too",
        default=False,
        help_text="People whose flag becomes high are due a case review as well as very high.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Case review tiers of {self.team}"
