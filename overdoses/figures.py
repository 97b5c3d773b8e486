"""Figures of the near-fatal overdose pathway: the evidence MAT standard 3 asks for.

`overdose_figures(filters)` returns the shape every figure family returns (see
`outcomes.figures`; family "overdose_pathway"), every count, rate and median
passed through `outcomes.suppression`. Rows are read in bulk (`core.frames`,
through `outcomes.figures.loading`) and counted with pandas.

Who is counted:

- Overdoses are `cases.Event`s of kind non-fatal overdose that happened, of
  known people and of people not yet known. A known person's overdose counts
  where the filters put the person (their current team, their local authority of
  residence). An overdose of someone not yet known has no person: it counts under
  the team holding them (`UnidentifiedPerson.team`), and only when no local
  authority is asked for, since nobody knows where they live. Once linked to a
  record, it is that person's overdose like any other.
- A follow-up counts with its overdose's person, or team for someone not yet
  known, in the same way.
- Segments: a person not yet known has the team holding them when split by team,
  and no value ("unknown") for every other split.

The figures (definitions also in docs/figures.md):

- `overdoses`, `overdoses_by_person` (known, not yet known), `overdoses_by_source`
  (who told the service; "not recorded" for an import without it) and
  `overdoses_by_week` (ISO weeks, Monday to Sunday; the first and last may be part
  of a week): overdoses that happened in the period (`occurred_on`).
- `follow_ups_opened`: follow-ups opened in the period (local date of `opened_at`).
- `follow_ups_due`: follow-ups due in the period (local date of `due_at`), by where
  they stand on the day the figures are computed: closed on time (`closed_at` on or
  before `due_at`), closed late, open and overdue, open and not yet due. These add
  up to the follow-ups due. `follow_ups_closed_on_time` is the first as a share.
- `median_hours_to_first_contact`: of the follow-ups opened in the period whose
  person was reached (an attempt with `reached`), the median hours from the
  follow-up opening to the first such attempt (0 when they were reached before it
  opened, e.g. seen in hospital before an imported overdose opened its follow-up).
- `mat_offered_within_7_days`: of the overdoses in the period that opened a
  follow-up, those whose follow-up closed with an outcome in `MAT_OFFERED_OUTCOMES`
  and whose first contact was within 7 days of the overdose (its local date at most
  7 days after the overdose's date).
- `mat_started_within_7_days`: of those overdoses, the ones offered treatment within
  7 days (as above) whose follow-up closed with treatment started or restarted
  (`MAT_STARTED_OUTCOMES`) within 7 days of the overdose.
- `returned_to_treatment_within_28_days`: of the overdoses of known people who were
  not in treatment when it happened (no episode referred before the overdose's date
  and not discharged before it), those with an episode referred from the overdose's
  date to 28 days after it. Since they had no open episode, that is the same as
  having an episode open on any day of those 28 days.

The 7- and 28-day figures are provisional until 7 and 28 days after the period ends.
The follow-up states are the state on the day the figures are computed.
"""

import datetime
from collections.abc import Sequence

import pandas as pd
from django.conf import settings
from django.utils import timezone

from cases.models import EventKind, EventStatus, InformationSource
from core.frames import day_number
from outcomes.figures import loading
from outcomes.figures.filters import FigureFilters, Period
from outcomes.figures.loading import Column, Statement
from outcomes.figures.segments import (
    NOBODY,
    SegmentValues,
    assign_segments,
    place_rows_without_a_person,
)
from outcomes.figures.tables import CountTable, Figure, figures_result, nested_in
from overdoses.models import MAT_OFFERED_OUTCOMES, MAT_STARTED_OUTCOMES

FAMILY = "overdose_pathway"
NOT_RECORDED = "not_recorded"
SOURCES = {**{str(k): str(v) for k, v in InformationSource.choices}, NOT_RECORDED: "Not recorded"}
PEOPLE = {"known": "Known to the service", "not_yet_known": "Not yet known to the service"}
FOLLOW_UP_STATES = {
    "closed_on_time": "Closed on time",
    "closed_late": "Closed late",
    "open_overdue": "Open and overdue",
    "open_not_yet_due": "Open, not yet due",
}
MAT_WITHIN_DAYS = 7
RETURN_WITHIN_DAYS = 28

