"""People not yet known: listed for their teams, each read audited, linked to a record or
added as a new one, their overdoses and open follow-up moving with them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import (
    AccessEvent,
    AccessKind,
    LocalAuthority,
    ServiceUser,
    UnidentifiedPerson,
)
from cases.unknown_people import unidentified_overdose_record
from overdoses.models import FollowUp
from tests.factories import ServiceUserFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db


def someone_in(team, recorded_by, description="Dave, red jacket", on=1) -> UnidentifiedPerson:
    event = unidentified_overdose_record(
        team=team,
        recorded_by=recorded_by,
        person={"description": description, "approximate_age": 40, "sex": "M"},
        overdose={"occurred_on": days_ago(on), "information_source": "ambulance"},
    )
    return event.unidentified_person


@pytest.fixture
def duty(north):
    worker = UserFactory(username="duty", team=north)
    north.duty_worker = worker
    north.save(update_fields=["duty_worker"])
    return worker


def test_the_list_shows_the_teams_people_unlinked_first_and_records_the_list(
    client_as, alice, north, south, bob, jo, duty
):
    linked = someone_in(north, alice, "Linked one")
    client_as(alice).post(
        reverse("unidentified_detail", args=[linked.external_id]), {"reference": jo.client_ref}
    )
    waiting = someone_in(north, alice, "Waiting one")
    someone_in(south, bob, "In South")
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()

    response = client_as(alice).get(reverse("unidentified_list"))

    rows = list(response.context["page"].object_list)
    assert [someone.description for someone in rows] == ["Waiting one", "Linked one"]
    assert rows[0] == waiting
    event = AccessEvent.objects.get(id__gt=before)
    assert (event.kind, event.rows, event.service_user) == (AccessKind.LIST, 2, None)


def test_the_lists_queries_do_not_grow_with_its_rows(client_as, alice, north, duty):
    client = client_as(alice)
    someone_in(north, alice, "One")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("unidentified_list"))
    for n in range(5):
        someone_in(north, alice, f"More {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("unidentified_list"))

    assert len(response.context["page"].object_list) == 6
    assert len(few) == len(many) <= 12


@pytest.mark.parametrize("who", ["cora", "adam"])
def test_the_list_is_refused_to_roles_that_do_not_follow_up(client_as, request, who):
    assert (
        client_as(request.getfixturevalue(who)).get(reverse("unidentified_list")).status_code == 403
    )


def test_a_person_of_another_team_does_not_exist_for_the_user(client_as, alice, bob, north, duty):
    someone = someone_in(north, alice)
    client = client_as(bob)

    assert client.get(reverse("unidentified_detail", args=[someone.external_id])).status_code == 404
    assert (
        client.post(
            reverse("unidentified_detail", args=[someone.external_id]), {"reference": "x"}
        ).status_code
        == 404
    )
    assert not AccessEvent.objects.exists()


def test_reading_one_records_a_read_of_them(client_as, alice, north, duty):
    someone = someone_in(north, alice)
    response = client_as(alice).get(reverse("unidentified_detail", args=[someone.external_id]))

    assert response.status_code == 200
    assert "Dave, red jacket" in response.content.decode()
    event = AccessEvent.objects.get()
    assert (event.kind, event.service_user, event.object_ref) == (
        AccessKind.RECORD,
        None,
        str(someone.external_id),
    )


def test_linking_moves_the_overdose_and_the_open_follow_up_to_the_record(
    client_as, tess, alice, north, jo, duty
):
    someone = someone_in(north, tess)
    follow_up = FollowUp.objects.get(overdose__unidentified_person=someone)
    assert follow_up.owner == duty

    response = client_as(tess).post(
        reverse("unidentified_detail", args=[someone.external_id]), {"reference": jo.client_ref}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[jo.external_id])
    someone.refresh_from_db()
    follow_up.refresh_from_db()
    assert someone.linked_to == jo
    assert follow_up.overdose.service_user == jo
    assert follow_up.owner == alice


def test_linking_to_someone_outside_scope_is_as_linking_to_nobody(
    client_as, alice, north, south, duty
):
    someone = someone_in(north, alice)
    outsider = ServiceUserFactory(team=south)
    url = reverse("unidentified_detail", args=[someone.external_id])
    client = client_as(alice)

    outside = client.post(url, {"reference": outsider.client_ref})
    nobody = client.post(url, {"reference": "LAN-9999999"})

    assert outside.status_code == nobody.status_code == 400
    assert outside.context["form"].errors == nobody.context["form"].errors
    someone.refresh_from_db()
    assert not someone.is_linked


def test_governance_reads_but_does_not_link(client_as, gina, alice, north, jo, duty):
    someone = someone_in(north, alice)
    client = client_as(gina)
    url = reverse("unidentified_detail", args=[someone.external_id])

    assert client.get(url).status_code == 200
    assert client.post(url, {"reference": jo.client_ref}).status_code == 403
    assert (
        client.get(reverse("unidentified_add_record", args=[someone.external_id])).status_code
        == 403
    )
    someone.refresh_from_db()
    assert not someone.is_linked


def test_adding_as_a_new_record_starts_from_what_is_known_and_links_it(
    client_as, alice, north, duty
):
    someone = someone_in(north, alice, "Dave Smith")
    url = reverse("unidentified_add_record", args=[someone.external_id])
    client = client_as(alice)

    form = client.get(url).context["form"]
    assert (form["first_name"].value(), form["last_name"].value(), form["sex"].value()) == (
        "Dave",
        "Smith",
        "M",
    )
    response = client.post(
        url,
        {
            "first_name": "Dave",
            "last_name": "Smith",
            "date_of_birth": "01/04/1985",
            "sex": "M",
            "ethnicity": "Z",
            "nationality": "GBR",
            "local_authority": LocalAuthority.objects.first().pk,
            "consent_to_ndtms": "true",
            "team": str(north.pk),
            "keyworker": str(alice.pk),
        },
    )

    person = ServiceUser.objects.get(last_name="Smith")
    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[person.external_id])
    someone.refresh_from_db()
    assert someone.linked_to == person
    follow_up = FollowUp.objects.get(overdose__unidentified_person=someone)
    assert (follow_up.overdose.service_user, follow_up.owner) == (person, alice)


def test_adding_with_bad_input_writes_nothing(client_as, alice, north, duty):
    someone = someone_in(north, alice)
    people = ServiceUser.objects.count()

    response = client_as(alice).post(
        reverse("unidentified_add_record", args=[someone.external_id]), {"first_name": "Dave"}
    )

    assert response.status_code == 400
    assert "date_of_birth" in response.context["form"].errors
    assert ServiceUser.objects.count() == people
    someone.refresh_from_db()
    assert not someone.is_linked
