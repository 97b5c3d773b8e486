"""Writes of the NDTMS submission workflow: preparing a month's file, and recording it sent.

`ndtms_submission_prepare` writes the service's file for the month, validates it as the
national system does (`exchange.ndtms.validation`) and keeps both, immutable.
`ndtms_submission_record` records that a prepared file was uploaded to NDTMS; when the
month was sent before, the new one replaces the one last sent. Each is atomic.
"""

import calendar
import datetime
import logging

from django.db import transaction
from django.utils import timezone

from cases.models import Service, User
from exchange.models import NdtmsSubmission
from exchange.ndtms import submission_file_name
from exchange.ndtms.items import DATASET_VERSION
from exchange.selectors import (
    Counted,
    claim_count,
    count_problems,
    counted_problems,
    latest_sent,
    release_count,
    service_file,
)

logger = logging.getLogger(__name__)


class SubmissionRefused(Exception):
    """A submission cannot be recorded; the message says why, in words for the page."""


class CountNotQueued(Exception):
    """The data quality count could not be started; the message says so for the page."""


COUNT_NOT_QUEUED = (
    "The counts could not be started because the task queue did not answer. "
    "Open this page again in a few minutes."
)


def month_bounds(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month `first` falls in."""
    start = first.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


@transaction.atomic
def ndtms_submission_prepare(
    *, service: Service, month: datetime.date, prepared_by: User
) -> NdtmsSubmission:
    """Write and validate `service`'s file for the month of `month`, and keep it."""
    start, end = month_bounds(month)
    content, prepared, problems = service_file(service, start, end)
    return NdtmsSubmission.objects.create(
        service=service,
        period_start=start,
        period_end=end,
        dataset_version=DATASET_VERSION,
        file_name=submission_file_name(agency=service.code, start=start, end=end),
        content=content,
        sha256=prepared.sha256,
        rows=prepared.rows,
        problems=[list(vars(p).values()) for p in problems],
        problem_counts=prepared.checks.counts,
        team_problem_counts=prepared.checks.team_counts,
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


def ndtms_quality_count(*, service_id: int, today: datetime.date) -> None:
    """Count a service's problems this month for the data quality page (a background task)."""
    count_problems(Service.objects.get(pk=service_id), today)


def ndtms_quality_request(*, service: Service, today: datetime.date) -> Counted | None:
    """The data quality page's counts for `service`: those counted lately, else a count queued
    (once, however many pages ask) and its result if it is already done, as it is where tasks
    run in the request (no Redis). None while the count is under way."""
    from exchange.tasks import ndtms_quality_count_task  # tasks import this module

    counted = counted_problems(service, today)
    if counted is not None or not claim_count(service, today):
        return counted
    try:
        ndtms_quality_count_task.delay(service.pk, today.isoformat())
    except Exception as error:
        logger.exception("Could not queue the data quality count of service %s", service.pk)
        release_count(service, today)
        raise CountNotQueued(COUNT_NOT_QUEUED) from error
    return counted_problems(service, today)
