"""`manage.py load_benchmarks FILE.csv`: load benchmarks and targets (`docs/benchmarks.md`).

The file is checked whole against every figure the API serves; any problem is printed at
its row and column and nothing is loaded. Each (source, period) in the file replaces the
rows already held for it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commissioning.figures.catalogue import figure_catalogue
from outcomes.benchmarks import BenchmarkFileError, benchmarks_load


class Command(BaseCommand):
    help = "Load benchmarks and targets from a CSV file; nothing is loaded if any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file (docs/benchmarks.md has the format).")

    def handle(self, *args, path: str, **options):
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            result = benchmarks_load(text=text, catalogue=figure_catalogue(), loaded_by=None)
        except BenchmarkFileError as error:
            raise CommandError(
                "Nothing was loaded:\n" + "\n".join(f"- {p}" for p in error.problems)
            ) from None
        periods = ", ".join(f"{period} ({source})" for source, period in result.periods)
        self.stdout.write(
            f"Loaded {result.loaded} benchmarks, replacing {result.replaced}, for {periods}."
        )
