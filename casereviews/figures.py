"""Figures of the case review of the living at highest risk (family "case_reviews").

`case_review_figures(filters)` returns the shape every figure family returns (see
`outcomes.figures`), every count and rate passed through small-number suppression
(`outcomes.figures.tables`). Rows are read in bulk (`core.frames`, through
`outcomes.figures.loading`) and counted with pandas. People count where the filters put
them (their current team, their local authority of residence). A review is a person on
the list of a meeting marked held; its day is the meeting's date.

- `very_high_flags`: flags that reached very high in the period (`raised_on`).
- `reviewed_within_7_days`, `reviewed_within_14_days`: of those, the flags whose person
  was reviewed from the day the flag reached very high to 7 (14) days after it.
  Provisional until 14 days after the period ends.
- `actions_due`, `actions_done_on_time`: case review actions due in the period, and the
  share of them done on or before their due date (by the day the figures are computed).
- `deaths_after_very_high`, `deaths_reviewed_before`: deaths in the period of people
  whose flag had reached very high before they died, and the share of them reviewed
  before the day they died.
- `overdoses_after_very_high`, `overdoses_reviewed_before`: the same for non-fatal
  overdoses that happened in the period (one row an overdose).

The death reviews' track record (`deathreviews.figures`) says whether a person who died
had been flagged; these say whether the flag led to a review.
"""

import datetime

import pandas as pd
from django.utils import timezone

from cases.models import EventKind, EventStatus
from core.frames import day_number
from outcomes.figures import loading
from outcomes.figures.filters import FigureFilters, Period
from outcomes.figures.loading import Column, Statement
from outcomes.figures.tables import CountTable, Figure, figures_result, nested_in

FAMILY = "case_reviews"
WITHIN_DAYS = (7, 14)
VERY_HIGH = "very_high"

HELD_REVIEWS = """
    SELECT r.service_user_id, m.meets_on FROM casereviews_reviewedperson r
    JOIN casereviews_meeting m ON m.id = r.meeting_id WHERE m.status = 'held'
"""
FLAGGED_BEFORE = """EXISTS (
    SELECT 1 FROM risk_flag vf WHERE vf.service_user_id = p.id AND vf.tier = 'very_high'
      AND vf.raised_on <= {day})"""


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    people = loading.person_filter(filters)
    params = {
        **people.params,
        "window_start": filters.previous_period.start,
        "window_end": filters.end,
    }
    scope = people.where
    return {
        "flags": Statement(
            f"""
            SELECT f.id, f.service_user_id, {day_number("f.raised_on")}
            FROM risk_flag f JOIN cases_serviceuser p ON p.id = f.service_user_id
            WHERE f.tier = '{VERY_HIGH}'
              AND f.raised_on BETWEEN %(window_start)s AND %(window_end)s AND {scope}
            """,
            (Column("flag_id", "int"), Column("person_id", "int"), Column("raised_on", "date")),
            params,
        ),
        "reviews": Statement(
            f"""
            SELECT h.service_user_id, {day_number("h.meets_on")}
            FROM ({HELD_REVIEWS}) h JOIN cases_serviceuser p ON p.id = h.service_user_id
            WHERE {scope}
            """,
            (Column("person_id", "int"), Column("meets_on", "date")),
            params,
        ),
        "actions": Statement(
            f"""
            SELECT a.id, {day_number("a.due_on")}, {day_number("a.done_on")}
            FROM casereviews_reviewaction a
            JOIN casereviews_reviewedperson r ON r.id = a.reviewed_id
            JOIN cases_serviceuser p ON p.id = r.service_user_id
            WHERE a.due_on BETWEEN %(window_start)s AND %(window_end)s AND {scope}
            """,
            (Column("action_id", "int"), Column("due_on", "date"), Column("done_on", "date")),
            params,
        ),
        "deaths": Statement(
            f"""
            SELECT p.id, {day_number("p.date_of_death")} FROM cases_serviceuser p
            WHERE p.date_of_death BETWEEN %(window_start)s AND %(window_end)s
              AND {FLAGGED_BEFORE.format(day="p.date_of_death")} AND {scope}
            """,
            (Column("person_id", "int"), Column("day", "date")),
            params,
        ),
        "overdoses": Statement(
            f"""
            SELECT e.service_user_id, {day_number("e.occurred_on")}
            FROM cases_event e JOIN cases_serviceuser p ON p.id = e.service_user_id
            WHERE e.kind = '{EventKind.NON_FATAL_OVERDOSE}'
              AND e.status = '{EventStatus.HAPPENED}'
              AND e.occurred_on BETWEEN %(window_start)s AND %(window_end)s
              AND {FLAGGED_BEFORE.format(day="e.occurred_on")} AND {scope}
            """,
            (Column("person_id", "int"), Column("day", "date")),
            params,
        ),
    }


