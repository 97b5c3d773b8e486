"""Celery tasks for case reviews: thin wrappers that take a date and call one service."""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError

from casereviews import services

TRANSIENT = (OperationalError, InterfaceError, OSError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def case_review_action_reminders_send(on: str | None = None) -> int:
    """The daily reminders (07:05 London time); the number of emails sent."""
    day = datetime.date.fromisoformat(on) if on else None
    return services.action_reminders_send(on=day)
