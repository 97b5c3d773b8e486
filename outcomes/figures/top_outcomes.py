"""TOP completion at start, review and exit, and the change in wellbeing between the
start and the 6-month review.

- **TOP completion at start**: of the episodes whose treatment started (care-plan
  start) in the period, those with a start TOP of the episode dated no later than
  28 days after the care-plan start. Provisional until 28 days after the period.
- **TOP completion at review**: of the episodes whose 6-month point (6 calendar
  months after the care-plan start) fell in the period and that were not
  discharged before it, those with a review TOP of the episode dated 5 to 7
  months after the care-plan start. Provisional until a month after the period.
- **TOP completion at exit**: of the planned exits in the period (episodes
  discharged with a successful-completion reason, see `outcomes.figures.exits`),
  those with an exit TOP of the episode. Provisional until 28 days after.
- Each is held to the **80% threshold** the outcome reports need: every row
  says whether it is met, in words.
- **Change between start and review** in psychological health (PSYHSTAT),
  physical health (PHSTAT) and quality of life (QUALLIFE), each 0 (poor) to 20
  (good): the start and 6-month review pairs of `outcomes.figures.reviews`, in
  the period the review falls in, with the item answered at both. The mean
  change (review minus start, in points) and the share who scored higher at the
  review, with n (the pairs) as the denominator.

An episode counts in its own client group; a person's team and the rest are as
they are now.
"""

import pandas as pd