OVERDOSE = f"e.kind = '{EventKind.NON_FATAL_OVERDOSE}' AND e.status = '{EventStatus.HAPPENED}'"
FIRST_REACHED = """
    LEFT JOIN LATERAL (
        SELECT min(a.attempted_at) AS at FROM overdoses_followupattempt a
        WHERE a.follow_up_id = f.id AND a.reached
    ) reached ON TRUE
"""
WHO = """
    LEFT JOIN cases_serviceuser p ON p.id = e.service_user_id
    LEFT JOIN cases_unidentifiedperson u ON u.id = e.unidentified_person_id
"""


def _scope(filters: FigureFilters) -> tuple[str, dict]:
    """The filters as a condition on an overdose `e` (with `p` and `u` joined)."""
    people = loading.person_filter(filters)
    unknown = loading.without_a_person(filters, "u.team_id")
    where = (
        f"((e.service_user_id IS NOT NULL AND {people.where}) "
        f"OR (e.service_user_id IS NULL AND {unknown}))"
    )
    return where, people.params


def _local_day(column: str) -> str:
    return day_number(f"({column} AT TIME ZONE %(zone)s)::date")


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    scope, params = _scope(filters)
    window = filters.previous_period.start, filters.end
    params = {
        **params,
        "zone": settings.TIME_ZONE,
        "window_start": window[0],
        "window_end": window[1],
        "from_time": _start_of(window[0]),
        "until_time": _start_of(window[1] + datetime.timedelta(days=1)),
        "returns_until": window[1] + datetime.timedelta(days=RETURN_WITHIN_DAYS),
    }
    who = f"COALESCE(e.service_user_id, {NOBODY}), COALESCE(u.team_id, {NOBODY})"
    statements = {
        "overdoses": Statement(
            f"""
            SELECT e.id, {who}, {day_number("e.occurred_on")},
                   COALESCE(NULLIF(e.information_source, ''), '{NOT_RECORDED}'),
                   (f.id IS NOT NULL)::int, COALESCE(NULLIF(f.outcome, ''), '-'),
                   {_local_day("reached.at")}, {_local_day("f.closed_at")}
            FROM cases_event e {WHO}
            LEFT JOIN overdoses_followup f ON f.overdose_id = e.id
            {FIRST_REACHED}
            WHERE {OVERDOSE} AND e.occurred_on BETWEEN %(window_start)s AND %(window_end)s
              AND {scope}
            """,
            (
                Column("event_id", "int"),
                Column("person_id", "int"),
                Column("unknown_team", "int"),
                Column("occurred_on", "date"),
                Column("source", "text"),
                Column("has_follow_up", "int"),
                Column("outcome", "text"),
                Column("first_contact_on", "date"),
                Column("closed_on", "date"),
            ),
            params,
        ),
        "follow_ups": Statement(
            f"""
            SELECT f.id, {who}, {_local_day("f.opened_at")}, {_local_day("f.due_at")},
                   EXTRACT(EPOCH FROM f.opened_at), EXTRACT(EPOCH FROM f.due_at),
                   EXTRACT(EPOCH FROM f.closed_at), EXTRACT(EPOCH FROM reached.at)
            FROM overdoses_followup f JOIN cases_event e ON e.id = f.overdose_id {WHO}
            {FIRST_REACHED}
            WHERE ((f.opened_at >= %(from_time)s AND f.opened_at < %(until_time)s)
                   OR (f.due_at >= %(from_time)s AND f.due_at < %(until_time)s))
              AND {scope}
            """,
            (
                Column("follow_up_id", "int"),
                Column("person_id", "int"),
                Column("unknown_team", "int"),
                Column("opened_on", "date"),
                Column("due_on", "date"),
                Column("opened_at", "number"),
                Column("due_at", "number"),
                Column("closed_at", "number"),
                Column("first_reached_at", "number"),
            ),
            params,
        ),
        # The episodes that say whether each known person was in treatment at their
        # overdose, or came back within 28 days of it.
        "episodes": Statement(
            f"""
            SELECT x.service_user_id, {day_number("x.referral_date")},
                   {day_number("x.discharge_date")}
            FROM cases_treatmentepisode x
            WHERE x.referral_date <= %(returns_until)s AND x.service_user_id IN (
                SELECT e.service_user_id FROM cases_event e
                WHERE {OVERDOSE} AND e.service_user_id IS NOT NULL
                  AND e.occurred_on BETWEEN %(window_start)s AND %(window_end)s)
            """,
            (
                Column("person_id", "int"),
                Column("referral_date", "date"),
                Column("discharge_date", "date"),
            ),
            params,
        ),
    }
    if filters.segment is not None:
        population = (
            f"SELECT e.service_user_id FROM cases_event e "
            f"WHERE {OVERDOSE} AND e.service_user_id IS NOT NULL"
        )
        statements["people"] = loading.people_statement(filters, population, params)
    return statements


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# The period in weeks -------------------------------------------------------------


