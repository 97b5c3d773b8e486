"""The fairness report's rows: suppressed, and compared with the whole population.

Definitions and the test in `risk.fairness`.
"""

import datetime
import math
from dataclasses import dataclass

from django.utils import timezone

from outcomes.figures import RESULT_SCHEMA, FigureFilters
from outcomes.suppression import SuppressedCounts
from risk.engine import TIERS
from risk.fairness.counts import (
    CHARACTERISTICS,
    FAMILY,
    REACHED_WITHIN_DAYS,
    WHOLE,
    FairnessCounts,
    Key,
    fairness_counts,
)
from risk.outcome_events import DEATH, OVERDOSE
from risk.wording import TIER_LABELS

# The test of a difference, stated once for the page, the API and docs/figures.md.
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


@dataclass(frozen=True)
class FairnessFigure:
    key: str
    label: str
    unit: str  # "percent" or "count"
    numerator: str
    denominator: str | None = None
    category: str | None = None
    category_label: str | None = None
    follow_up_days: int = 0


FIGURES = (
    FairnessFigure(
        "flag_rate",
        "People in the risk population with a flag open on the period's last day, per 100",
        "percent",
        "flagged",
        "population",
    ),
    *(
        FairnessFigure(
            "tier_mix",
            "Of the people flagged on the period's last day, the share at each tier",
            "percent",
            f"flagged_{tier}",
            "flagged",
            category=tier,
            category_label=TIER_LABELS[tier],
        )
        for tier in TIERS
    ),
    FairnessFigure(
        "reached_within_7_days",
        "Very high and high flags raised in the period whose person was reached within 7 days",
        "percent",
        "reached",
        "raised",
        follow_up_days=REACHED_WITHIN_DAYS,
    ),
    FairnessFigure(
        "outcomes", "Deaths and near-fatal overdoses recorded in the period", "count", "outcomes"
    ),
    FairnessFigure(
        "outcomes",
        "Deaths and near-fatal overdoses recorded in the period",
        "count",
        "deaths",
        category=DEATH,
        category_label="Deaths",
    ),
    FairnessFigure(
        "outcomes",
        "Deaths and near-fatal overdoses recorded in the period",
        "count",
        "overdoses",
        category=OVERDOSE,
        category_label="Near-fatal overdoses",
    ),
    FairnessFigure(
        "captured",
        "Deaths and near-fatal overdoses whose person had a flag open the day before",
        "percent",
        "captured",
        "outcomes",
    ),
    FairnessFigure(
        "captured_high",
        "Deaths and near-fatal overdoses whose person had a very high or high flag open "
        "the day before",
        "percent",
        "captured_high",
        "outcomes",
    ),
)


def z_score(group: tuple[int, int], whole: tuple[int, int]) -> float | None:
    """The two-proportion z of a group's x/n against everyone else's, pooled; None when
    the group or the rest is nobody, or everyone or no one has the measure."""
    x1, n1 = group
    x, n = whole
    x2, n2 = x - x1, n - n1
    if n1 == 0 or n2 == 0:
        return None
    pooled = x / n
    error = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if error == 0:
        return None
    return (x1 / n1 - x2 / n2) / error


def _difference(
    figure: FairnessFigure, published: SuppressedCounts[Key], key: tuple[str, str]
) -> tuple[str | None, float | None]:
    if figure.unit != "percent" or key[0] == WHOLE:
        return None, None
    assert figure.denominator is not None
    used = [
        (*where, measure)
        for where in (key, (WHOLE, WHOLE))
        for measure in (figure.numerator, figure.denominator)
    ]
    if any(published.is_withheld(k) for k in used):
        return None, None
    count = published.counts
    z = z_score(
        (count[used[0]], count[used[1]]),
        (count[used[2]], count[used[3]]),
    )
    if z is None:
        return None, None
    if abs(z) < Z_THRESHOLD:
        return None, round(z, 2)
    return (HIGHER if z > 0 else LOWER), round(z, 2)


