"""Reads of the overdose pathway, each starting from who is asking.

A follow-up is visible to a user who may see its person (`cases.selectors.
service_users_visible_to`), or, for someone not yet known, the team holding them
(`cases.selectors.unidentified_people_visible_to`): the same need-to-know rule.
"""

import datetime
import uuid

from django.db.models import Count, F, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from cases.models import Event, NaloxoneSupply, ServiceUser, UnidentifiedPerson, User
from cases.selectors import (
    active_team_ids,
    in_caseload_window,
    service_users_visible_to,
    unidentified_people_visible_to,
    with_caseload_columns,
)
from outcomes.selectors import with_opioid_use
from overdoses.models import FollowUp


def follow_ups_visible_to(user: User) -> QuerySet[FollowUp]:
    people = service_users_visible_to(user).values("id")
    unknown = unidentified_people_visible_to(user).values("id")
    return FollowUp.objects.filter(
        Q(overdose__service_user__in=people)
        | Q(overdose__service_user__isnull=True, overdose__unidentified_person__in=unknown)
    )


def _for_lists(follow_ups: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    return follow_ups.select_related(
        "overdose__service_user", "overdose__unidentified_person", "owner", "team", "escalated_to"
    ).annotate(attempts_made=Count("attempts"))


def follow_ups_to_do(user: User) -> QuerySet[FollowUp]:
    """The open follow-ups at the top of `user`'s worklist: those they own, and those
    escalated to them as a team lead, soonest due first."""
    mine = Q(owner=user) | Q(escalated_to=user)
    return _for_lists(
        follow_ups_visible_to(user).filter(mine, closed_at__isnull=True).order_by("due_at", "id")
    )


def follow_ups_overdue_in_teams(user: User) -> QuerySet[FollowUp]:
    """Every overdue follow-up `user` may see, soonest due first (for team leads and
    governance)."""
    return _for_lists(
        follow_ups_visible_to(user)
        .filter(closed_at__isnull=True, due_at__lt=timezone.now())
        .order_by("due_at", "id")
    )


def follow_up_for(user: User, external_id: uuid.UUID | str) -> FollowUp:
    """One follow-up `user` may see, or 404 (as for a follow-up that does not exist)."""
    follow_up = (
        follow_ups_visible_to(user)
        .select_related(
            "overdose__service_user__team",
            "overdose__unidentified_person__team",
            "owner",
            "team",
            "escalated_to",
            "closed_by",
        )
        .filter(external_id=external_id)
        .first()
    )
    if follow_up is None:
        raise Http404("No such follow-up")
    return follow_up


def open_follow_up_of(person: ServiceUser) -> FollowUp | None:
    """The person's open overdose follow-up, soonest due, for their record's page."""
    return (
        FollowUp.objects.filter(overdose__service_user=person, closed_at__isnull=True)
        .select_related("owner", "overdose", "escalated_to")
        .annotate(attempts_made=Count("attempts"))
        .order_by("due_at")
        .first()
    )


def unidentified_person_for(user: User, external_id: uuid.UUID | str) -> UnidentifiedPerson:
    someone = (
        unidentified_people_visible_to(user)
        .select_related("team", "linked_to")
        .filter(external_id=external_id)
        .first()
    )
    if someone is None:
        raise Http404("No such person")
    return someone


# The quick capture and the naloxone programme's pages ----------------------------------

# How many days ahead a kit's expiry puts the person on the list of kits to renew.
NALOXONE_RENEW_WITHIN_DAYS = 30


def unidentified_people_to_work(user: User) -> QuerySet[UnidentifiedPerson]:
    """The people not yet known that `user` may see, those not yet linked to a record
    first, newest first within each, with their overdoses (two queries, any page)."""
    return (
        unidentified_people_visible_to(user)
        .select_related("team", "linked_to")
        .prefetch_related(
            Prefetch("overdoses", queryset=Event.objects.order_by("-occurred_on", "-id"))
        )
        .order_by(F("linked_at").asc(nulls_first=True), "-created_at", "-id")
    )


def overdoses_of(someone: UnidentifiedPerson) -> QuerySet[Event]:
    """The overdoses recorded of `someone` while they were not yet known, latest first."""
    return Event.objects.filter(unidentified_person=someone).order_by("-occurred_on", "-id")


def naloxone_to_non_clients_of_teams(user: User, limit: int = 20) -> QuerySet[NaloxoneSupply]:
    """The latest kits `user`'s teams gave to people who are not clients."""
    return (
        NaloxoneSupply.objects.filter(
            service_user__isnull=True, team_id__in=Subquery(active_team_ids(user))
        )
        .select_related("team", "supplied_by")
        .order_by("-supplied_on", "-id")[:limit]
    )


def naloxone_kits_to_renew(user: User, on: datetime.date | None = None) -> QuerySet[ServiceUser]:
    """The people on `user`'s lists (never those reached through break-glass) who use
    opioids (`outcomes.selectors.with_opioid_use`, as the caseload and the risk engine
    decide it), are alive, in treatment or recently left, and whose latest kit has expired
    or expires within `NALOXONE_RENEW_WITHIN_DAYS`: soonest expiry first. One query."""
    day = on or timezone.localdate()
    people = with_opioid_use(
        with_caseload_columns(service_users_visible_to(user, with_break_glass=False))
    )
    return (
        in_caseload_window(people)
        .filter(
            # Annotations (`with_opioid_use`, `with_caseload_columns`), which the type
            # checker cannot see through a function's return: hence Q and F.
            Q(uses_opioids=True),
            Q(naloxone_expiry__lte=day + datetime.timedelta(days=NALOXONE_RENEW_WITHIN_DAYS)),
            date_of_death__isnull=True,
        )
        .select_related("team", "keyworker")
        .order_by(F("naloxone_expiry").asc(), "last_name", "id")
    )
