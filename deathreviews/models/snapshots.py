"""The frozen snapshot of what Lantern knew about the person, written once per review."""

import pgtrigger
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from cases.models import ServiceUser
from deathreviews.models.review import Review


class ReviewSnapshot(models.Model):
    """What Lantern knew about the person on notification, frozen.

    Written once by `deathreviews.snapshot.snapshot_take`; the database refuses
    any UPDATE or DELETE of it, so the live record changing afterwards never
    changes what the panel saw.
    """

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="snapshot")
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(help_text="The date of death (or overdose) it looks back from.")
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        triggers = [
            pgtrigger.Protect(
                name="snapshot_is_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"Snapshot as of {self.as_of:%d/%m/%Y}"
