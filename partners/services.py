"""Writes about partners: a person's consent to share, its withdrawal, and a legal basis for
sharing without consent; and the one write of an organisation's own versioned text about a
record (`own_text_write`), which the reviews above call for a partner's joint review section
and case review contribution. Each is checked (`full_clean`) before it is saved."""

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from cases.models import ServiceUser, User, today
from partners.models import Consent, PartnerOrganisation, SharingBasis


@transaction.atomic
def consent_record(
    *,
    service_user: ServiceUser,
    recorded_by: User,
    organisation: PartnerOrganisation,
    given_on: datetime.date,
    how: str,
    scope: str,
) -> Consent:
    consent = Consent(
        service_user=service_user,
        organisation=organisation,
        given_on=given_on,
        how=how,
        scope=scope,
        recorded_by=recorded_by,
    )
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_on: datetime.date) -> Consent:
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": "This consent has already been withdrawn."})
    if withdrawn_on > today():
        raise ValidationError({"withdrawn_on": "This date is in the future."})
    consent.withdrawn_on = withdrawn_on
    consent.full_clean()
    consent.save(update_fields=["withdrawn_on"])
    return consent


@transaction.atomic
def sharing_basis_record(
    *,
    service_user: ServiceUser,
    recorded_by: User,
    organisation: PartnerOrganisation,
    basis: str,
    reason: str,
    decided_by: str,
    decided_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> SharingBasis:
    record = SharingBasis(
        service_user=service_user,
        organisation=organisation,
        basis=basis,
        reason=reason,
        decided_by=decided_by,
        decided_on=decided_on,
        ends_on=ends_on,
        recorded_by=recorded_by,
    )
    record.full_clean()
    record.save()
    return record


# An organisation's own text about a record -------------------------------------------


class OwnText(Protocol):
    """What an organisation's own text about a record carries: a version for conflict
    checks, when it was last saved, and whether any of its parts is written."""

    version: int
    updated_at: datetime.datetime

    @property
    def is_written(self) -> bool: ...


Own = TypeVar("Own", bound=Model)


def own_text_write(
    *,
    model: type[Own],
    about: Mapping[str, Model],
    fields: Sequence[str],
    noun: str,
    user: User,
    loaded_version: int,
    changes: Mapping[str, str],
    conflict: Callable[[Own | None], Exception],
) -> Own:
    """Write an organisation's own text about a record (`model`, one row per `about`: the
    record and the organisation), creating it on the first write.

    The caller has already checked that the organisation may write it (taking part, the
    record still open, the person still shared) inside its transaction, with the record's
    row locked so that two first writes cannot both create it. `loaded_version` is the
    version the form was built from, 0 when there was none yet; when someone saved in
    between, nothing is written and `conflict(row as it now is, or None)` is raised. Each
    part is stripped, and at least one must be written (`noun` names the text in the
    message).
    """
    if set(changes) - set(fields):
        raise ValueError(f"Not {noun} fields: {sorted(set(changes) - set(fields))}")
    now = timezone.now()
    row = model._default_manager.filter(**about).first()
    if row is None and loaded_version == 0:
        row = model(**about, created_by=user, updated_by=user)
    elif row is None or cast(OwnText, row).version != loaded_version:
        raise conflict(row)
    for name, value in changes.items():
        setattr(row, name, value.strip())
    text = cast(OwnText, row)
    if not text.is_written:
        raise ValidationError(f"Write at least one part of your organisation's {noun}.")
    text.updated_at = now
    # Who wrote it and what it is about were set here from rows the caller locked.
    row.full_clean(exclude=["created_by", "updated_by", *about])
    if row.pk is None:
        row.save()
        return row
    model._default_manager.filter(pk=row.pk, version=loaded_version).update(
        **{name: getattr(row, name) for name in changes},
        version=F("version") + 1,
        updated_by=user,
        updated_at=now,
    )
    row.refresh_from_db()
    return row
