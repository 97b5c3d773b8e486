"""Benchmarks and targets as data: reading their CSV, checking it whole, loading it, and
finding the ones to show beside a figure (`docs/benchmarks.md`).

A CSV file has one row per reference value, with the columns `COLUMNS`. It is read
and checked whole before anything is written: every problem is reported at its row
and column, in words, and when there is any, nothing is loaded (`BenchmarkFileError`).
Loading replaces, in one transaction, every row already held for each (source, period)
the file holds, so loading a period again corrects it rather than adding to it.

A figure held to a target of its own (`outcomes.figures.tables.Figure.target`, e.g. the
75% for prison release pick-up) is held instead to a local target loaded for its cell and
period, where there is one (`with_loaded_targets`); its own stays as the default.

Which figures exist is not known here: the figure families live in several layers
above this one. The caller passes a `catalogue` (each figure key and the (client group,
category) cells it has), which the commissioner API builds from every family it serves
(`commissioning.figures.catalogue`).
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q

from cases.models import User
from core.dates import month_end
from outcomes.figures.filters import Period
from outcomes.figures.tables import LOADED_TARGET, target_in_words
from outcomes.models import Benchmark, BenchmarkKind, Better

COLUMNS = ("figure", "client_group", "category", "period", "kind", "value", "better", "source")
REQUIRED = ("figure", "period", "kind", "value", "better", "source")
# Rows a file may hold: reference tables are small, and a bigger file is a mistake.
MOST_ROWS = 5000
# What the figures' rows carry: (client group or None, category or None) per figure key.
Cell = tuple[str | None, str | None]
Catalogue = Mapping[str, frozenset[Cell]]


class BenchmarkFileError(ValueError):
    """A file that cannot be loaded, with every problem found, each in words."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def parse_period(text: str) -> tuple[datetime.date, datetime.date] | None:
    """The first and last days of a period written `2026` (a calendar year), `2026/27`
    (a financial year, April to March), `2026-Q3` (a calendar quarter) or `2026-07` (a
    month); None when it is none of these."""
    text = text.strip()
    if match := re.fullmatch(r"(\d{4})", text):
        year = int(match[1])
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if match := re.fullmatch(r"(\d{4})/(\d{2})", text):
        year = int(match[1])
        if (year + 1) % 100 != int(match[2]):
            return None
        return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", text, flags=re.IGNORECASE):
        year, quarter = int(match[1]), int(match[2])
        start = datetime.date(year, 3 * quarter - 2, 1)
        return start, month_end(year, 3 * quarter)
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            return None
        return datetime.date(year, month, 1), month_end(year, month)
    return None


@dataclass(frozen=True)
class BenchmarkRow:
    """One checked row of a file, ready to be saved."""

    figure_key: str
    client_group: str
    category: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    kind: str
    value: Decimal
    better: str
    source: str

    @property
    def cell(self) -> tuple:
        return (
            self.figure_key,
            self.client_group,
            self.category,
            self.period_start,
            self.period_end,
            self.kind,
            self.source,
        )


def _choices(choices) -> str:
    return ", ".join(str(value) for value, _ in choices)


def _check_cell(
    key: str, group: str, category: str, catalogue: Catalogue, problems: list[str], where: str
) -> str:
    """The client group as stored ("all" for a blank one of a figure that has groups),
    after checking the key, group and category against the catalogue."""
    cells = catalogue.get(key)
    if cells is None:
        problems.append(
            f"{where}, column figure: {key!r} is not a figure Lantern computes; "
            "use a figure's key as the API names it, e.g. successful_completions."
        )
        return group
    groups = sorted({g for g, _ in cells if g is not None})
    if groups and not group:
        group = "all"
    if group and not groups:
        problems.append(
            f"{where}, column client_group: {key} is not split by client group; "
            "leave client_group empty."
        )
        return group
    if group and group not in groups:
        problems.append(
            f"{where}, column client_group: {group!r} is not a client group of {key}; "
            f"use one of {', '.join(groups)}, or leave it empty for all."
        )
        return group
    categories = sorted({c for g, c in cells if c is not None})
    if (group or None, category or None) not in cells:
        if category and not categories:
            problems.append(
                f"{where}, column category: {key} has no categories; leave category empty."
            )
        elif category:
            problems.append(
                f"{where}, column category: {category!r} is not a category of {key}; "
                f"use one of {', '.join(categories)}."
            )
        else:
            problems.append(
                f"{where}, column category: {key} is given by category; "
                f"name one of {', '.join(categories)}."
            )
    return group


