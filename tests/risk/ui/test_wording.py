import datetime

import numpy as np
import pandas as pd
import pytest

from risk import engine, wording
from risk.engine.reasons import _reason_text

TODAY = datetime.date(2026, 3, 20)


@pytest.mark.parametrize(
    ("template", "fired_from", "count", "detail", "words"),
    [
        (
            "released from prison {ago}",
            datetime.date(2026, 3, 11),
            0,
            "",
            "released from prison 9 days ago",
        ),
        ("released from prison {ago}", TODAY, 0, "", "released from prison today"),
        (
            "OST stopped {ago} and not restarted",
            datetime.date(2026, 3, 19),
            0,
            "",
            "OST stopped yesterday and not restarted",
        ),
        (
            "{count} overdoses since {date}",
            datetime.date(2025, 12, 1),
            3,
            "",
            "3 overdoses since 01/12/2025",
        ),
        (
            "{detail} {ago}",
            datetime.date(2026, 2, 1),
            1,
            "lost housing",
            "lost housing 47 days ago",
        ),
        ("male", None, 0, "", "male"),
    ],
)
def test_it_words_a_stored_reason_for_a_later_day(template, fired_from, count, detail, words):
    assert (
        wording.reason_text(template, fired_from=fired_from, count=count, detail=detail, on=TODAY)
        == words
    )


def test_a_run_words_its_reasons_the_same_way():
    rule = engine.RuleSpec(
        code="r", version=1, check="male", weight=1.0, reason="released from prison {ago}"
    )
    hits = pd.DataFrame(
        {"fired_from": pd.to_datetime(["2026-03-11"]), "count": [0], "detail": [""]}
    )
    assert list(_reason_text(rule, hits, np.datetime64(TODAY, "D"))) == [
        "released from prison 9 days ago"
    ]


def test_it_says_today_yesterday_or_days_ago():
    assert [wording.ago(d) for d in (0, 1, 9)] == ["today", "yesterday", "9 days ago"]


def test_a_window_is_in_its_checks_unit():
    assert wording.window_text("prison_release", 0, 14) == "0 to 14 days"
    assert wording.window_text("age_band", 35, 54) == "35 to 54 years of age"
    assert wording.window_text("age_band", 55, None) == "from 55 years of age"
    assert wording.window_text("male", None, None) == "while it holds"
