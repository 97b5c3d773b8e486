"""`evaluate`: every rule that fires on a date, and each flagged person's tier and reasons.

Reasons are worded only for the people who end up flagged; the result's frames are
what the publishing service writes back. Pure: no Django.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from risk.engine.rules import RuleSetSpec, RuleSpec
from risk.engine.tiers import TIER_OF_RANK, TIER_RANKS, TIERS
from tests.risk.engine_reference.checks import CHECKS, _hits
from tests.risk.engine_reference.context import FRAME_COLUMNS, Context
from tests.risk.engine_reference.reasons import _reason_text


@dataclass
class Evaluation:
    as_of: datetime.date
    rule_set_version: int
    population: int
    fired: pd.DataFrame
    people: pd.DataFrame
    reasons: pd.DataFrame
    rows_read: int = 0
    counts_by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def counts_by_tier(self) -> dict[str, int]:
        counts = self.people["tier"].value_counts()
        return {tier: int(counts.get(tier, 0)) for tier in TIERS}


# How many reasons a flag's one-line summary shows.
SUMMARY_REASONS = 3

FIRED_COLUMNS = (
    "person_id",
    "rule_code",
    "rule_version",
    "weight",
    "trigger_kind",
    "trigger_id",
    "fired_from",
    "expires_on",
    "count",
    "detail",
    "reason",
)


def evaluate(
    frames: dict[str, pd.DataFrame], rule_set: RuleSetSpec, as_of: datetime.date
) -> Evaluation:
    """Every rule that fires on `as_of`, and each flagged person's tier and reasons.

    Reasons are worded only for the people who end up flagged: nobody reads
    the wording of a lone modifier, and at national scale it is most of the cost.
    """
    _check_frames(frames)
    ctx = Context(frames, as_of)
    # Rules in display order (largest weight first), so one integer sort orders
    # every person's reasons.
    rules = sorted(
        (rule for rule in rule_set.rules if rule.enabled), key=lambda r: (-r.weight, r.code)
    )
    parts = []
    counts: dict[str, int] = {}
    for rank, rule in enumerate(rules):
        hits = CHECKS[rule.check](ctx, rule)
        if not hits.empty:
            parts.append(hits.assign(rule_rank=rank, weight=float(rule.weight)))
    if not parts:
        parts = [_hits([], "person").assign(rule_rank=0, weight=0.0)]
    fired = _one_per_group(pd.concat(parts, ignore_index=True), rules)
    for rank, rule in enumerate(rules):
        counts[rule.code] = int((fired["rule_rank"].to_numpy() == rank).sum())
    # Categorical codes: cheap to build, sort and stage, whatever the row count.
    codes = [rule.code for rule in rules] or [""]
    fired["rule_code"] = pd.Categorical.from_codes(
        fired["rule_rank"].to_numpy(dtype="int64"), pd.Index(codes)
    )
    fired["rule_version"] = np.array([r.version for r in rules] or [0])[
        fired["rule_rank"].to_numpy()
    ]
    fired["reason"] = pd.Series(np.full(len(fired), "", dtype=object), dtype=object)
    fired["row"] = np.arange(len(fired))
    people, reasons = _tiers(fired, rule_set, rules)
    reasons["reason"] = pd.Series(_worded(reasons, rules, ctx.day), dtype=object)
    # The flagged people's fired rules carry the same wording as their reasons.
    worded = fired["reason"].to_numpy(dtype=object, copy=True)
    worded[reasons["row"].to_numpy()] = reasons["reason"].to_numpy()
    fired["reason"] = pd.Series(worded, dtype=object)
    people["summary"], people["rule_codes"] = _joined(reasons)
    return Evaluation(
        as_of=as_of,
        rule_set_version=rule_set.version,
        population=len(ctx.population),
        fired=fired[list(FIRED_COLUMNS)],
        people=people,
        reasons=reasons[[*FIRED_COLUMNS, "position"]],
        rows_read=sum(len(frame) for frame in frames.values()),
        counts_by_rule=counts,
    )


def _one_per_group(fired: pd.DataFrame, rules: list[RuleSpec]) -> pd.DataFrame:
    """Keep, for each person and rule group, only the heaviest rule that fired.

    `rules` are in weight order, so the lowest rank in a group is the heaviest.
    """
    groups = np.array([rule.group for rule in rules] or [""], dtype=object)
    group = groups[fired["rule_rank"].to_numpy()]
    in_group = group != ""
    if not in_group.any():
        return fired
    candidates = pd.DataFrame(
        {
            "person_id": fired["person_id"].to_numpy()[in_group],
            "group": group[in_group],
            "rule_rank": fired["rule_rank"].to_numpy()[in_group],
            "row": np.flatnonzero(in_group),
        }
    ).sort_values(["person_id", "group", "rule_rank"], kind="stable")
    outweighed = candidates.loc[candidates.duplicated(["person_id", "group"]), "row"]
    return fired.drop(index=fired.index[outweighed.to_numpy()]).reset_index(drop=True)


def _tiers(
    fired: pd.DataFrame, rule_set: RuleSetSpec, rules: list[RuleSpec]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sum the weights per person and keep those at or above the lowest tier.

    A person's tier is the higher of the tier their score reaches and the highest
    minimum tier among the rules that fired for them; the score stays the sum.
    Returns the flagged people with score and tier, and their fired rules
    ordered largest first and numbered from 0 within each person.
    """
    scores = fired.groupby("person_id", sort=True)["weight"].sum().round(3)
    person_ids = scores.index.to_numpy()
    score = scores.to_numpy()
    rank = rule_set.rank_for(score)
    _raise_to_minimums(rank, person_ids, fired, rules)
    keep = rank > 0
    flagged_ids = person_ids[keep]
    people = pd.DataFrame(
        {
            "person_id": flagged_ids.astype("int64"),
            "score": score[keep],
            "tier": TIER_BY_RANK[rank[keep]],
            "tier_rank": rank[keep],
        }
    )
    chosen = fired[fired["person_id"].isin(flagged_ids)]
    order = np.lexsort((chosen["rule_rank"].to_numpy(), chosen["person_id"].to_numpy()))
    ordered = chosen.iloc[order].reset_index(drop=True)
    person = ordered["person_id"].to_numpy()
    n = len(person)
    starts = _starts(person)
    ordered["position"] = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    return people, ordered


