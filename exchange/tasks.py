"""Celery tasks for `exchange`: thin wrappers that take an id and call one service."""

import datetime

from celery import shared_task

from exchange.importing.jobs import import_job_run
from exchange.services import ndtms_quality_count


# Named as it was when the task lived in `outcomes`: jobs already queued carry that name.
@shared_task(name="outcomes.tasks.import_job_run_task")
def import_job_run_task(job_id: int) -> None:
    import_job_run(job_id=job_id)


@shared_task
def ndtms_quality_count_task(service_id: int, day: str) -> None:
    ndtms_quality_count(service_id=service_id, today=datetime.date.fromisoformat(day))
