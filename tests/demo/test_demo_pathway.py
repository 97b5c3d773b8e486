"""The demo's overdose pathway: overdoses from every kind of notifier, people not yet known,
naloxone beyond the clients, and follow-ups in every state, each as a worker would leave it."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from cases.models import Event, InformationSource, NaloxoneSupply, Team, UnidentifiedPerson, User
from cases.selectors import team_leads
from overdoses.models import CONTACTED_OUTCOMES, Answer, FollowUp, Outcome, Referral
from overdoses.selectors import follow_ups_to_do

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("seed_demo", people=400, seed=11, stdout=io.StringIO(), stderr=io.StringIO())


def overdoses():
    return Event.objects.filter(kind="non_fatal_overdose")


def test_overdoses_come_from_every_kind_of_notifier_with_what_they_could_say(seeded):
    sources = set(overdoses().values_list("information_source", flat=True))

    assert sources >= {
        InformationSource.AMBULANCE,
        InformationSource.EMERGENCY_DEPT,
        InformationSource.POLICE,
        InformationSource.PEER,
        InformationSource.PERSON,
        InformationSource.NALOXONE_KIT,
    }
    assert not overdoses().filter(naloxone_given_by="").exists()
    assert not overdoses().filter(followup_basis="").exists()
    assert overdoses().filter(taken_to_hospital__isnull=True).exists()
    for event in overdoses().order_by("?")[:40]:
        event.full_clean()


def test_every_kit_used_on_its_client_recorded_their_overdose(seeded):
    used = NaloxoneSupply.objects.filter(
        repeat_reason="used_self", service_user__isnull=False
    ).select_related("reported_overdose")

    assert used.exists()
    for supply in used:
        overdose = supply.reported_overdose
        assert overdose.service_user_id == supply.service_user_id
        assert overdose.occurred_on == supply.kit_used_on
        assert overdose.information_source == InformationSource.NALOXONE_KIT


def test_kits_go_to_people_who_are_not_clients_from_every_outlet(seeded):
    others = NaloxoneSupply.objects.filter(service_user__isnull=True)

    assert set(others.values_list("recipient", flat=True)) >= {
        "family_friend",
        "peer",
        "hostel_staff",
    }
    assert set(others.values_list("setting", flat=True)) >= {"hospital", "pharmacy", "outreach"}
    assert not others.filter(team__isnull=True).exists()
    for supply in others.order_by("?")[:20]:
        supply.full_clean()


def test_people_not_yet_known_are_held_by_a_team_and_one_was_linked(seeded):
    people = UnidentifiedPerson.objects.all()

    assert people.count() >= 4
    assert overdoses().filter(service_user__isnull=True).exists()
    (linked,) = people.filter(linked_to__isnull=False)
    assert set(linked.overdoses.values_list("service_user", flat=True)) == {linked.linked_to_id}
    assert linked.overdoses.get().follow_up.owner == linked.linked_to.keyworker


def test_each_team_has_a_duty_worker_and_the_demo_keyworker_covers_theirs(seeded):
    teams = Team.objects.filter(service__name="Lantern Demo Recovery Service")

    assert not teams.filter(duty_worker__isnull=True).exists()
    assert teams.filter(duty_worker__username="keyworker").count() == 1


def test_every_recent_overdose_has_its_follow_up(seeded):
    since = timezone.localdate() - datetime.timedelta(
        days=settings.OVERDOSE_FOLLOW_UP_WITHIN_DAYS - 1
    )
    recent = overdoses().filter(occurred_on__gte=since, service_user__date_of_death__isnull=True)

    assert recent.count() >= 8
    assert not recent.filter(follow_up__isnull=True).exists()


def test_follow_ups_are_open_overdue_escalated_and_closed_with_each_outcome(seeded):
    assert_follow_ups_in_every_state()


# A Monday just after midnight (everything since Friday noon still due), a weekday evening,
# a Saturday, Christmas Eve afternoon and the day after the bank holidays.
AWKWARD_MOMENTS = (
    (2026, 12, 7, 0, 23),
    (2026, 12, 9, 18, 30),
    (2026, 12, 12, 10, 0),
    (2026, 12, 24, 16, 0),
    (2026, 12, 29, 8, 0),
)


@pytest.mark.parametrize("moment", AWKWARD_MOMENTS, ids=lambda m: "{}-{:02}-{:02}T{:02}".format(*m))
def test_a_small_demo_shows_every_follow_up_state_whatever_the_day(moment):
    at = datetime.datetime(*moment, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(at, tick=False):
        call_command("seed_demo", people=120, seed=5, stdout=io.StringIO(), stderr=io.StringIO())
        assert_follow_ups_in_every_state()


def assert_follow_ups_in_every_state():
    now = timezone.now()
    follow_ups = FollowUp.objects.select_related("team")
    open_ = follow_ups.filter(closed_at__isnull=True)
    overdue = open_.filter(due_at__lt=now)

    assert open_.filter(due_at__gte=now).exists()
    assert overdue.exists()
    for follow_up in overdue:
        assert follow_up.escalated_to in team_leads(follow_up.team)
        assert follow_up.escalated_at > follow_up.due_at
    closed = follow_ups.filter(closed_at__isnull=False)
    assert set(closed.values_list("outcome", flat=True)) >= {
        Outcome.MAT_STARTED,
        Outcome.MAT_OFFERED,
        Outcome.NOT_CONTACTABLE,
        Outcome.MAT_DECLINED,
        Outcome.MAT_RESTARTED,
        Outcome.MAT_CONTINUING,
    }
    assert closed.filter(closed_at__lte=now).count() == closed.count()
    assert closed.filter(closed_at__lte=F("due_at")).exists()
    assert closed.filter(closed_at__gt=F("due_at")).exists()


def test_each_closed_follow_up_keeps_the_rules_a_worker_is_held_to(seeded):
    for follow_up in FollowUp.objects.filter(closed_at__isnull=False).prefetch_related("attempts"):
        attempts = list(follow_up.attempts.all())
        assert follow_up.opened_at <= follow_up.closed_at
        assert all(follow_up.opened_at <= a.attempted_at <= follow_up.closed_at for a in attempts)
        if follow_up.outcome in CONTACTED_OUTCOMES:
            assert any(a.reached for a in attempts)
        if follow_up.outcome == Outcome.NOT_CONTACTABLE:
            assert sum(not a.reached for a in attempts) >= settings.OVERDOSE_FOLLOW_UP_ATTEMPTS
            assert not any(a.reached for a in attempts)
        if follow_up.children_in_household == Answer.YES:
            assert Referral.CHILDRENS_SERVICES in follow_up.referrals or follow_up.closing_note
        follow_up.full_clean()


def test_the_demo_keyworker_and_team_lead_have_follow_ups_to_do(seeded):
    for username in ("keyworker", "teamlead"):
        assert follow_ups_to_do(User.objects.get(username=username)).exists(), username


def test_the_same_seed_gives_the_same_pathway(db):
    def pathway():
        return list(
            FollowUp.objects.order_by("overdose__service_user__client_ref", "overdose__occurred_on")
            .exclude(overdose__service_user__isnull=True)
            .values_list("overdose__service_user__client_ref", "outcome", "owner__username")
        )

    call_command("seed_demo", people=150, seed=5, stdout=io.StringIO(), stderr=io.StringIO())
    first = pathway()
    call_command(
        "seed_demo", people=150, seed=5, reset=True, stdout=io.StringIO(), stderr=io.StringIO()
    )

    assert first
    assert pathway() == first
