"""The fairness report as tables for the governance page: one per characteristic."""

from risk.engine import TIERS
from risk.fairness.counts import CHARACTERISTIC_LABELS, CHARACTERISTICS
from risk.wording import TIER_LABELS

# The report's columns on the governance page: (heading, figure key, category).
PAGE_COLUMNS = (
    ("Flagged per 100 in the risk population", "flag_rate", None),
    *((f"{TIER_LABELS[t]}, of the flagged", "tier_mix", t) for t in TIERS),
    ("Very high and high flags reached within 7 days", "reached_within_7_days", None),
    ("Deaths and near-fatal overdoses", "outcomes", None),
    ("Flagged the day before", "captured", None),
    ("Very high or high the day before", "captured_high", None),
)
# Columns shown only where deaths or overdoses are recorded in the period.
OUTCOME_COLUMNS = frozenset({"outcomes", "captured", "captured_high"})


def _page_cell(row: dict) -> dict:
    if row["suppressed"]:
        text = "withheld"
    elif row["value"] is None:
        text = "–"
    elif row["key"] == "flag_rate":  # per 100 people
        text = f"{row['value']:g}"
    elif row["unit"] == "percent":
        text = f"{row['value']:g}%"
    else:
        text = str(row["value"])
    return {
        "text": text,
        "numerator": row["numerator"],
        "denominator": row["denominator"],
        "unit": row["unit"],
        "suppressed": row["suppressed"],
        "provisional": row["provisional"],
        "difference": row["difference"],
        "words": row["difference_words"],
    }


def page_tables(result: dict) -> list[dict]:
    """The report as one table per characteristic, the whole population's row first."""
    rows = {
        (r["segment"], r["segment_value"], r["key"], r["category"]): r for r in result["figures"]
    }
    whole_outcomes = rows[(None, None, "outcomes", None)]
    show_outcomes = whole_outcomes["suppressed"] or bool(whole_outcomes["value"])
    columns = [c for c in PAGE_COLUMNS if show_outcomes or c[1] not in OUTCOME_COLUMNS]
    tables = []
    for characteristic in CHARACTERISTICS:
        places = [(None, None, "Whole population")]
        places += [
            (characteristic, r["segment_value"], r["segment_label"])
            for r in result["figures"]
            if r["segment"] == characteristic and r["key"] == "flag_rate"
        ]
        lines = []
        for segment, value, label in places:
            cells = [
                _page_cell(rows[(segment, value, key, category)]) for _, key, category in columns
            ]
            population = rows[(segment, value, "flag_rate", None)]["denominator"]
            lines.append(
                {"label": label, "whole": segment is None, "population": population, "cells": cells}
            )
        tables.append(
            {
                "characteristic": characteristic,
                "label": CHARACTERISTIC_LABELS[characteristic],
                "headings": [heading for heading, _, _ in columns],
                "rows": lines,
            }
        )
    return tables
