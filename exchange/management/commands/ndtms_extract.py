"""Write the NDTMS submission file for a period, after listing the pre-submission problems.

    manage.py ndtms_extract --start 2026-10-01 --end 2026-10-31 [--agency CODE]
        [--output FILE | --output-dir DIR]

The file goes to --output, or into --output-dir under the name NDTMS gives it
(agency, period, dataset version), or to standard output. --agency limits it to
one service's people (by its NDTMS agency code); without it, everyone. The
problems go to standard error: first the record checks, each with the path of
the person's page where it can be fixed, then the file's own validation as the
national system applies it (each block checked as it is written, `exchange.ndtms.frames`),
by client, episode and item, with the form and field to fix it at. Exits with status 1 when
there are problems (the file is still written).
"""

import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Service, Team
from exchange.ndtms import ndtms_problems, submission_file_name
from exchange.ndtms.frames import FrameChecks
from exchange.ndtms.items import DATASET_VERSION
from exchange.ndtms.links import problem_links
from exchange.ndtms.mapping import mappings_for
from exchange.ndtms.writer import frame_csv, header_csv, submission_frames


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value} is not a date: write it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Write the NDTMS submission file for a period and list the problems to fix first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, type=_date, help="first day (YYYY-MM-DD)")
        parser.add_argument("--end", required=True, type=_date, help="last day (YYYY-MM-DD)")
        parser.add_argument("--agency", help="one service's NDTMS agency code")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--output", help="file to write (standard output if not given)")
        target.add_argument("--output-dir", help="directory to write the file into, named by NDTMS")

    def handle(self, *args, **options) -> None:
        start, end, agency = options["start"], options["end"], options["agency"]
        if end < start:
            raise CommandError("The period must end on or after its start.")
        team_ids = None
        if agency is not None:
            if not Service.objects.filter(code=agency).exists():
                raise CommandError(f"No service has the agency code {agency}.")
            team_ids = list(Team.objects.filter(service__code=agency).values_list("id", flat=True))
        check = ndtms_problems(start=start, end=end, team_ids=team_ids)
        for problem in check.problems:
            self.stderr.write(
                f"{problem.client_ref} [{problem.check}] {problem.message} {problem.url}"
            )
        if check.problem_count > len(check.problems):
            self.stderr.write(f"... and {check.problem_count - len(check.problems)} more.")
        path = options["output"]
        if options["output_dir"]:
            codes = list(Service.objects.values_list("code", flat=True)[:2])
            named = agency or (codes[0] if len(codes) == 1 else "MULTIPLE")
            name = submission_file_name(agency=named, start=start, end=end)
            path = str(Path(options["output_dir"]) / name)
        mappings = mappings_for(DATASET_VERSION)
        checks = FrameChecks(codes=mappings.codes, end=end)
        target = open(path, "wb") if path else sys.stdout.buffer  # noqa: SIM115
        try:
            # Each block is checked, then written: the checks read what the file holds.
            target.write(header_csv())
            for frame in submission_frames(start=start, end=end, agency=agency, mappings=mappings):
                checks.check(frame)
                if frame.num_rows:
                    target.write(frame_csv(frame))
        finally:
            if path:
                target.close()
        checks.finish()
        found = 0
        for problems in checks.problem_lists():
            for problem, link in zip(problems, problem_links(problems), strict=True):
                self.stderr.write(
                    f"{problem.client} episode {problem.episode} [{problem.rule}] "
                    f"{problem.item}: {problem.message} {link}"
                )
            found += len(problems)
        if path:
            self.stderr.write(f"Wrote {path}.")
        self.stderr.write(
            f"{check.episodes} episodes for {check.people} people and {check.tops} TOPs; "
            f"{check.problem_count} problems; {found} in the file's validation."
        )
        if check.problem_count or found:
            sys.exit(1)
