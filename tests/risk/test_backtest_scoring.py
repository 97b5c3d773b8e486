"""The backtest's figures on a small dataset worked out by hand (no database).

Ten people in the population on three monthly dates (person 5 dies between the first
two and leaves it). Tier ranks: 3 very high, 2 high, 1 raised.

    flagged     1 Jan       1 Feb       1 Mar
    person 1    very high   very high   high
    person 2    high        raised      -
    person 3    raised      -           -
    person 4    -           high        high

Outcomes: person 1 dies 10 Mar; person 5 dies 20 Jan; person 2 overdoses 15 and 25 Jan;
person 3 overdoses 20 Feb; person 4 overdoses 5 Mar; person 6 overdoses on 1 Feb (the
day of a date, so not after it); person 11, never in the population, dies 10 Jan.
"""

import datetime

import numpy as np
import pandas as pd
import pytest

from risk.backtest import Snapshot, last_complete_date, monthly_dates, score_version

JAN, FEB, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)
EVERYONE = np.arange(1, 11)
WITHOUT_5 = EVERYONE[EVERYONE != 5]


def snap(day, population, flagged: dict[int, int]) -> Snapshot:
    return Snapshot(
        as_of=day,
        population=population,
        flagged=pd.DataFrame(
            {"person_id": list(flagged), "tier_rank": list(flagged.values())}, dtype="int64"
        ),
    )


SNAPSHOTS = [
    snap(JAN, EVERYONE, {1: 3, 2: 2, 3: 1}),
    snap(FEB, WITHOUT_5, {1: 3, 2: 1, 4: 2}),
    snap(MAR, WITHOUT_5, {1: 2, 4: 2}),
]

OUTCOMES = pd.DataFrame(
    {
        "person_id": [1, 5, 2, 2, 3, 4, 6, 11],
        "outcome": ["death", "death", *["overdose"] * 5, "death"],
        "on": pd.to_datetime(
            [
                "2026-03-10",
                "2026-01-20",
                "2026-01-25",
                "2026-01-15",
                "2026-02-20",
                "2026-03-05",
                "2026-02-01",
                "2026-01-10",
            ]
        ),
    }
)


@pytest.fixture(scope="module")
def figures():
    return score_version(SNAPSHOTS, OUTCOMES, (28, 90))


def test_it_counts_tiers_and_their_mean_shares_per_date(figures):
    assert figures["per_date"] == [
        {"as_of": "2026-01-01", "population": 10, "very_high": 1, "high": 1, "raised": 1},
        {"as_of": "2026-02-01", "population": 9, "very_high": 1, "high": 1, "raised": 1},
        {"as_of": "2026-03-01", "population": 9, "very_high": 0, "high": 2, "raised": 0},
    ]
    assert figures["population_mean"] == pytest.approx(28 / 3)
    shares = figures["tier_share_pct"]
    assert shares["very_high"] == pytest.approx((10 + 100 / 9 + 0) / 3)
    assert shares["high"] == pytest.approx((10 + 100 / 9 + 200 / 9) / 3)
    assert shares["raised"] == pytest.approx((10 + 100 / 9) / 3)
    assert shares["high_or_above"] == pytest.approx((20 + 200 / 9 + 200 / 9) / 3)
    assert shares["flagged"] == pytest.approx((30 + 300 / 9 + 200 / 9) / 3)


def test_deaths_count_once_per_date_at_the_tier_held_on_it(figures):
    # 28 days: person 5 (unflagged on 1 Jan), person 1 (high on 1 Mar).
    # 90 days: person 1 on each date (very high, very high, high) and person 5.
    deaths = figures["outcomes"]["death"]
    assert {k: deaths["28"][k] for k in ("very_high", "high", "raised", "unflagged", "total")} == {
        "very_high": 0,
        "high": 1,
        "raised": 0,
        "unflagged": 1,
        "total": 2,
    }
    assert {k: deaths["90"][k] for k in ("very_high", "high", "raised", "unflagged", "total")} == {
        "very_high": 2,
        "high": 1,
        "raised": 0,
        "unflagged": 1,
        "total": 4,
    }
    assert deaths["90"]["captured_high_or_above_pct"] == pytest.approx(75.0)
    assert deaths["90"]["captured_any_pct"] == pytest.approx(75.0)
    share = (20 + 200 / 9 + 200 / 9) / 3
    assert deaths["90"]["capture_per_pct_flagged_high_or_above"] == pytest.approx(75 / share)
    assert deaths["28"]["capture_per_pct_flagged_any"] == pytest.approx(
        50 / ((30 + 300 / 9 + 200 / 9) / 3)
    )
    # Person 1's run of flags began on 1 Jan: 68 days before 10 Mar, at every date.
    assert deaths["90"]["lead_time_days"] == {"median": 68.0, "q1": 68.0, "q3": 68.0}


