"""Mental health need, the pharmacy and its dispensing, physical health checks: dated
records, the latest shown on the person's page, refused at the field when they cannot be
right, never deleted."""

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse

from care.models import MentalHealthNeed, PharmacyArrangement, PhysicalHealthCheck
from care.models.health import IN_THE_FUTURE
from care.models.health_needs import NO_TREATMENT_NO_SINCE, SINCE_NEEDED
from tests.factories import days_ago

pytestmark = pytest.mark.django_db


def url(name: str, person) -> str:
    return reverse(name, args=[person.external_id])


def page(client, person) -> str:
    return client.get(reverse("person_detail", args=[person.external_id])).content.decode()


def need(**changes) -> dict:
    return {
        "recorded_on": days_ago(0).isoformat(),
        "diagnosis": "depression",
        "treated_by": "cmht",
        "treated_since": days_ago(90).isoformat(),
        **changes,
    }


def pharmacy(**changes) -> dict:
    return {
        "pharmacy_name": "High Street Pharmacy",
        "dispensing": "daily_supervised",
        "since": days_ago(14).isoformat(),
        **changes,
    }


def check(**changes) -> dict:
    return {
        "checked_on": days_ago(1).isoformat(),
        "kind": "injection_sites",
        "outcome": "referred",
        **changes,
    }


def test_the_latest_of_each_shows_on_the_page_in_words(client_as, alice, jo):
    jo.gp_practice_code = "A12345"
    jo.save(update_fields=["gp_practice_code"])
    client = client_as(alice)
    assert (
        client.post(
            url("mental_health_need_create", jo), need(recorded_on=days_ago(30).isoformat())
        ).status_code
        == 302
    )
    assert client.post(url("mental_health_need_create", jo), need()).status_code == 302
    assert client.post(url("pharmacy_arrangement_create", jo), pharmacy()).status_code == 302
    assert client.post(url("physical_health_check_create", jo), check()).status_code == 302

    content = page(client, jo)

    assert (
        f"Depression; in treatment with: Community mental health team since {days_ago(90):%d/%m/%Y}"
        in content
    )
    assert "GP practice: A12345." in content
    assert (
        f"Pharmacy: High Street Pharmacy, daily, supervised since {days_ago(14):%d/%m/%Y}."
        in content
    )
    assert f"{days_ago(1):%d/%m/%Y}: Injection sites and wounds, referred" in content
    assert MentalHealthNeed.objects.filter(service_user=jo).count() == 2
    assert PharmacyArrangement.objects.get().recorded_by == alice


@pytest.mark.parametrize(
    ("name", "data", "field", "message"),
    [
        ("mental_health_need_create", need(treated_since=""), "treated_since", SINCE_NEEDED),
        (
            "mental_health_need_create",
            need(treated_by="none"),
            "treated_since",
            NO_TREATMENT_NO_SINCE,
        ),
        (
            "mental_health_need_create",
            need(recorded_on=days_ago(-1).isoformat()),
            "recorded_on",
            IN_THE_FUTURE,
        ),
        (
            "mental_health_need_create",
            need(diagnosis=""),
            "diagnosis",
            "Choose the diagnosis known.",
        ),
        (
            "pharmacy_arrangement_create",
            pharmacy(pharmacy_name=""),
            "pharmacy_name",
            "Enter the pharmacy's name.",
        ),
        (
            "pharmacy_arrangement_create",
            pharmacy(pharmacy_name="   "),
            "pharmacy_name",
            "Enter the pharmacy's name.",
        ),
        (
            "pharmacy_arrangement_create",
            pharmacy(since=days_ago(-3).isoformat()),
            "since",
            IN_THE_FUTURE,
        ),
        ("pharmacy_arrangement_create", pharmacy(dispensing="hourly"), "dispensing", None),
        (
            "physical_health_check_create",
            check(checked_on=days_ago(-1).isoformat()),
            "checked_on",
            IN_THE_FUTURE,
        ),
        ("physical_health_check_create", check(outcome=""), "outcome", "Choose the outcome."),
    ],
)
def test_a_record_that_cannot_be_right_is_refused_at_its_field_and_nothing_is_written(
    client_as, alice, jo, name, data, field, message
):
    response = client_as(alice).post(url(name, jo), data)

    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    if message is not None:
        assert errors == [message]
    assert not MentalHealthNeed.objects.exists()
    assert not PharmacyArrangement.objects.exists()
    assert not PhysicalHealthCheck.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("mental_health_need_create", need()),
        ("pharmacy_arrangement_create", pharmacy()),
        ("physical_health_check_create", check()),
    ],
)
def test_another_team_finds_no_such_person_and_governance_writes_none(
    client_as, bob, gina, jo, name, data
):
    assert client_as(bob).get(url(name, jo)).status_code == 404
    assert client_as(bob).post(url(name, jo), data).status_code == 404
    assert client_as(gina).post(url(name, jo), data).status_code == 403
    assert not MentalHealthNeed.objects.exists()
    assert not PharmacyArrangement.objects.exists()
    assert not PhysicalHealthCheck.objects.exists()


def test_records_keep_their_history_and_are_never_deleted(client_as, alice, jo):
    client_as(alice).post(url("physical_health_check_create", jo), check())
    recorded = PhysicalHealthCheck.objects.get()
    assert recorded.history.count() == 1
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        PhysicalHealthCheck.objects.filter(pk=recorded.pk).delete()
    assert PhysicalHealthCheck.objects.filter(pk=recorded.pk).exists()
