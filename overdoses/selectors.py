"""Reads of the overdose pathway, each starting from who is asking.

A follow-up is visible to a user who may see its person (`cases.selectors.
service_users_visible_to`), or, for someone not yet known, the team holding them
(`cases.selectors.unidentified_people_visible_to`): the same need-to-know rule.
"""

import uuid

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import ServiceUser, UnidentifiedPerson, User
from cases.selectors import service_users_visible_to, unidentified_people_visible_to
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