def parse_benchmarks(text: str, catalogue: Catalogue) -> list[BenchmarkRow]:
    """Every row of a CSV file, checked; `BenchmarkFileError` lists every problem."""
    if text.startswith("\ufeff"):  # a spreadsheet's byte order mark
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    problems: list[str] = []
    if not header:
        raise BenchmarkFileError(["The file is empty: it needs a header row naming the columns."])
    if missing:
        problems.append(f"The header row has no column {', '.join(missing)}.")
    if unknown:
        problems.append(
            f"The header row has column {', '.join(unknown)}, which is not one of "
            f"{', '.join(COLUMNS)}."
        )
    if problems:
        raise BenchmarkFileError(problems)
    reader.fieldnames = header
    rows: list[BenchmarkRow] = []
    seen: dict[tuple, int] = {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MOST_ROWS:
            raise BenchmarkFileError([f"The file has more than {MOST_ROWS:,} rows: split it."])
        if None in raw:
            problems.append(f"Row {number}: it has more values than the header has columns.")
            continue
        values = {name: (raw.get(name) or "").strip() for name in COLUMNS}
        if not any(values.values()):
            continue  # a blank line
        where = f"Row {number}"
        before = len(problems)
        for name in REQUIRED:
            if not values[name]:
                problems.append(f"{where}, column {name}: it is empty.")
        if len(problems) > before:
            continue
        group = _check_cell(
            values["figure"], values["client_group"], values["category"], catalogue, problems, where
        )
        period = parse_period(values["period"])
        if period is None:
            problems.append(
                f"{where}, column period: {values['period']!r} is not a period; write a year "
                "(2026), a financial year (2026/27), a quarter (2026-Q3) or a month (2026-07)."
            )
        if values["kind"] not in BenchmarkKind.values:
            problems.append(
                f"{where}, column kind: {values['kind']!r} is not a kind of benchmark; "
                f"use one of {_choices(BenchmarkKind.choices)}."
            )
        if values["better"] not in Better.values:
            problems.append(
                f"{where}, column better: {values['better']!r} is not a direction; "
                f"use {_choices(Better.choices).replace(', ', ' or ')}."
            )
        try:
            value = Decimal(values["value"].rstrip("%").replace(",", ""))
            if not value.is_finite() or abs(value) >= 10**9:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(
                f"{where}, column value: {values['value']!r} is not a number; write it as "
                "in the figure, e.g. 47.5 for a percentage."
            )
            value = Decimal(0)
        if len(values["source"]) > 200:
            problems.append(f"{where}, column source: it is longer than 200 characters.")
        if len(problems) > before or period is None:
            continue
        row = BenchmarkRow(
            figure_key=values["figure"],
            client_group=group,
            category=values["category"],
            period_label=values["period"].upper(),
            period_start=period[0],
            period_end=period[1],
            kind=values["kind"],
            value=value.quantize(Decimal("0.001")),
            better=values["better"],
            source=values["source"],
        )
        if row.cell in seen:
            problems.append(
                f"{where}: it repeats row {seen[row.cell]} (the same figure, client group, "
                "category, period, kind and source); keep one of them."
            )
            continue
        seen[row.cell] = number
        rows.append(row)
    if problems:
        raise BenchmarkFileError(problems)
    if not rows:
        raise BenchmarkFileError(["The file has a header but no rows to load."])
    return rows


@dataclass(frozen=True)
class LoadResult:
    loaded: int
    replaced: int
    periods: tuple[tuple[str, str], ...]  # (source, period) pairs the file replaced


def benchmarks_load(*, text: str, catalogue: Catalogue, loaded_by: User | None) -> LoadResult:
    """Check `text` whole and load it: each (source, period) it holds replaces the rows
    already held for it, in one transaction. Raises `BenchmarkFileError` having written
    nothing."""
    rows = parse_benchmarks(text, catalogue)
    periods = sorted({(r.source, r.period_start, r.period_end, r.period_label) for r in rows})
    replace = Q(pk__in=[])
    for source, start, end, _ in periods:
        replace |= Q(source=source, period_start=start, period_end=end)
    with transaction.atomic():
        replaced, _ = Benchmark.objects.filter(replace).delete()
        Benchmark.objects.bulk_create(
            Benchmark(
                figure_key=r.figure_key,
                client_group=r.client_group,
                category=r.category,
                period_label=r.period_label,
                period_start=r.period_start,
                period_end=r.period_end,
                kind=r.kind,
                value=r.value,
                better=r.better,
                source=r.source,
                loaded_by=loaded_by,
            )
            for r in rows
        )
    return LoadResult(
        loaded=len(rows),
        replaced=replaced,
        periods=tuple((source, label) for source, _, _, label in periods),
    )


KIND_ORDER = tuple(BenchmarkKind.values)

# The JSON Schema of the benchmarks an API response lists beside its figures.
BENCHMARK_SCHEMA: dict = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "key",
            "client_group",
            "category",
            "kind",
            "kind_label",
            "value",
            "better",
            "period",
            "source",
        ],
        "properties": {
            "key": {"type": "string"},
            "client_group": {"type": ["string", "null"]},
            "category": {"type": ["string", "null"]},
            "kind": {"enum": list(BenchmarkKind.values)},
            "kind_label": {"type": "string"},
            "value": {"type": "number"},
            "better": {"enum": list(Better.values)},
            "period": {"type": "string"},
            "source": {"type": "string"},
        },
    },
}