def test_overdoses_count_a_persons_first_only_and_nothing_on_the_date_itself(figures):
    # 28 days: person 2 (15 Jan, high on 1 Jan), person 3 (20 Feb, unflagged on 1 Feb),
    # person 4 (5 Mar, high on 1 Mar). Person 6's overdose on 1 Feb is not after 1 Feb.
    overdoses = figures["outcomes"]["overdose"]
    assert {k: overdoses["28"][k] for k in ("very_high", "high", "raised", "unflagged")} == {
        "very_high": 0,
        "high": 2,
        "raised": 0,
        "unflagged": 1,
    }
    # Leads: person 2 from 1 Jan to 15 Jan (14), person 4 from 1 Feb (its run's start) to
    # 5 Mar (32).
    assert overdoses["28"]["lead_time_days"] == {"median": 23.0, "q1": 18.5, "q3": 27.5}
    # 90 days: on 1 Jan person 2 (high), 3 (raised), 4 and 6 (unflagged); on 1 Feb
    # person 3 (unflagged) and 4 (high); on 1 Mar person 4 (high).
    assert {k: overdoses["90"][k] for k in ("very_high", "high", "raised", "unflagged")} == {
        "very_high": 0,
        "high": 3,
        "raised": 1,
        "unflagged": 3,
    }
    assert overdoses["90"]["total"] == 7
    assert overdoses["90"]["captured_high_or_above_pct"] == pytest.approx(300 / 7)
    assert overdoses["90"]["captured_any_pct"] == pytest.approx(400 / 7)
    # Leads 14, 50, 32, 32.
    assert overdoses["90"]["lead_time_days"] == {"median": 32.0, "q1": 27.5, "q3": 36.5}


def test_a_break_in_the_flags_starts_the_lead_time_again():
    snapshots = [
        snap(JAN, EVERYONE, {7: 1}),
        snap(FEB, EVERYONE, {}),
        snap(MAR, EVERYONE, {7: 1}),
    ]
    outcomes = pd.DataFrame(
        {"person_id": [7], "outcome": ["death"], "on": pd.to_datetime(["2026-03-11"])}
    )
    deaths = score_version(snapshots, outcomes, (28,))["outcomes"]["death"]["28"]
    assert (deaths["raised"], deaths["total"]) == (1, 1)
    assert deaths["lead_time_days"]["median"] == 10.0


def test_nothing_to_capture_gives_zeros_and_no_lead_time():
    figures = score_version([snap(JAN, EVERYONE, {})], OUTCOMES.iloc[:0], (28, 90))
    deaths = figures["outcomes"]["death"]["90"]
    assert deaths["total"] == 0
    assert deaths["captured_any_pct"] == 0.0
    assert deaths["capture_per_pct_flagged_any"] == 0.0
    assert deaths["lead_time_days"] == {"median": None, "q1": None, "q3": None}


def test_monthly_dates_end_on_the_day_and_fall_back_to_a_months_last_day():
    assert monthly_dates(3, datetime.date(2026, 3, 31)) == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 31),
    ]
    assert monthly_dates(2, datetime.date(2026, 1, 15)) == [
        datetime.date(2025, 12, 15),
        datetime.date(2026, 1, 15),
    ]


def test_the_last_date_offered_has_all_its_following_ninety_days_behind_it():
    # A later date would count only the outcomes recorded so far.
    assert last_complete_date(datetime.date(2026, 12, 6)) == datetime.date(2026, 9, 7)
    assert last_complete_date(datetime.date(2026, 12, 6), (28,)) == datetime.date(2026, 11, 8)
