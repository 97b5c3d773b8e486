"""Reads of case reviews. Every list of people starts from the visibility selector.

Who is due a review is worked out from the flags in one query for all the teams asked
for: a person with an open flag at very high (or high, where their team chose it) is due
`CASE_REVIEW_DUE_DAYS` after the day the flag reached that tier; once reviewed at a held
meeting on or after that day they are due again by the next review date the meeting set
(and not at all when it set none).
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from care.due import Due, Read
from care.models import CarePlan, CaseNote, GoalState, OnwardReferral, PlanGoal, RiskAssessment
from casereviews.access import can_read_case_reviews
from casereviews.models import (
    Meeting,
    MeetingOrganisation,
    MeetingStatus,
    PartnerContribution,
    ReviewAction,
    ReviewedPerson,
    TeamReviewSetting,
)
from cases.history import HistoryEntry, history_entries
from cases.models import Contact, Event, EventKind, Role, ServiceUser, Team, User
from cases.selectors import active_team_ids, service_users_visible_to
from partners.models import PartnerOrganisation
from partners.selectors import active_organisations, with_own_text
from risk.models import Flag, FlagReason, Tier

# A person reviewed, whose next review date is further off than this, is not listed as due.
DUE_SOON_DAYS = 14
RECENT_CONTACTS = 3
RECENT_NOTES = 3
RECENT_OVERDOSES = 3
REMINDER_DAYS_AHEAD = 7


def due_days() -> int:
    return settings.CASE_REVIEW_DUE_DAYS


def teams_of(user: User) -> QuerySet[Team]:
    """The teams whose reviews `user` reads: their own, every team for governance."""
    if not can_read_case_reviews(user):
        return Team.objects.none()
    if user.role == Role.GOVERNANCE:
        return Team.objects.all()
    return Team.objects.filter(id__in=Subquery(active_team_ids(user)))


def led_teams(user: User) -> QuerySet[Team]:
    """The teams a team lead schedules reviews for: the teams they belong to."""
    return Team.objects.filter(id__in=Subquery(active_team_ids(user))).order_by("name")


def includes_high(team: Team) -> bool:
    return TeamReviewSetting.objects.filter(team=team, include_high=True).exists()


@dataclass(frozen=True)
class DueReview:
    """One person due a review: the flag that made them due and by when."""

    person: ServiceUser
    flag: Flag
    due_on: datetime.date
    reviewed_on: datetime.date | None  # the last held review since the flag reached its tier
    scheduled_on: datetime.date | None  # a scheduled meeting that lists them

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due_on < today


def _held_reviews_since_flag() -> QuerySet[ReviewedPerson]:
    return ReviewedPerson.objects.filter(
        service_user_id=OuterRef("service_user_id"),
        meeting__status=MeetingStatus.HELD,
        meeting__meets_on__gte=OuterRef("raised_on"),
    ).order_by("-meeting__meets_on", "-id")


def due_flags(people: QuerySet[ServiceUser]) -> QuerySet[Flag]:
    """The open flags of `people` at a tier their team reviews, each annotated with its
    last held review since it began (`reviewed_on`, `next_review_on`) and the first
    scheduled meeting listing the person (`scheduled_on`). One query."""
    held = _held_reviews_since_flag()
    scheduled = ReviewedPerson.objects.filter(
        service_user_id=OuterRef("service_user_id"), meeting__status=MeetingStatus.SCHEDULED
    ).order_by("meeting__meets_on")
    return (
        Flag.objects.filter(ended_on__isnull=True, service_user__in=people)
        .filter(service_user__date_of_death__isnull=True)
        .filter(
            Q(tier=Tier.VERY_HIGH)
            | Q(tier=Tier.HIGH, service_user__team__review_setting__include_high=True)
        )
        .annotate(
            reviewed_on=Subquery(held.values("meeting__meets_on")[:1]),
            next_review_on=Subquery(held.values("next_review_on")[:1]),
            scheduled_on=Subquery(scheduled.values("meeting__meets_on")[:1]),
        )
        .select_related("service_user", "service_user__team", "service_user__keyworker")
        .order_by("raised_on", "id")
    )


def _due(flags: QuerySet[Flag], today: datetime.date, horizon: datetime.date) -> list[DueReview]:
    rows = []
    for flag in flags:
        reviewed_on = flag.reviewed_on  # type: ignore[attr-defined]
        if reviewed_on is None:
            due_on = flag.raised_on + datetime.timedelta(days=due_days())
        else:
            due_on = flag.next_review_on  # type: ignore[attr-defined]
            if due_on is None or due_on > horizon:
                continue
        rows.append(
            DueReview(
                person=flag.service_user,
                flag=flag,
                due_on=due_on,
                reviewed_on=reviewed_on,
                scheduled_on=flag.scheduled_on,  # type: ignore[attr-defined]
            )
        )
    return sorted(rows, key=lambda row: (row.due_on, row.person.last_name, row.person.pk))


def due_reviews(
    user: User, *, team: Team | None = None, on: datetime.date | None = None
) -> list[DueReview]:
    """Everyone `user` may see in their teams (or `team`) who is due a review, soonest first:
    never reviewed since the flag reached its tier, or reviewed with a next review date
    within `DUE_SOON_DAYS`. One query."""
    today = on or timezone.localdate()
    people = service_users_visible_to(user, with_break_glass=False).filter(
        team__in=teams_of(user) if team is None else Team.objects.filter(pk=team.pk)
    )
    return _due(due_flags(people), today, today + datetime.timedelta(days=DUE_SOON_DAYS))


def case_review_due(
    person: ServiceUser, *, today: datetime.date, read: Read | None = None
) -> list[Due]:
    """The person's case review, when they are due one as their team's due list says it
    (`due_reviews`): what the top of the person page lists. One query (the page reads
    nothing of it before, so `read` is not used)."""
    flags = due_flags(ServiceUser.objects.filter(pk=person.pk))
    due = _due(flags, today, today + datetime.timedelta(days=DUE_SOON_DAYS))
    return [
        Due(
            what=(
                f"Case review: on the meeting of {row.scheduled_on:%d/%m/%Y}"
                if row.scheduled_on
                else "Case review: put them on a team meeting"
            ),
            on=row.due_on,
            url=reverse("case_review_list"),
        )
        for row in due[:1]
    ]


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(team__in=teams_of(user)).select_related("team")


def meeting_lists(user: User, *, on: datetime.date | None = None) -> dict[str, list[Meeting]]:
    """The upcoming (not yet held) and the ten most recent held meetings of `user`'s teams."""
    meetings = meetings_visible_to(user)
    return {
        "upcoming": list(
            meetings.filter(status=MeetingStatus.SCHEDULED).order_by("meets_on", "meets_at")
        ),
        "recent": list(meetings.filter(status=MeetingStatus.HELD).order_by("-meets_on")[:10]),
    }


