"""Naloxone coverage of people with opioid use, beside the previous period's.

- **People with opioid use in a period**: people in treatment in the period
  (`outcomes.figures.episodes`, as in the outcome summary) whose latest such episode has an opioid among
  its problem substances (main, second or third), or whose latest TOP on or
  before the period's last day, from any episode, recorded OPIUSE above 0. A
  TOP with OPIUSE not disclosed does not count either way.
- **Kit supplied**: at least one naloxone supply recorded for them on or
  before the period's last day, to any recipient.
- **In-date kit at the period end**: their latest supply on or before the
  period's last day expires on or after that day.

People whose episode is opioid-related are the outcome summary's opiate
clients in treatment, which that family shows: those counts are passed to
suppression as published, so that the people counted here only through their
TOP can never be worked out as the difference.
"""

import pandas as pd
from django.utils import timezone

from core.frames import day_number
from outcomes.figures import loading
from outcomes.figures.episodes import (
    EPISODE_COLUMNS,
    OVERLAPS,
    episodes_sql,
    in_treatment_people,
    window_params,
)
from outcomes.figures.filters import FigureFilters, Period
from outcomes.figures.loading import Column, Statement
from outcomes.figures.segments import SegmentValues, assign_segments
from outcomes.figures.tables import CountTable, Figure, figures_result, nested_in

FIGURES = [
    Figure(
        "naloxone_kit_supplied",
        "People with opioid use who have had a naloxone kit supplied",
        "percent",
        numerator="kit_supplied",
        denominator="opioid_use",
    ),
    Figure(
        "naloxone_kit_in_date",
        "People with opioid use holding an in-date naloxone kit at the period end",
        "percent",
        numerator="kit_in_date",
        denominator="opioid_use",
    ),
]


def _latest_and_since(table: str, columns: str, dated: str, population: str) -> str:
    """Each person's latest row on or before the comparison period's end, then
    every row after it up to the period's end: enough to know anyone's latest
    row on either period's last day, without reading their whole history."""
    return f"""
        SELECT * FROM (
            SELECT DISTINCT ON (x.service_user_id) {columns}
            FROM {table} x
            WHERE x.{dated} <= %(previous_end)s AND x.service_user_id IN ({population})
            ORDER BY x.service_user_id, x.{dated} DESC, x.id DESC
        ) latest
        UNION ALL
        SELECT {columns} FROM {table} x
        WHERE x.{dated} > %(previous_end)s AND x.{dated} <= %(window_end)s
          AND x.service_user_id IN ({population})
    """


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    people = loading.person_filter(filters)
    params = {
        **people.params,
        **window_params(filters),
        "previous_end": filters.previous_period.end,
    }
    population = (
        f"SELECT e.service_user_id FROM cases_treatmentepisode e "
        f"{people.join('e.service_user_id')} "
        f"WHERE {people.where} AND {OVERLAPS.format(e='e')}"
    )
    statements = {
        "episodes": Statement(episodes_sql(people, whole_history=False), EPISODE_COLUMNS, params),
        "tops": Statement(
            _latest_and_since(
                "outcomes_topassessment",
                f"x.service_user_id, x.id, {day_number('x.top_date')}, x.opiuse",
                "top_date",
                population,
            ),
            (
                Column("person_id", "int"),
                Column("top_id", "int"),
                Column("top_date", "date"),
                Column("opiuse", "number"),
            ),
            params,
        ),
        "supplies": Statement(
            _latest_and_since(
                "cases_naloxonesupply",
                f"x.service_user_id, x.id, {day_number('x.supplied_on')}, "
                f"{day_number('x.expiry_date')}",
                "supplied_on",
                population,
            ),
            (
                Column("person_id", "int"),
                Column("supply_id", "int"),
                Column("supplied_on", "date"),
                Column("expiry_date", "date"),
            ),
            params,
        ),
    }
    if filters.segment is not None:
        statements["people"] = loading.people_statement(filters, population, params)
    return statements


def _latest_by_person(frame: pd.DataFrame, dated: str, row_id: str, day) -> pd.DataFrame:
    upto = frame[frame[dated] <= pd.Timestamp(day)]
    return (
        upto.sort_values(["person_id", dated, row_id])
        .drop_duplicates("person_id", keep="last")
        .set_index("person_id")
    )


def naloxone_measures(frames: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """One row per person with opioid use in the period, with their kit position."""
    people = in_treatment_people(frames["episodes"], period)
    top = _latest_by_person(frames["tops"], "top_date", "top_id", period.end)
    supply = _latest_by_person(frames["supplies"], "supplied_on", "supply_id", period.end)
    opiate_client = people["opioid"] == 1
    used_on_top = loading.lookup(people.index, top["opiuse"]) > 0
    users = people[opiate_client | used_on_top]
    expiry = loading.lookup(users.index, supply["expiry_date"])
    return pd.DataFrame(
        {
            "person_id": users.index,
            "opioid_use": True,
            "opiate_in_treatment": (users["opioid"] == 1).to_numpy(),
            "kit_supplied": expiry.notna().to_numpy(),
            "kit_in_date": (expiry >= pd.Timestamp(period.end)).to_numpy(),
        }
    )


def naloxone_table(measures: pd.DataFrame, segments: SegmentValues | None) -> CountTable:
    table = CountTable(segments=segments.codes if segments else ())
    table.add_counts(
        measures,
        ["opioid_use", "kit_supplied", "kit_in_date"],
        nested=nested_in(["opioid_use", "kit_supplied", "kit_in_date"]),
    )
    # Shown by the outcome summary as opiate clients in treatment.
    table.add_counts(measures, ["opiate_in_treatment"], published=True)
    measures = measures.assign(
        use_on_top_only=measures["opioid_use"] & ~measures["opiate_in_treatment"]
    )
    table.add_counts(measures, ["use_on_top_only"])
    table.add_partition("opioid_use", ["opiate_in_treatment", "use_on_top_only"])
    return table


def naloxone_tables(
    filters: FigureFilters,
) -> tuple[CountTable, CountTable, SegmentValues | None]:
    """The unsuppressed counts of both periods and the segment values."""
    frames = loading.read_frames(_statements(filters))
    periods = (filters.period, filters.previous_period)
    measures = {p: naloxone_measures(frames, p) for p in periods}
    values = assign_segments(filters, frames.get("people"), {p.end: [measures[p]] for p in periods})
    current, previous = (naloxone_table(measures[p], values) for p in periods)
    return current, previous, values


def naloxone_coverage(filters: FigureFilters) -> dict:
    """Naloxone coverage for the filters' period, beside the previous one.

    Returns the shape described in `outcomes.figures` (family
    "naloxone_coverage"), every count and rate already suppressed.
    """
    current, previous, values = naloxone_tables(filters)
    return figures_result(
        family="naloxone_coverage",
        filters=filters,
        figures=FIGURES,
        current=current,
        previous=previous,
        segments=values,
        today=timezone.localdate(),
    )
