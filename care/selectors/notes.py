"""Reads of the care record. Each takes a person already found through the visibility
selector (`cases.audit.service_user_for_read`), so no read here widens anyone's scope.

The person page reads a fixed number of queries however many notes and referrals a
person has: a page of notes (its count and its rows) and the person's referrals, parted
into the open ones and the most recent closed.
"""

import datetime
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.urls import reverse

from care.due import Due, Read
from care.models import CaseNote, OnwardReferral
from cases.models import ServiceUser

NOTES_PAGE_SIZE = 10
CLOSED_REFERRALS_SHOWN = 5


def case_notes_of(person: ServiceUser) -> QuerySet[CaseNote]:
    """Newest first, with who wrote each and the note it corrects, in the same query."""
    return CaseNote.objects.filter(service_user=person).select_related("written_by", "corrects")


def onward_referrals_of(person: ServiceUser) -> QuerySet[OnwardReferral]:
    return OnwardReferral.objects.filter(service_user=person).select_related(
        "made_by", "outcome_recorded_by"
    )


def open_referrals_of(person: ServiceUser) -> QuerySet[OnwardReferral]:
    """Referrals without an outcome, the soonest to chase first."""
    return onward_referrals_of(person).filter(outcome="").order_by("follow_up_on", "-id")


def referrals_due(
    person: ServiceUser, *, today: datetime.date, read: Read | None = None
) -> list[Due]:
    """Each open referral's follow-up, in one query (none when `read` holds
    `care_record_for`'s open referrals): chasing it is due on its follow-up date (`today`
    is in the shape every record kind's due list takes; the list says which are overdue
    against it)."""
    outcome_url = reverse("onward_referral_outcome", args=[person.external_id])
    if read is not None and "open_referrals" in read:
        rows = [
            (r.organisation_name, r.follow_up_on, r.external_id) for r in read["open_referrals"]
        ]
    else:
        rows = list(
            open_referrals_of(person).values_list(
                "organisation_name", "follow_up_on", "external_id"
            )
        )
    return [
        Due(
            what=f"Follow up the referral to {name}",
            on=follow_up_on,
            url=f"{outcome_url}?referral={external_id}",
        )
        for name, follow_up_on, external_id in rows
    ]


def care_record_for(
    person: ServiceUser, *, notes_page: str | None, today: datetime.date
) -> dict[str, Any]:
    """What the person page shows of the care record: a page of notes (`notes_page` is the
    page asked for; anything not a page number gives the first, past the end the last),
    the open referrals with those past their follow-up date marked, and the latest closed."""
    notes = Paginator(case_notes_of(person), NOTES_PAGE_SIZE).get_page(notes_page)
    # A person's referrals are few: read whole, once, and parted here.
    referrals = list(onward_referrals_of(person))
    open_referrals = sorted(
        (r for r in referrals if not r.outcome), key=lambda r: (r.follow_up_on, -r.pk)
    )
    for referral in open_referrals:
        referral.overdue = referral.is_overdue(today)  # type: ignore[attr-defined]
    closed = sorted(
        (r for r in referrals if r.outcome),
        key=lambda r: (r.outcome_recorded_at, r.pk),
        reverse=True,
    )[:CLOSED_REFERRALS_SHOWN]
    return {
        "case_notes": notes,
        "open_referrals": open_referrals,
        "overdue_referrals": sum(r.is_overdue(today) for r in open_referrals),
        "closed_referrals": closed,
    }
