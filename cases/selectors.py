"""Reads of case records, always through the visibility selector.

`service_users_visible_to(user)` is the one rule for need-to-know access: every
list, detail view and form starts from it, so a record outside a user's scope
simply does not exist for them (and answers 404).
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils import timezone

from cases.access import (
    BREAK_GLASS_ROLES,
    can_browse_people,
    can_reassign,
)
from cases.models import (
    BreakGlassGrant,
    Contact,
    ContactStatus,
    Event,
    EventKind,
    Intervention,
    NaloxoneSupply,
    Reassignment,
    Role,
    SecondFactorAttempt,
    ServiceUser,
    Team,
    TeamMembership,
    TransferRequest,
    TransferStatus,
    TreatmentEpisode,
    UnidentifiedPerson,
    User,
)
from cases.search import names_alike
from cases.validators import normalise_nhs_number

RECENTLY_LEFT_DAYS = 365
NALOXONE_USED_WINDOW_DAYS = 90


class TeamIdRow(TypedDict):
    team_id: int


class PersonIdRow(TypedDict):
    service_user_id: int


def active_team_ids(
    user: User, on: datetime.date | None = None
) -> QuerySet[TeamMembership, TeamIdRow]:
    day = on or timezone.localdate()
    return (
        TeamMembership.objects.filter(user=user, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values("team_id")
    )


def _visible_team_ids(user: User) -> QuerySet[TeamMembership, TeamIdRow] | None:
    """The need-to-know rule: the `team_id`s whose people `user` may see, or None for every team."""
    if not can_browse_people(user):
        return TeamMembership.objects.none().values("team_id")
    if user.role == Role.GOVERNANCE:
        return None
    return active_team_ids(user)


def break_glass_person_ids(
    user: User, at: datetime.datetime | None = None
) -> QuerySet[BreakGlassGrant, PersonIdRow]:
    """The `service_user_id`s of `user`'s break-glass grants running at `at` (now)."""
    moment = at or timezone.now()
    return (
        BreakGlassGrant.objects.filter(user=user, starts_at__lte=moment, expires_at__gt=moment)
        .order_by()
        .values("service_user_id")
    )


def _any_of(column: str, ids: QuerySet[Any, TeamIdRow] | QuerySet[Any, PersonIdRow]) -> Func:
    # `column = ANY(ARRAY(SELECT ...))` rather than `IN (SELECT ...)`: each side
    # of the OR below stays an index scan (each subquery runs once, first),
    # where an OR of two IN-subqueries would read every person.
    return Func(
        F(column),
        ArraySubquery(ids),
        template="(%(expressions)s))",
        arg_joiner=" = ANY(",
        output_field=BooleanField(),
    )


def service_users_visible_to(user: User, *, with_break_glass: bool = True) -> QuerySet[ServiceUser]:
    """Everyone `user` may see: their teams' people, or everyone for governance.

    A keyworker or team lead also sees the people of their running break-glass
    grants (`cases.services.break_glass_grant_create`), unless `with_break_glass`
    is False: lists of people to work (caseloads, the worklist, the not-contacted
    list) pass that, since a grant opens one record for a shift and does not put
    the person on anyone's lists. One query.
    """
    team_ids = _visible_team_ids(user)
    if team_ids is None:
        return ServiceUser.objects.all()
    if team_ids.query.is_empty():
        return ServiceUser.objects.none()
    if user.role not in BREAK_GLASS_ROLES or not with_break_glass:
        return ServiceUser.objects.filter(team_id__in=Subquery(team_ids))
    return ServiceUser.objects.filter(
        Q(_any_of("team_id", team_ids)) | Q(_any_of("id", break_glass_person_ids(user)))
    )


def people_searchable_by(user: User) -> QuerySet[ServiceUser]:
    """Everyone the search box looks through: every person `user` may open
    (`service_users_visible_to`), but not those reached through break-glass, which
    opens one record for a shift and keeps the person off the user's lists. The
    widest caseload of each role is exactly this (`caseload_people`)."""
    return service_users_visible_to(user, with_break_glass=False)


def possible_duplicates(
    user: User,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    nhs_number: str = "",
) -> list[ServiceUser]:
    """The people in `user`'s scope (`people_searchable_by`) who may be the person
    about to be added: the same NHS number, or the same date of birth and a name
    alike (`cases.search.names_alike`). One query, then names compared in Python."""
    same = Q(date_of_birth=date_of_birth)
    if nhs_number:
        same |= Q(nhs_number=nhs_number)
    candidates = people_searchable_by(user).filter(same).select_related("keyworker", "team")
    return [
        person
        for person in candidates.order_by("last_name", "first_name", "pk")
        if (nhs_number and person.nhs_number == nhs_number)
        or any(
            names_alike(first_name, last_name, given, person.last_name)
            for given in (person.first_name, person.preferred_name)
            if given
        )
    ]


