"""Calendar arithmetic every layer shares: ages, months, quarters, years.

Contract: pure functions of dates (and pandas columns of dates), with no
clock, no database and no domain rules. What a period, an age band or a
reporting quarter *means* to Lantern stays with the app that owns it; this
module only counts days, months and years the one way everything agrees on.

- `age_on` / `ages_on`: completed years of age on a day, for one date of
  birth or a column of them (the same rule, so a figure and a page agree).
- `add_months`, `month_end`, `quarter_start`: calendar months and quarters.
- `years_after`: the same day some years on; 29 February becomes 28 February
  in a year that has none.
"""

import calendar
import datetime

import pandas as pd


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Completed years of age on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def ages_on(born: pd.Series, day: datetime.date) -> pd.Series:
    """Completed years of age on `day` of each date of birth (`age_on`, in bulk)."""
    before_birthday = (born.dt.month > day.month) | (
        (born.dt.month == day.month) & (born.dt.day > day.day)
    )
    return day.year - born.dt.year - before_birthday.astype("int64")


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    """The (year, month) `months` calendar months after the given one (before, if negative)."""
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def month_end(year: int, month: int) -> datetime.date:
    """The last day of the month."""
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def quarter_start(day: datetime.date) -> datetime.date:
    """The first day of the calendar quarter `day` is in."""
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` years later (earlier, if negative)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


def due_in_words(due: datetime.date, on: datetime.date) -> str:
    """When something is due, seen from `on`: "overdue by 3 days", "due today",
    "due in 1 day"."""
    days = (due - on).days
    if days < 0:
        return f"overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "due today"
    return f"due in {days} day{'s' if days != 1 else ''}"
