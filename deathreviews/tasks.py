"""Celery tasks for death reviews: thin wrappers that take a date and call one service."""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError

from deathreviews import services

# Database hiccups and a mail server that is briefly away (smtplib's errors are
# OSErrors) are worth retrying; a retry sends nobody a second email.
TRANSIENT = (OperationalError, InterfaceError, OSError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def review_action_reminders_send(on: str | None = None) -> int:
    """The daily reminders (07:00 London time); the number of emails sent."""
    day = datetime.date.fromisoformat(on) if on else None
    return services.action_reminders_send(on=day)