from core.frames import day_number
from outcomes.figures import loading, reviews
from outcomes.figures.episodes import (
    CLIENT_GROUPS,
    OVERLAPS,
    client_groups,
    episodes_statement,
    in_window_people,
    window_params,
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

THRESHOLD = 80.0
START_TOP_WITHIN_DAYS = 28
EXIT_TOP_FOLLOW_UP_DAYS = 28
REVIEW_DUE_MONTHS = 6
STAGES = {"start": "At start", "review": "At the 6-month review", "exit": "At exit"}
# (category, TOP item column, label)
WELLBEING = (
    ("psychological_health", "psyhstat", "Psychological health (PSYHSTAT)"),
    ("physical_health", "phstat", "Physical health (PHSTAT)"),
    ("quality_of_life", "quallife", "Quality of life (QUALLIFE)"),
)


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    people = loading.person_filter(filters)
    params = {**people.params, **window_params(filters)}
    items = ", ".join(f"t.{item}" for _, item, _ in WELLBEING)
    statements = {
        "episodes": episodes_statement(people, params, whole_history=False),
        "tops": Statement(
            f"""
            SELECT t.episode_id, t.stage, {day_number("t.top_date")}, {items}
            FROM outcomes_topassessment t
            JOIN cases_treatmentepisode e ON e.id = t.episode_id
            {people.join("e.service_user_id")}
            WHERE {people.where} AND {OVERLAPS.format(e="e")}
              AND t.top_date >= %(window_start)s - interval '8 months'
            """,
            (
                Column("episode_id", "int"),
                Column("stage", "text"),
                Column("top_date", "date"),
                *(Column(item, "number") for _, item, _ in WELLBEING),
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


def completion_measures(frames: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """One row per episode due a TOP in the period (at start, review or exit)."""
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    episodes = frames["episodes"]
    tops = frames["tops"].merge(episodes[["episode_id", "start_date"]], on="episode_id")
    began = episodes["start_date"]
    due_review = loading.months_after(began, REVIEW_DUE_MONTHS)
    start_due = began.between(start, end)
    review_due = due_review.between(start, end) & (
        episodes["discharge_date"].isna() | (episodes["discharge_date"] >= due_review)
    )
    exit_due = episodes["discharge_date"].between(start, end) & began.notna()
    exit_due &= episodes["successful"] == 1

    def with_top(stage: str, within) -> pd.Index:
        found = tops[(tops["stage"] == stage) & within(tops)]
        return pd.Index(found["episode_id"].unique())

    start_done = with_top(
        "S",
        lambda t: t["top_date"] <= t["start_date"] + pd.Timedelta(days=START_TOP_WITHIN_DAYS),
    )
    earliest, _, latest = reviews.REVIEW_MONTHS
    review_done = with_top(
        "R",
        lambda t: (
            (t["top_date"] >= loading.months_after(t["start_date"], earliest))
            & (t["top_date"] <= loading.months_after(t["start_date"], latest))
        ),
    )
    exit_done = with_top("E", lambda t: t["top_date"].notna())
    due = start_due | review_due | exit_due
    rows = episodes[due]
    ids = rows["episode_id"]
    return pd.DataFrame(
        {
            "person_id": rows["person_id"].to_numpy(),
            "client_group": client_groups(rows["opioid"], rows["other_drug"]).array,
            "start_due": start_due[due].to_numpy(),
            "start_done": (start_due[due] & ids.isin(start_done)).to_numpy(),
            "review_due": review_due[due].to_numpy(),
            "review_done": (review_due[due] & ids.isin(review_done)).to_numpy(),
            "exit_due": exit_due[due].to_numpy(),
            "exit_done": (exit_due[due] & ids.isin(exit_done)).to_numpy(),
        }
    )


def change_measures(
    pairs: pd.DataFrame, person_of_episode: pd.Series, period: Period
) -> pd.DataFrame:
    """One row per start and review pair with the review in the period."""
    here = pairs[
        pairs["top_date_review"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))
    ]
    measures = pd.DataFrame(
        {"person_id": loading.lookup(here["episode_id"], person_of_episode).to_numpy()}
    )
    for category, item, _ in WELLBEING:
        before, after = here[f"{item}_start"], here[f"{item}_review"]
        answered = before.notna() & after.notna()
        measures[f"pairs:{category}"] = answered.to_numpy()
        measures[f"improved:{category}"] = (answered & (after > before)).to_numpy()
        measures[f"change:{category}"] = (after - before).where(answered).to_numpy()
    return measures


def top_table(measures: dict[str, pd.DataFrame], segments: SegmentValues | None) -> CountTable:
    table = CountTable(client_groups=CLIENT_GROUPS, segments=segments.codes if segments else ())
    stages = [[f"{stage}_due", f"{stage}_done"] for stage in STAGES]
    table.add_counts(
        measures["completion"],
        [measure for pair in stages for measure in pair],
        by_group=True,
        nested=nested_in(*stages),
    )
    changes = measures["change"]
    chains = [[f"pairs:{c}", f"improved:{c}"] for c, _, _ in WELLBEING]
    table.add_counts(
        changes, [measure for chain in chains for measure in chain], nested=nested_in(*chains)
    )
    for category, _, _ in WELLBEING:
        table.add_statistic(f"change:{category}", changes, f"change:{category}", "mean")
    return table


FIGURES = [
    *(
        Figure(
            "top_completion",
            "TOPs completed when due, as a share of the episodes due one",
            "percent",
            numerator=f"{stage}_done",
            denominator=f"{stage}_due",
            category=stage,
            category_label=label,
            by_client_group=True,
            follow_up_months=1 if stage == "review" else 0,
            follow_up_days=0 if stage == "review" else START_TOP_WITHIN_DAYS,
            target=THRESHOLD,
            target_name="threshold",
        )
        for stage, label in STAGES.items()
    ),
    *(
        Figure(
            "wellbeing_mean_change",
            "Mean change from the start TOP to the 6-month review, in points of 20 "
            "(higher is better), over the pairs answered at both",
            "points",
            denominator=f"pairs:{category}",
            statistic=f"change:{category}",
            category=category,
            category_label=label,
            digits=2,
        )
        for category, _, label in WELLBEING
    ),
    *(
        Figure(
            "wellbeing_improved",
            "Scored higher at the 6-month review than at the start, of the pairs answered at both",
            "percent",
            numerator=f"improved:{category}",
            denominator=f"pairs:{category}",
            category=category,
            category_label=label,
        )
        for category, _, label in WELLBEING
    ),
]


def top_tables(filters: FigureFilters) -> Tables:
    """The unsuppressed counts of both periods and the segment values."""
    frames = loading.read_frames(_statements(filters))
    pairs = reviews.review_pairs(frames["tops"], tuple(item for _, item, _ in WELLBEING))
    person_of_episode = frames["episodes"].set_index("episode_id")["person_id"]
    return both_periods(
        filters,
        frames.get("people"),
        lambda p: {
            "completion": completion_measures(frames, p),
            "change": change_measures(pairs, person_of_episode, p),
        },
        top_table,
    )


def top_outcomes(filters: FigureFilters) -> dict:
    """TOP completion against the 80% threshold and the change in wellbeing, for the
    filters' period beside the previous one (family "top_outcomes", suppressed)."""
    return family_result(
        family="top_outcomes",
        filters=filters,
        figures=FIGURES,
        tables=top_tables(filters),
        client_groups=CLIENT_GROUPS,
    )
