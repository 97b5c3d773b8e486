"""Import case records and TOP assessments from CSV files (see docs/import-format.md).

    manage.py import_records DIR_OR_FILES... [--partial] [--dry-run] [--problems-file F]

Files are recognised by name (service_users.csv, episodes.csv, ...). By default
a file set with any problem imports nothing; --partial imports the valid rows
and reports the rest; --dry-run checks and counts, then imports nothing.
Exits with status 1 when anything was not imported because of problems.
"""

import csv
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchange.importing.loader import kind_for_file_name, records_import
from exchange.importing.problems import Problem, ProblemLog
from exchange.importing.specs import SPECS


class Command(BaseCommand):
    help = "Import service users, episodes, interventions, events, contacts, naloxone supplies and TOP assessments from CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="a directory of CSV files, or the files")
        parser.add_argument(
            "--partial", action="store_true", help="import the valid rows and report the rest"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count; import nothing"
        )
        parser.add_argument(
            "--problems-file", type=Path, help="write every problem to this CSV file"
        )
        parser.add_argument(
            "--show", type=int, default=50, help="problems to print (50; the file has all)"
        )

    def handle(self, *args, **options) -> None:
        files = _files(options["paths"])
        sink_handle = None
        sink = None
        if options["problems_file"]:
            sink_handle = open(options["problems_file"], "w", newline="", encoding="utf-8")  # noqa: SIM115
            writer = csv.writer(sink_handle)
            writer.writerow(["file", "row", "column", "value", "message"])

            def sink(problem: Problem) -> None:
                writer.writerow(
                    [problem.file, problem.row, problem.column, problem.value, problem.message]
                )

        problems = ProblemLog(limit=options["show"], sink=sink)
        shown = {"last": -1}

        def progress(share: float, stage: str) -> None:
            tenth = int(share * 10)
            if tenth != shown["last"]:
                shown["last"] = tenth
                self.stderr.write(f"{share:4.0%} {stage}")

        try:
            result = records_import(
                files=files,
                partial=options["partial"],
                dry_run=options["dry_run"],
                progress=progress,
                problems=problems,
            )
        finally:
            if sink_handle:
                sink_handle.close()
        for problem in result.problems.kept:
            self.stdout.write(
                f"{problem.file} row {problem.row}, {problem.column or '-'}: {problem.message}"
            )
        if result.problems.count > len(result.problems.kept):
            more = result.problems.count - len(result.problems.kept)
            where = (
                f"; all are in {options['problems_file']}"
                if options["problems_file"]
                else " (use --problems-file to keep them all)"
            )
            self.stdout.write(f"... and {more:,} more problems{where}.")
        self.stdout.write("")
        self.stdout.write(
            f"{'file':<24}{'rows':>12}{'rejected':>12}{'created':>12}{'updated':>12}{'unchanged':>12}"
        )
        for kind, counts in result.counts.items():
            self.stdout.write(
                f"{kind + '.csv':<24}{counts.rows:>12,}{counts.rejected:>12,}{counts.created:>12,}"
                f"{counts.updated:>12,}{counts.unchanged:>12,}"
            )
        kits = result.counts.get("naloxone_supplies")
        if kits is not None and kits.overdoses_recorded:
            self.stdout.write(
                "Overdoses recorded from repeat kits used on the client: "
                f"{kits.overdoses_recorded:,} (a recent one gets its follow-up)."
            )
        rate = result.rows / result.seconds if result.seconds else 0
        summary = f"{result.rows:,} rows in {result.seconds:.1f} s ({rate:,.0f} rows/s)"
        if result.dry_run:
            self.stdout.write(
                f"Dry run: {summary}; {result.problems.count:,} problems. Nothing was imported."
            )
        elif result.imported:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {summary}; the rows with the {result.problems.count:,} problems "
                    "above were left out."
                    if result.problems
                    else f"Imported {summary}."
                )
            )
        else:
            self.stdout.write(
                self.style.ERROR(
                    f"Nothing was imported: {result.problems.count:,} problems. Fix them, or "
                    "use --partial to import the valid rows."
                )
            )
        if result.problems and not result.dry_run:
            sys.exit(1)


def _files(paths: list[str]) -> dict[str, Path]:
    files: dict[str, Path] = {}
    names = ", ".join(spec.file_name for spec in SPECS)
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = sorted(path.glob("*.csv"))
            if not candidates:
                raise CommandError(f"{path} has no .csv files (expected some of: {names}).")
        elif path.is_file():
            candidates = [path]
        else:
            raise CommandError(f"{path} does not exist.")
        for candidate in candidates:
            kind = kind_for_file_name(candidate.name)
            if kind is None:
                raise CommandError(
                    f"{candidate.name} is not one of the import files: name each file after "
                    f"its kind ({names})."
                )
            if kind in files:
                raise CommandError(f"Two {kind}.csv files given: {files[kind]} and {candidate}.")
            files[kind] = candidate
    return files
