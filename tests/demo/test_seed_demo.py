"""The synthetic population: valid by every model rule, reproducible, and covering the risk situations."""

import datetime
import hashlib
import io

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from cases.models import (
    Contact,
    Event,
    Intervention,
    NaloxoneSupply,
    Role,
    ServiceUser,
    TreatmentEpisode,
    User,
)
from cases.selectors import caseload_people, in_caseload_window, with_caseload_columns
from demo import DEMO_LOGINS, DEMO_PASSWORD
from demo.history import RUNS_DAYS_AGO
from outcomes.models import Stage, TopAssessment
from risk.models import Flag, OutreachAttempt, RecomputeRun
from risk.selectors import uncontacted_flags

pytestmark = pytest.mark.django_db

MODELS = [
    ServiceUser,
    TreatmentEpisode,
    Intervention,
    Event,
    Contact,
    NaloxoneSupply,
    TopAssessment,
]


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    seed(people=400, seed=11)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def test_every_seeded_row_passes_the_models_own_validation(seeded):
    for model in MODELS:
        rows = list(model.objects.order_by("?")[:60])
        assert rows, model
        for row in rows:
            row.full_clean()


def test_the_tops_keep_the_stage_rules(seeded):
    for episode in TreatmentEpisode.objects.prefetch_related("top_assessments"):
        tops = list(episode.top_assessments.all())
        starts = [t for t in tops if t.stage == Stage.START]
        assert len(starts) <= 1
        for top in tops:
            assert top.top_date >= episode.referral_date
            if top.stage == Stage.REVIEW:
                assert starts
                assert top.top_date >= starts[0].top_date
            if top.stage == Stage.POST_EXIT:
                assert episode.discharge_date
                assert top.top_date >= episode.discharge_date


def test_there_is_one_demo_login_per_role_with_the_printed_password(seeded):
    for username, role in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser


def test_the_demo_keyworker_holds_about_sixty_people(seeded):
    keyworker = User.objects.get(username="keyworker")
    people = in_caseload_window(with_caseload_columns(caseload_people(keyworker, "mine")))

    assert 50 <= people.count() <= 60


def test_the_population_includes_every_risk_situation(seeded):
    events = Event.objects
    ost = Intervention.objects.filter(kind="pharmacological")
    situations = {
        "prison release in 14 days": events.filter(
            kind="prison_release", occurred_on__gte=days_ago(14)
        ),
        "prison release 15-28 days": events.filter(
            kind="prison_release", occurred_on__range=(days_ago(28), days_ago(15))
        ),
        "OST stopped in 28 days": ost.filter(end_date__gte=days_ago(28)),
        "OST started in 14 days": ost.filter(start_date__gte=days_ago(14)),
        "hospital discharge in 28 days": events.filter(
            kind="hospital_discharge", occurred_on__gte=days_ago(28)
        ),
        "detox or residential in 120 days": events.filter(
            kind__in=["detox_completed", "residential_completed"], occurred_on__gte=days_ago(120)
        ),
        "overdose in 90 days": events.filter(
            kind="non_fatal_overdose", occurred_on__gte=days_ago(90)
        ),
        "bereavement": events.filter(kind="bereavement"),
        "child removed": events.filter(kind="child_removed"),
        "opioids with benzodiazepines": TreatmentEpisode.objects.filter(
            Q(substance_2__category="benzodiazepine") | Q(substance_3__category="benzodiazepine"),
            substance_1__category="opioid",
        ),
        "opioids with gabapentinoids": TreatmentEpisode.objects.filter(
            Q(substance_2__category="gabapentinoid") | Q(substance_3__category="gabapentinoid"),
            substance_1__category="opioid",
        ),
        "currently injecting": TreatmentEpisode.objects.filter(injecting_status="current"),
        "no fixed abode": TreatmentEpisode.objects.filter(accommodation_need="urgent"),
        "co-existing mental health need": TreatmentEpisode.objects.filter(dual_diagnosis=True),
        "missed appointments": Contact.objects.filter(status="dna"),
        "unplanned exit in the last year": TreatmentEpisode.objects.filter(
            discharge_reason__is_unplanned_exit=True, discharge_date__gte=days_ago(365)
        ),
        "lives alone": ServiceUser.objects.filter(lives_alone=True),
        "no naloxone kit": ServiceUser.objects.filter(naloxone_supplies__isnull=True),
    }
    missing = [name for name, rows in situations.items() if not rows.exists()]

    assert missing == []


def fingerprint() -> str:
    rows = ServiceUser.objects.order_by("client_ref").values_list(
        "client_ref", "first_name", "last_name", "date_of_birth", "nhs_number"
    )
    episodes = TreatmentEpisode.objects.order_by(
        "service_user__client_ref", "referral_date"
    ).values_list("service_user__client_ref", "referral_date", "discharge_date")
    return hashlib.sha256(repr((list(rows), list(episodes))).encode()).hexdigest()


