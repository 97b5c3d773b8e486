"""Writes about partners: a person's consent to share, its withdrawal, and a legal basis for
sharing without consent. Each is checked (`full_clean`) before it is saved."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

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
