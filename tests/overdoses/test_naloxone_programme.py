"""Naloxone as a programme: kits to people who are not clients, and kits about to lapse."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AccessEvent, AccessKind, Intervention, NaloxoneSupply
from outcomes.selectors import OPIOID_USE_TOP_DAYS
from risk.engine import TOP_CURRENT_DAYS
from tests.factories import (
    EpisodeFactory,
    NaloxoneSupplyFactory,
    ServiceUserFactory,
    days_ago,
    substance,
)

pytestmark = pytest.mark.django_db

NON_CLIENT = reverse("naloxone_non_client")
RENEWALS = reverse("naloxone_renewals")


def kit(**extra) -> dict:
    return {
        "supplied_on": days_ago(0).strftime("%d/%m/%Y"),
        "recipient": "hostel_staff",
        "formulation": "nasal",
        "supply_type": "repeat",
        "repeat_reason": "used_other",
        "batch_number": "NX-2231",
        "expiry_date": days_ago(-700).strftime("%d/%m/%Y"),
        "training_given": "on",
        "setting": "outreach",
        **extra,
    }


def test_a_kit_to_hostel_staff_is_recorded_for_the_team_without_a_record(client_as, alice, north):
    response = client_as(alice).post(NON_CLIENT, kit(team=str(north.pk)))

    assert response.status_code == 302
    supply = NaloxoneSupply.objects.get()
    assert (supply.service_user, supply.team, supply.recipient, supply.supplied_by) == (
        None,
        north,
        "hostel_staff",
        alice,
    )
    assert supply.repeat_reason == "used_other"


def test_the_person_at_risk_is_not_a_recipient_here(client_as, alice, north):
    client = client_as(alice)
    choices = [v for v, _ in client.get(NON_CLIENT).context["form"].fields["recipient"].choices]
    response = client.post(NON_CLIENT, kit(team=str(north.pk), recipient="person"))

    assert "person" not in choices
    assert "recipient" in response.context["form"].errors
    assert not NaloxoneSupply.objects.exists()


def test_bad_input_is_answered_at_the_field_and_writes_nothing(client_as, alice, north):
    response = client_as(alice).post(
        NON_CLIENT,
        kit(team=str(north.pk), supply_type="first", expiry_date=days_ago(3).strftime("%d/%m/%Y")),
    )

    assert response.status_code == 400
    assert {"repeat_reason", "expiry_date"} <= set(response.context["form"].errors)
    assert not NaloxoneSupply.objects.exists()


def test_another_teams_team_is_not_a_choice(client_as, alice, south):
    response = client_as(alice).post(NON_CLIENT, kit(team=str(south.pk)))

    assert response.context["form"].errors["team"] == ["Choose one of your teams."]
    assert not NaloxoneSupply.objects.exists()


def test_the_page_lists_the_teams_recent_kits_only(client_as, alice, bob, north, south):
    NaloxoneSupplyFactory(service_user=None, team=north, recipient="peer")
    NaloxoneSupplyFactory(service_user=None, team=south, recipient="family_friend")

    response = client_as(alice).get(NON_CLIENT)

    assert [s.team for s in response.context["supplies"]] == [north]
    # Nothing about anyone: no read of a person to record.
    assert not AccessEvent.objects.exists()


def test_the_list_of_kits_takes_the_same_queries_for_any_number(client_as, alice, north):
    client = client_as(alice)
    NaloxoneSupplyFactory(service_user=None, team=north, recipient="peer")
    with CaptureQueriesContext(connection) as few:
        client.get(NON_CLIENT)
    for _ in range(5):
        NaloxoneSupplyFactory(service_user=None, team=north, recipient="worker")
    with CaptureQueriesContext(connection) as many:
        response = client.get(NON_CLIENT)

    assert len(response.context["supplies"]) == 6
    assert len(few) == len(many)


@pytest.mark.parametrize("who", ["gina", "cora", "adam"])
def test_roles_that_do_not_supply_are_refused(client_as, request, who, north):
    client = client_as(request.getfixturevalue(who))
    assert client.get(NON_CLIENT).status_code == 403
    assert client.post(NON_CLIENT, kit(team=str(north.pk))).status_code == 403
    assert not NaloxoneSupply.objects.exists()


def test_opioid_use_reads_tops_over_the_risk_engines_window():
    """The renewals decide opioid use as the caseload and the risk engine do."""
    assert OPIOID_USE_TOP_DAYS == TOP_CURRENT_DAYS


def opioid_user(team, keyworker, expires_in: int, **names):
    person = ServiceUserFactory(team=team, keyworker=keyworker, **names)
    EpisodeFactory(service_user=person, substance_1=substance("heroin"))
    NaloxoneSupplyFactory(
        service_user=person,
        supplied_on=days_ago(300),
        expiry_date=days_ago(-expires_in),
    )
    return person


def test_renewals_list_people_with_opioid_use_whose_kit_lapses_soonest_first(
    client_as, alice, north, south, bob
):
    lapsed = opioid_user(north, alice, -5, last_name="Lapsed")
    soon = opioid_user(north, alice, 20, last_name="Soon")
    opioid_user(north, alice, 200, last_name="Later")
    opioid_user(south, bob, 3, last_name="Southern")
    not_opioid = ServiceUserFactory(team=north, keyworker=alice, last_name="Alcohol")
    EpisodeFactory(service_user=not_opioid, substance_1=substance("alcohol"))
    NaloxoneSupplyFactory(
        service_user=not_opioid, supplied_on=days_ago(300), expiry_date=days_ago(1)
    )

    response = client_as(alice).get(RENEWALS)

    assert list(response.context["page"].object_list) == [lapsed, soon]
    event = AccessEvent.objects.get()
    assert (event.kind, event.rows) == (AccessKind.LIST, 2)
    page = response.content.decode()
    assert reverse("naloxone_create", args=[lapsed.external_id]) in page


def test_ost_running_counts_as_opioid_use(client_as, alice, north):
    person = ServiceUserFactory(team=north, keyworker=alice)
    episode = EpisodeFactory(service_user=person, substance_1=substance("crack"))
    Intervention.objects.create(
        episode=episode,
        kind="pharmacological",
        medicine="methadone",
        intention="maintenance",
        start_date=days_ago(100),
    )
    NaloxoneSupplyFactory(service_user=person, supplied_on=days_ago(300), expiry_date=days_ago(2))

    assert list(client_as(alice).get(RENEWALS).context["page"].object_list) == [person]


def test_renewals_take_the_same_queries_for_any_number_of_rows(client_as, alice, north):
    client = client_as(alice)
    opioid_user(north, alice, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(RENEWALS)
    for n in range(6):
        opioid_user(north, alice, n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(RENEWALS)

    assert len(response.context["page"].object_list) == 7
    assert len(few) == len(many) <= 12


def test_the_latest_kit_decides(client_as, alice, north):
    person = opioid_user(north, alice, 3)
    NaloxoneSupplyFactory(
        service_user=person,
        supplied_on=days_ago(1),
        expiry_date=days_ago(1) + datetime.timedelta(days=700),
    )

    assert list(client_as(alice).get(RENEWALS).context["page"].object_list) == []


@pytest.mark.parametrize("who", ["cora", "adam"])
def test_renewals_are_refused_to_roles_without_people(client_as, request, who):
    assert client_as(request.getfixturevalue(who)).get(RENEWALS).status_code == 403