def _in(dates: pd.Series, period: Period) -> pd.Series:
    return dates.between(pd.Timestamp(period.start), pd.Timestamp(period.end))


def flag_measures(flags: pd.DataFrame, reviews: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per flag that reached very high in the period, with whether its person was
    reviewed within 7 and within 14 days of that day."""
    rows = flags[_in(flags["raised_on"], period)]
    pairs = rows.merge(reviews, on="person_id")
    after = (pairs["meets_on"] - pairs["raised_on"]).dt.days
    measures = pd.DataFrame({"very_high_flags": True}, index=rows["flag_id"].to_numpy())
    for days in WITHIN_DAYS:
        reviewed = set(pairs.loc[(after >= 0) & (after <= days), "flag_id"])
        measures[f"reviewed_{days}"] = measures.index.isin(list(reviewed))
    return measures.reset_index(drop=True)


def action_measures(actions: pd.DataFrame, period: Period) -> pd.DataFrame:
    rows = actions[_in(actions["due_on"], period)]
    on_time = rows["done_on"].notna() & (rows["done_on"] <= rows["due_on"])
    return pd.DataFrame({"actions_due": True, "actions_on_time": on_time.to_numpy()})


def reviewed_before(events: pd.DataFrame, reviews: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per death or overdose in the period, with whether the person had been
    reviewed before its day."""
    rows = events[_in(events["day"], period)].reset_index(drop=True)
    rows["row"] = rows.index
    pairs = rows.merge(reviews, on="person_id")
    before = set(pairs.loc[pairs["meets_on"] < pairs["day"], "row"])
    return pd.DataFrame({"events": True, "reviewed": rows["row"].isin(list(before)).to_numpy()})


def _table(frames: dict[str, pd.DataFrame], period: Period) -> CountTable:
    table = CountTable()
    table.add_counts(
        flag_measures(frames["flags"], frames["reviews"], period),
        ["very_high_flags", "reviewed_7", "reviewed_14"],
        nested=nested_in(["very_high_flags", "reviewed_14", "reviewed_7"]),
    )
    table.add_counts(
        action_measures(frames["actions"], period),
        ["actions_due", "actions_on_time"],
        nested=nested_in(["actions_due", "actions_on_time"]),
    )
    for kind in ("deaths", "overdoses"):
        measures = reviewed_before(frames[kind], frames["reviews"], period).rename(
            columns={"events": kind, "reviewed": f"{kind}_reviewed"}
        )
        table.add_counts(
            measures,
            [kind, f"{kind}_reviewed"],
            nested=nested_in([kind, f"{kind}_reviewed"]),
        )
    return table


FIGURES = (
    Figure(
        "very_high_flags",
        "Flags that reached very high in the period",
        "count",
        numerator="very_high_flags",
    ),
    *(
        Figure(
            f"reviewed_within_{days}_days",
            f"Flags that reached very high in the period whose person had a case review "
            f"within {days} days, as a share of those flags",
            "percent",
            numerator=f"reviewed_{days}",
            denominator="very_high_flags",
            follow_up_days=max(WITHIN_DAYS),
        )
        for days in WITHIN_DAYS
    ),
    Figure(
        "actions_due",
        "Case review actions due in the period",
        "count",
        numerator="actions_due",
    ),
    Figure(
        "actions_done_on_time",
        "Case review actions due in the period that were done by their due date, as a "
        "share of those due",
        "percent",
        numerator="actions_on_time",
        denominator="actions_due",
    ),
    Figure(
        "deaths_after_very_high",
        "Deaths in the period of people whose flag had reached very high before",
        "count",
        numerator="deaths",
    ),
    Figure(
        "deaths_reviewed_before",
        "Deaths in the period of people flagged very high before, whose person had had a "
        "case review before they died, as a share of those deaths",
        "percent",
        numerator="deaths_reviewed",
        denominator="deaths",
    ),
    Figure(
        "overdoses_after_very_high",
        "Non-fatal overdoses in the period of people whose flag had reached very high before",
        "count",
        numerator="overdoses",
    ),
    Figure(
        "overdoses_reviewed_before",
        "Non-fatal overdoses in the period of people flagged very high before, whose "
        "person had had a case review before it, as a share of those overdoses",
        "percent",
        numerator="overdoses_reviewed",
        denominator="overdoses",
    ),
)


def case_review_figures(filters: FigureFilters, *, today: datetime.date | None = None) -> dict:
    """The case review's figures for the filters' period, beside the previous one."""
    frames = loading.read_frames(_statements(filters))
    return figures_result(
        family=FAMILY,
        filters=filters,
        figures=FIGURES,
        current=_table(frames, filters.period),
        previous=_table(frames, filters.previous_period),
        segments=None,
        today=today or timezone.localdate(),
    )
