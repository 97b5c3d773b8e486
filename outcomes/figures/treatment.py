"""The DOMES-style outcome summary: treatment outcomes, each beside the previous period's.

Who counts (each definition is also in docs/figures.md); who is in treatment,
and in which client group, is defined in `outcomes.figures.episodes`:
- **Successful completion**: an episode of theirs, in treatment in the period,
  discharged in the period with a reason that counts as a successful
  completion; for an opiate episode, only if no OST prescription was running
  on the discharge day.
- **Completion and non-re-presentation**: a successful completion (the latest,
  if several) after which no new episode was referred within 6 calendar
  months. Until 6 months have passed since the period ended, it is marked
  provisional. Also given: those who did re-present, as a share of the
  completions.
- **Time in treatment**: from the start of their continuous journey to the
  period's last day (or the journey's end, if earlier); episodes chain into
  one journey when one starts no more than 21 days after an earlier one ended.
  In bands (under 1, 1-2, 2-4, 4-6, 6 or more years; a band includes its lower
  bound) and as the average in years.
- **6-month review**: see `outcomes.figures.reviews`.
- **At exit**: of the successful completions with an exit TOP, the share with
  no housing need (ACUTHPBM and HRISK both answered "no") and the share who
  worked 10 or more of the last 28 days (PWORK).
- **Effective treatment**: people in treatment with an episode in treatment in
  the period that had been running 12 weeks (84 days) or more by the period's
  last day (or its discharge, if earlier), or that ended in a successful
  completion (as above).
- **Waiting**: see `outcomes.figures.waiting` (over 3 and over 6 weeks, for
  first interventions started and for those still waiting at the period end).

A person's team, local authority and the rest are as they are now (see
`outcomes.figures.segments`).
"""

import datetime

import numpy as np
import pandas as pd

from core.frames import day_number
from outcomes.figures import loading, reviews, waiting
from outcomes.figures.episodes import (
    CLIENT_GROUPS,
    OVERLAPS,
    episodes_statement,
    in_start_order,
    in_treatment_episodes,
    in_treatment_people,
    in_window_people,
    window_params,
    with_an_episode_in_window,
)
from outcomes.figures.filters import FigureFilters, Period
from outcomes.figures.loading import Column, Statement
from outcomes.figures.segments import SegmentValues
from outcomes.figures.tables import (
    CountTable,
    Figure,
    Tables,
    both_periods,
    family_result,
    nested_in,
)

CONTINUOUS_GAP_DAYS = 21
RETAINED_DAYS = 12 * 7
WORKING_DAYS = 10
RE_PRESENTATION_MONTHS = 6
DAYS_A_YEAR = 365.25

# (code, label, lowest years, below years or None)
TIME_BANDS = (
    ("under_1_year", "Under 1 year", 0, 1),
    ("1_to_2_years", "1 to 2 years", 1, 2),
    ("2_to_4_years", "2 to 4 years", 2, 4),
    ("4_to_6_years", "4 to 6 years", 4, 6),
    ("6_years_or_more", "6 years or more", 6, None),
)


def _ts(day: datetime.date) -> pd.Timestamp:
    return pd.Timestamp(day)


# Loading -------------------------------------------------------------------


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    people = loading.person_filter(filters)
    params = {**people.params, **window_params(filters)}
    in_window = f"""
        JOIN cases_treatmentepisode e ON e.id = {{alias}}.episode_id
        {people.join("e.service_user_id")}
        WHERE {people.where} AND {OVERLAPS.format(e="e")}
    """
    statements = {
        "episodes": episodes_statement(people, params, whole_history=True),
        "interventions": Statement(
            f"""
            SELECT i.episode_id, {day_number("i.start_date")}, {day_number("i.end_date")},
                   (i.kind = 'pharmacological' AND i.medicine <> '')::int
            FROM cases_intervention i {in_window.format(alias="i")}
            """,
            (
                Column("episode_id", "int"),
                Column("start_date", "date"),
                Column("end_date", "date"),
                Column("ost", "int"),
            ),
            params,
        ),
        "tops": Statement(
            f"""
            SELECT t.episode_id, t.stage, {day_number("t.top_date")}, t.opiuse, t.crause,
                   t.cocause, t.ivdrguse, t.pwork, t.acuthpbm::int, t.hrisk::int
            FROM outcomes_topassessment t {in_window.format(alias="t")}
              AND t.top_date <= %(window_end)s
              AND ((t.stage = 'S' AND t.top_date >= %(window_start)s - {reviews.STARTS_FROM})
                   OR (t.stage = 'R' AND t.top_date >= %(window_start)s - {reviews.REVIEWS_FROM})
                   OR (t.stage = 'E' AND e.discharge_date >= %(window_start)s))
            """,
            (
                Column("episode_id", "int"),
                Column("stage", "text"),
                Column("top_date", "date"),
                Column("opiuse", "number"),
                Column("crause", "number"),
                Column("cocause", "number"),
                Column("ivdrguse", "number"),
                Column("pwork", "number"),
                Column("acuthpbm", "number"),
                Column("hrisk", "number"),
            ),
            params,
        ),
    }
    if filters.segment is not None:
        statements["people"] = loading.people_statement(
            filters,
            in_window_people(),
            params,
        )
    return statements