def _row(
    figure: FairnessFigure,
    published: SuppressedCounts[Key],
    where: tuple[str, str],
    label: str | None,
    provisional: bool,
) -> dict:
    numerator = (*where, figure.numerator)
    denominator = (*where, figure.denominator) if figure.denominator else None
    withheld = any(published.is_withheld(k) for k in (numerator, denominator) if k)
    if figure.unit == "percent":
        assert denominator is not None
        value = published.rate(numerator, denominator)
    else:
        value = published.count(numerator)
    difference, z = _difference(figure, published, where)
    whole = where[0] == WHOLE
    return {
        "key": figure.key,
        "label": figure.label,
        "unit": figure.unit,
        "category": figure.category,
        "category_label": figure.category_label,
        "segment": None if whole else where[0],
        "segment_value": None if whole else where[1],
        "segment_label": label,
        "numerator": published.count(numerator),
        "denominator": published.count(denominator) if denominator else None,
        "value": value,
        "suppressed": withheld,
        "provisional": provisional,
        "difference": difference,
        "difference_words": DIFFERENCE_WORDS[difference] if difference else None,
        "z": z,
    }


def fairness_result(counts: FairnessCounts, filters: FigureFilters, today: datetime.date) -> dict:
    published = counts.suppressed()
    settled = filters.end + datetime.timedelta(days=REACHED_WITHIN_DAYS)
    places: list[tuple[tuple[str, str], str | None]] = [((WHOLE, WHOLE), None)]
    for characteristic in CHARACTERISTICS:
        places += [((characteristic, code), label) for code, label in counts.groups[characteristic]]
    rows = [
        _row(figure, published, where, label, bool(figure.follow_up_days) and settled > today)
        for figure in FIGURES
        for where, label in places
    ]
    return {
        "family": FAMILY,
        "computed_on": today.isoformat(),
        "period": filters.period.as_json(),
        "population_on": filters.end.isoformat(),
        "test": {"name": TEST_NAME, "threshold": Z_THRESHOLD, "description": TEST_DESCRIPTION},
        "figures": rows,
    }


def fairness_report(filters: FigureFilters) -> dict:
    """The report for `filters`' period and people (see the module docstring), suppressed."""
    return fairness_result(fairness_counts(filters), filters, timezone.localdate())


_ROW = RESULT_SCHEMA["properties"]["figures"]["items"]
_SHARED = ("key", "label", "category", "category_label", "segment_value", "segment_label")
_VALUES = ("numerator", "denominator", "value", "suppressed", "provisional")

# The JSON Schema of the report: the shared figure rows without a previous period, each
# with the characteristic it splits by and its comparison with the whole population.
FAIRNESS_SCHEMA: dict = {
    "type": "object",
    "required": ["family", "computed_on", "period", "population_on", "test", "figures"],
    "additionalProperties": False,
    "properties": {
        "family": {"enum": [FAMILY]},
        "computed_on": RESULT_SCHEMA["properties"]["computed_on"],
        "period": RESULT_SCHEMA["properties"]["period"],
        "population_on": {"type": "string", "format": "date"},
        "test": {
            "type": "object",
            "required": ["name", "threshold", "description"],
            "additionalProperties": False,
            "properties": {
                "name": {"enum": [TEST_NAME]},
                "threshold": {"type": "number"},
                "description": {"type": "string"},
            },
        },
        "figures": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    *_SHARED,
                    "unit",
                    "segment",
                    *_VALUES,
                    "difference",
                    "difference_words",
                    "z",
                ],
                "properties": {
                    **{name: _ROW["properties"][name] for name in (*_SHARED, *_VALUES)},
                    "unit": {"enum": ["percent", "count"]},
                    "segment": {"enum": [None, *CHARACTERISTICS]},
                    "difference": {"enum": [None, HIGHER, LOWER]},
                    "difference_words": {"type": ["string", "null"]},
                    "z": {"type": ["number", "null"]},
                },
            },
        },
    },
}
