"""What every review table shares: the trigger that refuses deletes, and the approval fields."""

import pgtrigger
from django.conf import settings
from django.db import models

# Reviews and their parts are never hard-deleted, whatever the code path.
NO_DELETE = pgtrigger.Protect(name="protect_delete", operation=pgtrigger.Delete)


def approved_by_field() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="approved for the bulletin by",
    )


def approved_at_field() -> models.DateTimeField:
    return models.DateTimeField("approved for the bulletin at", null=True, blank=True)
