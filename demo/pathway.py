"""The overdose pathway in the demo: duty workers, people not yet known, and follow-ups in
every state, made after the population is loaded.

Each team gets a duty worker (the demo keyworker for theirs). A few overdoses of people
the service does not yet know are recorded through the same service as the header's form
(`cases.unknown_people`), held by each team, and one of those people is later linked to a
record (`overdoses.services.follow_ups_link_person`). The follow-up of every recent
overdose is opened by the sweep's own service (`follow_ups_open_missing`), which chooses
the owner and the due time as the app does; the demo then dates each one from its
overdose's notification and gives it a story: still open and due, overdue and escalated
to a team lead, or closed on time or late with each kind of outcome, its attempts and its
safeguarding answers, keeping every rule `follow_up_close` holds a worker to.

Deterministic: the same population and seed on the same day give the same pathway.
"""

import datetime
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Event, EventKind, InformationSource, NaloxoneGiver, Sex, Team, User
from cases.models.people import ServiceUser
from cases.selectors import team_keyworkers, team_leads
from cases.unknown_people import unidentified_overdose_record
from overdoses import services as overdose_services
from overdoses.models import Answer, AttemptMethod, FollowUp, FollowUpAttempt, Outcome, Referral
from overdoses.schedule import follow_up_due

# What a notifier could say about someone the service did not know: invented descriptions.
NOT_YET_KNOWN = (
    ("Known as Tash; woman about 30, red scarf", 30, Sex.FEMALE, "Bus station toilets"),
    ("Man in his 40s, Scottish accent, grey parka", 45, Sex.MALE, "Doorway on Market Street"),
    ("'Deano'; sleeps by the canal", 38, Sex.MALE, "Canal towpath"),
    ("Young man, about 20, no name given", 20, Sex.MALE, "Hostel, room 4"),
)
PER_TEAM = 2
# Who told the service of each person not yet known, in turn.
NOTIFIERS = (
    (InformationSource.AMBULANCE, NaloxoneGiver.AMBULANCE, True),
    (InformationSource.POLICE, NaloxoneGiver.POLICE, None),
    (InformationSource.PEER, NaloxoneGiver.PEER, False),
    (InformationSource.EMERGENCY_DEPT, NaloxoneGiver.NOT_KNOWN, True),
)

# The stories of follow-ups whose due time has passed, dealt out in turn so that even a
# small demo shows each of them.
OVERDUE = "overdue"
LATE = "closed late"
PAST_DUE_STORIES = (
    Outcome.MAT_STARTED,
    OVERDUE,
    Outcome.NOT_CONTACTABLE,
    Outcome.MAT_OFFERED,
    Outcome.MAT_RESTARTED,
    LATE,
    Outcome.MAT_DECLINED,
    Outcome.MAT_CONTINUING,
    OVERDUE,
    Outcome.MAT_STARTED,
)
STORIES = len(set(PAST_DUE_STORIES))
# An overdose at least this many days old has a follow-up past its due time whatever the
# day: the longest run of days that are not working days (Christmas to a substitute bank
# holiday) is four, and the service hears within a day.
SURELY_PAST_DUE_DAYS = 7
CONTACTED = (
    Outcome.MAT_OFFERED,
    Outcome.MAT_STARTED,
    Outcome.MAT_RESTARTED,
    Outcome.MAT_CONTINUING,
    Outcome.MAT_DECLINED,
)
REACHED_BY = (AttemptMethod.PHONE, AttemptMethod.VISIT, AttemptMethod.HOSPITAL)
MISSED_BY = (AttemptMethod.PHONE, AttemptMethod.TEXT, AttemptMethod.VISIT, AttemptMethod.PARTNER)


@dataclass
class PathwayResult:
    duty_workers: int
    not_yet_known: int
    linked: int
    follow_ups: dict[str, int]

    def summary(self) -> str:
        states = ", ".join(f"{count} {state}" for state, count in self.follow_ups.items())
        return (
            f"Overdose pathway: follow-ups {states}; {self.not_yet_known} people not yet known "
            f"({self.linked} since linked to a record); a duty worker in {self.duty_workers} "
            "teams."
        )


def seed_pathway(*, teams: list[Team], seed: int, now: datetime.datetime) -> PathwayResult:
    rng = np.random.default_rng([seed, 7])
    with transaction.atomic():
        duty = _duty_workers(teams)
        someone_count, linked = _not_yet_known(teams, duty, rng, now)
        overdose_services.follow_ups_open_missing(now=now)
        someone_count += _enough_past_due(teams, duty, rng, now)
        states = _follow_up_stories(teams, rng, now)
    return PathwayResult(len(duty), someone_count, linked, states)


