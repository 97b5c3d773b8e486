"""Writes of the overdose pathway: open, attempt, close, escalate, link.

Every function is atomic and validates fully. A follow-up opens with the overdose that
causes it (`receivers`, inside the recording transaction), or from the sweep for one
that arrived by import; it closes only with an outcome, and only once the person was
reached or enough attempts failed.
"""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.models import Event, EventKind, EventStatus, ServiceUser, Team, UnidentifiedPerson, User
from cases.selectors import team_keyworkers, team_leads
from cases.services import PersonAdded, service_user_add
from cases.unknown_people import unidentified_person_link
from overdoses.models import (
    CONTACTED_OUTCOMES,
    Answer,
    FollowUp,
    FollowUpAttempt,
    Outcome,
    Referral,
)
from overdoses.schedule import follow_up_due

logger = logging.getLogger(__name__)


def _owner_for(event: Event, team: Team) -> User | None:
    """Who follows `event` up: the person's keyworker, else the team's duty worker, else a
    team lead, else whoever recorded it, else any keyworker of the team."""
    person = event.service_user
    if person is not None and person.keyworker is not None and person.keyworker.is_active:
        return person.keyworker
    if team.duty_worker is not None and team.duty_worker.is_active:
        return team.duty_worker
    lead = team_leads(team).first()
    if lead is not None:
        return lead
    if event.recorded_by is not None and event.recorded_by.is_active:
        return event.recorded_by
    return team_keyworkers(team).first()


def _opens_follow_up(event: Event, today: datetime.date) -> bool:
    recent = (today - event.occurred_on).days < settings.OVERDOSE_FOLLOW_UP_WITHIN_DAYS
    died = event.service_user is not None and event.service_user.date_of_death is not None
    return (
        event.kind == EventKind.NON_FATAL_OVERDOSE
        and event.status == EventStatus.HAPPENED
        and recent
        and not died
    )


