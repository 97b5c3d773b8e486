"""Data quality: how complete the items the figures depend on are, by team and month
(`docs/data-quality.md`), so that a low figure can be told apart from missing data.

`data_quality(filters)` reads four frames (episodes, TOP dates, people, prison releases)
with one set-based statement each, for the teams in the filters, and counts in pandas.
Every cell is a count missing over a denominator, and every count passes through
small-number suppression (`outcomes.suppression`) as one table, so a withheld count
cannot be worked back from a neighbour, a team total or another item that shares its
denominator. Nothing about a person leaves: aggregates only.

A person counts under their current team, as the figures count them.
"""

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cases.models import Ethnicity, EventKind, EventStatus, Sex, Team
from core.dates import add_months, month_end
from core.frames import day_number
from outcomes.figures.loading import Column, Statement, lookup, read_frames
from outcomes.selectors import next_top_due_dates
from outcomes.suppression import Relation, suppress

ALL = "all"
# The longest run of months a page shows: two years, each month a column.
MOST_MONTHS = 24


class QualityInputError(ValueError):
    """Months or teams that cannot be used; `errors` maps a field to a message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class Denominator:
    key: str
    label: str


CASELOAD = Denominator("caseload", "people with an open episode at the month's end")
IN_TREATMENT = Denominator("in_treatment", "people in treatment in the month")
COMPLETIONS = Denominator("completions", "successful completions in the month")
RELEASES = Denominator("releases", "prison releases dated in the month, up to yesterday")
DENOMINATORS = (CASELOAD, IN_TREATMENT, COMPLETIONS, RELEASES)


@dataclass(frozen=True)
class Item:
    """One thing that can be missing: its key, what is missing, over what, and why it
    matters (the figures it feeds)."""

    key: str
    label: str
    denominator: Denominator
    feeds: str


ITEMS = (
    Item(
        "top_overdue",
        "TOP due and not recorded",
        CASELOAD,
        "the 6-month review outcomes, and housing and work at exit",
    ),
    Item(
        "exit_top_missing",
        "No exit TOP on a successful completion",
        COMPLETIONS,
        "housing and work at exit (completed_no_housing_need, completed_working)",
    ),
    Item("ethnicity_not_stated", "Ethnicity not stated", IN_TREATMENT, "splits by ethnicity"),
    Item("sex_not_stated", "Sex not stated", IN_TREATMENT, "splits by sex"),
    Item(
        "sexual_orientation_missing",
        "Sexual orientation not recorded",
        IN_TREATMENT,
        "splits by sexual orientation",
    ),
    Item("religion_missing", "Religion or belief not recorded", IN_TREATMENT, "splits by religion"),
    Item("disability_missing", "Disability not asked", IN_TREATMENT, "splits by disability"),
    Item(
        "release_not_confirmed",
        "Prison release expected and not confirmed",
        RELEASES,
        "prison release to treatment within 3 weeks",
    ),
)
ITEMS_BY_KEY = {item.key: item for item in ITEMS}


@dataclass(frozen=True)
class QualityFilters:
    """The months (first to last, each a month's first day) and the teams to count.

    `teams` are the teams asked for, or None for every team of `scope`; `scope` is the
    teams the caller may see (None: the whole service)."""

    first_month: datetime.date
    last_month: datetime.date
    teams: frozenset[int] | None = None
    scope: frozenset[int] | None = None

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        if self.first_month.day != 1 or self.last_month.day != 1:
            errors["start"] = "Give months as their first days."
        elif self.last_month < self.first_month:
            errors["end"] = "The last month is before the first: swap them."
        elif len(self.months) > MOST_MONTHS:
            errors["start"] = f"Choose at most {MOST_MONTHS} months."
        if self.teams is not None and not self.teams:
            errors["team"] = "Choose a team, or leave it out for all of them."
        elif self.teams and self.scope is not None and not self.teams <= self.scope:
            errors["team"] = "Choose one of your own teams."
        if errors:
            raise QualityInputError(errors)

    @property
    def months(self) -> list[datetime.date]:
        months, month = [], self.first_month
        while month <= self.last_month and len(months) <= MOST_MONTHS:
            months.append(month)
            year, number = add_months(month.year, month.month, 1)
            month = datetime.date(year, number, 1)
        return months

    @property
    def counted_teams(self) -> frozenset[int] | None:
        return self.teams if self.teams is not None else self.scope


def _end(month: datetime.date) -> datetime.date:
    return month_end(month.year, month.month)


def _statements(filters: QualityFilters) -> dict[str, Statement]:
    first, last = filters.first_month, _end(filters.last_month)
    teams = filters.counted_teams
    where = "TRUE" if teams is None else "p.team_id = ANY(%(teams)s::bigint[])"
    params: dict = {"first": first, "last": last}
    if teams is not None:
        params["teams"] = sorted(teams)
    # Everyone with an episode referred by the last month's end and not discharged
    # before the first month: the people any month's denominator can hold.
    people_with_episodes = (
        "SELECT DISTINCT e.service_user_id FROM cases_treatmentepisode e "
        "WHERE e.referral_date <= %(last)s "
        "AND (e.discharge_date IS NULL OR e.discharge_date >= %(first)s)"
    )
    people = f"SELECT p.id FROM cases_serviceuser p WHERE {where}"
    return {
        "episodes": Statement(
            sql="SELECT e.id, e.service_user_id, "
            f"{day_number('e.referral_date')}, {day_number('e.start_date')}, "
            f"{day_number('e.discharge_date')}, "
            "CASE WHEN r.is_successful_completion THEN 1 ELSE 0 END "
            "FROM cases_treatmentepisode e "
            "LEFT JOIN cases_dischargereason r ON r.id = e.discharge_reason_id "
            f"WHERE e.service_user_id IN ({people}) AND e.referral_date <= %(last)s",
            columns=(
                Column("episode_id", "int"),
                Column("person_id", "int"),
                Column("referral", "date"),
                Column("start", "date"),
                Column("discharge", "date"),
                Column("successful", "int"),
            ),
            params=params,
        ),
        "tops": Statement(
            sql=f"SELECT t.service_user_id, t.episode_id, {day_number('t.top_date')}, "
            "CASE WHEN t.stage = 'E' THEN 1 ELSE 0 END FROM outcomes_topassessment t "
            f"WHERE t.service_user_id IN ({people}) AND t.top_date <= %(last)s",
            columns=(
                Column("person_id", "int"),
                Column("episode_id", "int"),
                Column("top_date", "date"),
                Column("exit", "int"),
            ),
            params=params,
        ),
        "people": Statement(
            sql="SELECT p.id, p.team_id, p.sex, p.ethnicity, "
            "CASE WHEN p.sexual_orientation = '' THEN 1 ELSE 0 END, "
            "CASE WHEN p.religion = '' THEN 1 ELSE 0 END, "
            "CASE WHEN cardinality(p.disabilities) = 0 THEN 1 ELSE 0 END "
            f"FROM cases_serviceuser p WHERE {where} AND p.id IN ({people_with_episodes})",
            columns=(
                Column("person_id", "int"),
                Column("team_id", "int"),
                Column("sex", "text"),
                Column("ethnicity", "text"),
                Column("sexual_orientation_missing", "int"),
                Column("religion_missing", "int"),
                Column("disability_missing", "int"),
            ),
            params=params,
        ),
        "releases": Statement(
            sql=f"SELECT p.team_id, {day_number('v.occurred_on')}, "
            "CASE WHEN v.status = %(expected)s THEN 1 ELSE 0 END "
            "FROM cases_event v JOIN cases_serviceuser p ON p.id = v.service_user_id "
            f"WHERE {where} AND v.kind = %(release)s "
            "AND v.occurred_on BETWEEN %(first)s AND %(last)s",
            columns=(
                Column("team_id", "int"),
                Column("occurred_on", "date"),
                Column("expected", "int"),
            ),
            params={
                **params,
                "release": EventKind.PRISON_RELEASE.value,
                "expected": EventStatus.EXPECTED.value,
            },
        ),
    }


def by_person(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """`frames` with episodes and TOPs in each person's order (episodes by referral, TOPs by
    date), sorted once for every month's `_top_overdue`."""
    return {
        **frames,
        "episodes": frames["episodes"].sort_values(
            ["person_id", "referral", "episode_id"], kind="stable"
        ),
        "tops": frames["tops"].sort_values(["person_id", "top_date"], kind="stable"),
    }


