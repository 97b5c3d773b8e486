"""Reads of the commissioner dashboard: the API's figures, as tables, charts and CSV rows.

Nothing here computes a figure. `dashboard_results` calls `compute(scope=...,
filters=...)` of each view in `commissioning.urls.FIGURES`, the very callables the
API's figure endpoints answer with (`figure_filters`, the family, `with_benchmarks`),
so scope, period defaults, validation and suppression are the API's. The rest turns
their results into what the page shows: one table per figure with the benchmarks,
targets, provisional and withheld cells in words, the chart data repeating it, and
one CSV row per figure row.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

from cases.models import User
from commissioning.access import WHOLE_SERVICE_API_ROLES
from commissioning.api import FigureView
from commissioning.dashboard import kept
from commissioning.extracts.base import FORMULA_STARTS, ApiFilters
from commissioning.selectors import ApiScope, api_scope
from commissioning.urls import FIGURES
from core import frames
from outcomes.figures.filters import SEGMENT_LABELS
from outcomes.figures.tables import LOADED_TARGET

WITHHELD = "withheld (small number)"
PROVISIONAL = "provisional"
CLIENT_GROUP_LABELS = {
    "opiate": "Opiate",
    "non_opiate": "Non-opiate",
    "alcohol": "Alcohol",
    "all": "All client groups",
}
UNIT_SUFFIXES = {
    "percent": "%",
    "count": "",
    "years": " years",
    "days": " days",
    "hours": " hours",
    "points": " points",
}
# The units whose rows carry a numerator, and a denominator, when nothing is withheld.
NUMERATOR_UNITS = frozenset({"percent", "count"})
DENOMINATOR_UNITS = frozenset({"percent"})
CSV_COLUMNS = (
    "family",
    "key",
    "label",
    "client_group",
    "category",
    "segment",
    "value",
    "numerator",
    "denominator",
    "suppressed",
    "provisional",
    "previous",
    "change",
    "target",
    "target_source",
)


@dataclass(frozen=True)
class FamilyResult:
    """One family's result, as the API returns it for the same filters, and when it was
    computed (`kept`: the figures are kept from one night's recompute to the next)."""

    name: str
    title: str
    segments: tuple[str, ...]
    result: dict
    computed_at: datetime.datetime
    kept: bool


def dashboard_scope(user: User) -> ApiScope:
    """Whom the user's figures count: the API's rule (`api_scope`), with a commissioner's
    own client, as their session reaches the API."""
    client = user.api_client if user.role in WHOLE_SERVICE_API_ROLES else None
    return api_scope(user, client)


def dashboard_views(user: User) -> tuple[type[FigureView], ...]:
    """The figure families the user's role may have from the API (each view's `roles`)."""
    return tuple(view for view in FIGURES if view.roles is None or user.role in view.roles)


def family_filters(view: type[FigureView], filters: ApiFilters) -> ApiFilters:
    """`filters` for one family: a split it does not offer is left out (it is shown whole)."""
    offered = view.query_serializer.segments
    if filters.segment is None or filters.segment in offered:
        return filters
    return replace(filters, segment=None)


def dashboard_results(
    *, scope: ApiScope, filters: ApiFilters, views: Iterable[type[FigureView]]
) -> list[FamilyResult]:
    """Each family's result through its API view's own `compute`, as kept in this
    generation (`kept`).

    Raises `ExtractError` (naming the query parameter) as the API would. Rows several
    families read (the episodes in the period, most of all) are read once for them all.
    """
    generation = kept.generation()
    families = []
    with frames.shared_reads():
        for view in views:
            found = kept.kept_compute(
                view, scope=scope, filters=family_filters(view, filters), kept=generation
            )
            families.append(
                FamilyResult(
                    name=view.figure_name,
                    title=view.figure_title,
                    segments=view.query_serializer.segments,
                    result=found.result,
                    computed_at=found.computed_at,
                    kept=found.kept,
                )
            )
    return families


def computed_at(results: list[FamilyResult]) -> datetime.datetime | None:
    """When the oldest of the figures shown was computed."""
    return min((r.computed_at for r in results), default=None)


def number_text(value: float | int | None, unit: str) -> str:
    """A value in words with its unit, e.g. 15.0%, 12, 3.5 years."""
    if value is None:
        return ""
    return f"{value:,}{UNIT_SUFFIXES.get(unit, '')}"


def value_text(cell: dict, unit: str) -> str:
    """A figure cell's value as the page shows it: withheld cells in words."""
    if cell.get("suppressed") and cell.get("value") is None:
        return WITHHELD
    if cell.get("value") is None:
        return "none counted"
    return number_text(cell["value"], unit)


def count_text(row: dict, field: str) -> str:
    """A row's numerator or denominator: the number, "withheld" where suppression took it,
    and nothing where the row's unit has none (a count has no denominator, a statistic
    such as a median no numerator)."""
    value = row[field]
    if value is not None:
        return f"{value:,}"
    used = NUMERATOR_UNITS if field == "numerator" else DENOMINATOR_UNITS
    return "withheld" if row["suppressed"] and row["unit"] in used else ""


def change_text(change: float | None, unit: str) -> str:
    if change is None:
        return ""
    sign = "+" if change > 0 else ""
    suffix = " points" if unit == "percent" else UNIT_SUFFIXES.get(unit, "")
    return f"{sign}{change:,}{suffix}"


def row_heading(row: dict) -> str:
    """Which cell a row is: client group, category and segment value, in words."""
    parts = [
        CLIENT_GROUP_LABELS.get(row.get("client_group") or "", ""),
        row.get("category_label") or "",
        row.get("segment_label") or "",
    ]
    return " · ".join(part for part in parts if part) or "Everyone"


def target_source(target: dict | None) -> str:
    """Where a row's target comes from, in words: a loaded local target or the default."""
    if not target:
        return ""
    if target["origin"] == LOADED_TARGET:
        return f"Loaded local target: {target['source']}"
    return target["source"]


def _benchmark_words(benchmark: dict, unit: str) -> str:
    return (
        f"{benchmark['kind_label']}: {number_text(benchmark['value'], unit)} "
        f"({benchmark['better']} is better; {benchmark['period']})"
    )


def figure_tables(result: dict) -> list[dict]:
    """One table per figure of a family's result, its rows in the result's order."""
    benchmarks: dict[tuple, list[dict]] = {}
    for benchmark in result.get("benchmarks", ()):
        cell = (benchmark["key"], benchmark["client_group"], benchmark["category"])
        benchmarks.setdefault(cell, []).append(benchmark)
    tables: dict[str, dict] = {}
    for row in result["figures"]:
        key, unit = row["key"], row["unit"]
        table = tables.setdefault(
            key,
            {"key": key, "label": row["label"], "unit": unit, "rows": [], "has_previous": False},
        )
        table["has_previous"] = table["has_previous"] or "previous" in row
        previous = row.get("previous")
        target = row.get("target")
        marks = [
            _benchmark_words(b, unit)
            for b in benchmarks.get((key, row.get("client_group"), row.get("category")), ())
        ]
        table["rows"].append(
            {
                "heading": row_heading(row),
                "value": value_text(row, unit),
                "chart_value": row["value"],
                "numerator": count_text(row, "numerator"),
                "denominator": count_text(row, "denominator"),
                "suppressed": row["suppressed"],
                "provisional": row["provisional"],
                "previous": value_text(previous, unit) if previous else "",
                "chart_previous": previous["value"] if previous else None,
                "change": change_text(row.get("change"), unit),
                "benchmarks": marks,
                "target": target["words"] if target else "",
                "target_source": target_source(target),
                "difference": row.get("difference_words") or "",
            }
        )
    return list(tables.values())


def chart_data(family: str, tables: list[dict]) -> list[dict]:
    """What each figure's chart draws: the same values as its table (withheld: null)."""
    return [
        {
            "id": f"chart-{family}-{table['key']}",
            "unit": table["unit"],
            "labels": [row["heading"] for row in table["rows"]],
            "current": [row["chart_value"] for row in table["rows"]],
            "previous": [row["chart_previous"] for row in table["rows"]]
            if table["has_previous"]
            else None,
        }
        for table in tables
    ]


def split_note(family: FamilyResult, segment: str | None) -> str:
    """Why a family is shown whole when a split was asked for."""
    if segment is None or segment in family.segments:
        return ""
    asked = SEGMENT_LABELS[segment].lower()
    if not family.segments:
        return f"Not split by {asked}: these figures are not split."
    offered = ", ".join(SEGMENT_LABELS[s].lower() for s in family.segments)
    return f"Not split by {asked}: these figures split only by {offered}."


def page_families(
    results: list[FamilyResult], segment: str | None
) -> tuple[list[dict], list[dict]]:
    """What the page shows of each family (its tables and split note), and every chart."""
    families, charts = [], []
    for family in results:
        tables = figure_tables(family.result)
        families.append(
            {"family": family, "tables": tables, "split_note": split_note(family, segment)}
        )
        charts += chart_data(family.name, tables)
    return families, charts


def _csv_text(value: str | None) -> str:
    # A cell a spreadsheet would run as a formula is kept as text.
    text = value or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_number(value: float | int | None) -> str:
    return "" if value is None else str(value)


def segment_of(row: dict) -> str | None:
    """A row's segment value; a fairness row's is prefixed by its characteristic (sex=F)."""
    value = row.get("segment_value")
    if row.get("segment") and value is not None:
        return f"{row['segment']}={value}"
    return value


def csv_rows(results: Iterable[FamilyResult]) -> list[list[str]]:
    """The dashboard's cells, one row per figure row (`CSV_COLUMNS` first)."""
    rows = [list(CSV_COLUMNS)]
    for family in results:
        for row in family.result["figures"]:
            previous = row.get("previous")
            target = row.get("target")
            rows.append(
                [
                    family.name,
                    row["key"],
                    _csv_text(row["label"]),
                    row.get("client_group") or "",
                    _csv_text(row.get("category")),
                    _csv_text(segment_of(row)),
                    _csv_number(row["value"]),
                    _csv_number(row["numerator"]),
                    _csv_number(row["denominator"]),
                    "yes" if row["suppressed"] else "no",
                    "yes" if row["provisional"] else "no",
                    _csv_number(previous["value"]) if previous else "",
                    _csv_number(row.get("change")),
                    _csv_number(target["value"]) if target else "",
                    _csv_text(target_source(target)),
                ]
            )
    return rows


def period_of(results: list[FamilyResult]) -> tuple[datetime.date, datetime.date] | None:
    """The period every family counted (the same for all: one set of filters)."""
    if not results:
        return None
    period = results[0].result["period"]
    return datetime.date.fromisoformat(period["start"]), datetime.date.fromisoformat(period["end"])
