"""The fairness report's counts: the rows read in bulk, measured and counted by group.

Definitions in `risk.fairness`. Nothing here is suppressed: `risk.fairness.result` does that.
"""

import dataclasses
import datetime
from dataclasses import dataclass

import pandas as pd

from core.frames import day_number
from outcomes.figures import FigureFilters, loading
from outcomes.figures.filters import SEGMENT_LABELS
from outcomes.figures.loading import SEGMENT_COLUMNS, Column, Statement
from outcomes.figures.segments import assign_segments
from outcomes.figures.tables import nested_in
from outcomes.suppression import Relation, SuppressedCounts, suppress
from risk.engine import OUTREACH_TIERS, TIER_RANKS, TIERS
from risk.figures import BOTH, raised_measures, reached_statement
from risk.loader import POPULATION_EPISODES, population_params
from risk.outcome_events import DEATH, OUTCOME_SQL, OVERDOSE, outcome_events

FAMILY = "fairness"
# Every recorded characteristic a figure can be split by, except the team (a service's
# own choice, not a characteristic of the person).
CHARACTERISTICS = (
    "sex",
    "age_band",
    "ethnicity",
    "local_authority",
    "disability",
    "sexual_orientation",
    "religion",
)
CHARACTERISTIC_LABELS = {c: SEGMENT_LABELS[c] for c in CHARACTERISTICS}
# The whole population's key in the counts (its rows have no segment).
WHOLE = "all"
REACHED_WITHIN_DAYS = 7
OUTREACH_RANK = min(TIER_RANKS[t] for t in OUTREACH_TIERS)

# The measures counted, by the frame they are counted in.
POPULATION_MEASURES = ("population", "flagged", *(f"flagged_{t}" for t in TIERS))
OUTREACH_MEASURES = ("raised", "reached")
OUTCOME_MEASURES = ("outcomes", "deaths", "overdoses", "captured", "captured_high")
# Each holds the next; `nested_in` names what one holds and the next does not.
CHAINS = (
    ("population", "flagged"),
    ("raised", "reached"),
    ("outcomes", "captured", "captured_high"),
)
PARTITIONS = {"flagged": [f"flagged_{t}" for t in TIERS], "outcomes": ["deaths", "overdoses"]}


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    people = loading.person_filter(filters)
    params = {
        **people.params,
        "start": filters.start,
        "end": filters.end,
        "day_before": filters.start - datetime.timedelta(days=1),
        **population_params(filters.end),
        "outreach_rank": OUTREACH_RANK,
    }
    # The engine's population on the last day, as `risk.loader` reads it.
    population = (
        f"SELECT e.service_user_id FROM cases_treatmentepisode e WHERE {POPULATION_EPISODES}"
    )
    alive = "(p.date_of_death IS NULL OR p.date_of_death > %(end)s)"
    outreach = """
        SELECT f.service_user_id FROM risk_flag f
        WHERE f.tier_rank >= %(outreach_rank)s AND f.raised_on BETWEEN %(start)s AND %(end)s
    """
    outcomes = f"SELECT o.person_id FROM ({OUTCOME_SQL}) AS o(person_id, outcome, on_day)"
    # Every characteristic in the one statement, each read as the split figures read it.
    attributes = ", ".join(SEGMENT_COLUMNS[c][0] for c in CHARACTERISTICS)
    return {
        "people": Statement(
            f"""
            SELECT p.id, (p.id IN ({population}) AND {alive})::int, {attributes}
            FROM cases_serviceuser p
            WHERE {people.where}
              AND (p.id IN ({population}) OR p.id IN ({outreach}) OR p.id IN ({outcomes}))
            """,
            (
                Column("person_id", "int"),
                Column("in_population", "int"),
                *(Column(c, SEGMENT_COLUMNS[c][1]) for c in CHARACTERISTICS),
            ),
            params,
        ),
        # Every flag open on a day from the day before the period to its last: open on the
        # last day, raised in the period, or open the day before an outcome in it.
        "flags": Statement(
            f"""
            SELECT f.id, f.service_user_id, f.tier_rank, {day_number("f.raised_on")},
                   {day_number("f.ended_on")}
            FROM risk_flag f {people.join("f.service_user_id")}
            WHERE {people.where} AND f.raised_on <= %(end)s
              AND (f.ended_on IS NULL OR f.ended_on >= %(day_before)s)
            """,
            (
                Column("flag_id", "int"),
                Column("person_id", "int"),
                Column("tier_rank", "int"),
                Column("raised_on", "date"),
                Column("ended_on", "date"),
            ),
            params,
        ),
        "reached": reached_statement(filters, filters.start, filters.end),
    }


def _open_on(flags: pd.DataFrame, days: pd.Series) -> pd.Series:
    """Whether each flag was open on the day beside it (`days`, aligned with `flags`)."""
    return (flags["raised_on"] <= days) & (flags["ended_on"].isna() | (flags["ended_on"] >= days))