def service_user_holding_nhs_number(nhs_number: str) -> ServiceUser | None:
    """The person anywhere in the service with this NHS number. Deliberately not
    limited by scope: for `cases.services.nhs_number_claim`, which tells the
    user nothing of the answer."""
    if not nhs_number:
        return None
    return ServiceUser.objects.select_related("team").filter(nhs_number=nhs_number).first()


def transfer_requests_for(user: User, *, pending: bool) -> QuerySet[TransferRequest]:
    """Transfer requests for people of the teams `user` leads: waiting (oldest first),
    or answered (newest first)."""
    requests = TransferRequest.objects.filter(from_team__in=teams_led_by(user)).select_related(
        "service_user", "from_team", "to_team", "to_keyworker", "requested_by", "answered_by"
    )
    if pending:
        return requests.filter(status=TransferStatus.PENDING).order_by("requested_at", "pk")
    return requests.exclude(status=TransferStatus.PENDING).order_by("-answered_at", "-pk")


def transfer_request_get(user: User, external_id: uuid.UUID) -> TransferRequest:
    """A transfer request for a person of a team `user` leads; 404 otherwise."""
    transfer = (
        TransferRequest.objects.filter(from_team__in=teams_led_by(user), external_id=external_id)
        .select_related("service_user", "to_team")
        .first()
    )
    if transfer is None:
        raise Http404("No such transfer request")
    return transfer


def unidentified_people_visible_to(user: User) -> QuerySet[UnidentifiedPerson]:
    """The people not yet known whose overdoses `user` may see: those held by their teams
    (every one for governance), under the same need-to-know rule as the people they may be."""
    team_ids = _visible_team_ids(user)
    if team_ids is None:
        return UnidentifiedPerson.objects.all()
    return UnidentifiedPerson.objects.filter(team_id__in=Subquery(team_ids))


def team_ids_visible_to(user: User) -> frozenset[int] | None:
    """The teams whose people `user` may see, as ids: None means every team."""
    team_ids = _visible_team_ids(user)
    if team_ids is None:
        return None
    return frozenset(team_ids.values_list("team_id", flat=True))


def service_user_by_exact_reference(reference: str) -> ServiceUser | None:
    """The one person whose client reference or NHS number is exactly `reference`.

    For break-glass and governance look-ups: no partial match, no browsing.
    Deliberately not limited by `service_users_visible_to` (finding someone
    outside one's teams is the point); callers decide what to show.
    """
    text = (reference or "").strip()
    if not text:
        return None
    digits = normalise_nhs_number(text)
    match = Q(client_ref=text) | Q(client_ref=text.upper())
    if digits.isdigit() and len(digits) == 10:
        match |= Q(nhs_number=digits)
    people = list(ServiceUser.objects.filter(match)[:2])
    return people[0] if len(people) == 1 else None


def break_glass_grants_for_review(*, reviewed: bool) -> QuerySet[BreakGlassGrant]:
    """Break-glass uses for governance: waiting for review (oldest first) or reviewed."""
    grants = BreakGlassGrant.objects.select_related(
        "user", "service_user", "service_user__team", "reviewed_by"
    ).filter(reviewed_at__isnull=not reviewed)
    return grants.order_by("-reviewed_at") if reviewed else grants.order_by("starts_at")


class WrongCodesRow(TypedDict):
    """One row of `second_factor_wrong_codes`."""

    username: str
    remote_addr: str | None
    session_digest: str
    wrong: int
    first_at: datetime.datetime
    last_at: datetime.datetime
    got_in: bool


def second_factor_wrong_codes() -> QuerySet[SecondFactorAttempt, WrongCodesRow]:
    """Wrong second-factor codes for governance, one row per account, address and session,
    latest first: how many, first and last, and whether that session then got in."""
    got_in = SecondFactorAttempt.objects.filter(
        session_digest=OuterRef("session_digest"), accepted=True
    )
    return (
        SecondFactorAttempt.objects.filter(accepted=False)
        .values("username", "remote_addr", "session_digest")
        .annotate(wrong=Count("id"), first_at=Min("at"), last_at=Max("at"), got_in=Exists(got_in))
        .order_by("-last_at", "username")
    )


def _latest_episode(field: str) -> Subquery:
    return Subquery(
        TreatmentEpisode.objects.filter(service_user=OuterRef("pk"))
        .order_by("-referral_date", "-id")
        .values(field)[:1]
    )


