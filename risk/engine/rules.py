"""A rule set as the engine sees it: rules that name a check, and the tier thresholds.

Each rule names a *check* (an evaluator in `checks`) and carries its own window,
weight and reason wording, so a rule set is data that can be changed and versioned
without changing the engine. Weights add up per person; the tier comes from the
total against the rule set's thresholds. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from risk.engine.tiers import TIERS


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


@dataclass(frozen=True)
class RuleSetSpec:
    """Rules and one threshold per tier (`raised`, `high`, `very_high`: see `tiers.TIERS`)."""

    version: int
    rules: tuple[RuleSpec, ...]
    raised: float
    high: float
    very_high: float

    def tier_for(self, score: np.ndarray) -> np.ndarray:
        """Each score's tier, the highest whose threshold it reaches, or "" for none."""
        return np.select([score >= getattr(self, tier) for tier in TIERS], list(TIERS), default="")
