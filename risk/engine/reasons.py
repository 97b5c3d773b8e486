"""A rule's reason template worded for a day: {ago}, {date}, {count}, {detail}.

The one place reasons are worded, for a whole run or for one stored reason
re-worded on a later day. A run has many reasons but few distinct dates, counts
and details, so each combination of them is worded once and the words shared.

Worded for no day (`day=None`), each {ago} is held as its date between two
`AGO_MARK`s ("released \x1f2026-11-30\x1f"), and `word_marked` turns the marks
into words for the day the text is read. A flag's summary is stored that way, so
it reads right on any day without being rewritten every night.
Pure: no Django.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from risk.engine.rules import RuleSpec

PLACEHOLDERS = re.compile(r"(\{ago\}|\{date\}|\{count\}|\{detail\})")
# A control character: no reason template, record or keyworder's text holds one.
AGO_MARK = "\x1f"
MARKED_AGO = re.compile(f"{AGO_MARK}(\\d{{4}})-(\\d{{2}})-(\\d{{2}}){AGO_MARK}")


def ago_words(days: np.ndarray) -> np.ndarray:
    text = days.astype(str).astype(object) + " days ago"
    return np.where(days == 0, "today", np.where(days == 1, "yesterday", text))


def _reason_text(rule: RuleSpec, hits, day: np.datetime64) -> np.ndarray:
    """Fill the rule's wording for every hit (anything with `fired_from`, `count` and
    `detail` columns)."""
    return word_reasons(
        rule.reason,
        fired_from=np.asarray(hits["fired_from"]),
        count=np.asarray(hits["count"]),
        detail=np.asarray(hits["detail"]),
        day=day,
    )


def word_reasons(
    template: str, *, fired_from: np.ndarray, count: np.ndarray, detail: np.ndarray, day
) -> np.ndarray:
    """A reason template filled for each record as of `day`: {ago}, {date}, {count}, {detail}.
    With `day` None, each {ago} is left marked with its date (see the module docstring).

    The one place reasons are worded, for a whole run or for one stored reason
    re-worded on a later day. Records that read the same values share one wording, so a
    run words each combination once rather than each record.
    """
    parts = PLACEHOLDERS.split(template)
    n = len(fired_from)
    if len(parts) == 1 or n == 0:
        return np.full(n, template, dtype=object)
    dates = np.asarray(fired_from).astype("datetime64[D]")

    def ago(values: np.ndarray) -> np.ndarray:
        # A record with no date (a current-state rule) has no "days ago".
        if day is None:
            marked = AGO_MARK + np.datetime_as_string(values).astype(object) + AGO_MARK
            return np.where(np.isnat(values), "", marked)
        since = (np.full(len(values), day, dtype="datetime64[D]") - values).astype("int64")
        return np.where(np.isnat(values), "", ago_words(since))

    fillers: dict[str, tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]] = {
        "{ago}": (dates, ago),
        "{date}": (dates, _uk_words),
        "{count}": (np.asarray(count), lambda values: values.astype(str)),
        "{detail}": (np.asarray(detail), lambda values: values.astype(str)),
    }
    # Each record's combination of values, as one small number, and each value's words.
    combination = np.zeros(n, dtype=np.int64)
    codes: dict[str, np.ndarray] = {}
    words: dict[str, np.ndarray] = {}
    for part in dict.fromkeys(part for part in parts if part in fillers):
        values, wording = fillers[part]
        codes[part], distinct = _distinct(values)
        words[part] = wording(distinct)
        combination = _distinct(combination * len(distinct) + codes[part])[0]
    # One record of each combination stands for all of them.
    example = np.empty(int(combination.max()) + 1, dtype=np.int64)
    example[combination[::-1]] = np.arange(n - 1, -1, -1)
    worded = [
        "".join(str(words[part][codes[part][row]]) if part in words else part for part in parts)
        for row in example
    ]
    return np.array(worded, dtype=object)[combination]


def uk_dates(dates: np.ndarray) -> np.ndarray:
    """Dates as day/month/year text, "" for none."""
    codes, distinct = _distinct(np.asarray(dates).astype("datetime64[D]"))
    return _uk_words(distinct)[codes]


def _uk_words(dates: np.ndarray) -> np.ndarray:
    iso = np.datetime_as_string(dates.astype("datetime64[D]"))
    return np.array(
        ["" if text == "NaT" else f"{text[8:10]}/{text[5:7]}/{text[:4]}" for text in iso],
        dtype=object,
    )


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A code per value (0, 1, ... in order of first appearance) and the distinct values."""
    if values.dtype.kind == "M":
        # Dates are told apart by their day numbers, so they keep their unit.
        codes, distinct = pd.factorize(values.view("int64"), use_na_sentinel=False)
        return codes, distinct.view(values.dtype)
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return codes, np.asarray(distinct)


def clip_marked(text: str, length: int) -> str:
    """`text` cut to `length` characters without leaving half a marked date behind."""
    text = text[:length]
    if text.count(AGO_MARK) % 2:
        text = text[: text.rindex(AGO_MARK)]
    return text


def word_marked(text: str, day: datetime.date) -> str:
    """`text` worded with `day=None`, its {ago}s now in words as of `day`."""
    if AGO_MARK not in text:
        return text

    def words(match: re.Match[str]) -> str:
        fired = datetime.date(*(int(part) for part in match.groups()))
        return str(ago_words(np.array([(day - fired).days]))[0])

    return MARKED_AGO.sub(words, text)
