"""React to changes announced by lower layers by enqueueing a recompute; nothing more."""

import logging

from django.dispatch import receiver

from cases.services import record_changed
from cases.signals import records_imported
from risk import tasks

logger = logging.getLogger(__name__)


@receiver(record_changed, dispatch_uid="risk.recompute_person_on_change")
def recompute_person_on_change(sender, service_user_id: int, **kwargs) -> None:
    # Sent after the saving transaction commits, so the record is already safe:
    # if the recompute cannot be queued, the nightly run still catches up, and
    # the person who saved must not see an error.
    try:
        tasks.flags_recompute_person.delay(service_user_id)
    except Exception:
        logger.exception("Could not queue the risk recompute for person %s", service_user_id)


# Beyond this many people, one full recompute is cheaper than one task each.
PERSON_RECOMPUTE_LIMIT = 1000


@receiver(records_imported, dispatch_uid="risk.recompute_after_import")
def recompute_after_import(sender, service_user_ids: list[int] | None, **kwargs) -> None:
    try:
        if service_user_ids is None or len(service_user_ids) > PERSON_RECOMPUTE_LIMIT:
            tasks.flags_recompute_after_import.delay()
            return
        for person_id in service_user_ids:
            tasks.flags_recompute_person.delay(person_id)
    except Exception:
        logger.exception("Could not queue the risk recompute after an import")