def meeting_for(user: User, external_id: uuid.UUID | str) -> Meeting | None:
    return (
        meetings_visible_to(user)
        .select_related("scheduled_by")
        .prefetch_related(
            "staff",
            "partners",
            Prefetch(
                "invited",
                queryset=MeetingOrganisation.objects.select_related("organisation"),
            ),
        )
        .filter(external_id=external_id)
        .first()
    )


def reviewed_people(meeting: Meeting, user: User) -> list[ReviewedPerson]:
    """The people on `meeting`'s list whom `user` may see, each with what the meeting looks
    at: the open flag and its reasons, recent contacts, case notes, open referrals, recent
    overdoses with their follow-ups, the current care plan with its open goals, the latest
    risk assessment and safety plan, and the actions set. A fixed number of queries."""
    visible = service_users_visible_to(user, with_break_glass=False)
    flags = Flag.objects.filter(ended_on__isnull=True).prefetch_related(
        Prefetch("reasons", queryset=FlagReason.objects.order_by("position"))
    )
    return list(
        meeting.reviewed.filter(service_user__in=visible)
        .select_related("service_user", "service_user__keyworker")
        .prefetch_related(
            Prefetch("service_user__flags", queryset=flags, to_attr="open_flags"),
            Prefetch(
                "service_user__contacts",
                queryset=Contact.objects.select_related("staff").order_by("-contact_date", "-id")[
                    :RECENT_CONTACTS
                ],
                to_attr="recent_contacts",
            ),
            Prefetch(
                "service_user__case_notes",
                queryset=CaseNote.objects.select_related("written_by").order_by(
                    "-note_date", "-id"
                )[:RECENT_NOTES],
                to_attr="recent_notes",
            ),
            Prefetch(
                "service_user__onward_referrals",
                queryset=OnwardReferral.objects.filter(outcome="").order_by("follow_up_on"),
                to_attr="open_referrals",
            ),
            Prefetch(
                "service_user__events",
                queryset=Event.objects.filter(kind=EventKind.NON_FATAL_OVERDOSE)
                .select_related("follow_up")
                .order_by("-occurred_on", "-id")[:RECENT_OVERDOSES],
                to_attr="recent_overdoses",
            ),
            Prefetch(
                "service_user__care_plans",
                queryset=CarePlan.objects.filter(superseded_at__isnull=True).prefetch_related(
                    Prefetch(
                        "goals",
                        queryset=PlanGoal.objects.filter(state=GoalState.OPEN).order_by(
                            "by_when", "id"
                        ),
                        to_attr="open_goals",
                    )
                ),
                to_attr="current_plans",
            ),
            Prefetch(
                "service_user__risk_assessments",
                queryset=RiskAssessment.objects.order_by("-assessed_on", "-id")[:1],
                to_attr="latest_assessments",
            ),
            Prefetch(
                "actions",
                queryset=ReviewAction.objects.select_related("owner").order_by("due_on", "id"),
            ),
            Prefetch(
                "partner_contributions",
                queryset=PartnerContribution.objects.select_related("organisation", "updated_by"),
            ),
        )
        .order_by("service_user__last_name", "service_user__first_name", "id")
    )


