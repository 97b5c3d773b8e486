"""Waiting times for a first intervention, part of the outcome summary.

- **Completed waits**: episodes whose first intervention started in the period,
  and the share of them whose first intervention started more than 21 days (3
  weeks) and more than 42 days (6 weeks) after the episode's referral.
- **Still waiting**: episodes referred on or before the period's last day, not
  discharged by it, with no intervention started by it; the share of them who
  had waited more than 3 and more than 6 weeks on that day.

Each episode counts once, in its own client group, and in the segment of its
person.
"""

import pandas as pd

from outcomes.figures import loading
from outcomes.figures.episodes import client_groups
from outcomes.figures.filters import Period
from outcomes.figures.tables import CountTable, Figure, nested_in

# (code, label, more than this many days)
WAITS = (("3_weeks", "3 weeks", 21), ("6_weeks", "6 weeks", 42))


def first_starts(episodes: pd.DataFrame, interventions: pd.DataFrame) -> pd.Series:
    """When each episode's first intervention started (missing if none has), indexed like
    `episodes`: the same for both periods, so worked out once."""
    first = interventions.groupby("episode_id")["start_date"].min()
    return loading.lookup(episodes["episode_id"], first)


def waiting_measures(
    episodes: pd.DataFrame, first_start: pd.Series, period: Period
) -> pd.DataFrame:
    """One row per episode that started a first intervention in the period or was still
    waiting at its end (`episodes`: the outcome summary's; `first_start`: `first_starts`)."""
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    starting = first_start.between(start, end)
    still = (
        (episodes["referral_date"] <= end)
        & (episodes["discharge_date"].isna() | (episodes["discharge_date"] > end))
        & ~(first_start <= end)
    )
    rows = episodes[starting | still]
    started_here, waiting_now = starting[starting | still], still[starting | still]
    waited = (first_start[starting | still] - rows["referral_date"]).dt.days
    waiting_so_far = (end - rows["referral_date"]).dt.days
    measures = pd.DataFrame(
        {
            "person_id": rows["person_id"].to_numpy(),
            "client_group": client_groups(rows["opioid"], rows["other_drug"]).array,
            "first_interventions": started_here.to_numpy(),
            "still_waiting": waiting_now.to_numpy(),
        }
    )
    for code, _, days in WAITS:
        measures[f"waited_over_{code}"] = (started_here & (waited > days)).to_numpy()
        measures[f"still_waiting_over_{code}"] = (waiting_now & (waiting_so_far > days)).to_numpy()
    return measures


def add_waiting(table: CountTable, measures: pd.DataFrame) -> None:
    """The waiting counts, each wait longer than the one before nested in it."""
    completed = ["first_interventions", *(f"waited_over_{code}" for code, *_ in WAITS)]
    still = ["still_waiting", *(f"still_waiting_over_{code}" for code, *_ in WAITS)]
    table.add_counts(
        measures, [*completed, *still], by_group=True, nested=nested_in(completed, still)
    )


def waiting_figures() -> list[Figure]:
    figures = [
        Figure(
            f"waiting_over_{code}",
            f"First interventions that started more than {label} after referral, "
            "of first interventions started",
            "percent",
            numerator=f"waited_over_{code}",
            denominator="first_interventions",
            by_client_group=True,
        )
        for code, label, _ in WAITS
    ]
    figures += [
        Figure(
            f"still_waiting_over_{code}",
            f"People still waiting for a first intervention at the period end who had waited "
            f"more than {label}, of everyone still waiting",
            "percent",
            numerator=f"still_waiting_over_{code}",
            denominator="still_waiting",
            by_client_group=True,
        )
        for code, label, _ in WAITS
    ]
    return figures
