"""Benchmarks and targets in the demo: plausible national figures for the demo's years,
cited as illustrative in their source, and the local targets a commissioner might set
(`docs/benchmarks.md`), loaded as an administrator loads a CSV file.

Its own random stream (`BENCHMARK_STREAM`), so adding it changed no other seeded draw:
each year's national value is a small step from a fixed centre. Loaded through
`outcomes.benchmarks.benchmarks_load`, checked against every figure the API serves;
seeding again replaces the same years' rows (each source and period is replaced whole).
"""

import csv
import datetime
import io
from dataclasses import dataclass

import numpy as np

from commissioning.figures.catalogue import figure_catalogue
from outcomes.benchmarks import COLUMNS, benchmarks_load

# The stream's own key beside the seed (`np.random.default_rng([seed, BENCHMARK_STREAM])`).
BENCHMARK_STREAM = 43
NATIONAL_SOURCE = "Illustrative national figure for the demo, not published data"
TARGET_SOURCE = "Demo local target, agreed with commissioners (illustrative)"
YEARS = 3  # the financial year holding today and the two before it

# (figure, client group, category, centre, spread, better): illustrative national values.
NATIONAL = (
    ("successful_completions", "opiate", "", 5.0, 0.4, "higher"),
    ("successful_completions", "non_opiate", "", 31.0, 1.5, "higher"),
    ("successful_completions", "alcohol", "", 35.0, 1.5, "higher"),
    ("successful_completions", "all", "", 19.0, 1.0, "higher"),
    ("completed_not_re_presenting", "opiate", "", 4.5, 0.4, "higher"),
    ("completed_not_re_presenting", "non_opiate", "", 28.0, 1.5, "higher"),
    ("completed_not_re_presenting", "alcohol", "", 32.0, 1.5, "higher"),
    ("waiting_over_3_weeks", "all", "", 2.5, 0.5, "lower"),
)
# (figure, client group, category, value, better): the demo's local targets, every year.
TARGETS = (
    ("successful_completions", "all", "", 22, "higher"),
    ("waiting_over_3_weeks", "all", "", 2, "lower"),
    ("naloxone_kit_supplied", "", "", 80, "higher"),
    ("naloxone_kit_in_date", "", "", 70, "higher"),
    ("contacted_within_2_days", "", "very_high_or_high", 90, "higher"),
    ("follow_ups_closed_on_time", "", "", 85, "higher"),
)


@dataclass(frozen=True)
class BenchmarkResult:
    loaded: int
    years: tuple[str, ...]

    def summary(self) -> str:
        return (
            f"Benchmarks: {self.loaded} illustrative national figures and local targets for "
            f"{', '.join(self.years)}."
        )


def financial_years(today: datetime.date) -> list[str]:
    """The financial years (April to March) to hold, oldest first, e.g. 2026/27."""
    first = today.year if today.month >= 4 else today.year - 1
    return [f"{year}/{(year + 1) % 100:02d}" for year in range(first - YEARS + 1, first + 1)]


def seed_benchmarks(*, seed: int, today: datetime.date) -> BenchmarkResult:
    rng = np.random.default_rng([seed, BENCHMARK_STREAM])
    years = financial_years(today)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for figure, group, category, centre, spread, better in NATIONAL:
        for year in years:
            value = round(float(centre + rng.normal(0, spread)), 1)
            writer.writerow(
                [figure, group, category, year, "national", value, better, NATIONAL_SOURCE]
            )
    for figure, group, category, value, better in TARGETS:
        for year in years:
            writer.writerow(
                [figure, group, category, year, "local_target", value, better, TARGET_SOURCE]
            )
    result = benchmarks_load(text=out.getvalue(), catalogue=figure_catalogue(), loaded_by=None)
    return BenchmarkResult(loaded=result.loaded, years=tuple(years))
