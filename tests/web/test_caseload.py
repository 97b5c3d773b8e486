import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cases.conftest import caseload_queries
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    NaloxoneSupplyFactory,
    ServiceUserFactory,
    TopFactory,
    days_ago,
    discharge_reason,
)

pytestmark = pytest.mark.django_db


def add_people(count, team, keyworker):
    for _ in range(count):
        person = ServiceUserFactory(team=team, keyworker=keyworker)
        episode = EpisodeFactory(service_user=person)
        TopFactory(episode=episode)
        ContactFactory(service_user=person)
        NaloxoneSupplyFactory(service_user=person)


def test_the_caseload_runs_the_same_queries_for_5_people_and_for_60(client_as, alice, north):
    client = client_as(alice)
    add_people(5, north, alice)
    few, response = caseload_queries(client)
    assert response.content.decode().count("/people/") >= 5

    add_people(55, north, alice)
    many, response = caseload_queries(client)

    assert response.context["table"].paginator.count == 60
    assert few == many
    # The session, the user, the people's count, the access event (one INSERT), the people.
    assert many == 5


def test_it_lists_only_my_people_on_my_caseload(client_as, alice, tess, north, jo):
    EpisodeFactory(service_user=jo)
    theirs = ServiceUserFactory(team=north, keyworker=tess, last_name="Elsewhere")
    EpisodeFactory(service_user=theirs)

    content = client_as(alice).get(reverse("caseload", args=["mine"])).content.decode()

    assert "Bloggs" in content
    assert "Elsewhere" not in content


def listed(client, **params) -> set[str]:
    response = client.get(reverse("caseload", args=["mine"]), params)
    return {row.record.last_name for row in response.context["table"].paginated_rows}


def discharged(person, days, reason="dropped_out"):
    return EpisodeFactory(
        service_user=person,
        referral_date=days_ago(days + 200),
        discharge_date=days_ago(days),
        discharge_reason=discharge_reason(reason),
    )


def test_people_who_left_in_the_last_year_stay_under_recently_left(client_as, alice, north):
    current = ServiceUserFactory(team=north, keyworker=alice, last_name="Current")
    EpisodeFactory(service_user=current)
    recent = ServiceUserFactory(team=north, keyworker=alice, last_name="Recent")
    discharged(recent, 30)
    long_gone = ServiceUserFactory(team=north, keyworker=alice, last_name="Longgone")
    discharged(long_gone, 400)
    client = client_as(alice)

    assert listed(client) == {"Current", "Recent"}
    assert listed(client, status="recently_left") == {"Recent"}
    assert listed(client, status="in_treatment") == {"Current"}


def test_a_row_shows_how_and_when_someone_left(client_as, alice, north):
    person = ServiceUserFactory(team=north, keyworker=alice)
    episode = discharged(person, 12)

    content = client_as(alice).get(reverse("caseload", args=["mine"])).content.decode()

    assert f"Left {episode.discharge_date:%d/%m/%Y}" in content
    assert "unplanned" in content


def test_a_row_shows_the_last_attended_contact_in_uk_format_or_none(client_as, alice, north):
    seen = ServiceUserFactory(team=north, keyworker=alice, last_name="Seen")
    EpisodeFactory(service_user=seen)
    ContactFactory(service_user=seen, contact_date=days_ago(40))
    contact = ContactFactory(service_user=seen, contact_date=days_ago(9))
    unseen = ServiceUserFactory(team=north, keyworker=alice, last_name="Unseen")
    EpisodeFactory(service_user=unseen)

    content = client_as(alice).get(reverse("caseload", args=["mine"])).content.decode()

    assert f'<td data-label="Last contact">{contact.contact_date:%d/%m/%Y}</td>' in content
    assert f"{days_ago(40):%d/%m/%Y}" not in content
    assert '<td data-label="Last contact">None recorded</td>' in content


def test_a_row_shows_naloxone_status_and_an_overdue_top(client_as, alice, north):
    person = ServiceUserFactory(team=north, keyworker=alice)
    episode = EpisodeFactory(service_user=person, referral_date=days_ago(400))
    TopFactory(episode=episode, top_date=days_ago(390))

    content = client_as(alice).get(reverse("caseload", args=["mine"])).content.decode()

    assert "No kit on record" in content
    assert "Overdue since" in content


def test_the_search_box_finds_a_person_by_name_or_reference(client_as, alice, jo):
    EpisodeFactory(service_user=jo)
    other = ServiceUserFactory(team=jo.team, keyworker=alice, last_name="Other")
    EpisodeFactory(service_user=other)
    client = client_as(alice)

    assert listed(client, q="blo") == {"Bloggs"}
    by_reference = client.get(reverse("caseload", args=["mine"]), {"q": jo.client_ref})
    assert by_reference.url == reverse("person_detail", args=[jo.external_id])


def test_the_caseload_can_be_sorted_by_age(client_as, alice, north):
    young = ServiceUserFactory(
        team=north, keyworker=alice, last_name="Young", date_of_birth=days_ago(20 * 365)
    )
    old = ServiceUserFactory(
        team=north, keyworker=alice, last_name="Old", date_of_birth=days_ago(60 * 365)
    )
    EpisodeFactory(service_user=young)
    EpisodeFactory(service_user=old)

    content = (
        client_as(alice).get(reverse("caseload", args=["mine"]), {"sort": "age"}).content.decode()
    )

    assert content.index("Young") < content.index("Old")


def test_the_service_wide_list_starts_from_a_search(client_as, gina, jo):
    EpisodeFactory(service_user=jo)
    client = client_as(gina)

    unsearched = client.get(reverse("caseload", args=["all"]))
    searched = client.get(reverse("caseload", args=["all"]), {"q": "Bloggs"})

    assert unsearched.context["table"] is None
    assert "Search by name or reference" in unsearched.content.decode()
    assert {row.record.last_name for row in searched.context["table"].paginated_rows} == {"Bloggs"}


def test_the_team_caseload_names_each_persons_keyworker(client_as, tess, jo):
    EpisodeFactory(service_user=jo)

    content = client_as(tess).get(reverse("caseload", args=["team"])).content.decode()

    assert "Keyworker" in content
    assert jo.keyworker.display_name in content


def test_the_team_caseload_keeps_its_query_count_as_it_grows(client_as, tess, alice, north):
    client = client_as(tess)
    add_people(3, north, alice)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("caseload", args=["team"]))
    add_people(30, north, tess)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("caseload", args=["team"]))

    assert len(few) == len(many) <= 15
