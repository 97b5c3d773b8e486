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