def _last_of_each_person(rows: pd.DataFrame) -> pd.DataFrame:
    """The last row of each person in `rows`, which are in person order."""
    person = rows["person_id"].to_numpy()
    last = np.ones(len(person), dtype=bool)
    last[:-1] = person[1:] != person[:-1]
    return rows[last]


def _top_overdue(
    episodes: pd.DataFrame, tops: pd.DataFrame, end: pd.Timestamp
) -> tuple[pd.Series, pd.Series]:
    """Who has an open episode at `end` (their latest, as the caseload reads it), and of
    them whose TOP is overdue that day (`outcomes.selectors.next_top_due_dates`, the
    caseload's rule as columns): two yes/no series by person, in person order.

    `episodes` and `tops` are in person order (`by_person`)."""
    latest = _last_of_each_person(episodes[episodes["referral"] <= end]).set_index("person_id")
    open_at_end = latest["discharge"].isna() | (latest["discharge"] > end)
    latest = latest[open_at_end]
    last_top = _last_of_each_person(tops[tops["top_date"] <= end]).set_index("person_id")
    last_top_date = lookup(latest.index, last_top["top_date"])
    due = next_top_due_dates(latest["start"].fillna(latest["referral"]), last_top_date)
    overdue = due.notna() & (due < end)
    return pd.Series(True, index=latest.index), overdue


