"""What the health record makes due: a hepatitis C result to chase, the next hepatitis B
dose, a hepatitis C test to offer someone who injects or has injected; in a fixed number of
queries however many records a person has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from care import services
from care.models import MentalHealthNeed, PharmacyArrangement, PhysicalHealthCheck
from care.models.health import add_months
from care.selectors import health_due
from tests.care.factories import bbv_test_of, hep_b_dose_of
from tests.factories import EpisodeFactory, ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def whats(due) -> list[str]:
    return [d.what for d in due]


def test_a_hepatitis_c_result_is_chased_28_days_after_the_test(alice, jo):
    test = bbv_test_of(jo, alice, virus="hcv_antibody", offered=40, tested=30)
    bbv_test_of(jo, alice, virus="hiv", offered=40, tested=30)  # not hepatitis C: not chased

    due = health_due(jo, today=timezone.localdate())

    assert len(due) == 1
    assert due[0].what == f"Chase the Hepatitis C antibody result (tested {days_ago(30):%d/%m/%Y})"
    assert due[0].on == days_ago(2)
    assert due[0].overdue(timezone.localdate())
    assert due[0].url.endswith(f"?test={test.external_id}")


def test_the_next_hepatitis_b_dose_is_due_by_the_schedule(alice, jo):
    hep_b_dose_of(jo, alice, number=1, given=10, schedule="super")

    due = health_due(jo, today=timezone.localdate())

    assert whats(due) == ["Hepatitis B vaccination: dose 2"]
    assert due[0].on == days_ago(3)
    assert due[0].url == reverse("hep_b_vaccination_create", args=[jo.external_id])


@pytest.mark.parametrize(
    ("status", "offered"), [("current", True), ("previous", True), ("never", False), ("", False)]
)
def test_someone_who_injects_or_has_is_offered_a_hepatitis_c_test(jo, status, offered):
    EpisodeFactory(service_user=jo, injecting_status=status)

    due = health_due(jo, today=timezone.localdate())

    assert whats(due) == (["Offer a hepatitis C test"] if offered else [])
    if offered:
        assert due[0].on == timezone.localdate()


def test_the_offer_comes_again_12_months_after_the_last_test(alice, jo):
    EpisodeFactory(service_user=jo, injecting_status="current")
    bbv_test_of(jo, alice, offered=300, tested=300, result="negative", result_on=290)

    due = health_due(jo, today=timezone.localdate())

    assert whats(due) == ["Offer a hepatitis C test"]
    assert due[0].on == add_months(days_ago(300), 12)


def test_no_offer_while_a_result_is_awaited_or_someone_is_positive(alice, jo, north):
    EpisodeFactory(service_user=jo, injecting_status="current")
    bbv_test_of(
        jo, alice, virus="hcv_rna", offered=500, tested=500, result="positive", result_on=490
    )
    assert whats(health_due(jo, today=timezone.localdate())) == []

    kit = ServiceUserFactory(team=north, keyworker=alice)
    EpisodeFactory(service_user=kit, injecting_status="previous")
    bbv_test_of(kit, alice, offered=3, tested=2)
    assert whats(health_due(kit, today=timezone.localdate())) == [
        "Chase the Hepatitis C antibody result (tested " + f"{days_ago(2):%d/%m/%Y})"
    ]


def with_health_records(person, worker, count: int):
    EpisodeFactory(service_user=person, injecting_status="current")
    for n in range(count):
        if n % 3 == 0:
            bbv_test_of(person, worker, offered=n % 300 + 5, tested=n % 300 + 4)
        elif n % 3 == 1:
            bbv_test_of(person, worker, virus="hiv", offered=n % 300 + 5, accepted=False)
        else:
            bbv_test_of(
                person,
                worker,
                virus="hbv",
                offered=n % 300 + 5,
                tested=n % 300 + 5,
                result="negative",
                result_on=n % 300 + 1,
            )
    for number in range(1, min(count, 3) + 1):
        hep_b_dose_of(person, worker, number=number, given=400 - number * 40)
    for n in range(count // 3 + 1):
        services.health_need_record(
            model=MentalHealthNeed,
            service_user=person,
            recorded_by=worker,
            recorded_on=days_ago(n),
            diagnosis="anxiety",
            treated_by="none",
            treated_since=None,
        )
        services.health_need_record(
            model=PharmacyArrangement,
            service_user=person,
            recorded_by=worker,
            pharmacy_name=f"Pharmacy {n}",
            dispensing="weekly",
            since=days_ago(n),
        )
        services.health_need_record(
            model=PhysicalHealthCheck,
            service_user=person,
            recorded_by=worker,
            checked_on=days_ago(n),
            kind="weight",
            outcome="fine",
        )
    return person


def test_what_is_due_costs_the_same_queries_for_5_records_and_for_200(alice, north):
    few = with_health_records(ServiceUserFactory(team=north, keyworker=alice), alice, 5)
    many = with_health_records(ServiceUserFactory(team=north, keyworker=alice), alice, 200)
    today = timezone.localdate()

    with CaptureQueriesContext(connection) as few_queries:
        health_due(few, today=today)
    with CaptureQueriesContext(connection) as many_queries:
        due = health_due(many, today=today)

    assert len(few_queries) == len(many_queries) <= 5
    assert len([d for d in due if d.what.startswith("Chase")]) == 67
