"""The fairness report's rows: suppressed, and compared with the whole population.

Definitions and the test in `risk.fairness`.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from outcomes.figures import RESULT_SCHEMA, FigureFilters
from outcomes.figures.difference import (
    DIFFERENCE_WORDS,
    HIGHER,
    LOWER,
    TEST_NAME,
    difference_of,
    stated_test,
)
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
    return difference_of((count[used[0]], count[used[1]]), (count[used[2]], count[used[3]]))


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
        "test": stated_test(),
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