def _duty_workers(teams: list[Team]) -> dict[int, User]:
    """The demo keyworker covers duty for their team; elsewhere the first keyworker by name."""
    duty: dict[int, User] = {}
    for team in teams:
        workers = list(team_keyworkers(team).filter(role="keyworker"))
        chosen = next((w for w in workers if w.username == "keyworker"), None)
        chosen = chosen or (workers[0] if workers else None)
        if chosen is not None:
            team.duty_worker = chosen
            team.save(update_fields=["duty_worker"])
            duty[team.pk] = chosen
    return duty


def _not_yet_known(teams, duty, rng, now) -> tuple[int, int]:
    """Overdoses of people not yet known, through the header form's service; the first
    team's first such person is then linked to one of its records. Each team's first is
    heard of now, so every team has a follow-up open and not yet due whatever the day."""
    today = timezone.localdate(now)
    recorded = []
    for t, team in enumerate(teams):
        recorder = duty.get(team.pk)
        if recorder is None:
            continue
        for k in range(PER_TEAM):
            index = t * PER_TEAM + k
            if k == 0:
                day, hour = today, timezone.localtime(now).hour
            else:
                days_ago = int(rng.integers(0, 7))
                # Today's overdose happened before now.
                hour = int(rng.integers(0, 24 if days_ago else timezone.localtime(now).hour + 1))
                day = today - datetime.timedelta(days=days_ago)
            recorded.append(_record_not_yet_known(team, recorder, index, day, hour))
    linked = 0
    if recorded:
        first = recorded[0]
        someone = first.unidentified_person
        record = (
            ServiceUser.objects.filter(
                team=someone.team, date_of_death__isnull=True, keyworker__isnull=False
            )
            .exclude(events__kind=EventKind.NON_FATAL_OVERDOSE)
            .order_by("client_ref")
            .first()
        )
        if record is not None:
            overdose_services.follow_ups_link_person(
                someone=someone, service_user=record, linked_by=duty[someone.team_id]
            )
            linked = 1
    return len(recorded), linked


def _record_not_yet_known(team, recorder, index: int, day: datetime.date, hour: int) -> Event:
    description, age, sex, place = NOT_YET_KNOWN[index % len(NOT_YET_KNOWN)]
    source, giver, hospital = NOTIFIERS[index % len(NOTIFIERS)]
    return unidentified_overdose_record(
        team=team,
        recorded_by=recorder,
        person={"description": description, "approximate_age": age, "sex": sex},
        overdose={
            "occurred_on": day,
            "occurred_at_time": datetime.time(hour, 0),
            "place": place,
            "substances_suspected": ["opioids"],
            "naloxone_given_by": giver,
            "naloxone_doses": 2 if giver != NaloxoneGiver.NOT_KNOWN else None,
            "responders": ["ambulance"] if hospital else ["peer"],
            "taken_to_hospital": hospital,
            "information_source": source,
            "followup_basis": "vital_interests",
        },
    )


def _enough_past_due(teams, duty, rng, now) -> int:
    """Older overdoses of people not yet known, until enough follow-ups are surely past due
    for every story to be dealt however few the population's overdoses: how many."""
    today = timezone.localdate(now)
    settled = today - datetime.timedelta(days=SURELY_PAST_DUE_DAYS)
    past_due = FollowUp.objects.filter(team__in=teams, overdose__occurred_on__lte=settled)
    recorders = [(team, duty[team.pk]) for team in teams if team.pk in duty]
    oldest = settings.OVERDOSE_FOLLOW_UP_WITHIN_DAYS - 1
    if not recorders or oldest < SURELY_PAST_DUE_DAYS:
        return 0
    short = STORIES - past_due.count()
    for n in range(short):
        team, recorder = recorders[n % len(recorders)]
        days_ago = int(rng.integers(SURELY_PAST_DUE_DAYS, oldest + 1))
        day = today - datetime.timedelta(days=days_ago)
        _record_not_yet_known(team, recorder, n, day, int(rng.integers(0, 24)))
    if short > 0:
        overdose_services.follow_ups_open_missing(now=now)
    return max(short, 0)


def _notified_at(event: Event, rng, now: datetime.datetime) -> datetime.datetime:
    """When the service heard: a few hours after the overdose, never after now."""
    at = event.occurred_at_time or datetime.time(10, 0)
    happened = timezone.make_aware(datetime.datetime.combine(event.occurred_on, at))
    return min(happened + datetime.timedelta(hours=int(rng.integers(1, 20))), now)


