"""The caseload search: name in any order, reference, UK date of birth; within scope."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import ServiceUser
from cases.search import fold, people_matching, uk_date
from cases.selectors import service_users_visible_to
from cases.services import break_glass_grant_create
from tests.cases.conftest import caseload_queries
from tests.factories import EpisodeFactory, ServiceUserFactory, discharge_reason

pytestmark = pytest.mark.django_db


def person(team, keyworker, **fields):
    someone = ServiceUserFactory(team=team, keyworker=keyworker, **fields)
    EpisodeFactory(service_user=someone)
    return someone


def found(client, scope="mine", **params) -> set[str]:
    response = client.get(reverse("caseload", args=[scope]), params)
    assert response.status_code == 200
    return {row.record.last_name for row in response.context["table"].paginated_rows}


def test_it_finds_a_name_in_any_order_and_in_part(client_as, alice, north):
    person(north, alice, first_name="Joanne", last_name="Bloggs")
    person(north, alice, first_name="Bill", last_name="Jones")
    client = client_as(alice)

    assert found(client, q="bloggs jo") == {"Bloggs"}
    assert found(client, q="Jo Blo") == {"Bloggs"}
    assert found(client, q="jo") == {"Bloggs", "Jones"}


def test_it_ignores_case_and_accents(client_as, alice, north):
    person(north, alice, first_name="Zoë", last_name="Ó'Briain")
    person(north, alice, first_name="Chloe", last_name="Smith")
    client = client_as(alice)

    assert found(client, q="zoe o'briain") == {"Ó'Briain"}
    assert found(client, q="ZOË") == {"Ó'Briain"}
    assert found(client, q="chloé") == {"Smith"}


def test_it_finds_the_later_words_of_a_last_name(client_as, alice, north):
    for last_name in ("Ó Briain", "Smith-Jones", "O’Neill", "van der Berg", "Smithson"):
        person(north, alice, first_name="Sam", last_name=last_name)
    client = client_as(alice)

    assert found(client, q="briain") == {"Ó Briain"}
    assert found(client, q="jones") == {"Smith-Jones"}
    assert found(client, q="NEILL sam") == {"O’Neill"}
    assert found(client, q="der") == {"van der Berg"}
    assert found(client, q="smith") == {"Smith-Jones", "Smithson"}
    # Only the start of a word: not any letters inside one.
    assert found(client, q="mith") == set()
    assert found(client, q="riain") == set()


def test_the_later_words_search_uses_its_index(alice):
    """At a million people the service-wide search must not read every name."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = people_matching(ServiceUser.objects.all(), "briain").explain()

    assert "service_user_last_name_words" in plan


def test_it_finds_a_preferred_name(client_as, alice, north):
    person(north, alice, first_name="Robert", preferred_name="Bobby", last_name="Ashe")

    assert found(client_as(alice), q="bobby") == {"Ashe"}


@pytest.mark.parametrize("typed", ["07/03/1985", "7/3/1985"])
def test_it_finds_a_date_of_birth_typed_the_uk_way(client_as, alice, north, typed):
    person(north, alice, last_name="March", date_of_birth=datetime.date(1985, 3, 7))
    person(north, alice, last_name="July", date_of_birth=datetime.date(1985, 7, 3))

    assert found(client_as(alice), q=typed) == {"March"}


def test_a_date_that_does_not_exist_finds_nobody(client_as, alice, north):
    person(north, alice, last_name="Anyone")

    response = client_as(alice).get(reverse("caseload", args=["mine"]), {"q": "31/02/1985"})

    assert "No one on your caseload matches “31/02/1985”" in response.content.decode()


def test_it_says_what_to_try_when_nobody_matches(client_as, alice, jo):
    EpisodeFactory(service_user=jo)

    response = client_as(alice).get(reverse("caseload", args=["mine"]), {"q": "nosuchname"})

    content = response.content.decode()
    assert "No one on your caseload matches “nosuchname”" in content
    assert "the NHS number, or a date of birth as dd/mm/yyyy" in content
    assert "To look through everyone in your teams, use the search box" in content


def test_the_team_search_says_whom_it_looked_through(client_as, alice, jo):
    EpisodeFactory(service_user=jo)

    response = client_as(alice).get(reverse("caseload", args=["team"]), {"q": "nosuchname"})

    assert "No one in your teams matches “nosuchname”" in response.content.decode()


def test_a_client_reference_goes_straight_to_the_record(client_as, alice, jo):
    response = client_as(alice).get(
        reverse("caseload", args=["mine"]), {"q": jo.client_ref.lower()}
    )

    assert response.status_code == 302
    assert response.url == reverse("person_detail", args=[jo.external_id])


def test_it_hides_other_teams_people_from_the_search(client_as, bob, alice, jo, south):
    EpisodeFactory(service_user=jo)
    person(south, bob, last_name="Southerner")
    client = client_as(bob)

    assert found(client, q="bloggs") == set()
    response = client.get(reverse("caseload", args=["mine"]), {"q": jo.client_ref})
    assert response.status_code == 200  # no redirect to a record bob may not see