def week_parts(period: Period) -> list[Period]:
    """The period cut at each Monday in it: its ISO weeks, the first and last maybe in part."""
    parts = []
    start = period.start
    while start <= period.end:
        monday = start + datetime.timedelta(days=7 - start.weekday())
        parts.append(Period(start, min(monday - datetime.timedelta(days=1), period.end)))
        start = monday
    return parts


def aligned_week_parts(
    period: Period, previous: Period, parts: Sequence[Period]
) -> list[tuple[datetime.date, datetime.date]]:
    """The previous period cut where `parts` cut `period`, moved back the whole number of
    weeks nearest the distance between the periods (so the cuts stay on Mondays).

    The first part starts on the previous period's first day and the last ends on its
    last day, so the parts add up to the previous period; a part moved outside it is
    empty (it starts after it ends).
    """
    back = datetime.timedelta(weeks=round((period.start - previous.start).days / 7))
    moved = [
        (max(part.start - back, previous.start), min(part.end - back, previous.end))
        for part in parts
    ]
    moved[0] = (previous.start, moved[0][1])
    moved[-1] = (moved[-1][0], previous.end)
    return moved


def week_category(part: Period) -> tuple[str, str]:
    """("2026-W27", "Week 27 of 2026 (01/07/2026 to 05/07/2026)")."""
    year, week, _ = part.start.isocalendar()
    return (
        f"{year}-W{week:02d}",
        f"Week {week} of {year} ({part.start:%d/%m/%Y} to {part.end:%d/%m/%Y})",
    )


# Measures ----------------------------------------------------------------------------


def _between(dates: pd.Series, start: datetime.date, end: datetime.date) -> pd.Series:
    return dates.between(pd.Timestamp(start), pd.Timestamp(end))


def overdose_measures(
    overdoses: pd.DataFrame,
    episodes: pd.DataFrame,
    period: Period,
    weeks: Sequence[tuple[datetime.date, datetime.date]],
) -> pd.DataFrame:
    """One row per overdose that happened in the period, with a yes/no column per measure."""
    rows = overdoses[_between(overdoses["occurred_on"], period.start, period.end)]
    day = rows["occurred_on"]
    known = rows["person_id"] != NOBODY
    followed_up = rows["has_follow_up"] == 1
    outcome = rows["outcome"].fillna("")
    contact_days = (rows["first_contact_on"] - day).dt.days
    closed_days = (rows["closed_on"] - day).dt.days
    offered = (
        followed_up
        & outcome.isin([str(o) for o in MAT_OFFERED_OUTCOMES])
        & (contact_days <= MAT_WITHIN_DAYS)
    )
    started = (
        offered
        & outcome.isin([str(o) for o in MAT_STARTED_OUTCOMES])
        & (closed_days <= MAT_WITHIN_DAYS)
    )
    pairs = rows.loc[known, ["event_id", "person_id", "occurred_on"]].merge(
        episodes, on="person_id"
    )
    open_then = (pairs["referral_date"] < pairs["occurred_on"]) & (
        pairs["discharge_date"].isna() | (pairs["discharge_date"] >= pairs["occurred_on"])
    )
    came_back = pairs["referral_date"].between(
        pairs["occurred_on"],
        pairs["occurred_on"] + pd.Timedelta(days=RETURN_WITHIN_DAYS),
    )
    out_of_treatment = known & ~rows["event_id"].isin(pairs.loc[open_then, "event_id"])
    measures = pd.DataFrame(
        {
            "person_id": rows["person_id"].to_numpy(),
            "unknown_team": rows["unknown_team"].to_numpy(),
            "overdoses": True,
            "known": known.to_numpy(),
            "followed_up": followed_up.to_numpy(),
            "mat_offered": offered.to_numpy(),
            "mat_started": started.to_numpy(),
            "out_of_treatment": out_of_treatment.to_numpy(),
            "returned": (
                out_of_treatment & rows["event_id"].isin(pairs.loc[came_back, "event_id"])
            ).to_numpy(),
        }
    )
    source = rows["source"].fillna(NOT_RECORDED).to_numpy()
    for code in SOURCES:
        measures[f"source:{code}"] = source == code
    for i, (start, end) in enumerate(weeks):
        measures[f"week{i}"] = _between(day, start, end).to_numpy()
    return measures


