"""Episodes, and who is in treatment in a period: shared by the outcome summary and
naloxone coverage, so both count exactly the same people.

- **In treatment in a period**: a person with an episode whose treatment had
  started (a care-plan start on or before the period's last day) and that was
  not discharged before its first day. A person counts once, in the client
  group of the latest such episode (latest care-plan start).
- **Client group**, the usual NDTMS grouping of an episode's problem
  substances (1 to 3, by `cases.models.SubstanceCategory`): *opiate* if any is
  an opioid; otherwise *non-opiate* if any is a drug other than alcohol (with
  or without alcohol); otherwise *alcohol* (alcohol only).

Episodes are read for the *window*: from the comparison period's first day to
the period's last, which covers both periods, with the answers other families
read of the same episode (injecting, parental status, children living with the
person): every family reads them through one statement, which the dashboard then
reads once for them all.
"""

import numpy as np
import pandas as pd

from cases.models import INJECTS_OR_HAS
from core.frames import day_number
from outcomes.figures import loading
from outcomes.figures.filters import FigureFilters, Period
from outcomes.figures.loading import Column, Statement

CLIENT_GROUPS = ("opiate", "non_opiate", "alcohol")


def client_groups(opioid: pd.Series, other_drug: pd.Series) -> pd.Series:
    """Each episode's NDTMS client group from its substances (see the module docstring),
    as a categorical of `CLIENT_GROUPS`: a column of a few values, which costs nothing to
    build or to group by, where text would be converted row by row.

    `opioid`: any problem substance is an opioid; `other_drug`: any is a drug
    other than alcohol and opioids.
    """
    codes = np.select(
        [opioid.astype(bool).to_numpy(), other_drug.astype(bool).to_numpy()],
        [CLIENT_GROUPS.index("opiate"), CLIENT_GROUPS.index("non_opiate")],
        CLIENT_GROUPS.index("alcohol"),
    )
    return pd.Series(pd.Categorical.from_codes(codes, categories=CLIENT_GROUPS), index=opioid.index)


OVERLAPS = (
    "{e}.referral_date <= %(window_end)s "
    "AND ({e}.discharge_date IS NULL OR {e}.discharge_date >= %(window_start)s)"
)
EPISODE_COLUMNS = (
    Column("episode_id", "int"),
    Column("person_id", "int"),
    Column("referral_date", "date"),
    Column("start_date", "date"),
    Column("discharge_date", "date"),
    Column("successful", "int"),
    Column("unplanned", "int"),
    Column("opioid", "int"),
    Column("other_drug", "int"),
)
# What the families counting people in treatment read of their latest episode, beside
# the above, for the episodes of the window only.
ANSWER_COLUMNS = (
    # Injects or has injected (`cases.models.INJECTS_OR_HAS`): 0/1.
    Column("injected", "int"),
    # Parental status (1 yes, 0 no) and children living with them; null if not recorded.
    Column("parent", "number"),
    Column("children", "number"),
)


# The ids of the substances and discharge reasons of each kind: each list is worked out
# once per statement (an init plan), so an episode row is tested against a few ids
# rather than joined to four tables, which took a third of the statement's time.
OPIOIDS = "ARRAY(SELECT s.id FROM cases_substance s WHERE s.category = 'opioid')"
OPIOIDS_OR_ALCOHOL = (
    "ARRAY(SELECT s.id FROM cases_substance s WHERE s.category IN ('opioid', 'alcohol'))"
)
SUCCESSFUL = "ARRAY(SELECT r.id FROM cases_dischargereason r WHERE r.is_successful_completion)"
UNPLANNED = "ARRAY(SELECT r.id FROM cases_dischargereason r WHERE r.is_unplanned_exit)"
INJECTED = ", ".join(f"'{status.value}'" for status in INJECTS_OR_HAS)


def _any_substance(test: str) -> str:
    """Whether any of the episode's problem substances passes `test` (e.g. "= ANY(...)"),
    as 0/1: a substance not recorded passes no test."""
    each = " OR ".join(f"COALESCE(e.substance_{n}_id {test}, FALSE)" for n in (1, 2, 3))
    return f"({each})::int"