def reviewed_person_for(
    meeting: Meeting, user: User, external_id: uuid.UUID | str
) -> ReviewedPerson | None:
    visible = service_users_visible_to(user, with_break_glass=False)
    return (
        meeting.reviewed.filter(service_user__in=visible, external_id=external_id)
        .select_related("service_user")
        .first()
    )


def candidates_for(meeting: Meeting, user: User) -> QuerySet[ServiceUser]:
    """Whom a lead may put on a meeting's list: the team's people they may see."""
    return (
        service_users_visible_to(user, with_break_glass=False)
        .filter(team=meeting.team, date_of_death__isnull=True)
        .order_by("last_name", "first_name", "id")
    )


def team_staff(team: Team, on: datetime.date | None = None) -> QuerySet[User]:
    """The staff in `team` today, who may attend its meetings and own its actions."""
    return team_staff_of(Team.objects.filter(pk=team.pk), on)


def team_staff_of(teams: QuerySet[Team], on: datetime.date | None = None) -> QuerySet[User]:
    """The staff in any of `teams` today."""
    day = on or timezone.localdate()
    return (
        User.objects.filter(
            is_active=True, memberships__team__in=teams, memberships__starts_on__lte=day
        )
        .filter(Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=day))
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def my_actions(user: User, *, show: str) -> QuerySet[ReviewAction]:
    """The case review actions `user` owns (open ones unless `show` is "all"), of people
    they may see."""
    visible = service_users_visible_to(user, with_break_glass=False)
    actions = ReviewAction.objects.filter(
        owner=user, reviewed__service_user__in=visible
    ).select_related("reviewed__service_user", "reviewed__meeting", "reviewed__meeting__team")
    if show != "all":
        actions = actions.filter(done_on__isnull=True)
    return actions.order_by("due_on", "id")


def action_for(user: User, external_id: uuid.UUID | str) -> ReviewAction | None:
    """An action `user` may mark done: their own, or one of a meeting of a team they lead."""
    visible = service_users_visible_to(user, with_break_glass=False)
    actions = ReviewAction.objects.filter(
        external_id=external_id, reviewed__service_user__in=visible
    ).select_related("reviewed__service_user", "reviewed__meeting")
    if user.role == Role.TEAM_LEAD:
        actions = actions.filter(Q(owner=user) | Q(reviewed__meeting__team__in=led_teams(user)))
    else:
        actions = actions.filter(owner=user)
    return actions.first()


