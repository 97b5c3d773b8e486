"""The nightly recompute runs at 03:30 London time, clear of the hour the clocks change."""

import datetime
import zoneinfo

import pytest
from django.conf import settings

from config.celery import app

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC
YEARS = range(2026, 2032)


def nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["flags-recompute-nightly"]
    schedule = entry["schedule"]
    schedule.app = app
    return entry, schedule


def changeover_days(year: int) -> list[datetime.date]:
    """The days on which London's offset from UTC changes."""
    days = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        start = datetime.datetime.combine(day, datetime.time(0), LONDON).utcoffset()
        end = datetime.datetime.combine(day, datetime.time(23, 59), LONDON).utcoffset()
        if start != end:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def exists_once(day: datetime.date, at: datetime.time) -> bool:
    """Whether a London wall-clock time happens exactly once on that day."""
    local = datetime.datetime.combine(day, at, LONDON)
    skipped = local.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != local.replace(
        tzinfo=None
    )
    repeated = local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()
    return not skipped and not repeated


def test_the_nightly_entry_runs_the_recompute_at_half_past_three_london_time():
    entry, schedule = nightly()
    assert entry["task"] == "risk.tasks.flags_recompute_nightly"
    assert (schedule.hour, schedule.minute) == ({3}, {30})
    assert schedule.day_of_week == set(range(7))
    assert schedule.day_of_month == set(range(1, 32))
    assert settings.CELERY_TIMEZONE == "Europe/London"
    assert app.timezone == LONDON


@pytest.mark.parametrize("year", YEARS)
def test_half_past_three_is_outside_the_changeover_hour(year):
    days = changeover_days(year)
    assert len(days) == 2
    for day in days:
        # The hour that is skipped in March and repeated in October...
        assert not exists_once(day, datetime.time(1, 30))
        # ...is not the hour the recompute runs in.
        assert exists_once(day, datetime.time(3, 30))


@pytest.mark.parametrize("year", YEARS)
def test_the_run_after_a_changeover_night_is_still_at_half_past_three(year):
    _, schedule = nightly()
    for day in changeover_days(year):
        last = datetime.datetime.combine(
            day - datetime.timedelta(days=1), datetime.time(3, 30), LONDON
        )
        last_run, delta, _ = schedule.remaining_delta(last)
        following = (last_run + delta).astimezone(LONDON)
        assert (following.date(), following.time()) == (day, datetime.time(3, 30))
        # Exactly one run that day: 23 or 25 hours after the one before.
        hours = (following.astimezone(UTC) - last.astimezone(UTC)) / datetime.timedelta(hours=1)
        assert hours in (23, 25)


def test_the_nightly_recompute_is_sent_again_at_half_past_five_and_seven_to_catch_up():
    entry = settings.CELERY_BEAT_SCHEDULE["flags-recompute-nightly-catch-up"]
    schedule = entry["schedule"]
    assert entry["task"] == "risk.tasks.flags_recompute_nightly"
    assert (schedule.hour, schedule.minute) == ({5, 7}, {30})
    assert "args" not in entry
    assert "kwargs" not in entry
