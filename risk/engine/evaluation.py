"""`evaluate`: every rule that fires on a date, and each flagged person's tier and reasons.

Reasons are worded only for the people who end up flagged; the result's frames are
what the publishing service writes back. The rules run over numpy arrays; pandas
frames are built once, at the end. Pure: no Django.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from risk.engine.checks import CHECKS, TRIGGER_KINDS, Hits, hits
from risk.engine.context import FRAME_COLUMNS, NO_ID, Context, int_ids
from risk.engine.reasons import word_reasons
from risk.engine.rules import RuleSetSpec, RuleSpec
from risk.engine.tiers import TIER_OF_RANK, TIER_RANKS, TIERS


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

# A tier by its rank: index 0 is no tier, then each tier from the lowest up.
TIER_BY_RANK = np.array(["", *(TIER_OF_RANK[r] for r in sorted(TIER_OF_RANK))], dtype=object)


# Without every fired rule, people are evaluated this many at a time (see `evaluate`).
SLICE_PEOPLE = 125_000


def evaluate(
    frames: dict[str, pd.DataFrame],
    rule_set: RuleSetSpec,
    as_of: datetime.date,
    *,
    every_fired: bool = True,
    slice_people: int = SLICE_PEOPLE,
) -> Evaluation:
    """Every rule that fires on `as_of`, and each flagged person's tier and reasons.

    Reasons are worded only for the people who end up flagged: nobody reads
    the wording of a lone modifier, and at national scale it is most of the cost.
    With `every_fired` False, `Evaluation.fired` is left empty: publishing reads only
    the flagged people and their reasons, and at national scale every fired rule is
    millions of rows, the largest thing a run holds. Then people are also evaluated
    `slice_people` at a time, by ranges of their ids: every rule looks at one person's
    records alone, so the result is the same, and the working arrays are a slice's
    rather than everyone's (at a million people they are most of a run's memory).
    """
    _check_frames(frames)
    if not every_fired:
        bounds = _slice_bounds(frames["episodes"]["person_id"], slice_people)
        if len(bounds):
            return _evaluate_in_slices(frames, rule_set, as_of, bounds)
    return _evaluate(frames, rule_set, as_of, every_fired=every_fired)


def _slice_bounds(person_ids: pd.Series, slice_people: int) -> np.ndarray:
    """The first person id of each slice after the first; none when one slice holds all."""
    return np.unique(int_ids(person_ids))[slice_people::slice_people]


def _evaluate_in_slices(
    frames: dict[str, pd.DataFrame],
    rule_set: RuleSetSpec,
    as_of: datetime.date,
    bounds: np.ndarray,
) -> Evaluation:
    parts = [
        _evaluate(frame_slice, rule_set, as_of, every_fired=False)
        for frame_slice in _sliced(frames, bounds)
    ]
    counts: dict[str, int] = {}
    for part in parts:
        for code, count in part.counts_by_rule.items():
            counts[code] = counts.get(code, 0) + count
    # Slices come in id order, so their rows do too; a slice with nobody flagged adds none.
    flagged = [part for part in parts if len(part.people)] or parts[:1]
    return Evaluation(
        as_of=as_of,
        rule_set_version=rule_set.version,
        population=sum(part.population for part in parts),
        fired=parts[0].fired,
        people=pd.concat([part.people for part in flagged], ignore_index=True),
        reasons=pd.concat([part.reasons for part in flagged], ignore_index=True),
        rows_read=sum(len(frame) for frame in frames.values()),
        counts_by_rule=counts,
    )


def _sliced(
    frames: dict[str, pd.DataFrame], bounds: np.ndarray
) -> Iterator[dict[str, pd.DataFrame]]:
    """The frames cut into person id ranges: before the first bound, between each two,
    and from the last on. Each frame's slice numbers are worked out once."""
    which = {
        name: np.searchsorted(bounds, int_ids(frame["person_id"]), side="right")
        for name, frame in frames.items()
    }
    for number in range(len(bounds) + 1):
        yield {
            name: frame[which[name] == number].reset_index(drop=True)
            for name, frame in frames.items()
        }


