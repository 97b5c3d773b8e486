"""A rule's reason template worded for a day: {ago}, {date}, {count}, {detail}.

The one place reasons are worded, for a whole run or for one stored reason
re-worded on a later day. Pure: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from risk.engine.rules import RuleSpec

PLACEHOLDERS = re.compile(r"(\{ago\}|\{date\}|\{count\}|\{detail\})")


def ago_words(days: np.ndarray) -> np.ndarray:
    text = days.astype(str).astype(object) + " days ago"
    return np.where(days == 0, "today", np.where(days == 1, "yesterday", text))


def _reason_text(rule: RuleSpec, hits: pd.DataFrame, day: np.datetime64) -> np.ndarray:
    """Fill the rule's wording for every hit."""
    return word_reasons(
        rule.reason,
        fired_from=hits["fired_from"].to_numpy(),
        count=hits["count"].to_numpy(),
        detail=hits["detail"].to_numpy(),
        day=day,
    )


def word_reasons(
    template: str, *, fired_from: np.ndarray, count: np.ndarray, detail: np.ndarray, day
) -> np.ndarray:
    """A reason template filled for each record as of `day`: {ago}, {date}, {count}, {detail}.

    The one place reasons are worded, for a whole run or for one stored reason
    re-worded on a later day.
    """
    parts = PLACEHOLDERS.split(template)
    n = len(fired_from)
    if len(parts) == 1 or n == 0:
        return np.full(n, template, dtype=object)
    dates = np.asarray(fired_from).astype("datetime64[D]")
    day = np.datetime64(day, "D")

    def ago() -> np.ndarray:
        # A record with no date (a current-state rule) has no "days ago".
        return np.where(np.isnat(dates), "", ago_words((day - dates).astype("int64")))

    fillers: dict[str, Callable[[], np.ndarray]] = {
        "{ago}": ago,
        "{date}": lambda: pd.Series(dates).dt.strftime("%d/%m/%Y").fillna("").to_numpy(),
        "{count}": lambda: np.asarray(count).astype(str),
        "{detail}": lambda: np.asarray(detail).astype(str),
    }
    text = pd.Series(np.full(n, "", dtype=object))
    for part in parts:
        if part in fillers:
            text = text + pd.Series(fillers[part](), dtype=object)
        elif part:
            text = text + part
    return text.to_numpy(dtype=object)
