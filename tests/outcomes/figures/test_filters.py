"""The filters figures are asked for: their checks and the comparison period."""

import datetime

import pytest
from django.utils import timezone

from outcomes.figures import FigureFilters, FigureInputError, Period

D = datetime.date


def errors_for(**options) -> dict[str, str]:
    options.setdefault("start", D(2026, 1, 1))
    options.setdefault("end", D(2026, 3, 31))
    with pytest.raises(FigureInputError) as raised:
        FigureFilters(**options)
    return raised.value.errors


def test_it_refuses_a_period_that_ends_before_it_starts():
    errors = errors_for(start=D(2026, 3, 1), end=D(2026, 2, 28))

    assert errors == {"end": "The period ends (28/02/2026) before it starts (01/03/2026)."}


def test_it_refuses_a_period_that_ends_after_today():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    errors = errors_for(end=tomorrow)

    assert list(errors) == ["end"]
    assert "ends after today" in errors["end"]


def test_it_refuses_a_period_longer_than_five_years():
    assert list(errors_for(start=D(2020, 1, 1), end=D(2026, 3, 31))) == ["start"]


def test_it_refuses_dates_that_are_not_dates():
    errors = errors_for(
        start="2026-01-01", end=datetime.datetime(2026, 3, 31, 12, 0, tzinfo=datetime.UTC)
    )

    assert errors == {
        "start": "Give a date, e.g. 2026-03-31.",
        "end": "Give a date, e.g. 2026-03-31.",
    }


def test_it_names_the_segments_it_knows_when_given_another():
    errors = errors_for(segment="postcode")

    assert errors == {
        "segment": "'postcode' is not a way to split figures: choose one of "
        "team, local_authority, sex, age_band, ethnicity, disability, sexual_orientation, "
        "religion."
    }


def test_it_refuses_teams_outside_the_callers_scope():
    errors = errors_for(team_ids=[1, 7, 9], person_scope=[1, 2])

    assert errors == {"team_ids": "Team 7, 9 is outside the teams you may see."}


def test_it_refuses_empty_and_malformed_id_lists():
    assert errors_for(team_ids=[])["team_ids"].startswith("Choose at least one team")
    assert errors_for(local_authority_ids=[])["local_authority_ids"].startswith(
        "Choose at least one local authority"
    )
    assert errors_for(team_ids="12") == {"team_ids": "Give a list of whole-number ids."}
    assert errors_for(team_ids=[1, "2"]) == {
        "team_ids": "Each id must be a whole number from 1 up."
    }
    assert errors_for(person_scope=[0]) == {
        "person_scope": "Each id must be a whole number from 1 up."
    }


def test_every_problem_is_reported_at_once_in_one_error_type():
    with pytest.raises(FigureInputError) as raised:
        FigureFilters(start=D(2026, 3, 1), end=D(2026, 2, 1), segment="x", team_ids=[])

    assert set(raised.value.errors) == {"end", "segment", "team_ids"}
    assert isinstance(raised.value, ValueError)
    assert "segment:" in str(raised.value)


def test_an_empty_scope_is_allowed_and_keeps_everyone_out():
    filters = FigureFilters(start=D(2026, 1, 1), end=D(2026, 3, 31), person_scope=[])

    assert filters.teams == frozenset()


def test_the_teams_counted_are_those_asked_for_or_else_the_scope():
    asked = FigureFilters(
        start=D(2026, 1, 1), end=D(2026, 3, 31), team_ids=[2], person_scope={1, 2}
    )
    scoped = FigureFilters(start=D(2026, 1, 1), end=D(2026, 3, 31), person_scope={1, 2})
    everyone = FigureFilters(start=D(2026, 1, 1), end=D(2026, 3, 31))

    assert asked.teams == {2}
    assert scoped.teams == {1, 2}
    assert everyone.teams is None


def test_filters_are_frozen_and_compare_by_value():
    one = FigureFilters(start=D(2026, 1, 1), end=D(2026, 3, 31), team_ids=[3, 1])
    two = FigureFilters(start=D(2026, 1, 1), end=D(2026, 3, 31), team_ids=(1, 3))

    assert one == two
    with pytest.raises(AttributeError):
        one.segment = "sex"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "end", "previous_start", "previous_end", "rule"),
    [
        # A quarter: the quarter before.
        (D(2026, 4, 1), D(2026, 6, 30), D(2026, 1, 1), D(2026, 3, 31), "previous_whole_months"),
        # Across a year end.
        (D(2026, 1, 1), D(2026, 3, 31), D(2025, 10, 1), D(2025, 12, 31), "previous_whole_months"),
        # A month after a short February.
        (D(2024, 3, 1), D(2024, 3, 31), D(2024, 2, 1), D(2024, 2, 29), "previous_whole_months"),
        # A year: the year before.
        (D(2025, 1, 1), D(2025, 12, 31), D(2024, 1, 1), D(2024, 12, 31), "previous_whole_months"),
        # Not whole months: the same number of days, ending the day before.
        (D(2026, 3, 10), D(2026, 3, 19), D(2026, 2, 28), D(2026, 3, 9), "previous_equal_length"),
        (D(2026, 4, 1), D(2026, 6, 29), D(2026, 1, 1), D(2026, 3, 31), "previous_equal_length"),
    ],
)
def test_the_comparison_period_is_the_one_just_before(
    start, end, previous_start, previous_end, rule
):
    period = Period(start, end)

    assert period.previous == Period(previous_start, previous_end)
    assert period.previous_rule == rule
    if rule == "previous_equal_length":
        assert period.previous.days == period.days
