"""Writes for people the service hears of through an overdose before it knows who they are.

An overdose of someone not yet known is an `Event` without a person, held by an
`UnidentifiedPerson` of the recording team. When the service learns who it was, the
person is linked to their record (an existing one, or one just added) and every overdose
of theirs moves to it: from then on it is an event of that record like any other, and
the risk engine recomputes them with it. Atomic, like `cases.services`.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Event, EventKind, ServiceUser, Team, UnidentifiedPerson, User
from cases.services import _announce, _save
from cases.signals import overdose_recorded


@transaction.atomic
def unidentified_overdose_record(
    *, team: Team, recorded_by: User, person: dict[str, Any], overdose: dict[str, Any]
) -> Event:
    """Record an overdose of someone not yet known: `person` holds what is known of them
    (`UnidentifiedPerson.RECORDED_FIELDS`), `overdose` the event's fields."""
    someone = _save(UnidentifiedPerson(team=team, recorded_by=recorded_by, **person))
    event = _save(
        Event(
            unidentified_person=someone,
            recorded_by=recorded_by,
            **{**overdose, "kind": EventKind.NON_FATAL_OVERDOSE},
        )
    )
    overdose_recorded.send(sender=Event, event=event)
    return event


@transaction.atomic
def unidentified_person_link(
    *, someone: UnidentifiedPerson, service_user: ServiceUser, linked_by: User
) -> int:
    """`someone` was `service_user`: their overdoses move to that record. Returns how many."""
    someone = UnidentifiedPerson.objects.select_for_update().get(pk=someone.pk)
    if someone.is_linked:
        raise ValidationError("This person has already been linked to a record.")
    if service_user.date_of_death:
        raise ValidationError(
            {"service_user": "This record is of someone who has died: choose another."}
        )
    overdoses = list(Event.objects.filter(unidentified_person=someone))
    for event in overdoses:
        event.service_user = service_user
        _save(event)
    someone.linked_to = service_user
    someone.linked_at = timezone.now()
    someone.linked_by = linked_by
    _save(someone)
    if overdoses:
        _announce(overdoses[0], service_user.pk)
    return len(overdoses)
