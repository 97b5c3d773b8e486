"""Writes to case records. Each function is atomic, validates fully and does one thing.

After a change that can alter a person's risk, `record_changed` is sent once
the transaction commits, so upper layers (the risk engine) can react without
`cases` knowing about them.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.dispatch import Signal
from django.utils import timezone

from cases import validators
from cases.models import (
    Contact,
    Event,
    Intervention,
    NaloxoneSupply,
    ServiceUser,
    TreatmentEpisode,
    User,
)

# Sent after commit with `service_user_id` and `record` (the saved instance).
record_changed = Signal()


def _announce(record: Model, service_user_id: int) -> None:
    transaction.on_commit(
        lambda: record_changed.send(
            sender=type(record), service_user_id=service_user_id, record=record
        )
    )


def _save(instance: Model) -> Model:
    instance.full_clean()
    instance.save()
    return instance


def next_client_ref() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('cases_client_ref_seq')")
        (number,) = cursor.fetchone()
    return f"LAN-{number:07d}"


@transaction.atomic
def service_user_create(**fields: Any) -> ServiceUser:
    if not fields.get("client_ref"):
        fields["client_ref"] = next_client_ref()
    return _save(ServiceUser(**fields))


@transaction.atomic
def service_user_update(*, service_user: ServiceUser, **fields: Any) -> ServiceUser:
    for name, value in fields.items():
        setattr(service_user, name, value)
    _save(service_user)
    _announce(service_user, service_user.pk)
    return service_user


@transaction.atomic
def service_user_record_death(
    *, service_user: ServiceUser, date_of_death: datetime.date | None
) -> ServiceUser:
    """Record (or correct, or with None withdraw) the date a person died.

    Only this field is written, so a concurrent edit of their other details is
    not overwritten. The change is announced like any other, so the risk layer
    recomputes them at once: from the date of death they leave the population.
    """
    if date_of_death is not None:
        try:
            validators.validate_date_of_death(date_of_death, service_user.date_of_birth)
        except ValidationError as invalid:
            raise ValidationError({"date_of_death": invalid.messages}) from invalid
    service_user.date_of_death = date_of_death
    ServiceUser.objects.filter(pk=service_user.pk).update(
        date_of_death=date_of_death, updated_at=timezone.now()
    )
    _announce(service_user, service_user.pk)
    return service_user


@transaction.atomic
def episode_create(*, service_user: ServiceUser, **fields: Any) -> TreatmentEpisode:
    fields.setdefault("team", service_user.team)
    episode = _save(TreatmentEpisode(service_user=service_user, **fields))
    _announce(episode, service_user.pk)
    return episode


@transaction.atomic
def episode_update(*, episode: TreatmentEpisode, **fields: Any) -> TreatmentEpisode:
    for name, value in fields.items():
        setattr(episode, name, value)
    _save(episode)
    _announce(episode, episode.service_user_id)
    return episode


@transaction.atomic
def intervention_create(*, episode: TreatmentEpisode, **fields: Any) -> Intervention:
    intervention = _save(Intervention(episode=episode, **fields))
    _announce(intervention, episode.service_user_id)
    return intervention


@transaction.atomic
def event_create(*, service_user: ServiceUser, recorded_by: User | None, **fields: Any) -> Event:
    event = _save(Event(service_user=service_user, recorded_by=recorded_by, **fields))
    _announce(event, service_user.pk)
    return event


@transaction.atomic
def contact_create(*, service_user: ServiceUser, staff: User | None, **fields: Any) -> Contact:
    contact = _save(Contact(service_user=service_user, staff=staff, **fields))
    _announce(contact, service_user.pk)
    return contact


@transaction.atomic
def naloxone_supply_create(
    *, service_user: ServiceUser, supplied_by: User | None, **fields: Any
) -> NaloxoneSupply:
    supply = _save(NaloxoneSupply(service_user=service_user, supplied_by=supplied_by, **fields))
    _announce(supply, service_user.pk)
    return supply
