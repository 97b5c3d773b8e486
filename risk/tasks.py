"""Celery tasks: thin wrappers that take ids or dates and call one service."""

import datetime

import redis.exceptions
from celery import group, shared_task
from celery.result import allow_join_result
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerUnavailable

from risk import services
from risk.models import RecomputeRun

# Database hiccups are worth retrying; anything else is a bug to see.
TRANSIENT = (OperationalError, InterfaceError)
# The nightly run also waits on Redis for its chunks: losing Redis is worth a retry too.
TRANSIENT_NIGHTLY = (
    *TRANSIENT,
    BrokerUnavailable,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def _as_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def run_chunks_on_workers(run: RecomputeRun, chunks: int) -> list[dict]:
    """Compute every chunk of `run` on the workers and wait for all of them."""
    job = group(flags_compute_chunk.s(run.pk, chunk, chunks) for chunk in range(chunks))
    result = job.apply_async()
    with allow_join_result():
        return result.get(disable_sync_subtasks=False, propagate=True)


@shared_task(autoretry_for=TRANSIENT_NIGHTLY, retry_backoff=True, max_retries=5)
def flags_recompute_nightly(as_of: str | None = None, chunks: int | None = None) -> int | None:
    """The nightly full recompute, once per date: the published run's id (this delivery's or
    an earlier one's), or None if a recompute was already running.

    Safe to deliver twice: Redis redelivers an acknowledged-late message whose
    acknowledgement was lost, and the catch-up beat entries send it again.
    """
    chunks = chunks or settings.RISK_RECOMPUTE_CHUNKS
    run = services.flags_recompute(
        as_of=_as_date(as_of),
        chunks=chunks,
        run_chunks=run_chunks_on_workers,
        once_per_date=True,
    )
    return run.pk if run else None


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def flags_compute_chunk(run_id: int, chunk: int, chunks: int) -> dict:
    return services.flags_compute_chunk(run_id=run_id, chunk=chunk, chunks=chunks)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def flags_recompute_person(person_id: int) -> None:
    services.flags_recompute_person(person_id=person_id)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=12)
def flags_recompute_after_import(self) -> int:
    """Recompute everyone after a large import; if a recompute is running, try again later."""
    run = services.flags_recompute(
        chunks=settings.RISK_RECOMPUTE_CHUNKS, run_chunks=run_chunks_on_workers
    )
    if run is None:
        raise self.retry(countdown=300)
    return run.pk


@shared_task(autoretry_for=TRANSIENT_NIGHTLY, retry_backoff=True, max_retries=3)
def flags_recompute_requested() -> int | None:
    """A full recompute an administrator asked for (after activating a rule set): the run's
    id, or None if a recompute was already running (the progress page follows that one)."""
    run = services.flags_recompute(
        chunks=settings.RISK_RECOMPUTE_CHUNKS, run_chunks=run_chunks_on_workers
    )
    return run.pk if run else None


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def backtest_run(backtest_id: int) -> int:
    """Run a backtest an administrator asked for; its page follows it."""
    return services.backtest_perform(backtest_id=backtest_id).pk