def episodes_statement(
    people: loading.PersonFilter, params: dict, *, whole_history: bool
) -> Statement:
    """Episodes with their substances' groups, for the people in scope.

    `whole_history`: every episode of the people in scope, for journeys and
    re-presentations, which look before and after the window; the caller keeps
    those of people with an episode in the window (`with_an_episode_in_window`).
    Otherwise only the episodes in the window, with the answers of `ANSWER_COLUMNS`:
    every family reading them asks for the same statement, read once where several
    families are worked out together (`core.frames.shared_reads`).
    """
    scope = "TRUE" if whole_history else OVERLAPS.format(e="e")
    answers = (
        ""
        if whole_history
        else f""",
               (e.injecting_status IN ({INJECTED}))::int,
               e.parental_status::int, e.children_living_with"""
    )
    sql = f"""
        SELECT e.id, e.service_user_id, {day_number("e.referral_date")},
               {day_number("e.start_date")}, {day_number("e.discharge_date")},
               COALESCE(e.discharge_reason_id = ANY({SUCCESSFUL}), FALSE)::int,
               COALESCE(e.discharge_reason_id = ANY({UNPLANNED}), FALSE)::int,
               {_any_substance(f"= ANY({OPIOIDS})")},
               {_any_substance(f"<> ALL({OPIOIDS_OR_ALCOHOL})")}{answers}
        FROM cases_treatmentepisode e
        {people.join("e.service_user_id")}
        WHERE {people.where} AND {scope}
    """
    columns = EPISODE_COLUMNS if whole_history else (*EPISODE_COLUMNS, *ANSWER_COLUMNS)
    return Statement(sql, columns, params)


def in_window_people(people: loading.PersonFilter | None = None) -> str:
    """SQL for the ids of the people with an episode in the window (`OVERLAPS`), within
    `people`'s filters when given: whom a split's people statement places, and whom a
    family counts as in treatment when it cuts rows in SQL."""
    join, where = (
        ("", "TRUE") if people is None else (people.join("w.service_user_id"), people.where)
    )
    return (
        f"SELECT w.service_user_id FROM cases_treatmentepisode w {join} "
        f"WHERE {where} AND {OVERLAPS.format(e='w')}"
    )


def window_params(filters: FigureFilters) -> dict:
    return {"window_start": filters.previous_period.start, "window_end": filters.end}


def with_an_episode_in_window(episodes: pd.DataFrame, filters: FigureFilters) -> pd.DataFrame:
    """Every episode of the people with an episode in the window (`OVERLAPS`), from the
    whole history `episodes_statement(..., whole_history=True)` reads.

    Reading everyone's episodes and keeping these here is faster than asking PostgreSQL
    for them, which reads the episodes twice over (about 0.7 s of 2 s at 1,000,000 people).
    """
    params = window_params(filters)
    overlaps = (episodes["referral_date"] <= pd.Timestamp(params["window_end"])) & (
        episodes["discharge_date"].isna()
        | (episodes["discharge_date"] >= pd.Timestamp(params["window_start"]))
    )
    return episodes[episodes["person_id"].isin(episodes.loc[overlaps, "person_id"].unique())]


def in_treatment_episodes(episodes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Episodes in treatment at any time in the period (started, not yet discharged)."""
    started = episodes["start_date"].notna() & (episodes["start_date"] <= pd.Timestamp(period.end))
    not_gone = episodes["discharge_date"].isna() | (
        episodes["discharge_date"] >= pd.Timestamp(period.start)
    )
    return episodes[started & not_gone]


# Each person's episodes in the order they started, those not yet started last: the order
# in which a person's latest episode is their last one, and in which their journeys run.
START_ORDER = ["person_id", "start_date", "episode_id"]


def _in_start_order(episodes: pd.DataFrame) -> bool:
    person = episodes["person_id"].to_numpy()
    start = episodes["start_date"].to_numpy()
    days = np.where(np.isnat(start), np.iinfo("int64").max, start.view("int64"))
    episode = episodes["episode_id"].to_numpy()
    same_person = person[1:] == person[:-1]
    same_day = same_person & (days[1:] == days[:-1])
    return bool(
        np.all(
            (person[1:] > person[:-1])
            | (same_person & (days[1:] > days[:-1]))
            | (same_day & (episode[1:] >= episode[:-1]))
        )
    )


def in_start_order(episodes: pd.DataFrame) -> pd.DataFrame:
    """`episodes` in `START_ORDER`, as they are when they already are (a check of one
    pass): a family that puts its episodes in order once, after reading them, sorts them
    no more, as any subset of them stays in order."""
    if _in_start_order(episodes):
        return episodes
    return episodes.sort_values(START_ORDER)


def in_treatment_people(episodes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per person in treatment: their latest episode in the period, with its group."""
    current = in_treatment_episodes(episodes, period)
    latest = in_start_order(current).drop_duplicates("person_id", keep="last")
    latest = latest.assign(client_group=client_groups(latest["opioid"], latest["other_drug"]))
    return latest.set_index("person_id", drop=False)
