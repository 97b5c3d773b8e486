"""Writes to the care record: each checked in full (`clean()`), atomic, keyword-only."""

import datetime

from django.db import transaction
from django.utils import timezone

from care.models import CaseNote, OnwardReferral
from cases.models import ServiceUser, User


@transaction.atomic
def case_note_write(
    *,
    service_user: ServiceUser,
    written_by: User,
    note_date: datetime.date,
    kind: str,
    text: str,
    corrects: CaseNote | None = None,
) -> CaseNote:
    """A new note; a correction is a new note naming the one it puts right."""
    note = CaseNote(
        service_user=service_user,
        written_by=written_by,
        note_date=note_date,
        kind=kind,
        text=text,
        corrects=corrects,
    )
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def onward_referral_make(
    *,
    service_user: ServiceUser,
    made_by: User,
    organisation_kind: str,
    organisation_name: str,
    reason: str,
    made_on: datetime.date,
    follow_up_on: datetime.date,
) -> OnwardReferral:
    referral = OnwardReferral(
        service_user=service_user,
        made_by=made_by,
        organisation_kind=organisation_kind,
        organisation_name=organisation_name,
        reason=reason,
        made_on=made_on,
        follow_up_on=follow_up_on,
    )
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def onward_referral_outcome_record(
    *, referral: OnwardReferral, outcome: str, recorded_by: User
) -> OnwardReferral:
    """The referral's outcome, now; a later outcome (no reply, then attended) replaces it,
    and the write history keeps the earlier one."""
    referral.outcome = outcome
    referral.outcome_recorded_at = timezone.now()
    referral.outcome_recorded_by = recorded_by
    referral.full_clean()
    referral.save(update_fields=["outcome", "outcome_recorded_at", "outcome_recorded_by"])
    return referral
