"""Open an overdose's follow-up when `cases` records one; sweep after an import."""

import logging

from django.dispatch import receiver

from cases.signals import overdose_recorded, records_imported
from overdoses import services, tasks

logger = logging.getLogger(__name__)


@receiver(overdose_recorded, dispatch_uid="overdoses.follow_up_on_overdose")
def follow_up_on_overdose(sender, event, **kwargs) -> None:
    # Inside the recording transaction (see `cases.signals.overdose_recorded`): an error
    # here undoes the overdose too, so it is never saved without its follow-up.
    services.follow_up_open(event=event)


@receiver(records_imported, dispatch_uid="overdoses.sweep_after_import")
def sweep_after_import(sender, **kwargs) -> None:
    try:
        tasks.follow_ups_sweep.delay()
    except Exception:
        logger.exception("Could not queue the overdose follow-up sweep after an import")
