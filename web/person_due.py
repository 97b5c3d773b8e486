"""What is due on a person's record, in one list, soonest first: what the top of the
person page shows (`care.due.Due`, one shape whichever record a thing comes from).

`due_for` takes what the page has already read (the record's history, the TOPs, the
open overdose follow-up, and `read`: the care record's sections), so those add no query;
each record kind in `RECORD_KINDS_DUE` takes its rows from `read` where the page read
them, and otherwise reads its own in a fixed number of queries, however many records the
person has.
"""

import datetime
from collections.abc import Callable, Sequence

from django.urls import reverse
from django.utils import timezone

from care.due import Due, Read
from care.selectors.assessments import assessments_due
from care.selectors.health import health_due
from care.selectors.notes import referrals_due
from care.selectors.plans import plans_due
from care.selectors.safeguarding import safeguarding_due
from casereviews.selectors import case_review_due
from cases.models import Contact, ContactStatus, ServiceUser
from cases.selectors import ServiceUserHistory
from outcomes.models import TopAssessment
from outcomes.selectors import next_top_due
from overdoses.models import FollowUp
from overdoses.selectors import NALOXONE_RENEW_WITHIN_DAYS
from risk.engine import OUTREACH_TIERS
from risk.models import Flag

# Each record kind's `<kind>_due(person, *, today, read=None) -> list[Due]`. A record kind that
# makes things due adds one line here. (The risk assessment's also needs the open flag:
# `due_for` asks it itself.)
RECORD_KINDS_DUE: tuple[Callable[..., list[Due]], ...] = (
    referrals_due,
    plans_due,
    health_due,
    safeguarding_due,
    case_review_due,
)


def calls_for_assessment(flag: Flag | None) -> bool:
    """Whether an open flag calls for a practitioner's assessment: one of the tiers a
    keyworker reaches out to (high and very high). What `care.selectors.assessments_due`
    takes as `flag_calls_for_assessment`."""
    return flag is not None and flag.tier in OUTREACH_TIERS


def is_booked_ahead(contact: Contact, today: datetime.date) -> bool:
    """A booked appointment that has not yet come: due, rather than history."""
    return contact.status == ContactStatus.BOOKED and contact.contact_date >= today


def due_for(
    person: ServiceUser,
    *,
    today: datetime.date,
    history: ServiceUserHistory,
    tops: Sequence[TopAssessment],
    follow_up: FollowUp | None,
    flag: Flag | None = None,
    read: Read | None = None,
    record_kinds: Sequence[Callable[..., list[Due]]] = RECORD_KINDS_DUE,
) -> list[Due]:
    """Everything due for the person, soonest first (`Due.overdue` says which have passed).

    `history` is `service_user_history(person)`, `tops` the person's TOPs oldest first and
    `follow_up` their open overdose follow-up and `flag` their open flag, all as the page
    read them (the flag says whether an overdose risk assessment is due), and `read` the
    care record's sections the page read (`care.due.Read`), which each kind takes its rows
    from rather than read them again. Nothing is due for someone who has died.
    """
    if person.date_of_death is not None:
        return []
    due = [
        *_appointments(person, history, today),
        *_expected_events(person, history),
        *_top(person, history, tops),
        *_follow_up(follow_up),
        *_naloxone(person, history, today),
    ]
    # The episodes are read with the history: no kind reads them again.
    read = {**(read or {}), "episodes": history["episodes"]}
    for kind_due in record_kinds:
        due.extend(kind_due(person, today=today, read=read))
    due.extend(
        assessments_due(
            person,
            today=today,
            flag_calls_for_assessment=calls_for_assessment(flag),
            read=read,
        )
    )
    return sorted(due, key=lambda item: item.on)


def _appointments(person: ServiceUser, history: ServiceUserHistory, today: datetime.date):
    for contact in history["contacts"]:
        if is_booked_ahead(contact, today):
            at = f" at {contact.contact_time:%H:%M}" if contact.contact_time else ""
            with_whom = f" with {contact.staff.display_name}" if contact.staff else ""
            yield Due(what=f"{contact.get_kind_display()}{at}{with_whom}", on=contact.contact_date)


def _expected_events(person: ServiceUser, history: ServiceUserHistory):
    """An expected release or discharge stays due, even once its date passes, until
    someone confirms it happened."""
    for event in history["events"]:
        if event.is_expected:
            yield Due(
                what=f"{event.get_kind_display()} expected: confirm it happened",
                on=event.occurred_on,
                url=reverse("event_happened", args=[person.external_id, event.external_id]),
            )


def _top(person: ServiceUser, history: ServiceUserHistory, tops: Sequence[TopAssessment]):
    """The next TOP, as the caseload decides it (`outcomes.selectors.next_top_due`)."""
    latest = history["episodes"][0] if history["episodes"] else None
    last_top = tops[-1].top_date if tops else None
    on = next_top_due(
        in_treatment=latest is not None and latest.is_open,
        episode_start=latest.start_date if latest else None,
        episode_referral=latest.referral_date if latest else None,
        last_top_date=last_top,
    )
    if on is not None:
        opened = latest.start_date or latest.referral_date if latest else None
        start = last_top is None or (opened is not None and last_top < opened)
        yield Due(
            what="Start TOP" if start else "Review TOP",
            on=on,
            url=reverse("top_create", args=[person.external_id]),
        )


def _follow_up(follow_up: FollowUp | None):
    if follow_up is not None:
        due_at = timezone.localtime(follow_up.due_at)
        yield Due(
            what=(
                f"Follow up the overdose of {follow_up.overdose.occurred_on:%d/%m/%Y}"
                f" (by {due_at:%H:%M})"
            ),
            on=due_at.date(),
            url=reverse("follow_up_detail", args=[follow_up.external_id]),
        )


def _naloxone(person: ServiceUser, history: ServiceUserHistory, today: datetime.date):
    """The latest kit's expiry, once it is as close as the renewals list looks
    (`overdoses.selectors.NALOXONE_RENEW_WITHIN_DAYS`)."""
    supplies = history["naloxone_supplies"]
    if not supplies:
        return
    expiry = supplies[0].expiry_date
    if expiry <= today + datetime.timedelta(days=NALOXONE_RENEW_WITHIN_DAYS):
        yield Due(
            what="Renew the naloxone kit" + (": it has expired" if expiry < today else ""),
            on=expiry,
            url=reverse("naloxone_create", args=[person.external_id]),
        )
