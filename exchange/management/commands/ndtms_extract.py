"""Write the NDTMS submission extract for a period, after listing the pre-submission problems.

    manage.py ndtms_extract --start 2026-10-01 --end 2026-10-31 [--output FILE]

The CSV goes to --output (or standard output); the problems go to standard
error, each with the path of the person's page where it can be fixed. Exits
with status 1 when there are problems (the file is still written).
"""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchange.ndtms import ndtms_extract_chunks, ndtms_problems


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value} is not a date: write it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Write the NDTMS submission CSV for a period and list the problems to fix first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, type=_date, help="first day (YYYY-MM-DD)")
        parser.add_argument("--end", required=True, type=_date, help="last day (YYYY-MM-DD)")
        parser.add_argument("--output", help="file to write (standard output if not given)")

    def handle(self, *args, **options) -> None:
        start, end = options["start"], options["end"]
        if end < start:
            raise CommandError("The period must end on or after its start.")
        check = ndtms_problems(start=start, end=end)
        for problem in check.problems:
            self.stderr.write(
                f"{problem.client_ref} [{problem.check}] {problem.message} {problem.url}"
            )
        if check.problem_count > len(check.problems):
            self.stderr.write(f"... and {check.problem_count - len(check.problems)} more.")
        target = open(options["output"], "wb") if options["output"] else sys.stdout.buffer  # noqa: SIM115
        try:
            for block in ndtms_extract_chunks(start=start, end=end):
                target.write(block)
        finally:
            if options["output"]:
                target.close()
        self.stderr.write(
            f"{check.episodes} episodes for {check.people} people and {check.tops} TOPs; "
            f"{check.problem_count} problems."
        )
        if check.problem_count:
            sys.exit(1)