def _evaluate(
    frames: dict[str, pd.DataFrame],
    rule_set: RuleSetSpec,
    as_of: datetime.date,
    *,
    every_fired: bool,
) -> Evaluation:
    ctx = Context(frames, as_of)
    # Rules in display order (largest weight first): a person's reasons are in rank order.
    rules = sorted(
        (rule for rule in rule_set.rules if rule.enabled), key=lambda r: (-r.weight, r.code)
    )
    fired_by_rank = _one_per_group([CHECKS[rule.check](ctx, rule) for rule in rules], rules, ctx)
    counts = {rule.code: len(fired) for rule, fired in zip(rules, fired_by_rank, strict=True)}
    fired = Hits.joined(fired_by_rank or [hits(np.empty(0, dtype=np.int64), "person")])
    rank = np.repeat(np.arange(len(fired_by_rank)), [len(part) for part in fired_by_rank])
    flagged, score, tier = _tiers(fired, rank, fired_by_rank, rule_set, rules, ctx)
    # The flagged people's fired rules, still in rank order, and where each rank starts.
    chosen = np.flatnonzero(ctx.among(flagged)[fired.person])
    starts = np.searchsorted(rank[chosen], np.arange(len(rules) + 1))
    # Their fired rules carry the same wording as their reasons.
    reason = np.full(len(rank), "", dtype=object)
    reason[chosen] = _worded(fired, chosen, starts, rules, ctx.day)
    # The summary is worded for no day in particular: it reads right on any day.
    marked = np.full(len(rank), "", dtype=object)
    marked[chosen] = _worded(fired, chosen, starts, rules, None)
    order, position, first = _reasons_order(fired, chosen, starts, ctx)
    in_order = fired.where(order), rank[order], reason[order]
    summary, rule_codes = _joined(marked[order], in_order[1], first, rules)
    people = pd.DataFrame(
        {
            "person_id": ctx.person_ids[flagged].astype("int64"),
            "score": score,
            "tier": _text(TIER_BY_RANK[tier]),
            "tier_rank": tier,
            "summary": _text(summary),
            "rule_codes": _text(rule_codes),
        },
        copy=False,
    )
    # Categorical codes: cheap to build, sort and stage, whatever the row count.
    codes = pd.CategoricalDtype([rule.code for rule in rules] or [""])
    reasons = _fired_frame(*in_order, rules, codes, ctx, position)
    if not every_fired:
        none = np.zeros(0, dtype=np.int64)
        fired, rank, reason = fired.where(none), rank[none], reason[none]
    return Evaluation(
        as_of=as_of,
        rule_set_version=rule_set.version,
        population=len(ctx.population),
        fired=_fired_frame(fired, rank, reason, rules, codes, ctx),
        people=people,
        reasons=reasons,
        rows_read=sum(len(frame) for frame in frames.values()),
        counts_by_rule=counts,
    )


def _one_per_group(fired_by_rank: list[Hits], rules: list[RuleSpec], ctx: Context) -> list[Hits]:
    """Keep, for each person and rule group, only the heaviest rule that fired.

    `rules` are in weight order, so the first rule of a group that fires for a person
    is the heaviest: a later one of the group is dropped for them.
    """
    counted: dict[str, np.ndarray] = {}
    kept = []
    for rule, fired in zip(rules, fired_by_rank, strict=True):
        if rule.group:
            seen = counted.setdefault(rule.group, np.zeros(ctx.size, dtype=bool))
            fired = fired.where(~seen[fired.person])
            seen[fired.person] = True
        kept.append(fired)
    return kept


