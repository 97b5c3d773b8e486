"""When an overdose follow-up is due: the same or the next working day.

MAT standard 3 asks for a response to an overdose notification the same or the next working
day. A follow-up opened on a working day before `OVERDOSE_FOLLOW_UP_SAME_DAY_BEFORE` o'clock
is due that day at `OVERDOSE_FOLLOW_UP_DUE_HOUR`; one opened later, or on a weekend or bank
holiday, is due at that hour on the next working day. Bank holidays are those of the UK
nation in `OVERDOSE_BANK_HOLIDAYS`, from the `holidays` package.
"""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=4)
def _bank_holidays(nation: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=nation)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(settings.OVERDOSE_BANK_HOLIDAYS)


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day after `day`."""
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def follow_up_due(opened_at: datetime.datetime) -> datetime.datetime:
    """When a follow-up opened at `opened_at` is due (an aware time in the local zone)."""
    local = timezone.localtime(opened_at)
    day = local.date()
    same_day = is_working_day(day) and local.hour < settings.OVERDOSE_FOLLOW_UP_SAME_DAY_BEFORE
    if not same_day:
        day = next_working_day(day)
    due = datetime.datetime.combine(day, datetime.time(settings.OVERDOSE_FOLLOW_UP_DUE_HOUR))
    return timezone.make_aware(due)