def test_my_caseload_searches_only_my_own_people(client_as, alice, tess, north):
    person(north, tess, last_name="Leadsperson")
    client = client_as(alice)

    assert found(client, q="leadsperson") == set()
    assert found(client_as(tess), scope="team", q="leadsperson") == {"Leadsperson"}


def test_a_keyworker_finds_a_teammates_client_by_name_reference_and_nhs_number(
    client_as, alice, tess, north
):
    theirs = person(north, tess, last_name="Leadsperson", nhs_number="9434765919")
    client = client_as(alice)
    search = client.get(reverse("home"), follow=True).context["search_url"]
    record = reverse("person_detail", args=[theirs.external_id])

    assert search == reverse("caseload", args=["team"])
    assert {
        r.record.last_name
        for r in client.get(search, {"q": "leadsperson"}).context["table"].paginated_rows
    } == {"Leadsperson"}
    assert client.get(search, {"q": theirs.client_ref}).url == record
    assert client.get(search, {"q": "943 476 5919"}).url == record
    assert client.get(record).status_code == 200


def test_a_keyworker_does_not_find_another_teams_client(client_as, bob, south, jo):
    jo.nhs_number = "9434765919"
    jo.save(update_fields=["nhs_number"])
    EpisodeFactory(service_user=jo)
    client = client_as(bob)

    assert found(client, scope="team", q="bloggs") == set()
    for typed in (jo.client_ref, "9434765919"):
        response = client.get(reverse("caseload", args=["team"]), {"q": typed})
        assert response.status_code == 200
        assert "No one in your teams matches" in response.content.decode()


def test_a_search_finds_someone_who_left_treatment_long_ago(client_as, alice, north):
    left = ServiceUserFactory(team=north, keyworker=alice, last_name="Longgone")
    EpisodeFactory(
        service_user=left,
        referral_date=datetime.date(2020, 1, 6),
        discharge_date=datetime.date(2021, 2, 1),
        discharge_reason=discharge_reason("dropped_out"),
    )
    client = client_as(alice)

    assert found(client) == set()  # off the list itself
    assert found(client, q="longgone") == {"Longgone"}
    assert found(client, q="longgone", status="in_treatment") == set()


def test_break_glass_opens_a_record_but_keeps_it_out_of_search(client_as, bob, jo):
    EpisodeFactory(service_user=jo)
    break_glass_grant_create(
        user=bob, service_user=jo, reason="Covering the North duty shift while alice is away."
    )
    client = client_as(bob)

    assert client.get(reverse("person_detail", args=[jo.external_id])).status_code == 200
    assert found(client, scope="team", q="bloggs") == set()
    assert client.get(reverse("caseload", args=["team"]), {"q": jo.client_ref}).status_code == 200


@pytest.mark.parametrize("who", ["alice", "tess", "bob", "gina"])
def test_the_search_box_looks_through_exactly_the_people_its_user_may_open(
    client_as, request, who, alice, tess, bob, north, south
):
    """Searching by NHS number for each person in the service opens exactly those whom
    the visibility selector lets the user open (break-glass aside)."""
    numbers = iter(["9434765919", "4010232137", "4505577104", "9876543210"])
    people = [
        person(north, alice, nhs_number=next(numbers)),
        person(north, tess, nhs_number=next(numbers)),
        person(south, bob, nhs_number=next(numbers)),
        person(south, None, nhs_number=next(numbers)),
    ]
    user = request.getfixturevalue(who)
    client = client_as(user)
    search = client.get(reverse("home"), follow=True).context["search_url"]

    found_by_search = {
        p.pk for p in people if client.get(search, {"q": p.nhs_number}).status_code == 302
    }
    may_open = set(service_users_visible_to(user).values_list("pk", flat=True))

    assert found_by_search == may_open


def test_the_header_search_box_looks_through_the_widest_caseload(client_as, tess, gina):
    team_page = client_as(tess).get(reverse("caseload", args=["mine"])).content.decode()
    assert f'action="{reverse("caseload", args=["team"])}"' in team_page
    everyone = client_as(gina).get(reverse("caseload", args=["all"])).content.decode()
    assert f'action="{reverse("caseload", args=["all"])}"' in everyone


def test_a_commissioner_has_no_search_box_and_no_caseload(client_as, cora):
    client = client_as(cora)

    assert client.get(reverse("caseload", args=["mine"]), {"q": "jo"}).status_code == 404
    assert 'role="search"' not in client.get(reverse("home")).content.decode()


def test_a_search_runs_the_same_queries_for_3_matches_and_for_40(client_as, alice, north):
    client = client_as(alice)
    for _ in range(3):
        person(north, alice, first_name="Kim")
    few = caseload_queries(client, q="kim")[0]
    for _ in range(37):
        person(north, alice, first_name="Kim")
    many = caseload_queries(client, q="kim")[0]

    assert few == many
    assert many <= 15


def test_folding_matches_the_database_expression():
    assert fold("Zoë Ó'Briain") == "ZOE O'BRIAIN"
    assert fold("Øyvind") == "OYVIND"


def test_uk_dates_parse_day_first():
    assert uk_date("1/2/1990") == datetime.date(1990, 2, 1)
    assert uk_date("31/12/1990") == datetime.date(1990, 12, 31)
    assert uk_date("12/31/1990") is None
    assert uk_date("1990-02-01") is None