# A tier by its rank: index 0 is no tier, then each tier from the lowest up.
TIER_BY_RANK = np.array(["", *(TIER_OF_RANK[r] for r in sorted(TIER_OF_RANK))], dtype=object)


def _raise_to_minimums(
    rank: np.ndarray, person_ids: np.ndarray, fired: pd.DataFrame, rules: list[RuleSpec]
) -> None:
    """Lift each person's tier `rank` (in place) to the minimum tier of any rule that fired.

    `person_ids` are sorted and unique, aligned with `rank`. Only the few rows of
    rules with a minimum are grouped, so a rule set without one costs nothing.
    """
    minimums = np.array([TIER_RANKS.get(rule.min_tier, 0) for rule in rules] or [0])
    if not minimums.any():
        return
    floor = minimums[fired["rule_rank"].to_numpy()]
    lifting = floor > 0
    if not lifting.any():
        return
    highest = pd.Series(floor[lifting]).groupby(fired["person_id"].to_numpy()[lifting]).max()
    at = np.searchsorted(person_ids, highest.index.to_numpy())
    rank[at] = np.maximum(rank[at], highest.to_numpy())


def _starts(person: np.ndarray) -> np.ndarray:
    """Index of each person's first row in an array sorted by person."""
    if len(person) == 0:
        return np.array([], dtype="int64")
    return np.flatnonzero(np.r_[True, person[1:] != person[:-1]])


def _worded(reasons: pd.DataFrame, rules: list[RuleSpec], day: np.datetime64) -> np.ndarray:
    text = np.full(len(reasons), "", dtype=object)
    ranks = reasons["rule_rank"].to_numpy()
    for rank in np.unique(ranks):
        rows = np.flatnonzero(ranks == rank)
        text[rows] = _reason_text(rules[rank], reasons.iloc[rows], day)
    return text


def _joined(reasons: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each flagged person's first reasons as one line, and their rule codes."""
    position = reasons["position"].to_numpy()
    starts = _starts(reasons["person_id"].to_numpy())
    if len(starts) == 0:
        return np.array([], dtype=object), np.array([], dtype=object)
    # numpy's reduceat joins the strings per person without a Python call per group.
    lead = np.where(position == 0, "", "; ").astype(object)
    text = np.where(position < SUMMARY_REASONS, lead + reasons["reason"].to_numpy(), "")
    comma = np.where(position == 0, "", ",").astype(object)
    codes = comma + reasons["rule_code"].to_numpy(dtype=object)
    return np.add.reduceat(text.astype(object), starts), np.add.reduceat(codes, starts)


def _check_frames(frames: dict[str, pd.DataFrame]) -> None:
    for name, columns in FRAME_COLUMNS.items():
        if name not in frames:
            raise ValueError(f"The engine needs a {name!r} frame.")
        missing = set(columns) - set(frames[name].columns)
        if missing:
            raise ValueError(f"The {name!r} frame lacks {sorted(missing)}.")


def empty_frames() -> dict[str, pd.DataFrame]:
    """Frames with the right columns and no rows, for building inputs by hand."""
    return {name: pd.DataFrame({c: [] for c in columns}) for name, columns in FRAME_COLUMNS.items()}
