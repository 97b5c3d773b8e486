"""The tier vocabulary, declared once: the tiers' values, highest first, and their ranks.

Everything else about tiers derives from this: the flag model's choices, the ranks
stored on flags, the tiers the outreach worklist and figures count, the rule set's
thresholds (`RuleSetSpec.rank_for`), the rules' minimum tiers (`RuleSpec.min_tier`).
Words for people (labels, icons, colours) are not the engine's business: they live
in `risk.wording`. Pure: no Django.
"""

# Highest first; a rule set has one threshold per tier, named as the tier is.
TIERS: tuple[str, ...] = ("very_high", "high", "raised")
# A flag's rank orders tiers in SQL (`Flag.tier_rank`): the highest tier ranks highest.
TIER_RANKS: dict[str, int] = {tier: len(TIERS) - i for i, tier in enumerate(TIERS)}
TIER_OF_RANK: dict[int, str] = {rank: tier for tier, rank in TIER_RANKS.items()}
# The tiers whose flags a keyworker is expected to reach out to (the not-contacted
# worklist and the outreach figures): all but the lowest.
OUTREACH_TIERS: tuple[str, ...] = TIERS[:-1]

# Tiers stay selective: a tier that covers a large part of a caseload gets ignored. The
# evidence notes aim for very high at most about 5% of the population, and very high plus
# high at most about 15%; `tier_shares` gives the shares these limits are read against.
SELECTIVE_MAX_PERCENT: dict[str, float] = {"very_high": 5.0, "high_or_above": 15.0}


def tier_shares(counts: dict[str, int], population: int) -> dict[str, float]:
    """Each tier's share of the population in percent, with `high_or_above` and `flagged`."""

    def percent(count: int) -> float:
        return round(100 * count / population, 2) if population else 0.0

    shares = {tier: percent(counts.get(tier, 0)) for tier in TIERS}
    shares["high_or_above"] = percent(sum(counts.get(tier, 0) for tier in OUTREACH_TIERS))
    shares["flagged"] = percent(sum(counts.get(tier, 0) for tier in TIERS))
    return shares


def unselective(shares: dict[str, float]) -> list[str]:
    """The keys of `SELECTIVE_MAX_PERCENT` whose share is over its limit."""
    return [key for key, limit in SELECTIVE_MAX_PERCENT.items() if shares[key] > limit]
