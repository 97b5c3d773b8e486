"""Writes of the NDTMS submission workflow: preparing a month's file, and recording it sent.

`ndtms_submission_prepare` writes the service's file for the month, validates it as the
national system does (`exchange.ndtms.validation`) and keeps both, immutable.
`ndtms_submission_record` records that a prepared file was uploaded to NDTMS; when the
month was sent before, the new one replaces the one last sent. Each is atomic.
"""

import calendar
import datetime
import hashlib
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from cases.models import Service, ServiceUser, User
from exchange.models import NdtmsSubmission
from exchange.ndtms import read_submission, submission_chunks, submission_file_name
from exchange.ndtms.items import DATASET_VERSION
from exchange.ndtms.mapping import mappings_for
from exchange.ndtms.validation import Problem, validate
from exchange.selectors import latest_sent


class SubmissionRefused(Exception):
    """A submission cannot be recorded; the message says why, in words for the page."""


def month_bounds(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month `first` falls in."""
    start = first.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _team_counts(problems: list[Problem]) -> dict[str, dict[str, int]]:
    teams = dict(
        ServiceUser.objects.filter(client_ref__in={p.client for p in problems}).values_list(
            "client_ref", "team_id"
        )
    )
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for problem in problems:
        counts[str(teams.get(problem.client, ""))][problem.rule] += 1
    return {team: dict(sorted(kinds.items())) for team, kinds in sorted(counts.items())}


@transaction.atomic
def ndtms_submission_prepare(
    *, service: Service, month: datetime.date, prepared_by: User
) -> NdtmsSubmission:
    """Write and validate `service`'s file for the month of `month`, and keep it."""
    start, end = month_bounds(month)
    content = b"".join(submission_chunks(start=start, end=end, agency=service.code)).decode()
    rows = read_submission(content)
    problems = validate(rows, codes=mappings_for(DATASET_VERSION).codes, end=end)
    return NdtmsSubmission.objects.create(
        service=service,
        period_start=start,
        period_end=end,
        dataset_version=DATASET_VERSION,
        file_name=submission_file_name(agency=service.code, start=start, end=end),
        content=content,
        sha256=hashlib.sha256(content.encode()).hexdigest(),
        rows=len(rows),
        problems=[list(vars(p).values()) for p in problems],
        problem_counts=dict(sorted(Counter(p.rule for p in problems).items())),
        team_problem_counts=_team_counts(problems),
        prepared_by=prepared_by,
    )


@transaction.atomic
def ndtms_submission_record(*, submission: NdtmsSubmission, submitted_by: User) -> NdtmsSubmission:
    """Record that `submission`'s file was uploaded to NDTMS, replacing the month's last."""
    # One recording at a time per service, so two never both become the month's latest.
    Service.objects.select_for_update().filter(pk=submission.service_id).get()
    current = NdtmsSubmission.objects.defer("content", "problems").get(pk=submission.pk)
    if current.submitted_at is not None:
        raise SubmissionRefused("This file is already recorded as submitted.")
    replaces = latest_sent(current.service, current.period_start)
    NdtmsSubmission.objects.filter(pk=current.pk).update(
        submitted_at=timezone.now(), submitted_by=submitted_by, replaces=replaces
    )
    return NdtmsSubmission.objects.get(pk=current.pk)