def population_measures(
    people: pd.DataFrame, flags: pd.DataFrame, day: datetime.date
) -> pd.DataFrame:
    """One row per person in the risk population on `day`: flagged, and at which tier."""
    in_population = people[people["in_population"] == 1]
    on_day = pd.Series(pd.Timestamp(day), index=flags.index)
    highest = flags[_open_on(flags, on_day)].groupby("person_id")["tier_rank"].max()
    rank = loading.lookup(in_population["person_id"], highest)
    measures = pd.DataFrame(
        {
            "person_id": in_population["person_id"].to_numpy(),
            "population": True,
            "flagged": rank.notna().to_numpy(),
        }
    )
    for tier in TIERS:
        measures[f"flagged_{tier}"] = (rank == TIER_RANKS[tier]).to_numpy()
    return measures


def outreach_measures(
    flags: pd.DataFrame, reached: pd.DataFrame, filters: FigureFilters
) -> pd.DataFrame:
    """One row per very high or high flag raised in the period: reached within 7 days."""
    raised = raised_measures(flags, reached, filters.period)
    raised = raised[raised[f"raised_{BOTH}"]]
    return pd.DataFrame(
        {
            "person_id": raised["person_id"].to_numpy(),
            "raised": True,
            "reached": raised[f"contacted_{REACHED_WITHIN_DAYS}_{BOTH}"].to_numpy(),
        }
    )


def outcome_measures(outcomes: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """One row per death or near-fatal overdose: captured the day before, and at which tier."""
    events = outcomes.reset_index(drop=True)
    events["event"] = events.index
    pairs = events.merge(flags[["person_id", "tier_rank", "raised_on", "ended_on"]], on="person_id")
    day_before = pairs["on"] - pd.Timedelta(days=1)
    best = pairs[_open_on(pairs, day_before)].groupby("event")["tier_rank"].max()
    rank = loading.lookup(events["event"], best)
    return pd.DataFrame(
        {
            "person_id": events["person_id"].to_numpy(),
            "outcomes": True,
            "deaths": (events["outcome"] == DEATH).to_numpy(),
            "overdoses": (events["outcome"] == OVERDOSE).to_numpy(),
            "captured": rank.notna().to_numpy(),
            "captured_high": (rank >= OUTREACH_RANK).to_numpy(),
        }
    )


Key = tuple[str, str, str]  # (characteristic or WHOLE, group or WHOLE, measure)


@dataclass
class FairnessCounts:
    """Every count of the report, the groups of each characteristic, and what adds up."""

    counts: dict[Key, int]
    relations: list[Relation[Key]]
    groups: dict[str, list[tuple[str, str]]]  # characteristic -> [(value, label)]

    def suppressed(self) -> SuppressedCounts[Key]:
        return suppress(self.counts, self.relations)


def _with_rests(frame: pd.DataFrame, measures: tuple[str, ...]) -> tuple[pd.DataFrame, list]:
    """The measures as 0/1 columns, with the rest of each nested pair beside them."""
    values = frame[list(measures)].astype("bool")
    triples = [t for t in nested_in(*CHAINS) if t[0] in values and t[1] in values]
    for outer, inner, rest in triples:
        values[rest] = values[outer] & ~values[inner]
    return values.astype("int64"), triples


def fairness_counts(filters: FigureFilters) -> FairnessCounts:
    """The unsuppressed counts of the report (see the module docstring)."""
    frames = loading.read_frames(_statements(filters))
    people, flags = frames["people"], frames["flags"]
    outcomes = outcome_events(filters.start, filters.end)
    outcomes = outcomes[outcomes["person_id"].isin(people["person_id"])]
    measured = [
        (population_measures(people, flags, filters.end), POPULATION_MEASURES),
        (outreach_measures(flags, frames["reached"], filters), OUTREACH_MEASURES),
        (outcome_measures(outcomes, flags), OUTCOME_MEASURES),
    ]
    counts: dict[Key, int] = {}
    relations: list[Relation[Key]] = []
    groups: dict[str, list[tuple[str, str]]] = {}
    cells: list[tuple[str, str]] = [(WHOLE, WHOLE)]
    tables = [(frame, *_with_rests(frame, measures)) for frame, measures in measured]
    for _, values, _ in tables:
        for measure, total in values.sum().items():
            counts[(WHOLE, WHOLE, str(measure))] = int(total)
    for characteristic in CHARACTERISTICS:
        split = dataclasses.replace(filters, segment=characteristic)
        attributes = people[["person_id"]].assign(attribute=people[characteristic])
        found = assign_segments(split, attributes, {filters.end: [f for f, _, _ in tables]})
        assert found is not None
        groups[characteristic] = [(code, found.labels[code]) for code in found.codes]
        for frame, values, _ in tables:
            sums = values.groupby(frame["segment"].to_numpy()).sum()
            for measure in values.columns:
                parts = []
                for code in found.codes:
                    key = (characteristic, code, str(measure))
                    counts[key] = int(sums[measure].get(code, 0)) if len(sums) else 0
                    parts.append(key)
                relations.append(Relation((WHOLE, WHOLE, str(measure)), tuple(parts)))
        cells += [(characteristic, code) for code in found.codes]
    for characteristic, group in cells:
        for _, _, triples in tables:
            for outer, inner, rest in triples:
                relations.append(
                    Relation(
                        (characteristic, group, outer),
                        ((characteristic, group, inner), (characteristic, group, rest)),
                    )
                )
        for total, parts in PARTITIONS.items():
            relations.append(
                Relation(
                    (characteristic, group, total),
                    tuple((characteristic, group, part) for part in parts),
                )
            )
    return FairnessCounts(counts=counts, relations=relations, groups=groups)