def follow_up_measures(follow_ups: pd.DataFrame, period: Period, now: float) -> pd.DataFrame:
    """One row per follow-up opened or due in the period; `now` in seconds since 1970."""
    opened = _between(follow_ups["opened_on"], period.start, period.end)
    due = _between(follow_ups["due_on"], period.start, period.end)
    rows = follow_ups[opened | due]
    opened, due = opened[rows.index], due[rows.index]
    closed = rows["closed_at"].notna()
    return pd.DataFrame(
        {
            "person_id": rows["person_id"].to_numpy(),
            "unknown_team": rows["unknown_team"].to_numpy(),
            "opened": opened.to_numpy(),
            "due": due.to_numpy(),
            "closed_on_time": (due & closed & (rows["closed_at"] <= rows["due_at"])).to_numpy(),
            "closed_late": (due & closed & (rows["closed_at"] > rows["due_at"])).to_numpy(),
            "open_overdue": (due & ~closed & (rows["due_at"] < now)).to_numpy(),
            "open_not_yet_due": (due & ~closed & (rows["due_at"] >= now)).to_numpy(),
            "opened_reached": (opened & rows["first_reached_at"].notna()).to_numpy(),
            "hours": ((rows["first_reached_at"] - rows["opened_at"]) / 3600)
            .clip(lower=0)
            .to_numpy(),
        }
    )


# Counting ------------------------------------------------------------------------------


def pathway_table(
    overdoses: pd.DataFrame,
    follow_ups: pd.DataFrame,
    weeks: int,
    segments: SegmentValues | None,
) -> CountTable:
    """The counts of one period, with everything that adds up declared for suppression."""
    table = CountTable(segments=segments.codes if segments else ())
    sources = [f"source:{code}" for code in SOURCES]
    week_measures = [f"week{i}" for i in range(weeks)]
    table.add_counts(
        overdoses,
        [
            "overdoses",
            *sources,
            *week_measures,
            "known",
            "followed_up",
            "mat_offered",
            "mat_started",
            "out_of_treatment",
            "returned",
        ],
        nested=nested_in(
            ["overdoses", "known", "out_of_treatment", "returned"],
            ["overdoses", "followed_up", "mat_offered", "mat_started"],
            names={("overdoses", "known"): "not_yet_known"},
        ),
    )
    table.add_partition("overdoses", sources)
    table.add_partition("overdoses", week_measures)
    table.add_counts(
        follow_ups,
        ["opened", "due", *FOLLOW_UP_STATES, "opened_reached"],
        nested=nested_in(["opened", "opened_reached"]),
    )
    table.add_partition("due", list(FOLLOW_UP_STATES))
    reached = follow_ups[follow_ups["opened_reached"]]
    table.add_statistic("hours_to_contact", reached, "hours", "median")
    return table


