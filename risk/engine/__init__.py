"""The risk engine: rules over data frames, pure in `as_of`.

Contract: `evaluate(frames, rule_set, as_of)` takes the frames described in
`FRAME_COLUMNS` and returns an `Evaluation` holding every fired rule (one row
per person and rule, with the record that triggered it, the date it fired from,
the last day it applies and the reason in words) and every flagged person's
tier. Nothing here touches a database or Django (an import-linter contract holds
every module of this package to that): the loader builds the frames, a service
writes the results. Records dated after `as_of` are ignored, so the same frames
evaluated on past dates give what the engine would have said then.

The package by concern: `tiers` (the tier vocabulary), `rules` (a rule set as data),
`context` (the frames cut to the date), `checks` (what rules can test), `reasons`
(wording a reason for a day) and `evaluation` (putting them together). This module
is its public surface.
"""

from risk.engine.checks import CHECK_SOURCES, CHECKS, COUNT_UNITS, WINDOW_UNITS, lookback_days
from risk.engine.context import (
    FRAME_COLUMNS,
    POPULATION_DAYS_SINCE_DISCHARGE,
    TOP_CURRENT_DAYS,
    population_ids,
)
from risk.engine.evaluation import (
    FIRED_COLUMNS,
    SLICE_PEOPLE,
    Evaluation,
    empty_frames,
    evaluate,
)
from risk.engine.reasons import (
    AGO_MARK,
    PLACEHOLDERS,
    ago_words,
    clip_marked,
    word_marked,
    word_reasons,
)
from risk.engine.rules import RuleSetSpec, RuleSpec
from risk.engine.tiers import (
    OUTREACH_TIERS,
    SELECTIVE_MAX_PERCENT,
    TIER_OF_RANK,
    TIER_RANKS,
    TIERS,
    tier_shares,
    unselective,
)

__all__ = [
    "AGO_MARK",
    "CHECKS",
    "CHECK_SOURCES",
    "COUNT_UNITS",
    "FIRED_COLUMNS",
    "FRAME_COLUMNS",
    "OUTREACH_TIERS",
    "PLACEHOLDERS",
    "POPULATION_DAYS_SINCE_DISCHARGE",
    "SELECTIVE_MAX_PERCENT",
    "SLICE_PEOPLE",
    "TIERS",
    "TIER_OF_RANK",
    "TIER_RANKS",
    "TOP_CURRENT_DAYS",
    "WINDOW_UNITS",
    "Evaluation",
    "RuleSetSpec",
    "RuleSpec",
    "ago_words",
    "clip_marked",
    "empty_frames",
    "evaluate",
    "lookback_days",
    "population_ids",
    "tier_shares",
    "unselective",
    "word_marked",
    "word_reasons",
]
