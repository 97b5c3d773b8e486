"""How a record's values read: choice words, Yes/No, UK dates and times, people by name.

The one statement of these rules for every place a death review's value is shown
(the review page, the saved values beside a form after an edit conflict, the
snapshot's prefilled text) and for every record's history (`cases.history`). Only
the words for "nothing recorded" differ from place to place, so they are the
caller's `empty`.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone


def _shown(value: Any, empty: str, parse: Callable[[str], Any], show: Callable[[Any], str]) -> str:
    """`value`, or its ISO text as snapshots and history keep it (read with `parse`), shown
    with `show`; `empty` when there is none."""
    if not value:
        return empty
    return show(parse(value) if isinstance(value, str) else value)


def uk_date(value: str | datetime.date | None, empty: str = "—") -> str:
    """A date as dd/mm/yyyy."""
    return _shown(value, empty, datetime.date.fromisoformat, lambda day: day.strftime("%d/%m/%Y"))


def uk_moment(value: str | datetime.datetime | None, empty: str = "—") -> str:
    """A moment as dd/mm/yyyy HH:MM in UK time."""
    return _shown(
        value,
        empty,
        datetime.datetime.fromisoformat,
        lambda moment: timezone.localtime(moment).strftime("%d/%m/%Y %H:%M"),
    )


def uk_time(value: str | datetime.time | None, empty: str = "—") -> str:
    """A time of day as HH:MM."""
    return _shown(value, empty, datetime.time.fromisoformat, lambda time: time.strftime("%H:%M"))


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
