"""Celery tasks for `outcomes`: thin wrappers that take an id and call one service."""

from celery import shared_task

from outcomes.importing.jobs import import_job_run


@shared_task
def import_job_run_task(job_id: int) -> None:
    import_job_run(job_id=job_id)