# The computations, one period at a time ------------------------------------


def _ost_at_exit(episodes: pd.DataFrame, interventions: pd.DataFrame) -> pd.Index:
    """The discharged episodes with an OST prescription running on their last day."""
    ost = interventions[interventions["ost"] == 1].merge(
        episodes[["episode_id", "discharge_date"]], on="episode_id"
    )
    running = (ost["start_date"] <= ost["discharge_date"]) & (
        ost["end_date"].isna() | (ost["end_date"] >= ost["discharge_date"])
    )
    return pd.Index(ost.loc[running, "episode_id"].unique())


def _days(dates: pd.Series) -> np.ndarray:
    """Dates (no NaT) as whole days since 1970-01-01."""
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)


def _journey_years(episodes: pd.DataFrame, people: pd.DataFrame, period: Period) -> pd.Series:
    """Years of continuous treatment to the period's end of each person's latest episode.

    Each person's started episodes in start order: one begins a new journey when it starts
    more than `CONTINUOUS_GAP_DAYS` after the furthest any earlier one reached (its
    discharge, or the period's end). A journey lasts from its first start to the furthest
    reach of its episodes. Worked out on arrays a person after another, in the order
    `in_start_order` gives (sorted once for both periods).
    """
    end = _ts(period.end)
    episodes = in_start_order(episodes)
    started = episodes[episodes["start_date"].notna() & (episodes["start_date"] <= end)]
    discharge = started["discharge_date"]
    reach_dates = discharge.where(discharge.notna() & (discharge <= end), end)
    person, episode_id = started["person_id"].to_numpy(), started["episode_id"].to_numpy()
    start, reach = _days(started["start_date"]), _days(reach_dates)

    first = np.ones(len(person), dtype=bool)
    first[1:] = person[1:] != person[:-1]
    # The furthest reach so far within each person: each person's days lifted above the
    # last person's, so one running maximum never carries over from one to the next.
    lift = (np.cumsum(first) - 1) * (int(reach.max(initial=0)) - int(reach.min(initial=0)) + 1)
    furthest = np.maximum.accumulate(reach + lift) - lift
    furthest_before = np.empty_like(furthest)
    furthest_before[1:] = furthest[:-1]
    new_journey = first | (start - furthest_before > CONTINUOUS_GAP_DAYS)
    beginnings = np.flatnonzero(new_journey)
    journey = np.cumsum(new_journey) - 1
    journey_reach = np.maximum.reduceat(reach, beginnings)[journey] if len(reach) else reach
    years = (journey_reach - start[beginnings][journey]) / DAYS_A_YEAR

    by_episode = pd.Series(years, index=episode_id)
    return pd.Series(by_episode.reindex(people["episode_id"]).to_numpy(), index=people.index)