def _month_counts(frames: dict[str, pd.DataFrame], month: datetime.date, today: datetime.date):
    """{(item or denominator key, team id): count} for one month."""
    start, end = pd.Timestamp(month), pd.Timestamp(_end(month))
    episodes, tops, people = frames["episodes"], frames["tops"], frames["people"]
    team_of = people.set_index("person_id")["team_id"]
    counts: dict[tuple, int] = {}

    def add(key: str, teams: pd.Series) -> None:
        for team, count in teams.value_counts().items():
            counts[(key, int(team))] = int(count)

    def of_people(ids: pd.Index) -> pd.Series:
        return team_of.reindex(ids.to_numpy()).dropna()

    caseload, overdue = _top_overdue(episodes, tops, end)
    add(CASELOAD.key, of_people(caseload.index))
    add("top_overdue", of_people(overdue[overdue].index))

    treated = episodes[
        (episodes["start"] <= end)
        & (episodes["discharge"].isna() | (episodes["discharge"] >= start))
    ]
    in_treatment = people[people["person_id"].isin(treated["person_id"].unique())]
    add(IN_TREATMENT.key, in_treatment["team_id"])
    add(
        "ethnicity_not_stated",
        in_treatment.loc[in_treatment["ethnicity"] == Ethnicity.NOT_STATED, "team_id"],
    )
    add("sex_not_stated", in_treatment.loc[in_treatment["sex"] == Sex.NOT_STATED, "team_id"])
    for column in ("sexual_orientation_missing", "religion_missing", "disability_missing"):
        add(column, in_treatment.loc[in_treatment[column] == 1, "team_id"])

    completed = episodes[
        (episodes["successful"] == 1)
        & (episodes["discharge"] >= start)
        & (episodes["discharge"] <= end)
    ]
    exits = set(tops.loc[tops["exit"] == 1, "episode_id"])
    add(COMPLETIONS.key, lookup_teams(completed["person_id"], team_of))
    without = completed[~completed["episode_id"].isin(exits)]
    add("exit_top_missing", lookup_teams(without["person_id"], team_of))

    releases = frames["releases"]
    dated = releases[
        (releases["occurred_on"] >= start)
        & (releases["occurred_on"] <= end)
        & (releases["occurred_on"] < pd.Timestamp(today))
    ]
    add(RELEASES.key, dated["team_id"])
    add("release_not_confirmed", dated.loc[dated["expected"] == 1, "team_id"])
    return counts


