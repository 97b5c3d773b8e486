"""Celery tasks: thin wrappers that call one service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from overdoses import services


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def follow_ups_sweep() -> dict[str, int]:
    """Every quarter of an hour: open the follow-ups of imported overdoses, then escalate
    the overdue ones to a team lead."""
    opened = services.follow_ups_open_missing()
    escalated = services.follow_ups_escalate()
    return {"opened": opened, "escalated": escalated}
