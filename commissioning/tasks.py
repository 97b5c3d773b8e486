"""Celery tasks: thin wrappers that call one service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from commissioning.dashboard.kept import dashboard_figures_warm

# Database hiccups are worth retrying; anything else is a bug to see.
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def dashboard_figures_warm_task() -> int:
    """The commissioner dashboard's default figures, worked out after the night's recompute
    (`commissioning.dashboard.kept`): how many scopes."""
    return dashboard_figures_warm()