def _people_measures(
    frames: dict[str, pd.DataFrame], period: Period, ost_at_exit: pd.Index
) -> pd.DataFrame:
    episodes = frames["episodes"]
    people = in_treatment_people(episodes, period)
    start, end = _ts(period.start), _ts(period.end)

    current = in_treatment_episodes(episodes, period)
    ended_here = current["discharge_date"].between(start, end)
    on_ost = current["episode_id"].isin(ost_at_exit)
    opiate = current["opioid"] == 1
    completions = current[ended_here & (current["successful"] == 1) & ~(opiate & on_ost)]
    completions = completions.sort_values(["person_id", "discharge_date", "episode_id"])
    last_completion = completions.drop_duplicates("person_id", keep="last").set_index("person_id")

    later = last_completion[["discharge_date"]].merge(
        episodes[["person_id", "referral_date"]], left_index=True, right_on="person_id"
    )
    came_back = (later["referral_date"] > later["discharge_date"]) & (
        later["referral_date"]
        <= loading.months_after(later["discharge_date"], RE_PRESENTATION_MONTHS)
    )
    re_presented = set(later.loc[came_back, "person_id"])

    tops = frames["tops"]
    exits = tops[tops["stage"] == "E"].drop_duplicates("episode_id").set_index("episode_id")
    exit_top = exits.reindex(last_completion["episode_id"])
    exit_top.index = last_completion.index

    reach = current["discharge_date"].where(current["discharge_date"] <= end, end)
    retained = current.loc[(reach - current["start_date"]).dt.days >= RETAINED_DAYS, "person_id"]

    ids = people.index
    completed = ids.isin(last_completion.index)
    has_exit = pd.Series(exit_top["stage"].notna().to_numpy(), index=exit_top.index)
    no_housing = pd.Series(
        ((exit_top["acuthpbm"] == 0) & (exit_top["hrisk"] == 0)).to_numpy(), index=exit_top.index
    )
    working = pd.Series((exit_top["pwork"] >= WORKING_DAYS).to_numpy(), index=exit_top.index)
    years = _journey_years(episodes, people, period)

    measures = pd.DataFrame(
        {
            "person_id": ids,
            "client_group": people["client_group"].array,
            "in_treatment": True,
            "completed": completed,
            "effective": completed | ids.isin(retained),
            "completed_not_re_presenting": completed & ~ids.isin(list(re_presented)),
            "completed_with_exit_top": has_exit.reindex(ids, fill_value=False).to_numpy(),
            "completed_no_housing_need": no_housing.reindex(ids, fill_value=False).to_numpy(),
            "completed_working": working.reindex(ids, fill_value=False).to_numpy(),
            "years_in_treatment": years.to_numpy(),
        }
    )
    for code, _, low, below in TIME_BANDS:
        band = measures["years_in_treatment"] >= low
        if below is not None:
            band &= measures["years_in_treatment"] < below
        measures[f"time_{code}"] = band
    return measures


PEOPLE_MEASURES = [
    "in_treatment",
    "effective",
    "completed",
    "completed_not_re_presenting",
    "completed_with_exit_top",
    "completed_no_housing_need",
    "completed_working",
    *(f"time_{code}" for code, *_ in TIME_BANDS),
]
# Every count shown here that holds another shown count: each difference is
# protected as a count of its own.
PEOPLE_NESTED = nested_in(
    ["in_treatment", "effective", "completed", "completed_not_re_presenting"],
    ["in_treatment", "completed", "completed_with_exit_top", "completed_no_housing_need"],
    ["in_treatment", "completed", "completed_with_exit_top", "completed_working"],
    names={("completed", "completed_not_re_presenting"): "completed_re_presented"},
)


def outcome_measures(
    frames: dict[str, pd.DataFrame], period: Period, derived: dict, thresholds: dict[str, int]
) -> dict[str, pd.DataFrame]:
    """The units counted for one period: people in treatment, first interventions, reviews."""
    return {
        "people": _people_measures(frames, period, derived["ost_at_exit"]),
        "waiting": waiting.waiting_measures(frames["episodes"], derived["first_start"], period),
        "reviews": reviews.review_measures(
            derived["pairs"], derived["person_of_episode"], period, thresholds
        ),
    }


def outcome_table(measures: dict[str, pd.DataFrame], segments: SegmentValues | None) -> CountTable:
    """Every count and statistic of the summary for one period."""
    table = CountTable(client_groups=CLIENT_GROUPS, segments=segments.codes if segments else ())
    people = measures["people"]
    table.add_counts(people, PEOPLE_MEASURES, by_group=True, nested=PEOPLE_NESTED)
    table.add_partition("in_treatment", [f"time_{code}" for code, *_ in TIME_BANDS], by_group=True)
    table.add_statistic("years_in_treatment", people, "years_in_treatment", "mean", by_group=True)
    waiting.add_waiting(table, measures["waiting"])
    table.add_counts(measures["reviews"], reviews.REVIEW_MEASURES, nested=reviews.REVIEW_NESTED)
    return table


