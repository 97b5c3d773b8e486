"""The daily email of actions to their owners, once per owner and day, whichever record
the actions belong to (death reviews, case reviews).

`remind_owners` groups the actions by owner and sends each one email. It is idempotent per
day: the reminder row (unique per owner and day, in the calling app's reminder model) is
written in the same transaction as the email is sent, so a retry on the same day skips
those already reminded, and a failed send leaves no row behind to block the retry.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction

from cases.models import User


class OwnedAction(Protocol):
    owner_id: int
    owner: User


A = TypeVar("A", bound=OwnedAction)


def remind_owners(
    actions: Iterable[A],
    *,
    day: datetime.date,
    reminders: type[models.Model],
    subject: Callable[[int], str],
    text: Callable[[User, Sequence[A], datetime.date], str],
) -> int:
    """Email each owner of `actions` one list of theirs, unless `reminders` (a model with
    `owner`, `sent_on` and `actions`, unique per owner and day) says they were reminded on
    `day`. `subject(n)` and `text(owner, their_actions, day)` word the email. Returns the
    number of emails sent."""
    by_owner: dict[int, list[A]] = defaultdict(list)
    for action in actions:
        by_owner[action.owner_id].append(action)
    manager: Any = reminders._default_manager
    already = set(
        manager.filter(sent_on=day, owner_id__in=by_owner).values_list("owner_id", flat=True)
    )
    sent = 0
    for owner_id, theirs in by_owner.items():
        if owner_id in already:
            continue
        owner = theirs[0].owner
        try:
            with transaction.atomic():
                manager.create(owner=owner, sent_on=day, actions=len(theirs))
                send_mail(
                    subject=subject(len(theirs)),
                    message=text(owner, theirs, day),
                    from_email=None,
                    recipient_list=[owner.email],
                )
        except IntegrityError:
            # Another run reminded them in the meantime.
            continue
        sent += 1
    return sent
