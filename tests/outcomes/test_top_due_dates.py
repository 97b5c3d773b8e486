"""The TOP schedule for many people at once gives, person for person, the date the one
person's rule gives (`outcomes.selectors.next_top_due`)."""

import datetime

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from outcomes.selectors import next_top_due, next_top_due_dates

DAYS = st.one_of(
    st.none(), st.dates(min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2027, 1, 1))
)


def as_series(values: list[datetime.date | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")


@given(st.lists(st.tuples(DAYS, DAYS, DAYS), min_size=1, max_size=30))
def test_the_columns_give_the_one_persons_date_for_everyone(people):
    starts, referrals, tops = (list(column) for column in zip(*people, strict=True))

    dates = next_top_due_dates(as_series(starts).fillna(as_series(referrals)), as_series(tops))

    expected = [
        next_top_due(
            in_treatment=True, episode_start=start, episode_referral=referral, last_top_date=top
        )
        for start, referral, top in people
    ]
    assert [None if pd.isna(d) else d.date() for d in dates] == expected


def test_a_top_before_the_episode_opened_makes_the_start_top_due_and_none_due_without_dates():
    dates = next_top_due_dates(
        as_series([datetime.date(2026, 3, 1), None, datetime.date(2026, 1, 1)]),
        as_series([datetime.date(2025, 12, 1), None, datetime.date(2026, 2, 1)]),
    )

    assert [None if pd.isna(d) else d.date() for d in dates] == [
        datetime.date(2026, 3, 1),
        None,
        datetime.date(2026, 8, 2),
    ]
