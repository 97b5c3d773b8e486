"""The validation population: outcomes drawn from the evidence's daily hazard, kept consistent."""

import ast
import datetime
import io
import pathlib

import numpy as np
import pytest
from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from cases.models import Contact, Event, Intervention, NaloxoneSupply, ServiceUser, TreatmentEpisode
from demo import hazard
from demo.generate import SituationSpread, plan_population
from demo.plan import OVERDOSES
from outcomes.models import TopAssessment

DEMO = pathlib.Path(__file__).resolve().parents[2] / "demo"
TODAY = datetime.date(2026, 12, 6)


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def person(**states) -> tuple[hazard.Static, hazard.Today]:
    """One hand-built person: a woman of 45 on OST with nothing else, unless `states` say."""
    static = {
        "opioid": True,
        "alcohol_main": False,
        "male": False,
        "born_day": -45 * 366,
        "injecting": False,
        "benzodiazepines": False,
        "gabapentinoids": False,
        "alcohol": False,
        "no_fixed_abode": False,
        "mental_health": False,
        "frailty": 1.0,
    }
    today = {
        "since_prison": 10**6,
        "since_hospital": 10**6,
        "since_detox": 10**6,
        "since_ost_start": 400,
        "since_ost_stop": 10**6,
        "on_ost": True,
        "in_treatment": True,
        "overdoses_12m": 0,
    }
    for key, value in states.items():
        (static if key in static else today)[key] = value
    return (
        hazard.Static(**{k: np.array([v]) for k, v in static.items()}),
        hazard.Today(day=0, **{k: np.array([v]) for k, v in today.items()}),
    )


def hazards(**states) -> tuple[float, float]:
    s, t = person(**states)
    death, overdose = hazard.daily_hazards(s, t, 1e-7, 1e-6)
    return float(death[0]), float(overdose[0])


def test_a_hand_built_persons_hazard_is_the_base_times_the_published_ratios():
    reference, _ = hazards()
    assert reference == pytest.approx(1e-7 * hazard.AGE_RATIOS[2])

    death, _ = hazards(
        male=True,
        injecting=True,
        benzodiazepines=True,
        on_ost=False,
        since_ost_stop=3,
        since_prison=5,
        overdoses_12m=2,
    )
    published = 2.0 * 2.3 * 3.9 * 9.0 * (7.5 * (2 * 1.7 + 8) / 10) * (2.0 * 1.4)
    assert death == pytest.approx(reference * published)


def test_one_treatment_state_holds_at_a_time():
    reference, _ = hazards()
    stopped, _ = hazards(on_ost=False, since_ost_stop=20, in_treatment=False)
    out_long_ago, _ = hazards(on_ost=False, since_ost_stop=200, in_treatment=False)
    not_on_ost, _ = hazards(on_ost=False, since_ost_stop=200)
    assert stopped == pytest.approx(reference * 8.0)  # not also x1.7 out of treatment
    assert out_long_ago == pytest.approx(reference * 1.7)
    assert not_on_ost == pytest.approx(reference * 2.1)


def test_overdoses_use_their_own_published_ratios_after_ost_stops_and_starts():
    _, reference = hazards()
    _, stopped = hazards(on_ost=False, since_ost_stop=20)
    _, started = hazards(since_ost_start=3)
    assert stopped == pytest.approx(reference * 13.0)
    assert started == pytest.approx(reference * 5.6)


def test_non_opioid_users_carry_a_fifth_and_the_ost_windows_do_not_apply():
    reference, _ = hazards()
    other, _ = hazards(opioid=False, on_ost=False, since_ost_stop=3)
    assert other == pytest.approx(reference * 0.2)


def test_the_simulation_takes_its_numbers_from_the_hazard_module_only():
    for module in ("validation.py",):
        tree = ast.parse((DEMO / module).read_text())
        numbers = {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, float)
            and node.value not in (0.0,)
        }
        # Only the notifier's record (who gave naloxone, who told the service) draws shares.
        assert numbers <= {0.6, 0.9, 0.4, 0.8, 365.25}, numbers
    source = (DEMO / "validation.py").read_text() + (DEMO / "hazard.py").read_text()
    assert "import risk" not in source
    assert "from risk" not in source


