"""What a figure is asked for: a period, who is included, and how it is split.

`FigureFilters` is checked when it is made, and every problem is raised as one
`FigureInputError` whose `errors` maps the field to a message a commissioner
understands, so an endpoint maps it to a 400 in one place.

The comparison period (`Period.previous`): when the period is a run of whole
calendar months (it starts on the 1st and ends on a month's last day), it is
the same number of whole months just before it, so a quarter is compared with
the quarter before and a year with the year before. Any other period is
compared with the period of the same number of days ending the day before it
starts.

An endpoint asked for no period gives the last whole calendar quarter
(`last_whole_quarter`), beside the quarter before it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from core.dates import add_months, month_end, quarter_start

# The ways a figure can be split, in the order documented: the one list the API's
# `segment` parameter, the figures' filters and their result schema all use.
SEGMENTS = (
    "team",
    "local_authority",
    "sex",
    "age_band",
    "ethnicity",
    "disability",
    "sexual_orientation",
    "religion",
)
# Each segment in words, for a page that offers them.
SEGMENT_LABELS = {
    "team": "Team",
    "local_authority": "Local authority",
    "sex": "Sex",
    "age_band": "Age band",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "sexual_orientation": "Sexual orientation",
    "religion": "Religion or belief",
}

# Long enough for a five-year trend; short enough that the comparison period
# before it is still in living records.
LONGEST_PERIOD_DAYS = 5 * 366


class FigureInputError(ValueError):
    """Figures were asked for with filters that cannot be used.

    `errors` maps each filter field to what is wrong with it, in words for the
    person asking.
    """

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def _uk(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Period:
    """A run of days, both ends included."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> int | None:
        """How many calendar months it spans, if it is exactly whole months."""
        if self.start.day != 1 or self.end != month_end(self.end.year, self.end.month):
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def previous(self) -> "Period":
        """The comparison period just before this one (see the module docstring)."""
        months = self.whole_months
        if months is not None:
            year, month = add_months(self.start.year, self.start.month, -months)
            end_year, end_month = add_months(self.start.year, self.start.month, -1)
            return Period(datetime.date(year, month, 1), month_end(end_year, end_month))
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    @property
    def previous_rule(self) -> str:
        if self.whole_months is not None:
            return "previous_whole_months"
        return "previous_equal_length"

    def as_json(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "days": self.days}


def last_whole_quarter(today: datetime.date) -> Period:
    """The last calendar quarter that ended before `today`: the figures' default period."""
    end = quarter_start(today) - datetime.timedelta(days=1)
    return Period(quarter_start(end), end)


def _ids(value: Iterable[int] | None, field: str, errors: dict[str, str]) -> frozenset[int] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes):
        errors[field] = "Give a list of whole-number ids."
        return None
    try:
        ids = list(value)
    except TypeError:
        errors[field] = "Give a list of whole-number ids."
        return None
    if any(isinstance(i, bool) or not isinstance(i, int) or i < 1 for i in ids):
        errors[field] = "Each id must be a whole number from 1 up."
        return None
    return frozenset(ids)


@dataclass(frozen=True, init=False)
class FigureFilters:
    """Which figures to compute: the period, who is included, how they are split.

    - `start`, `end`: the period, both days included; it must end by today.
    - `team_ids`, `local_authority_ids`: keep only people of these teams, or
      living in these local authorities (a person's current team, and their
      local authority of residence); None means everyone.
    - `person_scope`: the teams whose people the caller may see (a member of
      staff's visibility); None is the whole service. A team asked for in
      `team_ids` must be in it.
    - `segment`: split every figure by one of `SEGMENTS`, or None.
    """

    start: datetime.date
    end: datetime.date
    team_ids: frozenset[int] | None
    local_authority_ids: frozenset[int] | None
    person_scope: frozenset[int] | None
    segment: str | None

    def __init__(
        self,
        *,
        start: datetime.date,
        end: datetime.date,
        team_ids: Iterable[int] | None = None,
        local_authority_ids: Iterable[int] | None = None,
        person_scope: Iterable[int] | None = None,
        segment: str | None = None,
    ):
        errors: dict[str, str] = {}
        for field, value in (("start", start), ("end", end)):
            if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
                errors[field] = "Give a date, e.g. 2026-03-31."
        if not errors:
            today = timezone.localdate()
            if end < start:
                errors["end"] = f"The period ends ({_uk(end)}) before it starts ({_uk(start)})."
            elif end > today:
                errors["end"] = (
                    f"The period ends after today ({_uk(today)}): figures are for periods "
                    "that have ended or end today."
                )
            elif (end - start).days + 1 > LONGEST_PERIOD_DAYS:
                errors["start"] = "The period is longer than 5 years: choose a shorter one."
        teams = _ids(team_ids, "team_ids", errors)
        authorities = _ids(local_authority_ids, "local_authority_ids", errors)
        scope = _ids(person_scope, "person_scope", errors)
        if teams is not None and not teams:
            errors["team_ids"] = "Choose at least one team, or leave teams out for all of them."
        if authorities is not None and not authorities:
            errors["local_authority_ids"] = (
                "Choose at least one local authority, or leave them out for all of them."
            )
        if teams and scope is not None and not teams <= scope:
            outside = ", ".join(str(i) for i in sorted(teams - scope))
            errors["team_ids"] = f"Team {outside} is outside the teams you may see."
        if segment is not None and segment not in SEGMENTS:
            errors["segment"] = (
                f"{segment!r} is not a way to split figures: choose one of {', '.join(SEGMENTS)}."
            )
        if errors:
            raise FigureInputError(errors)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "team_ids", teams)
        object.__setattr__(self, "local_authority_ids", authorities)
        object.__setattr__(self, "person_scope", scope)
        object.__setattr__(self, "segment", segment)

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @property
    def previous_period(self) -> Period:
        return self.period.previous

    @property
    def teams(self) -> frozenset[int] | None:
        """The teams whose people count: the asked-for teams within the scope."""
        if self.team_ids is not None:
            return self.team_ids
        return self.person_scope
