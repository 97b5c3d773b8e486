"""React to changes announced by lower layers by enqueueing a recompute; nothing more."""

import logging

from django.dispatch import receiver

from cases.services import record_changed
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