def with_caseload_columns(people: QuerySet[ServiceUser]) -> QuerySet[ServiceUser]:
    """Annotate what a caseload row shows, in the same single query for any page size."""
    today = timezone.localdate()
    latest_supply = NaloxoneSupply.objects.filter(service_user=OuterRef("pk")).order_by(
        "-supplied_on", "-id"
    )
    return people.annotate(
        episode_start=_latest_episode("start_date"),
        episode_referral=_latest_episode("referral_date"),
        main_substance=_latest_episode("substance_1__name"),
        main_substance_category=_latest_episode("substance_1__category"),
        left_on=_latest_episode("discharge_date"),
        left_unplanned=_latest_episode("discharge_reason__is_unplanned_exit"),
        left_reason=_latest_episode("discharge_reason__label"),
        last_contact=Subquery(
            Contact.objects.filter(service_user=OuterRef("pk"), status=ContactStatus.ATTENDED)
            .order_by("-contact_date")
            .values("contact_date")[:1],
            output_field=DateField(),
        ),
        naloxone_expiry=Subquery(latest_supply.values("expiry_date")[:1], output_field=DateField()),
        naloxone_used_recently=_naloxone_used_since(
            today - datetime.timedelta(days=NALOXONE_USED_WINDOW_DAYS)
        ),
    )


def _naloxone_used_since(day: datetime.date) -> ExpressionWrapper:
    """Naloxone used on or after `day`: a kit replaced because it was used (on the person or
    on someone else), or an overdose of the person at which naloxone was given. Either
    usually means an overdose happened."""
    kit_used = Exists(
        NaloxoneSupply.objects.filter(
            service_user=OuterRef("pk"),
            repeat_reason__in=NaloxoneSupply.USED_REASONS,
            supplied_on__gte=day,
        )
    )
    given_at_overdose = Exists(
        Event.objects.filter(
            service_user=OuterRef("pk"),
            kind=EventKind.NON_FATAL_OVERDOSE,
            naloxone_doses__gt=0,
            occurred_on__gte=day,
        )
    )
    return ExpressionWrapper(kit_used | given_at_overdose, output_field=BooleanField())


def in_caseload_window(people: QuerySet[ServiceUser], status: str = "") -> QuerySet[ServiceUser]:
    """Keep people in treatment and those who left in the last 12 months.

    `status` narrows to "in_treatment" or "recently_left". Needs `left_on`
    from `with_caseload_columns`.
    """
    cutoff = timezone.localdate() - datetime.timedelta(days=RECENTLY_LEFT_DAYS)
    in_treatment = Q(left_on__isnull=True)
    recently_left = Q(left_on__gte=cutoff)
    if status == "in_treatment":
        return people.filter(in_treatment)
    if status == "recently_left":
        return people.filter(recently_left)
    return people.filter(in_treatment | recently_left)


def caseload_people(user: User, scope: str) -> QuerySet[ServiceUser]:
    """The people on one of `user`'s caseload lists, before filtering and columns: never
    those reached for a while through break-glass."""
    people = people_searchable_by(user)
    if scope == "mine":
        return people.filter(keyworker=user)
    return people.select_related("keyworker")


# A person's current episode: the open one, or else the most recently discharged. As an
# ordering, for a query taking the first row (per person with DISTINCT ON), and as a key for
# episodes already read. PostgreSQL sorts NULL last in ascending order, so the open episode
# (no discharge date) is put first explicitly.
CURRENT_EPISODE_FIRST = (F("discharge_date").desc(nulls_first=True), "-referral_date", "-id")


def current_episode(episodes: Iterable[TreatmentEpisode]) -> TreatmentEpisode | None:
    """The first of `episodes` by `CURRENT_EPISODE_FIRST`, from episodes already read."""
    return max(
        episodes,
        key=lambda e: (
            e.discharge_date is None,
            e.discharge_date or datetime.date.min,
            e.referral_date,
            e.pk,
        ),
        default=None,
    )


class ServiceUserHistory(TypedDict):
    """Everything on a person's record, by kind (made by `service_user_history`)."""

    episodes: list[TreatmentEpisode]
    interventions: list[Intervention]
    events: list[Event]
    contacts: list[Contact]
    naloxone_supplies: list[NaloxoneSupply]
    reassignments: list[Reassignment]


def service_user_history(person: ServiceUser) -> ServiceUserHistory:
    """Everything on a person's record, each kind in one query."""
    episodes = list(
        person.episodes.select_related(
            "substance_1", "substance_2", "substance_3", "discharge_reason"
        )
    )
    interventions = list(
        Intervention.objects.filter(episode__service_user=person).select_related("episode")
    )
    events = list(Event.objects.filter(service_user=person))
    contacts = list(Contact.objects.filter(service_user=person).select_related("staff"))
    supplies = list(NaloxoneSupply.objects.filter(service_user=person))
    moves = list(
        Reassignment.objects.filter(service_user=person).select_related(
            "from_keyworker", "to_keyworker", "reassigned_by"
        )
    )
    return {
        "episodes": episodes,
        "interventions": interventions,
        "events": events,
        "contacts": contacts,
        "naloxone_supplies": supplies,
        "reassignments": moves,
    }


