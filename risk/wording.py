"""A flag reason worded for a given day, one reason at a time.

A stored reason's text was worded on the day it was computed, so "9 days ago"
goes stale by the next morning. Pages re-word it from its parts (the rule's
template, the date it fired from, its count and detail) for today. The wording
follows the engine's vectorised `_reason_text` exactly; a test holds them
together. Pure: no Django.
"""

import datetime

from risk import engine


def ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def reason_text(
    template: str,
    *,
    fired_from: datetime.date | None,
    count: int,
    detail: str,
    on: datetime.date,
) -> str:
    """Fill a rule's reason template ({ago}, {date}, {count}, {detail}) as of `on`."""
    fillers = {
        "{ago}": lambda: ago((on - fired_from).days) if fired_from else "",
        "{date}": lambda: fired_from.strftime("%d/%m/%Y") if fired_from else "",
        "{count}": lambda: str(count),
        "{detail}": lambda: str(detail),
    }
    return "".join(
        fillers[part]() if part in fillers else part for part in engine.PLACEHOLDERS.split(template)
    )


def window_text(check: str, window_from: int | None, window_to: int | None) -> str:
    """A rule's window in words, in its check's unit: "0 to 14 days", "from 55 years of age"."""
    unit = engine.WINDOW_UNITS.get(check, "days")
    if window_from is not None and window_to is not None:
        return f"{window_from} to {window_to} {unit}"
    if window_from is not None:
        return f"from {window_from} {unit}"
    if window_to is not None:
        return f"up to {window_to} {unit}"
    return "while it holds"


def tier_label(tier: str) -> str:
    return engine.TIER_LABELS.get(tier, tier)