@transaction.atomic
def follow_up_open(*, event: Event, at: datetime.datetime | None = None) -> FollowUp | None:
    """Open `event`'s follow-up, due the same or next working day; None when the overdose
    opens none (it happened too long ago to follow up, or the person has died) or it has
    one already."""
    now = at or timezone.now()
    if not _opens_follow_up(event, timezone.localdate(now)):
        return None
    if FollowUp.objects.filter(overdose=event).exists():
        return None
    team = event.service_user.team if event.service_user else event.unidentified_person.team  # type: ignore[union-attr]
    owner = _owner_for(event, team)
    if owner is None:
        raise ValidationError(
            f"Nobody in {team} can follow this overdose up: give the team a duty worker."
        )
    follow_up = FollowUp(
        overdose=event, team=team, owner=owner, opened_at=now, due_at=follow_up_due(now)
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up


def _locked(follow_up: FollowUp) -> FollowUp:
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if not locked.is_open:
        raise ValidationError("This follow-up is already closed.")
    return locked


@transaction.atomic
def follow_up_attempt_record(
    *,
    follow_up: FollowUp,
    recorded_by: User,
    attempted_at: datetime.datetime,
    method: str,
    reached: bool,
    notes: str = "",
) -> FollowUpAttempt:
    follow_up = _locked(follow_up)
    if attempted_at > timezone.now():
        raise ValidationError({"attempted_at": "This time is in the future."})
    overdose_day = follow_up.overdose.occurred_on
    if timezone.localtime(attempted_at).date() < overdose_day:
        raise ValidationError(
            {"attempted_at": f"The overdose was on {overdose_day:%d/%m/%Y}: this is before it."}
        )
    attempt = FollowUpAttempt(
        follow_up=follow_up,
        recorded_by=recorded_by,
        attempted_at=attempted_at,
        method=method,
        reached=reached,
        notes=notes,
    )
    attempt.full_clean()
    attempt.save()
    return attempt


@transaction.atomic
def follow_up_close(
    *,
    follow_up: FollowUp,
    closed_by: User,
    outcome: str,
    children_in_household: str,
    naloxone_supplied: bool = False,
    referrals: list[str] | None = None,
    closing_note: str = "",
    contacted_at: datetime.datetime | None = None,
    contact_method: str = "",
) -> FollowUp:
    """Close with an outcome. A contacted outcome needs the contact on record (give
    `contacted_at` and `contact_method` to record it here); "not contactable" needs
    `OVERDOSE_FOLLOW_UP_ATTEMPTS` attempts that did not reach them; children in the
    household need a children's services referral or a note saying why not."""
    follow_up = _locked(follow_up)
    referrals = referrals or []
    errors: dict[str, str] = {}
    attempts = list(follow_up.attempts.all())
    reached = any(attempt.reached for attempt in attempts)
    if outcome in CONTACTED_OUTCOMES and not reached:
        if contacted_at is None:
            errors["contacted_at"] = "Say when you reached them."
        if not contact_method:
            errors["contact_method"] = "Say how you reached them."
    needed = settings.OVERDOSE_FOLLOW_UP_ATTEMPTS
    unanswered = sum(not attempt.reached for attempt in attempts)
    if outcome == Outcome.NOT_CONTACTABLE and unanswered < needed:
        errors["outcome"] = (
            f"Not contactable needs {needed} attempts that did not reach them: "
            f"{unanswered} recorded so far."
        )
    if outcome == Outcome.NOT_CONTACTABLE and reached:
        errors["outcome"] = "They were reached: choose what followed."
    if (
        children_in_household == Answer.YES
        and Referral.CHILDRENS_SERVICES not in referrals
        and not closing_note.strip()
    ):
        errors["closing_note"] = (
            "There are children in the household: refer to children's services, "
            "or say here why not."
        )
    if errors:
        raise ValidationError(errors)
    if outcome in CONTACTED_OUTCOMES and not reached and contacted_at is not None:
        follow_up_attempt_record(
            follow_up=follow_up,
            recorded_by=closed_by,
            attempted_at=contacted_at,
            method=contact_method,
            reached=True,
        )
    follow_up.outcome = outcome
    follow_up.children_in_household = children_in_household
    follow_up.naloxone_supplied = naloxone_supplied
    follow_up.referrals = referrals
    follow_up.closing_note = closing_note
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = closed_by
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_ups_escalate(*, now: datetime.datetime | None = None) -> int:
    """Tell a lead of each overdue follow-up's team, once: how many were escalated."""
    now = now or timezone.now()
    overdue = (
        FollowUp.objects.select_for_update(skip_locked=True)
        .filter(closed_at__isnull=True, escalated_at__isnull=True, due_at__lt=now)
        .select_related("team")
    )
    count = 0
    for follow_up in overdue:
        follow_up.escalated_at = now
        follow_up.escalated_to = team_leads(follow_up.team).first()
        follow_up.save(update_fields=["escalated_at", "escalated_to"])
        count += 1
    return count


def follow_ups_open_missing(*, now: datetime.datetime | None = None) -> int:
    """Open the follow-up of every recent overdose that has none (one that came by import):
    how many were opened. One that cannot be opened is logged and left for the next sweep."""
    now = now or timezone.now()
    since = timezone.localdate(now) - datetime.timedelta(
        days=settings.OVERDOSE_FOLLOW_UP_WITHIN_DAYS - 1
    )
    waiting = (
        Event.objects.filter(
            kind=EventKind.NON_FATAL_OVERDOSE,
            status=EventStatus.HAPPENED,
            occurred_on__gte=since,
            follow_up__isnull=True,
        )
        .filter(Q(service_user__isnull=True) | Q(service_user__date_of_death__isnull=True))
        .select_related(
            "service_user__team__duty_worker",
            "service_user__keyworker",
            "unidentified_person__team__duty_worker",
            "recorded_by",
        )
    )
    opened = 0
    for event in waiting:
        try:
            opened += follow_up_open(event=event, at=now) is not None
        except ValidationError:
            logger.exception("Could not open the follow-up of overdose %s", event.pk)
    return opened


@transaction.atomic
def follow_ups_link_person(
    *, someone: UnidentifiedPerson, service_user: ServiceUser, linked_by: User
) -> int:
    """`someone` was `service_user`: their overdoses move to the record, and their open
    follow-ups to the person's keyworker (if they have one) and team."""
    moved = unidentified_person_link(
        someone=someone, service_user=service_user, linked_by=linked_by
    )
    open_follow_ups = FollowUp.objects.select_for_update().filter(
        overdose__service_user=service_user,
        overdose__unidentified_person=someone,
        closed_at__isnull=True,
    )
    for follow_up in open_follow_ups:
        follow_up.team = service_user.team
        if service_user.keyworker is not None and service_user.keyworker.is_active:
            follow_up.owner = service_user.keyworker
        follow_up.save(update_fields=["team", "owner"])
    return moved


@transaction.atomic
def unidentified_person_add_record(
    *, someone: UnidentifiedPerson, added_by: User, **fields: Any
) -> PersonAdded:
    """`someone` becomes a new record (`cases.services.service_user_add`, with its NHS number
    claim) and is linked to it, with their overdoses and open follow-ups; nothing is linked
    when the claim finds the NHS number held elsewhere (`PersonAdded.person` is None)."""
    if someone.is_linked:
        raise ValidationError("This person has already been linked to a record.")
    added = service_user_add(added_by=added_by, **fields)
    if added.person is not None:
        follow_ups_link_person(someone=someone, service_user=added.person, linked_by=added_by)
    return added