def test_the_default_plan_is_unchanged_by_the_validation_option():
    plain = plan_population(3000, 5, TODAY)
    again = plan_population(3000, 5, TODAY, situations=None)
    spread = plan_population(3000, 5, TODAY, situations=SituationSpread(455, 2.5))

    assert np.array_equal(plain.scenario_day, again.scenario_day)
    assert np.array_equal(plain.scenario, again.scenario)
    assert plain.scenario_day.max() <= 365
    assert spread.scenario_day.max() > 300
    assert (spread.scenario > 0).sum() > 1.5 * (plain.scenario > 0).sum()
    # The hazard draws the span's overdoses; the plan draws none but the demo caseload's.
    assert np.isin(spread.scenario, OVERDOSES).sum() <= len(OVERDOSES)


@pytest.fixture
def validation(db):
    return seed(people=2000, seed=17, validation=True, without_history=True)


def test_a_validation_seed_draws_deaths_and_overdoses_over_the_span(validation):
    today = timezone.localdate()
    dead = ServiceUser.objects.filter(date_of_death__isnull=False)
    span_start = today - datetime.timedelta(days=hazard.SPAN_DAYS)
    overdoses = Event.objects.filter(
        kind="non_fatal_overdose", status="happened", occurred_on__gte=span_start
    )
    assert dead.count() >= 5
    assert overdoses.count() > dead.count()
    assert not dead.filter(date_of_death__lt=F("date_of_birth")).exists()
    assert "per 1,000 a year" in validation
    assert "judge a rule set on a population seeded --without-reviews" in validation


def test_nobody_has_a_record_after_their_death(validation):
    after = {
        "contacts": Contact.objects.filter(service_user__date_of_death__lt=F("contact_date")),
        "events": Event.objects.filter(service_user__date_of_death__lt=F("occurred_on")),
        "kits": NaloxoneSupply.objects.filter(service_user__date_of_death__lt=F("supplied_on")),
        "tops": TopAssessment.objects.filter(service_user__date_of_death__lt=F("top_date")),
        "open episodes": TreatmentEpisode.objects.filter(
            service_user__date_of_death__isnull=False, discharge_date__isnull=True
        ),
        "episodes after": TreatmentEpisode.objects.filter(
            Q(discharge_date__gt=F("service_user__date_of_death"))
            | Q(referral_date__gt=F("service_user__date_of_death"))
        ),
        "interventions": Intervention.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gt=F("episode__service_user__date_of_death")),
            episode__service_user__date_of_death__isnull=False,
        ),
    }
    assert {name: rows.count() for name, rows in after.items()} == dict.fromkeys(after, 0)
    closed = TreatmentEpisode.objects.filter(
        discharge_date=F("service_user__date_of_death"), discharge_reason__code="client_died"
    )
    assert closed.exists()


def test_the_records_a_death_touched_still_pass_validation(validation):
    for model in (TreatmentEpisode, Intervention, Event):
        rows = model.objects.filter(
            **{
                (
                    "episode__service_user__date_of_death__isnull"
                    if model is Intervention
                    else "service_user__date_of_death__isnull"
                ): False
            }
        )[:80]
        for row in rows:
            row.full_clean()


def outcomes() -> list:
    deaths = list(
        ServiceUser.objects.filter(date_of_death__isnull=False)
        .order_by("client_ref")
        .values_list("client_ref", "date_of_death")
    )
    overdoses = list(
        Event.objects.filter(kind="non_fatal_overdose")
        .order_by("service_user__client_ref", "occurred_on", "external_id")
        .values_list("service_user__client_ref", "occurred_on", "external_id")
    )
    return [deaths, overdoses]


def test_the_same_seed_draws_the_same_outcomes(db):
    seed(people=600, seed=3, validation=True, without_reviews=True)
    first = outcomes()
    seed(people=600, seed=3, validation=True, without_reviews=True, reset=True)
    assert outcomes() == first