def _figures(parts: Sequence[Period]) -> list[Figure]:
    figures = [
        Figure(
            "overdoses",
            "Non-fatal overdoses that happened in the period, of known people and of people "
            "not yet known",
            "count",
            numerator="overdoses",
        )
    ]
    figures += [
        Figure(
            "overdoses_by_person",
            "Non-fatal overdoses in the period, by whether the person was known to the service",
            "count",
            numerator=category,
            category=category,
            category_label=label,
        )
        for category, label in PEOPLE.items()
    ]
    figures += [
        Figure(
            "overdoses_by_source",
            "Non-fatal overdoses in the period, by who told the service",
            "count",
            numerator=f"source:{code}",
            category=code,
            category_label=label,
        )
        for code, label in SOURCES.items()
    ]
    figures += [
        Figure(
            "overdoses_by_week",
            "Non-fatal overdoses in the period, by the ISO week they happened in",
            "count",
            numerator=f"week{i}",
            category=week_category(part)[0],
            category_label=week_category(part)[1],
        )
        for i, part in enumerate(parts)
    ]
    figures.append(
        Figure(
            "follow_ups_opened",
            "Overdose follow-ups opened in the period",
            "count",
            numerator="opened",
        )
    )
    figures += [
        Figure(
            "follow_ups_due",
            "Overdose follow-ups due in the period, by where they stand on the day the "
            "figures are computed",
            "count",
            numerator=state or "due",
            category=state,
            category_label=label,
        )
        for state, label in ((None, None), *FOLLOW_UP_STATES.items())
    ]
    figures += [
        Figure(
            "follow_ups_closed_on_time",
            "Overdose follow-ups due in the period that closed by their due time, as a share "
            "of those due",
            "percent",
            numerator="closed_on_time",
            denominator="due",
        ),
        Figure(
            "median_hours_to_first_contact",
            "Median hours from a follow-up opening to the person first being reached, of "
            "the follow-ups opened in the period whose person was reached",
            "hours",
            denominator="opened_reached",
            statistic="hours_to_contact",
        ),
        Figure(
            "mat_offered_within_7_days",
            "Overdoses in the period whose person was reached and offered treatment (MAT) "
            "within 7 days, as a share of the overdoses followed up",
            "percent",
            numerator="mat_offered",
            denominator="followed_up",
            follow_up_days=MAT_WITHIN_DAYS,
        ),
        Figure(
            "mat_started_within_7_days",
            "Overdoses in the period whose person started or restarted treatment (MAT) "
            "within 7 days, as a share of the overdoses followed up",
            "percent",
            numerator="mat_started",
            denominator="followed_up",
            follow_up_days=MAT_WITHIN_DAYS,
        ),
        Figure(
            "returned_to_treatment_within_28_days",
            "Overdoses in the period of known people out of treatment at the time, after "
            "which they were referred to treatment within 28 days, as a share of those "
            "overdoses",
            "percent",
            numerator="returned",
            denominator="out_of_treatment",
            follow_up_days=RETURN_WITHIN_DAYS,
        ),
    ]
    return figures


def overdose_tables(
    filters: FigureFilters, *, now: datetime.datetime | None = None
) -> tuple[CountTable, CountTable, SegmentValues | None, list[Period]]:
    """The unsuppressed counts of both periods, the segment values and the weeks."""
    moment = (now or timezone.now()).timestamp()
    frames = loading.read_frames(_statements(filters))
    period, previous = filters.period, filters.previous_period
    parts = week_parts(period)
    cuts = {
        period: [(p.start, p.end) for p in parts],
        previous: aligned_week_parts(period, previous, parts),
    }
    measures = {
        p: (
            overdose_measures(frames["overdoses"], frames["episodes"], p, cuts[p]),
            follow_up_measures(frames["follow_ups"], p, moment),
        )
        for p in (period, previous)
    }
    assign_segments(filters, frames.get("people"), {p.end: list(measures[p]) for p in measures})
    values = place_rows_without_a_person(
        filters, [frame for pair in measures.values() for frame in pair], "unknown_team"
    )
    current, before = (pathway_table(*measures[p], len(parts), values) for p in measures)
    return current, before, values, parts


def overdose_figures(filters: FigureFilters, *, now: datetime.datetime | None = None) -> dict:
    """The overdose pathway's figures for the filters' period, beside the previous one.

    Returns the shape described in `outcomes.figures` (family "overdose_pathway"),
    every count, rate and median already suppressed. `now` is when the follow-ups'
    states are read (the figures are computed now unless a test says otherwise).
    """
    current, before, values, parts = overdose_tables(filters, now=now)
    return figures_result(
        family=FAMILY,
        filters=filters,
        figures=_figures(parts),
        current=current,
        previous=before,
        segments=values,
        today=timezone.localdate(now),
    )