def test_the_same_seed_gives_the_same_people_and_another_seed_does_not(db):
    seed(people=150, seed=5)
    first = fingerprint()
    seed(people=150, seed=5, reset=True)
    assert fingerprint() == first

    seed(people=150, seed=6, reset=True)
    assert fingerprint() != first


def test_if_empty_leaves_existing_data_alone(seeded):
    before = ServiceUser.objects.count()

    output = seed(people=50, if_empty=True)

    assert "left the data as it is" in output
    assert ServiceUser.objects.count() == before


def test_nobody_in_the_demo_is_a_real_nhs_number(seeded):
    numbers = ServiceUser.objects.exclude(nhs_number="").values_list("nhs_number", flat=True)

    assert numbers
    assert all(n.startswith("999") for n in numbers)


def test_staff_have_the_roles_the_teams_need(seeded):
    assert User.objects.filter(role=Role.KEYWORKER, memberships__isnull=False).exists()
    assert User.objects.filter(role=Role.TEAM_LEAD, memberships__isnull=False).exists()


@pytest.mark.django_db
def test_the_demo_commissioner_belongs_to_an_api_client(client_as):

    call_command("seed_demo", people=20, seed=5, stdout=io.StringIO(), stderr=io.StringIO())

    commissioner = User.objects.get(username="commissioner")
    assert commissioner.api_client.name == "Demo Commissioning"
    assert client_as(commissioner).get("/api/v1/extracts/people/").status_code == 200


def test_the_demo_files_reviews_in_different_states(seeded):
    from deathreviews.dashboard import dashboard, default_period
    from deathreviews.models import Review, ReviewAction, ReviewStatus
    from deathreviews.selectors import bulletin_entries

    reviews = list(Review.objects.select_related("snapshot", "service_user"))
    known = [r for r in reviews if r.service_user_id and r.is_death]

    assert {r.status for r in reviews} >= {
        ReviewStatus.GATHERING,
        ReviewStatus.READY,
        ReviewStatus.PANEL_HELD,
        ReviewStatus.SIGNED_OFF,
        ReviewStatus.CLOSED,
    }
    assert len(known) == 3
    assert all(r.snapshot.data["flags"] for r in known)
    assert all(r.service_user.date_of_death == r.occurred_on for r in known)
    assert any(r.service_user_id is None for r in reviews)
    assert any(r.kind == "near_fatal" for r in reviews)
    today = timezone.localdate()
    actions = ReviewAction.objects.filter(status__in=["open", "in_progress"])
    assert actions.filter(due_on__lt=today).exists()
    assert actions.filter(due_on__gte=today).exists()
    assert len(bulletin_entries()) == 3
    governance = User.objects.get(username="governance")
    figures = dashboard(governance, *default_period())
    assert figures["track"]["windows"][0]["flagged"] >= 1


def test_the_demo_reviews_are_the_same_for_the_same_seed(db):
    from deathreviews.models import Review

    def reviews():
        return list(
            Review.objects.order_by("reference").values_list(
                "reference", "kind", "status", "occurred_on", "service_user__client_ref"
            )
        )

    seed(people=400, seed=11)
    first = reviews()
    seed(people=400, seed=11, reset=True)

    assert reviews() == first


def test_without_reviews_loads_the_population_alone(db):
    from deathreviews.models import Review

    seed(people=150, seed=5, without_reviews=True)

    assert ServiceUser.objects.count() == 150
    assert not Review.objects.exists()
    assert not ServiceUser.objects.filter(date_of_death__isnull=False).exists()


def test_the_demo_flags_carry_the_dates_past_nightly_runs_raised_them_on(seeded):
    today = timezone.localdate()
    open_flags = Flag.objects.filter(ended_on__isnull=True)

    assert set(RecomputeRun.objects.values_list("as_of", flat=True)) == {
        days_ago(n) for n in RUNS_DAYS_AGO
    }
    assert open_flags.filter(raised_on__lt=today).count() > open_flags.count() // 3
    assert open_flags.filter(raised_on__lte=days_ago(14)).exists()


def test_on_the_first_day_some_flags_are_worked_and_some_not_contacted_in_2_days(seeded):
    governance = User.objects.get(username="governance")

    waiting = list(uncontacted_flags(governance))

    assert waiting
    assert all(flag.raised_on <= days_ago(2) for flag in waiting)
    assert Flag.objects.filter(ended_on__isnull=True, status=Flag.Status.WORKED).exists()
    assert OutreachAttempt.objects.filter(outcome="contacted").exists()
    assert OutreachAttempt.objects.filter(outcome="not_contactable").exists()


def test_without_history_leaves_the_flags_to_the_first_recompute(db):
    seed(people=200, seed=5, without_history=True)

    assert not RecomputeRun.objects.exists()