def benchmarks_for(
    figure_keys: Iterable[str], period: Period
) -> dict[tuple[str, str | None, str | None], list[dict]]:
    """What to show beside each figure of `period`, in one query: for each (figure key,
    client group, category), one value of each kind (national, cluster, top quartile,
    local target), in that order.

    A benchmark applies when its period holds the figure period's last day; of several of
    a kind, the shortest period wins (a quarter's over its year), then the latest loaded.
    Client group and category are None where the figure has none, as in its rows.
    """
    rows = Benchmark.objects.filter(
        figure_key__in=sorted(set(figure_keys)),
        period_start__lte=period.end,
        period_end__gte=period.end,
    ).values(
        "figure_key",
        "client_group",
        "category",
        "kind",
        "value",
        "better",
        "source",
        "period_label",
        "period_start",
        "period_end",
        "loaded_at",
        "id",
    )
    chosen: dict[tuple, dict] = {}
    for row in rows:
        slot = (
            row["figure_key"],
            row["client_group"] or None,
            row["category"] or None,
            row["kind"],
        )
        rank = (row["period_end"] - row["period_start"], -row["loaded_at"].timestamp(), -row["id"])
        if slot not in chosen or rank < chosen[slot]["rank"]:
            chosen[slot] = {"rank": rank, "row": row}
    result: dict[tuple[str, str | None, str | None], list[dict]] = {}
    for (key, group, category, kind), found in sorted(
        chosen.items(), key=lambda item: (*map(str, item[0][:3]), KIND_ORDER.index(item[0][3]))
    ):
        row = found["row"]
        result.setdefault((key, group, category), []).append(
            {
                "kind": kind,
                "kind_label": str(BenchmarkKind(kind).label),
                "value": float(row["value"]),
                "better": row["better"],
                "period": row["period_label"],
                "source": row["source"],
            }
        )
    return result


Found = Mapping[tuple[str, str | None, str | None], list[dict]]


def with_loaded_targets(figures: Iterable[dict], found: Found) -> None:
    """Hold each figure row that has a `target` to the local target loaded for its cell
    (figure key, client group, category) in `found` (`benchmarks_for` of the row's
    period), in place of the figure's own default; rows with none loaded keep it.

    Every segment of a cell is held to the same target. The target's `origin` says which
    it is, and `source` names the loaded row's source and period.
    """
    for row in figures:
        if "target" not in row:
            continue
        cell = (row["key"], row.get("client_group"), row.get("category"))
        loaded = next(
            (b for b in found.get(cell, ()) if b["kind"] == BenchmarkKind.LOCAL_TARGET), None
        )
        if loaded is None:
            continue
        row["target"] = target_in_words(
            row["value"],
            loaded["value"],
            "local target",
            row["suppressed"],
            better=loaded["better"],
            origin=LOADED_TARGET,
            source=f"{loaded['source']} ({loaded['period']})",
        )
