"""Reads about partners: whose access is in force, whether a person's details may be
shared with an organisation on a day (`may_share`, the one place that says so), and each
record paired with an organisation's own text about it (`with_own_text`: its
contribution to a case review, its section of a joint death review)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from cases.models import ServiceUser, User
from partners.models import (
    Consent,
    PartnerAccess,
    PartnerOrganisation,
    SharingAgreement,
    SharingBasis,
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    why: str

    def __bool__(self) -> bool:
        return self.allowed


def agreement_in_force(
    organisation: PartnerOrganisation, *, on: datetime.date
) -> SharingAgreement | None:
    return (
        SharingAgreement.objects.filter(
            organisation=organisation, starts_on__lte=on, ends_on__gte=on
        )
        .order_by("-starts_on")
        .first()
    )


def consents_in_force(
    person: ServiceUser, organisation: PartnerOrganisation, *, on: datetime.date
) -> QuerySet[Consent]:
    return Consent.objects.filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on),
        service_user=person,
        organisation=organisation,
        given_on__lte=on,
    )


def bases_in_force(
    person: ServiceUser, organisation: PartnerOrganisation, *, on: datetime.date
) -> QuerySet[SharingBasis]:
    return SharingBasis.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on),
        service_user=person,
        organisation=organisation,
        decided_on__lte=on,
    )


def may_share(
    person: ServiceUser, organisation: PartnerOrganisation, *, on: datetime.date
) -> Decision:
    """May `person`'s details be shared with `organisation` on `on`, and why (or why not).

    Sharing needs an information-sharing agreement with the organisation in force that day,
    and either the person's consent to share with it (given by then, not withdrawn) or a
    recorded legal basis for sharing without consent that applies that day.
    """
    if not organisation.active:
        return Decision(False, f"{organisation} is no longer an active partner.")
    agreement = agreement_in_force(organisation, on=on)
    if agreement is None:
        return Decision(
            False,
            f"There is no information-sharing agreement with {organisation} in force on "
            f"{on:%d/%m/%Y}.",
        )
    consent = consents_in_force(person, organisation, on=on).first()
    if consent is not None:
        return Decision(
            True,
            f"Consent given on {consent.given_on:%d/%m/%Y} ({consent.get_how_display().lower()}),"
            f" under the agreement in force until {agreement.ends_on:%d/%m/%Y}.",
        )
    basis = bases_in_force(person, organisation, on=on).first()
    if basis is not None:
        return Decision(
            True,
            f"Shared without consent on the basis of {basis.get_basis_display().lower()}, "
            f"decided by {basis.decided_by} on {basis.decided_on:%d/%m/%Y}.",
        )
    withdrawn = Consent.objects.filter(
        service_user=person, organisation=organisation, withdrawn_on__lte=on
    ).first()
    if withdrawn is not None:
        return Decision(
            False,
            f"This person withdrew their consent to share with {organisation} on "
            f"{withdrawn.withdrawn_on:%d/%m/%Y}, and no legal basis for sharing without "
            "consent is recorded.",
        )
    return Decision(
        False,
        f"This person has not consented to sharing with {organisation}, and no legal basis "
        "for sharing without consent is recorded.",
    )


def partner_access_of(user: User, *, on: datetime.date) -> PartnerAccess | None:
    """The user's partner access if it is in force on `on`, else None."""
    access = PartnerAccess.objects.select_related("organisation").filter(user_id=user.pk).first()
    if access is None or not access.in_force(on):
        return None
    return access


def sharing_records_of(person: ServiceUser) -> tuple[list[Consent], list[SharingBasis]]:
    consents = list(
        Consent.objects.filter(service_user=person).select_related("organisation", "recorded_by")
    )
    bases = list(
        SharingBasis.objects.filter(service_user=person).select_related(
            "organisation", "recorded_by"
        )
    )
    return consents, bases


def active_organisations() -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.filter(active=True)


Record = TypeVar("Record", bound=Model)
Text = TypeVar("Text", bound=Model)


def with_own_text(
    records: Sequence[Record], own_texts: QuerySet[Text], *, about: str
) -> list[tuple[Record, Text | None]]:
    """Each record beside an organisation's own text about it, or None where it has written
    none: one query for them all. `own_texts` are that organisation's (its contributions,
    its sections); `about` names their foreign key to the record."""
    written = {
        getattr(text, f"{about}_id"): text
        for text in own_texts.filter(**{f"{about}__in": [record.pk for record in records]})
    }
    return [(record, written.get(record.pk)) for record in records]
