"""Calendar arithmetic: the one way every layer counts ages, months, quarters and years."""

import datetime

import pandas as pd
import pytest

from core.dates import (
    add_months,
    age_on,
    ages_on,
    due_in_words,
    month_end,
    quarter_start,
    years_after,
)

D = datetime.date


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (D(1990, 6, 15), D(2026, 6, 14), 35),
        (D(1990, 6, 15), D(2026, 6, 15), 36),
        (D(2000, 2, 29), D(2026, 2, 28), 25),
        (D(2000, 2, 29), D(2026, 3, 1), 26),
        (D(2026, 6, 15), D(2026, 6, 15), 0),
    ],
)
def test_an_age_counts_whole_years_and_turns_on_the_birthday(born, day, age):
    assert age_on(born, day) == age


def test_a_column_of_birth_dates_gets_the_same_ages_as_one_date():
    day = D(2026, 6, 15)
    births = [D(1990, 6, 14), D(1990, 6, 15), D(1990, 6, 16), D(2000, 2, 29), D(1961, 12, 31)]

    ages = ages_on(pd.Series(pd.to_datetime(births)), day)

    assert list(ages) == [age_on(born, day) for born in births]


@pytest.mark.parametrize(
    ("year", "month", "months", "expected"),
    [
        (2026, 1, 1, (2026, 2)),
        (2026, 11, 3, (2027, 2)),
        (2026, 1, -1, (2025, 12)),
        (2026, 3, -15, (2024, 12)),
        (2026, 5, 0, (2026, 5)),
    ],
)
def test_months_are_added_across_year_ends_both_ways(year, month, months, expected):
    assert add_months(year, month, months) == expected


def test_a_month_ends_on_its_last_day_leap_years_included():
    assert month_end(2026, 2) == D(2026, 2, 28)
    assert month_end(2028, 2) == D(2028, 2, 29)
    assert month_end(2026, 12) == D(2026, 12, 31)
    assert month_end(2026, 4) == D(2026, 4, 30)


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (D(2026, 1, 1), D(2026, 1, 1)),
        (D(2026, 3, 31), D(2026, 1, 1)),
        (D(2026, 4, 1), D(2026, 4, 1)),
        (D(2026, 8, 15), D(2026, 7, 1)),
        (D(2026, 12, 31), D(2026, 10, 1)),
    ],
)
def test_a_quarter_starts_on_the_first_of_january_april_july_or_october(day, start):
    assert quarter_start(day) == start


def test_years_after_keeps_the_day_and_moves_29_february_to_the_28th():
    assert years_after(D(2026, 6, 15), 5) == D(2031, 6, 15)
    assert years_after(D(2028, 2, 29), 1) == D(2029, 2, 28)
    assert years_after(D(2028, 2, 29), 4) == D(2032, 2, 29)
    assert years_after(D(2028, 2, 29), -1) == D(2027, 2, 28)


@pytest.mark.parametrize(
    ("due", "words"),
    [
        (datetime.date(2026, 3, 1), "overdue by 9 days"),
        (datetime.date(2026, 3, 9), "overdue by 1 day"),
        (datetime.date(2026, 3, 10), "due today"),
        (datetime.date(2026, 3, 11), "due in 1 day"),
        (datetime.date(2026, 3, 17), "due in 7 days"),
    ],
)
def test_when_something_is_due_reads_in_words(due, words):
    assert due_in_words(due, datetime.date(2026, 3, 10)) == words
