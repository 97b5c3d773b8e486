"""A flag reason worded for a given day, one reason at a time.

A stored reason's text was worded on the day it was computed, so "9 days ago"
goes stale by the next morning. Pages re-word it from its parts (the rule's
template, the date it fired from, its count and detail) for today, through the
engine's own `word_reasons`. Pure: no Django.
"""

import datetime

import numpy as np

from risk import engine


def ago(days: int) -> str:
    return str(engine.ago_words(np.array([days]))[0])


def reason_text(
    template: str,
    *,
    fired_from: datetime.date | None,
    count: int,
    detail: str,
    on: datetime.date,
) -> str:
    """Fill a rule's reason template ({ago}, {date}, {count}, {detail}) as of `on`."""
    worded = engine.word_reasons(
        template,
        fired_from=np.array([fired_from or "NaT"], dtype="datetime64[D]"),
        count=np.array([count]),
        detail=np.array([detail], dtype=object),
        day=on,
    )
    return str(worded[0])


def summary_text(
    summary: str,
    *,
    on: datetime.date,
    raised_on: datetime.date | None = None,
    ended_on: datetime.date | None = None,
) -> str:
    """A flag's stored summary (worded for no day: see `engine.word_reasons`) in words.

    An open flag's reads as of `on`. An ended flag's reads as it last stood while it
    still fired: the day before it ended, or the day it was raised if later.
    """
    if ended_on is not None:
        last_fired = ended_on - datetime.timedelta(days=1)
        on = min(on, max(last_fired, raised_on or last_fired))
    return engine.word_marked(summary, on)


def flag_summary(flag, *, on: datetime.date) -> str:
    """`summary_text` for a flag (anything with its summary, raised_on and ended_on)."""
    return summary_text(flag.summary, on=on, raised_on=flag.raised_on, ended_on=flag.ended_on)


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


# The engine's tiers (`engine.TIERS`) in words, declared once: the flag model's
# choices, badges, legends, figures and filters all read these.
TIER_LABELS = {"very_high": "Very high", "high": "High", "raised": "Raised"}


SELECTIVITY_WORDS = {"very_high": "very high", "high_or_above": "very high plus high"}


def selectivity_warning(shares: dict[str, float]) -> str:
    """Words for tiers that cover too many people to stay selective, or "" if they do not."""
    over = engine.unselective(shares)
    if not over:
        return ""
    found = "; ".join(
        f"{SELECTIVITY_WORDS[key]} holds {shares[key]:.1f}% of the population "
        f"(at most {engine.SELECTIVE_MAX_PERCENT[key]:g}%)"
        for key in over
    )
    return (
        f"The tiers are not selective: {found}. Flags that cover this many people stop being "
        "read; review the rule set's weights and thresholds against its backtest."
    )


def tier_label(tier: str) -> str:
    return TIER_LABELS.get(tier, tier)


# How each of the engine's tiers looks, declared once: the badge's icon and
# Bootstrap classes (`risk_tags.tier_badge`) and the colour charts use
# (`tier_legend`, handed to scripts through `json_script`). The colour only
# repeats the tier's name and icon, which are always shown with it.
TIER_LOOKS = {
    "very_high": {
        "icon": "bi-exclamation-octagon-fill",
        "badge": "text-bg-danger",
        "colour": "#b02a37",
    },
    "high": {
        "icon": "bi-exclamation-triangle-fill",
        "badge": "text-bg-warning",
        "colour": "#c77c02",
    },
    "raised": {
        "icon": "bi-exclamation-circle",
        "badge": "text-bg-light border border-secondary",
        "colour": "#6c757d",
    },
}
UNKNOWN_TIER_LOOK = {"icon": "bi-flag", "badge": "text-bg-secondary", "colour": "#6c757d"}


def tier_legend() -> list[dict[str, str]]:
    """The engine's tiers, highest first, each with its label, icon and chart colour."""
    return [
        {
            "tier": tier,
            "label": tier_label(tier),
            "icon": TIER_LOOKS[tier]["icon"],
            "colour": TIER_LOOKS[tier]["colour"],
        }
        for tier in engine.TIERS
    ]