def actions_due_for_reminder(on: datetime.date) -> QuerySet[ReviewAction]:
    """Open actions due within the next week or overdue, owned by active staff with an
    email address: what the daily reminder lists."""
    return (
        ReviewAction.objects.filter(
            done_on__isnull=True,
            due_on__lte=on + datetime.timedelta(days=REMINDER_DAYS_AHEAD),
            owner__is_active=True,
        )
        .exclude(owner__email="")
        .select_related("owner", "reviewed__meeting")
        .order_by("owner_id", "due_on", "id")
    )


# History --------------------------------------------------------------------------------


def meeting_history(meeting: Meeting, user: User) -> tuple[list[HistoryEntry], int]:
    """Every change to `meeting` and its parts, newest first (`cases.history`): the meeting,
    who attends and which organisations are invited; and for each person on its list whom
    `user` may see, their place on it, the decisions, the actions and the partners'
    contributions. A person the user may not see leaves no entry, whether added, changed or
    taken off the list. With the entries, how many people they name (for the read's audit).
    Four queries, and one for each kind of id the entries name."""
    visible = service_users_visible_to(user, with_break_glass=False)
    seen = list(meeting.reviewed.filter(service_user__in=visible).select_related("service_user"))
    # The meeting's own events and those of every row pointing at it, the list's people
    # among them (any taken off it since too); then the decisions, actions and
    # contributions of the people seen, rows pointing at their places on the list.
    events = {(e.pgh_model, e.pgh_id): e for e in Events.objects.references(meeting)}
    if seen:
        events |= {(e.pgh_model, e.pgh_id): e for e in Events.objects.references(seen)}
    # Whatever the row, an event that names a person is kept only if the user may see them.
    people: set[int] = {
        person
        for e in events.values()
        if (person := (e.pgh_data or {}).get("service_user_id")) is not None
    }
    allowed = set(visible.filter(pk__in=people).values_list("pk", flat=True)) if people else set()
    shown = allowed | {None}
    kept = [e for e in events.values() if (e.pgh_data or {}).get("service_user_id") in shown]
    kept.sort(key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)
    named: dict[tuple[type[Model], Any], str] = {
        (ReviewedPerson, r.pk): r.service_user.display_name for r in seen
    }
    return history_entries(kept, within=Meeting, known=named), len(allowed)


# Partners' contributions --------------------------------------------------------------


def reviewed_for_organisation(organisation: PartnerOrganisation) -> QuerySet[ReviewedPerson]:
    """The people on the meetings `organisation` is invited to. Whether each may be shared
    with it is `partners.selectors.may_share`'s answer, asked by the page."""
    return ReviewedPerson.objects.filter(meeting__invited__organisation=organisation)


def reviewed_with_own_contribution(
    organisation: PartnerOrganisation,
) -> list[tuple[ReviewedPerson, PartnerContribution | None]]:
    """The people on the meetings `organisation` is invited to, the coming meetings first,
    each with the organisation's own contribution if written: two queries."""
    people = list(
        reviewed_for_organisation(organisation)
        .select_related("service_user", "meeting", "meeting__team")
        .order_by("-meeting__status", "-meeting__meets_on", "service_user__last_name", "id")
    )
    own = PartnerContribution.objects.filter(organisation=organisation)
    return with_own_text(people, own, about="reviewed")


def reviewed_for_partner(
    organisation: PartnerOrganisation, external_id: uuid.UUID | str
) -> ReviewedPerson | None:
    """The person on a meeting's list with this id if `organisation` is invited to it."""
    return (
        reviewed_for_organisation(organisation)
        .select_related("service_user", "meeting", "meeting__team")
        .filter(external_id=external_id)
        .first()
    )


def contribution_of(
    reviewed: ReviewedPerson, organisation: PartnerOrganisation
) -> PartnerContribution | None:
    """The organisation's own contribution about the person, if it has written one."""
    return PartnerContribution.objects.filter(reviewed=reviewed, organisation=organisation).first()


def organisations_to_invite(meeting: Meeting) -> QuerySet[PartnerOrganisation]:
    """The active partner organisations not yet invited to contribute to `meeting`."""
    return active_organisations().exclude(case_review_invitations__meeting=meeting)