def _tiers(
    fired: Hits,
    rank: np.ndarray,
    fired_by_rank: list[Hits],
    rule_set: RuleSetSpec,
    rules: list[RuleSpec],
    ctx: Context,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum the weights per person and keep those at or above the lowest tier.

    A person's tier is the higher of the tier their score reaches and the highest
    minimum tier among the rules that fired for them; the score stays the sum.
    Returns the flagged people's positions (in id order), scores and tier ranks.
    """
    weights = np.array([float(rule.weight) for rule in rules] or [0.0])
    scored = np.flatnonzero(np.bincount(fired.person, minlength=ctx.size))
    total = np.bincount(fired.person, weights=weights[rank], minlength=ctx.size)
    score = total[scored].astype("float64").round(3)
    tier = np.zeros(ctx.size, dtype=np.int64)
    tier[scored] = rule_set.rank_for(score)
    for rule, part in zip(rules, fired_by_rank, strict=True):
        minimum = TIER_RANKS.get(rule.min_tier, 0)
        if minimum:
            tier[part.person] = np.maximum(tier[part.person], minimum)
    keep = tier[scored] > 0
    flagged = scored[keep]
    return flagged, score[keep], tier[flagged]


def _worded(
    fired: Hits,
    rows: np.ndarray,
    starts: np.ndarray,
    rules: list[RuleSpec],
    day: np.datetime64 | None,
) -> np.ndarray:
    """The fired `rows` (in rank order, each rank from its `starts`) in words, rule by rule
    (for no day in particular if `day` is None: see `word_reasons`)."""
    text = np.empty(len(rows), dtype=object)
    for each, (start, end) in enumerate(itertools.pairwise(starts)):
        picked = rows[start:end]
        text[start:end] = word_reasons(
            rules[each].reason,
            fired_from=fired.fired_from[picked],
            count=fired.count[picked],
            detail=fired.detail[picked],
            day=day,
        )
    return text


def _reasons_order(
    fired: Hits, chosen: np.ndarray, starts: np.ndarray, ctx: Context
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The `chosen` rows of `fired` in reason order (by person, then largest first); each
    reason's position within its person, from 0; and where each person's reasons start.

    Each person's reasons take a run of places, in person order; `chosen` is in rank
    order (each rank from its `starts`), so filling each person's places rank by rank
    puts their reasons largest first, with no sort.
    """
    per_person = np.bincount(fired.person[chosen], minlength=ctx.size)
    first_place = np.cumsum(per_person) - per_person
    filled = np.zeros(ctx.size, dtype=np.int64)
    order = np.empty(len(chosen), dtype=np.int64)
    position = np.empty(len(chosen), dtype=np.int64)
    for start, end in itertools.pairwise(starts):
        rows = chosen[start:end]
        person = fired.person[rows]
        at = first_place[person] + filled[person]
        order[at] = rows
        position[at] = filled[person]
        filled[person] += 1
    return order, position, first_place[per_person > 0]


def _text(values: np.ndarray) -> object:
    """Text as pandas would infer its type in a frame (objects when there is none), but
    built in one step."""
    return pd.array(values, dtype="str") if len(values) else values


# The trigger kinds as a categorical type, made once.
TRIGGER_KIND_TYPE = pd.CategoricalDtype(TRIGGER_KINDS)


def _fired_frame(
    fired: Hits,
    rank: np.ndarray,
    reason: np.ndarray,
    rules: list[RuleSpec],
    codes: pd.CategoricalDtype,
    ctx: Context,
    position: np.ndarray | None = None,
) -> pd.DataFrame:
    """Fired rows as the frame publishing writes (`FIRED_COLUMNS`), or, with each one's
    `position`, as reasons."""
    positions = {} if position is None else {"position": position}
    return pd.DataFrame(
        {
            "person_id": ctx.person_ids[fired.person].astype("int64"),
            "rule_code": pd.Categorical.from_codes(rank, dtype=codes, validate=False),
            "rule_version": np.array([r.version for r in rules] or [0])[rank],
            "weight": np.array([float(r.weight) for r in rules] or [0.0])[rank],
            "trigger_kind": pd.Categorical.from_codes(
                fired.trigger_kind, dtype=TRIGGER_KIND_TYPE, validate=False
            ),
            "trigger_id": pd.arrays.IntegerArray(fired.trigger_id, fired.trigger_id == NO_ID),
            "fired_from": fired.fired_from.astype("datetime64[s]"),
            "expires_on": fired.expires_on.astype("datetime64[s]"),
            "count": fired.count,
            # Plain objects: inferring a string type for the text costs more than it saves.
            "detail": pd.Series(fired.detail, dtype=object),
            "reason": pd.Series(reason, dtype=object),
        }
        | positions,
        copy=False,
    )


def _joined(
    reasons: np.ndarray, ranks: np.ndarray, first: np.ndarray, rules: list[RuleSpec]
) -> tuple[np.ndarray, np.ndarray]:
    """Each flagged person's first reasons as one line, and their rule codes.

    `reasons` and their `ranks` are in order (by person, then largest first); each
    person's start at `first`.
    """
    if len(first) == 0:
        return np.array([], dtype=object), np.array([], dtype=object)
    count = np.diff(np.r_[first, len(reasons)])
    summary = reasons[first]
    for place in range(1, SUMMARY_REASONS):
        more = count > place
        summary[more] = summary[more] + "; " + reasons[first[more] + place]
    # numpy's reduceat joins the codes per person without a Python call per person.
    leading = np.zeros(len(reasons), dtype=bool)
    leading[first] = True
    code = np.array([rule.code for rule in rules], dtype=object)
    after_comma = np.array([f",{rule.code}" for rule in rules], dtype=object)
    codes = np.where(leading, code[ranks], after_comma[ranks])
    return summary, np.add.reduceat(codes, first)


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
