"""A planned prison release or hospital discharge is entered ahead as expected: it shows as
upcoming, fires no rule, and becomes an event when someone confirms it happened."""

import pytest
from django.urls import reverse

from risk import services as risk_services
from risk.models import Flag
from tests.factories import EventFactory, days_ago
from tests.risk.conftest import neutral_person

pytestmark = pytest.mark.django_db


def record_event(client, person, **fields):
    return client.post(reverse("event_create", args=[person.external_id]), fields)


def test_a_planned_release_is_entered_as_expected_and_shown_as_upcoming(client_as, alice, jo):
    client = client_as(alice)

    response = record_event(
        client,
        jo,
        kind="prison_release",
        status="expected",
        occurred_on=days_ago(-12).isoformat(),
    )

    assert response.status_code == 302
    event = jo.events.get()
    assert (event.status, event.occurred_on) == ("expected", days_ago(-12))
    page = client.get(reverse("person_detail", args=[jo.external_id])).content.decode()
    due = page.split('id="due-heading"')[1].split('id="open-heading"')[0]
    assert "Released from prison expected: confirm it happened" in due
    assert reverse("event_happened", args=[jo.external_id, event.external_id]) in due
    assert "Released from prison expected" not in page.split('id="timeline-heading"')[1]


def test_a_future_date_needs_the_event_to_be_expected_and_only_some_kinds_can_be(
    client_as, alice, jo
):
    client = client_as(alice)
    ahead = days_ago(-5).isoformat()

    happened = record_event(client, jo, kind="prison_release", status="happened", occurred_on=ahead)
    overdose = record_event(
        client,
        jo,
        kind="non_fatal_overdose",
        status="expected",
        occurred_on=ahead,
        taken_to_hospital="false",
        information_source="self",
    )
    passed = record_event(
        client,
        jo,
        kind="hospital_discharge",
        status="expected",
        occurred_on=days_ago(2).isoformat(),
    )

    assert "entered as expected" in happened.context["form"].errors["occurred_on"][0]
    assert (
        "Only a prison release or a hospital discharge"
        in (overdose.context["form"].errors["status"][0])
    )
    assert "record it as happened" in passed.context["form"].errors["occurred_on"][0]
    assert not jo.events.exists()


def test_an_expected_release_fires_no_rule_until_confirmed(client_as, north, alice):
    person = neutral_person(team=north, keyworker=alice)
    # Its date has come, but nobody has confirmed it yet.
    event = EventFactory(service_user=person, status="expected", occurred_on=days_ago(2))

    assert risk_services.flags_recompute_person(person_id=person.pk) is None

    url = reverse("event_happened", args=[person.external_id, event.external_id])
    client = client_as(alice)
    assert client.get(url).status_code == 200
    too_soon = client.post(url, {"occurred_on": days_ago(-1).isoformat()})
    assert too_soon.status_code == 400
    assert "in the future" in too_soon.context["form"].errors["occurred_on"][0]
    assert client.post(url, {"occurred_on": days_ago(3).isoformat()}).status_code == 302

    event.refresh_from_db()
    assert (event.status, event.occurred_on) == ("happened", days_ago(3))
    assert risk_services.flags_recompute_person(person_id=person.pk) is not None
    assert Flag.objects.filter(service_user=person, ended_on__isnull=True).exists()
    assert client.get(url).status_code == 404  # already happened


def test_confirming_is_for_the_team_only(client_as, bob, gina, jo):
    event = EventFactory(service_user=jo, status="expected", occurred_on=days_ago(-3))
    url = reverse("event_happened", args=[jo.external_id, event.external_id])

    assert client_as(bob).post(url, {"occurred_on": days_ago(0).isoformat()}).status_code == 404
    assert client_as(gina).post(url, {"occurred_on": days_ago(0).isoformat()}).status_code == 403
    event.refresh_from_db()
    assert event.status == "expected"
