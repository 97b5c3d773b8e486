"""Writes to the safeguarding record: each checked in full (`clean()`), atomic,
keyword-only. Nothing here deletes: the database refuses it."""

import datetime

from django.db import transaction

from care.models import (
    REFERRAL_CHASE_DAYS,
    ChildInContact,
    ProtectionReferral,
    SafeguardingConcern,
    SafeStorage,
)
from cases.models import ServiceUser, User


@transaction.atomic
def child_in_contact_record(
    *,
    service_user: ServiceUser,
    recorded_by: User,
    label: str,
    year_of_birth: int,
    lives_with: str,
    other_carer: str = "",
    social_care: str,
    recorded_on: datetime.date,
    child: ChildInContact | None = None,
) -> ChildInContact:
    """A child new to the record, or (`child`) what has changed about one already on it,
    re-dated: the write history keeps what it said before."""
    if child is None:
        child = ChildInContact(service_user=service_user)
    elif child.service_user_id != service_user.pk:
        raise ValueError("The child is on another person's record.")
    child.label = label.strip()
    child.year_of_birth = year_of_birth
    child.lives_with = lives_with
    child.other_carer = other_carer
    child.social_care = social_care
    child.recorded_on = recorded_on
    child.recorded_by = recorded_by
    child.full_clean()
    child.save()
    return child


@transaction.atomic
def safe_storage_record(
    *,
    service_user: ServiceUser,
    updated_by: User,
    locked_box_given_on: datetime.date | None,
    storage_discussed_on: datetime.date | None,
    supervised_consumption: bool | None,
    supervised_since: datetime.date | None,
) -> SafeStorage:
    """What is now known of safe storage; the one row a person has is changed in place and
    the history keeps each earlier state."""
    storage = SafeStorage.objects.select_for_update().filter(
        service_user=service_user
    ).first() or SafeStorage(service_user=service_user)
    storage.locked_box_given_on = locked_box_given_on
    storage.storage_discussed_on = storage_discussed_on
    storage.supervised_consumption = supervised_consumption
    storage.supervised_since = supervised_since
    storage.updated_by = updated_by
    storage.full_clean()
    storage.save()
    return storage


@transaction.atomic
def protection_referral_make(
    *,
    service_user: ServiceUser,
    made_by: User,
    agency: str,
    agency_other: str = "",
    reason: str,
    made_on: datetime.date,
    chase_on: datetime.date | None = None,
) -> ProtectionReferral:
    """A referral made, open until its outcome; chased `REFERRAL_CHASE_DAYS` after it was
    made unless another date is given."""
    referral = ProtectionReferral(
        service_user=service_user,
        made_by=made_by,
        agency=agency,
        agency_other=agency_other,
        reason=reason,
        made_on=made_on,
        chase_on=chase_on or made_on + datetime.timedelta(days=REFERRAL_CHASE_DAYS),
    )
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def protection_referral_outcome_record(
    *,
    referral: ProtectionReferral,
    outcome: str,
    outcome_on: datetime.date,
    recorded_by: User,
) -> ProtectionReferral:
    """The referral's outcome; a later one (a strategy meeting, then a section 47 enquiry)
    replaces it, and the history keeps the earlier."""
    referral.outcome = outcome
    referral.outcome_on = outcome_on
    referral.outcome_recorded_by = recorded_by
    referral.full_clean()
    referral.save(update_fields=["outcome", "outcome_on", "outcome_recorded_by"])
    return referral


@transaction.atomic
def safeguarding_concern_raise(
    *,
    service_user: ServiceUser,
    raised_by: User,
    kind: str,
    abuse_role: str = "",
    exploitation: str = "",
    raised_on: datetime.date,
    note: str,
) -> SafeguardingConcern:
    concern = SafeguardingConcern(
        service_user=service_user,
        raised_by=raised_by,
        kind=kind,
        abuse_role=abuse_role,
        exploitation=exploitation,
        raised_on=raised_on,
        note=note,
    )
    concern.full_clean()
    concern.save()
    return concern


@transaction.atomic
def safeguarding_concern_close(
    *, concern: SafeguardingConcern, closed_on: datetime.date, closed_by: User
) -> SafeguardingConcern:
    concern.closed_on = closed_on
    concern.closed_by = closed_by
    concern.full_clean()
    concern.save(update_fields=["closed_on", "closed_by"])
    return concern
