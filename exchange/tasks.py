"""Celery tasks for `exchange`: thin wrappers that take an id and call one service."""

from celery import shared_task

from exchange.importing.jobs import import_job_run


# Named as it was when the task lived in `outcomes`: jobs already queued carry that name.
@shared_task(name="outcomes.tasks.import_job_run_task")
def import_job_run_task(job_id: int) -> None:
    import_job_run(job_id=job_id)
