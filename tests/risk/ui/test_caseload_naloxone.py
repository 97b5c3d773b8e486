"""The caseload's naloxone column: an alert where a kit is missing for someone who uses
opioids, or naloxone was used lately; neutral words where no kit is needed."""

import pytest
from django.urls import reverse

from cases.models import Intervention, NaloxoneSupply
from tests.cases.conftest import caseload_queries
from tests.factories import (
    EpisodeFactory,
    EventFactory,
    NaloxoneSupplyFactory,
    ServiceUserFactory,
    TopFactory,
    days_ago,
    substance,
)

pytestmark = pytest.mark.django_db

ALERT = '<span class="text-danger fw-semibold">'


def naloxone_cell(client, person) -> str:
    response = client.get(reverse("caseload", args=["mine"]))
    for row in response.context["table"].paginated_rows:
        if row.record.pk == person.pk:
            return str(row.get_cell("naloxone"))
    raise AssertionError(f"{person} is not on the caseload")


def alcohol_only(team, keyworker, **names):
    person = ServiceUserFactory(team=team, keyworker=keyworker, **names)
    EpisodeFactory(service_user=person, substance_1=substance("alcohol"))
    return person


def test_no_kit_is_needed_for_someone_who_uses_no_opioids(client_as, alice, north):
    person = alcohol_only(north, alice)

    cell = naloxone_cell(client_as(alice), person)

    assert "Not needed" in cell
    assert "No kit on record" not in cell
    assert "text-danger" not in cell


def test_no_kit_on_record_is_an_alert_for_someone_who_uses_opioids(client_as, alice, north):
    person = ServiceUserFactory(team=north, keyworker=alice)
    EpisodeFactory(service_user=person, substance_1=substance("alcohol"))
    person.episodes.update(substance_2=substance("heroin"))

    cell = naloxone_cell(client_as(alice), person)

    assert cell.startswith(ALERT)
    assert "No kit on record" in cell


def test_opioid_use_on_a_recent_top_or_running_ost_makes_a_kit_needed(client_as, alice, north):
    on_top = alcohol_only(north, alice, last_name="Top")
    TopFactory(episode=on_top.episodes.get(), top_date=days_ago(30), opiuse=4)
    on_old_top = alcohol_only(north, alice, last_name="OldTop")
    TopFactory(episode=on_old_top.episodes.get(), top_date=days_ago(250), opiuse=4)
    on_ost = alcohol_only(north, alice, last_name="Ost")
    Intervention.objects.create(
        episode=on_ost.episodes.get(),
        kind="pharmacological",
        medicine="buprenorphine",
        intention="maintenance",
        start_date=days_ago(60),
    )
    client = client_as(alice)

    assert "No kit on record" in naloxone_cell(client, on_top)
    assert "No kit on record" in naloxone_cell(client, on_ost)
    assert "Not needed" in naloxone_cell(client, on_old_top)


def test_a_kit_used_in_the_last_90_days_is_an_alert_even_with_a_new_kit(client_as, alice, north):
    person = ServiceUserFactory(team=north, keyworker=alice)
    EpisodeFactory(service_user=person)
    NaloxoneSupplyFactory(service_user=person, supplied_on=days_ago(200))
    NaloxoneSupplyFactory(
        service_user=person,
        supplied_on=days_ago(20),
        supply_type=NaloxoneSupply.SupplyType.REPEAT,
        repeat_reason=NaloxoneSupply.RepeatReason.USED_ON_SELF,
    )

    cell = naloxone_cell(client_as(alice), person)

    assert cell.startswith(ALERT)
    assert "Naloxone used in the last 90 days" in cell
    assert "Kit held" in cell


def test_naloxone_given_at_an_overdose_in_the_last_90_days_is_an_alert(client_as, alice, north):
    person = alcohol_only(north, alice)
    EventFactory(
        service_user=person,
        kind="non_fatal_overdose",
        occurred_on=days_ago(10),
        naloxone_doses=2,
        taken_to_hospital=True,
        information_source="ambulance",
    )
    earlier = alcohol_only(north, alice, last_name="Earlier")
    EventFactory(
        service_user=earlier,
        kind="non_fatal_overdose",
        occurred_on=days_ago(120),
        naloxone_doses=2,
        taken_to_hospital=True,
        information_source="ambulance",
    )
    client = client_as(alice)

    cell = naloxone_cell(client, person)
    assert cell.startswith(ALERT)
    assert "Naloxone used in the last 90 days. No kit on record" in cell
    assert "Not needed" in naloxone_cell(client, earlier)


def test_an_in_date_kit_is_shown_plainly(client_as, alice, north):
    person = ServiceUserFactory(team=north, keyworker=alice)
    EpisodeFactory(service_user=person)
    supply = NaloxoneSupplyFactory(service_user=person)

    cell = naloxone_cell(client_as(alice), person)

    assert cell == f"Kit held, expires {supply.expiry_date:%d/%m/%Y}"


def test_the_naloxone_column_adds_no_queries_per_row(client_as, alice, north):
    client = client_as(alice)
    alcohol_only(north, alice)
    few = caseload_queries(client)[0]
    for i in range(20):
        person = (
            alcohol_only(north, alice) if i % 2 else ServiceUserFactory(team=north, keyworker=alice)
        )
        if not i % 2:
            EpisodeFactory(service_user=person)
            TopFactory(episode=person.episodes.get())
        NaloxoneSupplyFactory(service_user=person)

    assert caseload_queries(client)[0] == few
