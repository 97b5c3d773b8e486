"""Whether a group's percentage differs from the whole population's by more than chance.

The one test of a difference, used by every figure split by a segment
(`outcomes.figures.tables`) and by the fairness report (`risk.fairness`): a
two-sided two-proportion z-test of the group's x/n against everyone else's (the
whole population less the group), with a pooled standard error. Where |z| is
`Z_THRESHOLD` or more (p < 0.01) the group is marked higher or lower, in words.

Pure arithmetic on counts: the callers decide which counts may be tested (never a
withheld one).
"""

import math

Z_THRESHOLD = 2.58
TEST_NAME = "two_proportion_z_test"
TEST_DESCRIPTION = (
    "Each percentage of a group is compared with the same percentage of everyone else "
    "in the population by a two-sided two-proportion z-test (pooled standard error). "
    f"Where |z| is {Z_THRESHOLD} or more (p < 0.01) the difference is larger than chance "
    "would give, and the row says so in words. Withheld cells are never tested. With many "
    "groups and figures, about one comparison in a hundred is marked by chance alone."
)
HIGHER = "higher"
LOWER = "lower"
DIFFERENCE_WORDS = {
    HIGHER: "Higher than the whole population, by more than chance",
    LOWER: "Lower than the whole population, by more than chance",
}


def stated_test() -> dict:
    """The test as a result states it: its name, threshold and description."""
    return {"name": TEST_NAME, "threshold": Z_THRESHOLD, "description": TEST_DESCRIPTION}


def z_score(group: tuple[int, int], whole: tuple[int, int]) -> float | None:
    """The two-proportion z of a group's x/n against everyone else's, pooled; None when
    the group or the rest is nobody, or everyone or no one has the measure, or the
    counts are not a part of a whole (a numerator above its denominator)."""
    x1, n1 = group
    x, n = whole
    x2, n2 = x - x1, n - n1
    if n1 <= 0 or n2 <= 0 or not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        return None
    pooled = x / n
    error = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if error == 0:
        return None
    return (x1 / n1 - x2 / n2) / error


def difference_of(
    group: tuple[int, int], whole: tuple[int, int]
) -> tuple[str | None, float | None]:
    """(`HIGHER`, `LOWER` or None, z rounded to 2 places or None when it cannot be tested)."""
    z = z_score(group, whole)
    if z is None:
        return None, None
    if abs(z) < Z_THRESHOLD:
        return None, round(z, 2)
    return (HIGHER if z > 0 else LOWER), round(z, 2)
