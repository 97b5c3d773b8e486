"""Harm reduction figures from the care record, beside the previous period's.

Who counts (each definition is also in docs/figures.md):

- **People in treatment** as in the outcome summary (`outcomes.figures.episodes`);
  **who inject or have injected**: those whose latest episode in treatment records
  injecting currently or previously (INJSTAT C or P), the people the care record
  offers a hepatitis C test to (`care.selectors.health_due`).
- **Hepatitis C tests** (antibody or RNA), of the people who inject or have
  injected: those offered a test in the 12 months to the period's last day (the
  interval after which the care record offers one again); of them, those who
  accepted an offer in those 12 months; of them, those tested (a test date) in
  those 12 months.
- **Hepatitis B vaccination courses**: people given their first dose in the
  period (a course started), and people given their third dose in it (the
  primary course completed). Counts, of anyone within the filters.
- **Needle exchange**: contacts in the period, named (of a person) and anonymous
  (counted for the team that recorded them, without a record of anyone), and
  the people with a named contact in it. An anonymous contact counts under its
  team, and only when no local authority is asked for, as the naloxone kits to
  people who are not clients do (`outcomes.figures.naloxone`).
- **Plans in date**: of the people in treatment, those whose care plan current
  on the period's last day (agreed by then, not replaced by then) was not
  overdue for review on it: the latest review held by then (or the day it was
  agreed) plus the plan's review interval falls on or after that day.

Naloxone for people with opioid use is its own family, `naloxone_coverage`
(`outcomes.figures.naloxone`): it is not repeated here.
"""

import pandas as pd
from django.utils import timezone

from care.models.health import COURSE_DOSES, VaccinationKind, Virus
from core.frames import day_number
from outcomes.figures import FigureFilters, Period, loading
from outcomes.figures.episodes import (
    CLIENT_GROUPS,
    episodes_statement,
    in_treatment_people,
    in_window_people,
    window_params,
)
from outcomes.figures.loading import Column, Statement
from outcomes.figures.segments import (
    NOBODY,
    SegmentValues,
    assign_segments,
    place_rows_without_a_person,
)
from outcomes.figures.tables import CountTable, Figure, figures_result, nested_in

HEP_C_LOOKBACK_MONTHS = 12
HEP_C = (Virus.HEP_C_ANTIBODY.value, Virus.HEP_C_RNA.value)
HEP_C_CHAIN = ["injected", "hep_c_offered", "hep_c_accepted", "hep_c_tested"]


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    people = loading.person_filter(filters)
    params = {
        **people.params,
        **window_params(filters),
        "hep_c": list(HEP_C),
        "dose": VaccinationKind.DOSE.value,
        "doses": [1, COURSE_DOSES],
    }
    in_treatment = in_window_people(people)
    anonymous = loading.without_a_person(filters, "x.team_id")
    statements = {
        "episodes": episodes_statement(people, params, whole_history=False),
        "tests": Statement(
            f"""
            SELECT x.service_user_id, {day_number("x.offered_on")}, x.accepted::int,
                   {day_number("x.tested_on")}
            FROM care_bloodbornevirustest x {people.join("x.service_user_id")}
            WHERE {people.where} AND x.virus = ANY(%(hep_c)s)
              AND x.offered_on BETWEEN %(window_start)s - interval '12 months'
                  AND %(window_end)s
            """,
            (
                Column("person_id", "int"),
                Column("offered_on", "date"),
                Column("accepted", "int"),
                Column("tested_on", "date"),
            ),
            params,
        ),
        "doses": Statement(
            f"""
            SELECT x.service_user_id, x.dose_number, {day_number("x.given_on")}
            FROM care_hepatitisbvaccination x {people.join("x.service_user_id")}
            WHERE {people.where} AND x.kind = %(dose)s AND x.dose_number = ANY(%(doses)s)
              AND x.given_on BETWEEN %(window_start)s AND %(window_end)s
            """,
            (Column("person_id", "int"), Column("dose", "int"), Column("given_on", "date")),
            params,
        ),
        "nsp": Statement(
            f"""
            SELECT COALESCE(x.service_user_id, {NOBODY}), x.team_id, {day_number("x.contact_on")}
            FROM care_needleexchangecontact x LEFT JOIN cases_serviceuser p
              ON p.id = x.service_user_id
            WHERE x.contact_on BETWEEN %(window_start)s AND %(window_end)s
              AND ((x.service_user_id IS NOT NULL AND {people.where})
                   OR (x.service_user_id IS NULL AND {anonymous}))
            """,
            (Column("person_id", "int"), Column("nsp_team", "int"), Column("contact_on", "date")),
            params,
        ),
        "plans": Statement(
            f"""
            SELECT x.id, x.service_user_id, {day_number("x.agreed_on")},
                   {day_number("(x.superseded_at AT TIME ZONE %(zone)s)::date")},
                   x.review_every_weeks, {day_number("r.reviewed_on")}
            FROM care_careplan x {people.join("x.service_user_id")}
            LEFT JOIN care_planreview r
              ON r.plan_id = x.id AND r.reviewed_on <= %(window_end)s
            WHERE {people.where} AND x.agreed_on <= %(window_end)s
              AND (x.superseded_at IS NULL
                   OR (x.superseded_at AT TIME ZONE %(zone)s)::date > %(window_start)s)
            """,
            (
                Column("plan_id", "int"),
                Column("person_id", "int"),
                Column("agreed_on", "date"),
                Column("superseded_on", "date"),
                Column("every_weeks", "int"),
                Column("reviewed_on", "date"),
            ),
            {**params, "zone": timezone.get_current_timezone_name()},
        ),
    }
    if filters.segment is not None:
        holders = (
            f"{in_treatment} UNION SELECT x.service_user_id FROM care_needleexchangecontact x "
            "WHERE x.contact_on BETWEEN %(window_start)s AND %(window_end)s "
            "AND x.service_user_id IS NOT NULL "
            "UNION SELECT x.service_user_id FROM care_hepatitisbvaccination x "
            "WHERE x.given_on BETWEEN %(window_start)s AND %(window_end)s"
        )
        statements["people"] = loading.people_statement(filters, holders, params)
    return statements