def lookup_teams(person_ids: pd.Series, team_of: pd.Series) -> pd.Series:
    """The current team of each person listed (once per row), dropping any not found."""
    return team_of.reindex(person_ids.to_numpy()).dropna()


def data_quality(filters: QualityFilters, *, today: datetime.date) -> dict:
    """The completeness table: for each item, team (and all teams) and month, the count
    missing, its denominator and the share, suppressed as one table.

    Returns {"months": [...], "teams": [(id or "all", name)], "items": [{"key", "label",
    "denominator", "feeds", "rows": [{"team", "team_name", "cells": [{"month",
    "missing", "denominator", "share", "suppressed"}]}]}]}.
    """
    team_rows = Team.objects.order_by("name", "id")
    if filters.counted_teams is not None:
        team_rows = team_rows.filter(pk__in=filters.counted_teams)
    teams = list(team_rows.values_list("id", "name"))
    frames = by_person(read_frames(_statements(filters)))
    months = filters.months
    team_ids: list[int | str] = [pk for pk, _ in teams]
    keys = [d.key for d in DENOMINATORS] + [i.key for i in ITEMS]
    counts: dict[tuple, int] = {}
    relations: list[Relation] = []
    for month in months:
        found = _month_counts(frames, month, today)
        for key in keys:
            for team in team_ids:
                counts[(key, team, month)] = found.get((key, team), 0)
            counts[(key, ALL, month)] = sum(counts[(key, t, month)] for t in team_ids)
        for item in ITEMS:
            complete = f"{item.key}:complete"
            for team in [*team_ids, ALL]:
                counts[(complete, team, month)] = (
                    counts[(item.denominator.key, team, month)] - counts[(item.key, team, month)]
                )
                relations.append(
                    Relation(
                        (item.denominator.key, team, month),
                        ((item.key, team, month), (complete, team, month)),
                    )
                )
        for key in [*keys, *(f"{i.key}:complete" for i in ITEMS)]:
            relations.append(Relation((key, ALL, month), tuple((key, t, month) for t in team_ids)))
    shown = suppress(counts, relations)
    names = [*teams, (ALL, "All teams")]
    result_items = []
    for item in ITEMS:
        rows = []
        for team, name in names:
            cells = []
            for month in months:
                missing, denominator = (item.key, team, month), (item.denominator.key, team, month)
                cells.append(
                    {
                        "month": month,
                        "missing": shown.count(missing),
                        "denominator": shown.count(denominator),
                        "share": shown.rate(missing, denominator),
                        "suppressed": shown.rate_withheld(missing, denominator),
                    }
                )
            rows.append({"team": team, "team_name": name, "cells": cells})
        result_items.append(
            {
                "key": item.key,
                "label": item.label,
                "denominator": item.denominator.label,
                "feeds": item.feeds,
                "rows": rows,
            }
        )
    return {"months": months, "teams": names, "items": result_items}


def quality_csv_rows(result: dict) -> list[list]:
    """The same table, one line per item, team and month, for the download."""
    lines: list[list] = [
        [
            "item",
            "item_label",
            "team",
            "month",
            "missing",
            "denominator",
            "share_percent",
            "withheld",
        ]
    ]
    for item in result["items"]:
        for row in item["rows"]:
            for cell in row["cells"]:
                lines.append(
                    [
                        item["key"],
                        item["label"],
                        row["team_name"],
                        cell["month"].strftime("%Y-%m"),
                        "" if cell["missing"] is None else cell["missing"],
                        "" if cell["denominator"] is None else cell["denominator"],
                        "" if cell["share"] is None else cell["share"],
                        "yes" if cell["suppressed"] else "no",
                    ]
                )
    return lines