@dataclass(frozen=True)
class NaloxoneStatus:
    """A person's naloxone position in words, and whether it calls for action."""

    words: str
    alert: bool


def naloxone_status(
    *,
    expiry: datetime.date | None,
    used_recently: bool,
    uses_opioids: bool,
    on: datetime.date,
) -> NaloxoneStatus:
    """The derived states in the domain notes: naloxone used in the last 90 days (usually an
    overdose), no kit on record, kit expired, kit held. A missing or expired kit is an alert
    only for someone who uses opioids; for anyone else a kit is not needed."""
    if expiry is None:
        kit = "No kit on record"
    elif expiry < on:
        kit = f"Kit expired {expiry:%d/%m/%Y}"
    else:
        kit = f"Kit held, expires {expiry:%d/%m/%Y}"
    if used_recently:
        return NaloxoneStatus(f"Naloxone used in the last 90 days. {kit}", alert=True)
    if expiry is not None and expiry >= on:
        return NaloxoneStatus(kit, alert=False)
    if not uses_opioids:
        return NaloxoneStatus("Not needed: no opioid use on record", alert=False)
    return NaloxoneStatus(kit, alert=True)


# --- Team caseloads: sizes against the cap, for team leads ------------------------------

CASELOAD_HOLDING_ROLES = (Role.KEYWORKER, Role.TEAM_LEAD)


@dataclass(frozen=True)
class CaseloadSize:
    """How many people a keyworker holds in a team, against the team's cap."""

    keyworker: User
    size: int
    cap: int

    @property
    def over_by(self) -> int:
        return max(self.size - self.cap, 0)

    @property
    def places_left(self) -> int:
        return max(self.cap - self.size, 0)


def teams_led_by(user: User) -> QuerySet[Team]:
    """The teams whose caseloads `user` manages: their current teams, if they lead."""
    if not can_reassign(user):
        return Team.objects.none()
    return Team.objects.filter(id__in=active_team_ids(user)).order_by("name")


def leads_team(user: User, team_id: int) -> bool:
    """Whether `user` manages the caseloads of the team `team_id` (one query for a team
    lead, none for anyone else)."""
    return can_reassign(user) and teams_led_by(user).filter(pk=team_id).exists()


def team_keyworkers(team: Team) -> QuerySet[User]:
    """The current members of `team` who may hold a caseload."""
    return User.objects.filter(
        is_active=True,
        role__in=CASELOAD_HOLDING_ROLES,
        id__in=TeamMembership.objects.filter(team=team, starts_on__lte=timezone.localdate())
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate()))
        .values("user_id"),
    ).order_by("last_name", "first_name")


def team_leads(team: Team) -> QuerySet[User]:
    """The current team leads of `team`, in name order."""
    return User.objects.filter(
        is_active=True,
        role=Role.TEAM_LEAD,
        id__in=TeamMembership.objects.filter(team=team, starts_on__lte=timezone.localdate())
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate()))
        .values("user_id"),
    ).order_by("last_name", "first_name", "id")


def held_people(team: Team) -> QuerySet[ServiceUser]:
    """The people a keyworker holds in `team`: the same window as their caseload list."""
    people = ServiceUser.objects.filter(team=team, keyworker__isnull=False)
    return in_caseload_window(people.annotate(left_on=_latest_episode("discharge_date")))


def caseload_sizes(team: Team) -> list[CaseloadSize]:
    """Every keyworker of `team` with the number they hold, in two queries for any team size."""
    counts = dict(
        held_people(team)
        .order_by()
        .values_list("keyworker_id")
        .annotate(size=Count("id"))
        .values_list("keyworker_id", "size")
    )
    return [
        CaseloadSize(keyworker=keyworker, size=counts.get(keyworker.pk, 0), cap=team.caseload_cap)
        for keyworker in team_keyworkers(team)
    ]


def caseload_size(keyworker: User, team: Team) -> int:
    return held_people(team).filter(keyworker=keyworker).count()


def recent_reassignments(team: Team, limit: int = 10) -> list[Reassignment]:
    return list(
        Reassignment.objects.filter(team=team).select_related(
            "service_user", "from_keyworker", "to_keyworker", "reassigned_by", "from_team"
        )[:limit]
    )