def _follow_up_stories(teams, rng, now) -> dict[str, int]:
    leads = {team.pk: team_leads(team).first() for team in teams}
    follow_ups = list(
        FollowUp.objects.filter(team__in=teams)
        .select_related("overdose", "owner")
        .order_by("team_id", "overdose__occurred_on", "overdose_id")
    )
    attempts: list[FollowUpAttempt] = []
    counts = {"open and due": 0, OVERDUE: 0, "closed on time": 0, LATE: 0}
    dealt = 0
    for follow_up in follow_ups:
        opened = _notified_at(follow_up.overdose, rng, now)
        follow_up.opened_at = opened
        follow_up.due_at = follow_up_due(opened)
        if follow_up.due_at > now:
            counts["open and due"] += 1
            if rng.random() < 0.4:
                attempts.append(_attempt(follow_up, opened, now, rng, reached=False))
            continue
        story = PAST_DUE_STORIES[dealt % len(PAST_DUE_STORIES)]
        dealt += 1
        if story == OVERDUE:
            follow_up.escalated_at = follow_up.due_at + datetime.timedelta(minutes=15)
            follow_up.escalated_to = leads.get(follow_up.team_id)
            attempts.append(_attempt(follow_up, opened, follow_up.due_at, rng, reached=False))
            counts[OVERDUE] += 1
            continue
        late = story == LATE
        outcome = Outcome.MAT_DECLINED if late else story
        closed = _closing_time(follow_up, now, rng, late)
        if late:
            # Escalated at the due time, then closed by the owner.
            follow_up.escalated_at = follow_up.due_at + datetime.timedelta(minutes=15)
            follow_up.escalated_to = leads.get(follow_up.team_id)
        attempts += _attempts_before_closing(follow_up, opened, closed, outcome, rng)
        _close(follow_up, outcome, closed, rng)
        counts[LATE if late else "closed on time"] += 1
    FollowUp.objects.bulk_update(
        follow_ups,
        [
            "opened_at",
            "due_at",
            "escalated_at",
            "escalated_to",
            "outcome",
            "children_in_household",
            "naloxone_supplied",
            "referrals",
            "closing_note",
            "closed_at",
            "closed_by",
        ],
    )
    FollowUpAttempt.objects.bulk_create(attempts)
    return counts


def _closing_time(follow_up, now, rng, late: bool) -> datetime.datetime:
    opened, due = follow_up.opened_at, follow_up.due_at
    if late:
        return min(due + datetime.timedelta(hours=int(rng.integers(18, 60))), now)
    span = max((due - opened).total_seconds(), 60.0)
    return opened + datetime.timedelta(seconds=float(rng.uniform(0.3, 0.95)) * span)


def _attempt(follow_up, earliest, latest, rng, *, reached: bool) -> FollowUpAttempt:
    span = max((latest - earliest).total_seconds(), 60.0)
    methods = REACHED_BY if reached else MISSED_BY
    return FollowUpAttempt(
        follow_up=follow_up,
        attempted_at=earliest + datetime.timedelta(seconds=float(rng.uniform(0.1, 0.9)) * span),
        method=methods[int(rng.integers(0, len(methods)))],
        reached=reached,
        notes="" if reached else "No answer; left a message.",
        recorded_by=follow_up.owner,
    )


def _attempts_before_closing(follow_up, opened, closed, outcome, rng) -> list[FollowUpAttempt]:
    """Attempts that let it close as `follow_up_close` requires: a reached one for a
    contacted outcome, at least three unanswered ones for not contactable."""
    if outcome == Outcome.NOT_CONTACTABLE:
        return sorted(
            (_attempt(follow_up, opened, closed, rng, reached=False) for _ in range(3)),
            key=lambda attempt: attempt.attempted_at,
        )
    missed = [
        _attempt(follow_up, opened, closed, rng, reached=False)
        for _ in range(int(rng.integers(0, 3)))
    ]
    reached = _attempt(follow_up, opened, closed, rng, reached=True)
    reached.attempted_at = max([reached.attempted_at, *(a.attempted_at for a in missed)])
    reached.notes = "Spoke to them; talked through what happened and what could help."
    return [*missed, reached]


def _close(follow_up: FollowUp, outcome: str, closed: datetime.datetime, rng) -> None:
    children = (Answer.NO, Answer.YES, Answer.NOT_KNOWN)[
        int(np.searchsorted(np.cumsum((0.7, 0.15, 0.15)), rng.random()))
    ]
    referrals: list[str] = []
    note = ""
    if children == Answer.YES:
        referrals.append(Referral.CHILDRENS_SERVICES)
    if outcome in CONTACTED and rng.random() < 0.4:
        referrals.append(
            (Referral.GP, Referral.HOUSING, Referral.MENTAL_HEALTH)[int(rng.integers(0, 3))]
        )
    if outcome == Outcome.NOT_CONTACTABLE:
        referrals.append(Referral.ADULT_PROTECTION)
        note = "Three tries with no answer; adult protection told, as they may be at risk."
    follow_up.outcome = outcome
    follow_up.children_in_household = children
    follow_up.naloxone_supplied = outcome in CONTACTED and rng.random() < 0.5
    follow_up.referrals = referrals
    follow_up.closing_note = note
    follow_up.closed_at = closed
    follow_up.closed_by = follow_up.owner
