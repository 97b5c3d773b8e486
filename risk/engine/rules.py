"""A rule set as the engine sees it: rules that name a check, and the tier thresholds.

Each rule names a *check* (an evaluator in `checks`) and carries its own window,
weight and reason wording, so a rule set is data that can be changed and versioned
without changing the engine. Weights add up per person; the tier comes from the
total against the rule set's thresholds, raised to the highest minimum tier
(`min_tier`) among the rules that fired. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from risk.engine.tiers import TIER_RANKS, TIERS


@dataclass(frozen=True)
class RuleSpec:
    """One rule as the engine sees it; `window_from`/`window_to` are in the check's unit."""

    code: str
    version: int
    check: str
    weight: float
    reason: str
    evidence: str = ""
    window_from: int | None = None
    window_to: int | None = None
    min_count: int = 1
    enabled: bool = True
    # Rules in the same group measure the same exposure: only the heaviest one
    # that fires for a person counts, so one fact is never weighed twice.
    group: str = ""
    # While the rule fires (its window holds), the person's tier is at least this one,
    # whatever the weights add up to: "" for no minimum, else one of `tiers.TIERS`.
    min_tier: str = ""

    def __post_init__(self) -> None:
        if self.min_tier not in ("", *TIERS):
            raise ValueError(
                f"Rule {self.code!r}: minimum tier {self.min_tier!r} is not one of "
                f"{', '.join(TIERS)} (or empty for none)."
            )


@dataclass(frozen=True)
class RuleSetSpec:
    """Rules and one threshold per tier (`raised`, `high`, `very_high`: see `tiers.TIERS`)."""

    version: int
    rules: tuple[RuleSpec, ...]
    raised: float
    high: float
    very_high: float

    def rank_for(self, score: np.ndarray) -> np.ndarray:
        """Each score's tier rank (`tiers.TIER_RANKS`), the highest tier whose threshold it
        reaches, or 0 for none."""
        return np.select(
            [score >= getattr(self, tier) for tier in TIERS],
            [TIER_RANKS[tier] for tier in TIERS],
            default=0,
        ).astype("int64")