def _figures() -> list[Figure]:
    figures = [
        Figure(
            "effective_treatment",
            "People in effective treatment (retained 12 weeks or more, or completed "
            "successfully), as a share of everyone in treatment",
            "percent",
            numerator="effective",
            denominator="in_treatment",
            by_client_group=True,
        ),
        Figure(
            "successful_completions",
            "Successful completions, as a share of everyone in treatment",
            "percent",
            numerator="completed",
            denominator="in_treatment",
            by_client_group=True,
        ),
        Figure(
            "completed_not_re_presenting",
            "Successful completions who did not re-present within 6 months, "
            "as a share of everyone in treatment",
            "percent",
            numerator="completed_not_re_presenting",
            denominator="in_treatment",
            by_client_group=True,
            follow_up_months=RE_PRESENTATION_MONTHS,
        ),
        Figure(
            "completed_re_presented",
            "Successful completions who re-presented within 6 months, "
            "as a share of successful completions",
            "percent",
            numerator="completed_re_presented",
            denominator="completed",
            by_client_group=True,
            follow_up_months=RE_PRESENTATION_MONTHS,
        ),
    ]
    figures += [
        Figure(
            "time_in_treatment",
            "People in treatment by time in continuous treatment",
            "percent",
            numerator=f"time_{code}",
            denominator="in_treatment",
            category=code,
            category_label=label,
            by_client_group=True,
        )
        for code, label, *_ in TIME_BANDS
    ]
    figures.append(
        Figure(
            "average_years_in_treatment",
            "Average years in continuous treatment",
            "years",
            denominator="in_treatment",
            statistic="years_in_treatment",
            by_client_group=True,
            digits=2,
        )
    )
    figures += [
        Figure(
            "abstinent_or_improved_at_review",
            "Abstinent or reliably improved at the 6-month review, of those using at the start",
            "percent",
            numerator=f"review_{category}_improved",
            denominator=f"review_{category}_using",
            category=category,
            category_label=label,
        )
        for category, _, label in reviews.REVIEW_SUBSTANCES
    ]
    figures += [
        Figure(
            "stopped_injecting_at_review",
            "No longer injecting at the 6-month review, of those injecting at the start",
            "percent",
            numerator="review_stopped_injecting",
            denominator="review_injecting",
        ),
        Figure(
            "completed_no_housing_need",
            "Successful completions with no housing need at exit, of completions with an exit TOP",
            "percent",
            numerator="completed_no_housing_need",
            denominator="completed_with_exit_top",
            by_client_group=True,
        ),
        Figure(
            "completed_working",
            "Successful completions working 10 or more days of the last 28 at exit, "
            "of completions with an exit TOP",
            "percent",
            numerator="completed_working",
            denominator="completed_with_exit_top",
            by_client_group=True,
        ),
    ]
    return [*figures, *waiting.waiting_figures()]


FIGURES = _figures()


def load_outcome_frames(filters: FigureFilters) -> dict[str, pd.DataFrame]:
    """Every row the summary needs, for both periods, one statement per table; the
    episodes put in start order once (`in_start_order`), for both periods' journeys and
    latest episodes."""
    frames = loading.read_frames(_statements(filters))
    frames["episodes"] = in_start_order(with_an_episode_in_window(frames["episodes"], filters))
    return frames


def outcome_tables(
    filters: FigureFilters,
) -> Tables:
    """The unsuppressed counts of the period and of the comparison period, and
    the segment values; for `outcome_summary`, which suppresses them."""
    thresholds = reviews.reliable_change_days()
    frames = load_outcome_frames(filters)
    episodes = frames["episodes"]
    derived = {
        "ost_at_exit": _ost_at_exit(episodes, frames["interventions"]),
        "first_start": waiting.first_starts(episodes, frames["interventions"]),
        "pairs": reviews.review_pairs(frames["tops"]),
        "person_of_episode": episodes.set_index("episode_id")["person_id"],
    }
    return both_periods(
        filters,
        frames.get("people"),
        lambda p: outcome_measures(frames, p, derived, thresholds),
        outcome_table,
    )


def outcome_summary(filters: FigureFilters) -> dict:
    """The DOMES-style outcome summary for the filters' period, beside the previous one.

    Returns the shape described in `outcomes.figures` (family
    "outcome_summary"), every count and rate already suppressed.
    """
    return family_result(
        family="outcome_summary",
        filters=filters,
        figures=FIGURES,
        tables=outcome_tables(filters),
        client_groups=CLIENT_GROUPS,
    )
