"""Import jobs started from the administrator's page: keep the upload, run it, record the outcome.

`import_job_create` saves the uploaded files under the import directory
(`LANTERN_IMPORT_DIR`, default `<LANTERN_DATA_DIR>/imports`; with a separate
Celery worker it must be a directory both processes can read) and enqueues
`exchange.tasks.import_job_run_task` once the job row is committed.
`import_job_run` does the import; it reports progress through a connection of
its own, because the import's transaction would hide progress from the page
until the very end.
"""

import logging
import shutil
import time
from collections.abc import Mapping
from pathlib import Path

import pghistory
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.utils import timezone

from cases.models import User
from exchange.importing.loader import records_import
from exchange.importing.specs import SPECS_BY_KIND
from exchange.models import ImportJob

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 1.0
PROBLEMS_KEPT = 1000


def import_directory() -> Path:
    return Path(settings.LANTERN_IMPORT_DIR)


def _job_directory(job: ImportJob) -> Path:
    return import_directory() / str(job.external_id)


@transaction.atomic
def import_job_create(
    *, created_by: User, files: Mapping[str, UploadedFile], partial: bool, dry_run: bool
) -> ImportJob:
    """Keep the uploaded files (kind -> file) and queue their import."""
    from exchange.tasks import import_job_run_task  # tasks import this module

    unknown = set(files) - set(SPECS_BY_KIND)
    if unknown or not files:
        raise ValueError("Upload at least one file, each under its kind.")
    job = ImportJob.objects.create(
        created_by=created_by,
        partial=partial,
        dry_run=dry_run,
        file_names=[f"{kind}: {upload.name}" for kind, upload in files.items()],
    )
    directory = _job_directory(job)
    directory.mkdir(parents=True, exist_ok=True)
    for kind, upload in files.items():
        with open(directory / SPECS_BY_KIND[kind].file_name, "wb") as target:
            for block in upload.chunks():
                target.write(block)
    transaction.on_commit(lambda: _enqueue(job, import_job_run_task))
    return job


NOT_QUEUED = (
    "The import could not be started because the task queue did not answer. "
    "Nothing was imported: upload the files again in a few minutes."
)


def _enqueue(job: ImportJob, task) -> None:
    """Queue the job's run; if the queue (Redis) is away, finish the job as failed with a
    message the administrator can act on, instead of leaving it waiting for ever."""
    try:
        task.delay(job.pk)
    except Exception:
        logger.exception("Could not queue import job %s", job.pk)
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.FAILED,
            error=NOT_QUEUED,
            progress=100,
            stage="Finished",
            finished_at=timezone.now(),
        )
        shutil.rmtree(_job_directory(job), ignore_errors=True)


class _ProgressWriter:
    """Writes a job's progress on its own autocommit connection, at most once a second."""

    def __init__(self, job: ImportJob) -> None:
        self.job_id = job.pk
        self.connection = connections.create_connection("default")
        self.last = 0.0

    def __call__(self, share: float, stage: str) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_SECONDS and share < 1.0:
            return
        self.last = now
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE outcomes_importjob SET progress = %s, stage = %s WHERE id = %s",
                    [min(99, int(share * 100)), stage[:120], self.job_id],
                )
        except Exception:  # progress is a courtesy: never let it break the import
            logger.warning("Could not record import progress", exc_info=True)

    def close(self) -> None:
        self.connection.close()


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job's import and record its counts and problems. Idempotent: a job
    that has already finished is left as it is."""
    job = ImportJob.objects.get(pk=job_id)
    if job.is_finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    directory = _job_directory(job)
    files = {
        kind: directory / spec.file_name
        for kind, spec in SPECS_BY_KIND.items()
        if (directory / spec.file_name).exists()
    }
    progress = _ProgressWriter(job)
    try:
        # The history of every record the import writes names who uploaded it, whether the
        # job runs on a worker or (with no Redis) inside the upload's own request.
        with pghistory.context(user=job.created_by_id, import_job=str(job.external_id)):
            result = records_import(
                files=files, partial=job.partial, dry_run=job.dry_run, progress=progress
            )
    except Exception as error:
        logger.exception("Import job %s failed", job.pk)
        job.status = ImportJob.Status.FAILED
        job.error = f"The import stopped with an error: {error}"
    else:
        job.counts = result.counts_dict()
        job.problems = [problem.as_dict() for problem in result.problems.kept[:PROBLEMS_KEPT]]
        job.problem_count = result.problems.count
        if result.imported:
            job.status = ImportJob.Status.SUCCEEDED
        elif job.dry_run:
            job.status = ImportJob.Status.CHECKED
        else:
            job.status = ImportJob.Status.REJECTED
    finally:
        progress.close()
        shutil.rmtree(directory, ignore_errors=True)
    job.progress = 100
    job.stage = "Finished"
    job.finished_at = timezone.now()
    job.save()
    return job
