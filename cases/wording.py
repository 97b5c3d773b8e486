"""How a record's values read: choice words, Yes/No, UK dates, people by name.

The one statement of these rules for every place a death review's value is shown
(the review page, the saved values beside a form after an edit conflict, the
snapshot's prefilled text) and for every record's history (`cases.history`). Only
the words for "nothing recorded" differ from place to place, so they are the
caller's `empty`.
"""

import datetime
from typing import Any

from django.db import models
from django.utils import timezone


def uk_date(value: str | datetime.date | None, empty: str = "—") -> str:
    """A date, or an ISO date as snapshots and history keep them, as dd/mm/yyyy."""
    if not value:
        return empty
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def uk_moment(value: str | datetime.datetime | None, empty: str = "—") -> str:
    """A moment, or an ISO timestamp as history keeps it, as dd/mm/yyyy HH:MM in UK time."""
    if not value:
        return empty
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def uk_time(value: str | datetime.time | None, empty: str = "—") -> str:
    """A time of day, or an ISO time as history keeps it, as HH:MM."""
    if not value:
        return empty
    if isinstance(value, str):
        value = datetime.time.fromisoformat(value)
    return value.strftime("%H:%M")


def words(value: Any, model_field: models.Field | None = None, *, empty: str = "—") -> str:
    """`value` (of `model_field`, when known) as a page shows it; `empty` when there is none.

    Several values (a many-to-many field's) are joined with commas.
    """
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return uk_date(value)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ", ".join(words(item) for item in value) or empty
    if hasattr(value, "display_name"):
        return value.display_name
    return str(value)