def _between(dates: pd.Series, first, last) -> pd.Series:
    return dates.between(pd.Timestamp(first), pd.Timestamp(last))


def people_measures(frames: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """One row per person in treatment in the period: hepatitis C tests and plans."""
    people = in_treatment_people(frames["episodes"], period)
    end = pd.Timestamp(period.end)
    since = loading.months_after(pd.Series([end]), -HEP_C_LOOKBACK_MONTHS)[0]
    tests = frames["tests"]
    recent = tests[(tests["offered_on"] > since) & (tests["offered_on"] <= end)]
    offered = recent["person_id"]
    accepted = recent.loc[recent["accepted"] == 1, "person_id"]
    tested = recent[(recent["tested_on"] > since) & (recent["tested_on"] <= end)]
    ids = people.index
    measures = pd.DataFrame(
        {
            "person_id": ids,
            "client_group": people["client_group"].array,
            "in_treatment": True,
            "injected": (people["injected"] == 1).to_numpy(),
        }
    )
    measures["hep_c_offered"] = measures["injected"] & ids.isin(offered)
    measures["hep_c_accepted"] = measures["hep_c_offered"] & ids.isin(accepted)
    measures["hep_c_tested"] = measures["hep_c_accepted"] & ids.isin(tested["person_id"])
    measures["plan_in_date"] = ids.isin(_in_date(frames["plans"], end))
    return measures


def _in_date(plans: pd.DataFrame, end: pd.Timestamp) -> pd.Index:
    """The people whose plan current on `end` was not overdue for review on it."""
    current = plans[
        (plans["agreed_on"] <= end)
        & (plans["superseded_on"].isna() | (plans["superseded_on"] > end))
    ]
    held = current["reviewed_on"].where(current["reviewed_on"] <= end)
    last = held.where(held.notna(), current["agreed_on"])
    last = last.groupby(current["plan_id"]).transform("max")
    due = last + pd.to_timedelta(current["every_weeks"] * 7, unit="D")
    return pd.Index(current.loc[due >= end, "person_id"].unique())


def activity_measures(frames: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """One row per hepatitis B dose 1 or 3, and per needle exchange contact, in the period."""
    doses = frames["doses"][_between(frames["doses"]["given_on"], period.start, period.end)]
    nsp = frames["nsp"][_between(frames["nsp"]["contact_on"], period.start, period.end)]
    named = nsp["person_id"] != NOBODY
    first_named = named & ~nsp.duplicated("person_id")
    dose_rows = pd.DataFrame(
        {
            "person_id": doses["person_id"].to_numpy(),
            "nsp_team": NOBODY,
            "hep_b_started": (doses["dose"] == 1).to_numpy(),
            "hep_b_completed": (doses["dose"] == COURSE_DOSES).to_numpy(),
        }
    )
    nsp_rows = pd.DataFrame(
        {
            "person_id": nsp["person_id"].to_numpy(),
            "nsp_team": nsp["nsp_team"].to_numpy(),
            "nsp_contacts": True,
            "nsp_named": named.to_numpy(),
            "nsp_anonymous": (~named).to_numpy(),
            "nsp_people": first_named.to_numpy(),
        }
    )
    for frame, absent in ((dose_rows, NSP_MEASURES), (nsp_rows, DOSE_MEASURES)):
        for column in absent:
            frame[column] = False
    return pd.concat([dose_rows, nsp_rows], ignore_index=True)


DOSE_MEASURES = ["hep_b_started", "hep_b_completed"]
NSP_MEASURES = ["nsp_contacts", "nsp_named", "nsp_anonymous", "nsp_people"]


def harm_reduction_table(
    measures: dict[str, pd.DataFrame], segments: SegmentValues | None
) -> CountTable:
    table = CountTable(client_groups=CLIENT_GROUPS, segments=segments.codes if segments else ())
    table.add_counts(
        measures["people"],
        ["in_treatment", *HEP_C_CHAIN, "plan_in_date"],
        by_group=True,
        nested=nested_in(["in_treatment", *HEP_C_CHAIN], ["in_treatment", "plan_in_date"]),
    )
    activity = measures["activity"]
    table.add_counts(
        activity,
        [*DOSE_MEASURES, *NSP_MEASURES],
        nested=nested_in(["nsp_named", "nsp_people"]),
    )
    table.add_partition("nsp_contacts", ["nsp_named", "nsp_anonymous"])
    return table


FIGURES = [
    *(
        Figure(
            f"hep_c_{step}",
            f"People in treatment who inject or have injected, {words} in the 12 months "
            "to the period end",
            "percent",
            numerator=f"hep_c_{step}",
            denominator="injected",
            by_client_group=True,
        )
        for step, words in (
            ("offered", "offered a hepatitis C test"),
            ("accepted", "who accepted a hepatitis C test"),
            ("tested", "tested for hepatitis C"),
        )
    ),
    Figure(
        "hep_b_courses_started",
        "People who started a hepatitis B vaccination course (first dose) in the period",
        "count",
        numerator="hep_b_started",
    ),
    Figure(
        "hep_b_courses_completed",
        "People who completed a hepatitis B vaccination course (third dose) in the period",
        "count",
        numerator="hep_b_completed",
    ),
    *(
        Figure(
            "nsp_contacts",
            "Needle and syringe programme contacts in the period",
            "count",
            numerator=measure,
            category=category,
            category_label=label,
        )
        for measure, category, label in (
            ("nsp_contacts", None, None),
            ("nsp_named", "named", "Of a person known to the service"),
            ("nsp_anonymous", "anonymous", "Anonymous"),
        )
    ),
    Figure(
        "nsp_people",
        "People with a named needle and syringe programme contact in the period",
        "count",
        numerator="nsp_people",
    ),
    Figure(
        "plans_in_date",
        "People in treatment with a current care plan not overdue for review at the period end",
        "percent",
        numerator="plan_in_date",
        denominator="in_treatment",
        by_client_group=True,
    ),
]


def harm_reduction_tables(
    filters: FigureFilters,
) -> tuple[CountTable, CountTable, SegmentValues | None]:
    """The unsuppressed counts of both periods and the segment values."""
    frames = loading.read_frames(_statements(filters))
    periods = (filters.period, filters.previous_period)
    measures = {
        p: {"people": people_measures(frames, p), "activity": activity_measures(frames, p)}
        for p in periods
    }
    assign_segments(
        filters, frames.get("people"), {p.end: list(measures[p].values()) for p in periods}
    )
    values = place_rows_without_a_person(
        filters, [frame for p in periods for frame in measures[p].values()], "nsp_team"
    )
    current, previous = (harm_reduction_table(measures[p], values) for p in periods)
    return current, previous, values


def harm_reduction(filters: FigureFilters) -> dict:
    """Hepatitis C tests, hepatitis B courses, needle exchange and plans in date, for the
    filters' period beside the previous one (family "harm_reduction", suppressed)."""
    current, previous, values = harm_reduction_tables(filters)
    return figures_result(
        family="harm_reduction",
        filters=filters,
        figures=FIGURES,
        current=current,
        previous=previous,
        segments=values,
        client_groups=CLIENT_GROUPS,
        today=timezone.localdate(),
    )
