"""Adding a person: a warning of people in scope who may be them, and a neutral answer
when their NHS number is held outside the user's scope, resolved by a transfer request
that a lead of the holding team answers."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cases.models import (
    AccessEvent,
    AccessKind,
    Reassignment,
    Role,
    ServiceUser,
    TransferRequest,
    TransferStatus,
)
from cases.search import names_alike
from tests.factories import ServiceUserFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db

HELD = "9434765919"
UNUSED = "4010232137"


@pytest.fixture
def bob_adds(client_as, bob, south, person_data):
    """Post "Add a person" as bob (South) with an NHS number; what came back, in full."""
    client = client_as(bob)

    def post(nhs_number: str):
        response = client.post(
            reverse("person_create"),
            {**person_data, "team": south.pk, "keyworker": bob.pk, "nhs_number": nhs_number},
        )
        said = [(m.level, str(m)) for m in get_messages(response.wsgi_request)]
        client.get(response["Location"])  # shows, and so clears, the message
        return response.status_code, response.get("Location"), response.content, said

    return post


@pytest.fixture
def jo_has_a_number(jo):
    jo.nhs_number = HELD
    jo.save(update_fields=["nhs_number"])
    return jo


def test_a_number_held_in_another_team_gets_the_same_answer_as_an_unused_one(
    bob_adds, jo_has_a_number
):
    held = bob_adds(HELD)
    unused = bob_adds(UNUSED)

    assert held == unused
    status, location, _, said = held
    assert status == 302
    assert location == reverse("caseload", args=["mine"])
    assert "a transfer request has been sent to that team's lead" in said[0][1]


def test_a_number_held_in_another_team_adds_no_second_person_and_asks_its_lead(
    bob_adds, jo_has_a_number, bob, south, north
):
    bob_adds(HELD)

    assert ServiceUser.objects.filter(nhs_number=HELD).count() == 1
    request = TransferRequest.objects.get()
    assert (request.service_user, request.from_team, request.to_team) == (
        jo_has_a_number,
        north,
        south,
    )
    assert (request.requested_by, request.to_keyworker, request.status) == (
        bob,
        bob,
        TransferStatus.PENDING,
    )


def test_adding_the_same_person_twice_asks_once(bob_adds, jo_has_a_number):
    bob_adds(HELD)
    bob_adds(HELD)

    assert TransferRequest.objects.count() == 1


def test_every_nhs_number_check_is_recorded_as_an_access_event(bob_adds, jo_has_a_number, bob):
    bob_adds(HELD)
    bob_adds(UNUSED)

    checks = AccessEvent.objects.filter(kind=AccessKind.CHECK).order_by("at", "id")
    assert [(c.user, c.service_user, c.query, c.break_glass) for c in checks] == [
        (bob, jo_has_a_number, {"nhs_number": HELD}, False),
        (bob, None, {"nhs_number": UNUSED}, False),
    ]


@pytest.fixture
def waiting(bob_adds, jo_has_a_number):
    bob_adds(HELD)
    return TransferRequest.objects.get()


def answer(client, transfer, **data):
    return client.post(reverse("transfer_request_answer", args=[transfer.external_id]), data)


def test_a_lead_accepting_moves_the_person_and_records_the_move(
    client_as, tess, bob, north, south, waiting, jo_has_a_number
):
    response = answer(client_as(tess), waiting, decision="accept", note="Moved to Strood.")

    assert response.status_code == 302
    jo = ServiceUser.objects.get(pk=jo_has_a_number.pk)
    assert (jo.team, jo.keyworker) == (south, bob)
    move = Reassignment.objects.get()
    assert (move.team, move.from_team, move.to_keyworker, move.reassigned_by) == (
        south,
        north,
        bob,
        tess,
    )
    assert (move.reason, move.handover_note) == (
        "Transfer from the North team accepted",
        "Moved to Strood.",
    )
    waiting.refresh_from_db()
    assert (waiting.status, waiting.answered_by, waiting.answer_note) == (
        TransferStatus.ACCEPTED,
        tess,
        "Moved to Strood.",
    )
    assert [e.status for e in waiting.history.order_by("pgh_id")] == ["pending", "accepted"]
    # Now bob's to see.
    assert client_as(bob).get(reverse("person_detail", args=[jo.external_id])).status_code == 200


def test_a_lead_declining_moves_nothing(client_as, tess, alice, north, waiting, jo_has_a_number):
    answer(client_as(tess), waiting, decision="decline")

    jo = ServiceUser.objects.get(pk=jo_has_a_number.pk)
    assert (jo.team, jo.keyworker) == (north, alice)
    assert not Reassignment.objects.exists()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.answered_by) == (TransferStatus.DECLINED, tess)


def test_an_answer_stands_once_given(client_as, tess, north, waiting, jo_has_a_number):
    client = client_as(tess)
    answer(client, waiting, decision="decline")
    answer(client, waiting, decision="accept")

    assert ServiceUser.objects.get(pk=jo_has_a_number.pk).team == north
    waiting.refresh_from_db()
    assert waiting.status == TransferStatus.DECLINED


def test_a_lead_of_another_team_cannot_answer(client_as, south, waiting, jo_has_a_number, north):
    south_lead = UserFactory(username="sian", role=Role.TEAM_LEAD, team=south)

    response = answer(client_as(south_lead), waiting, decision="accept")

    assert response.status_code == 404
    assert ServiceUser.objects.get(pk=jo_has_a_number.pk).team == north


def test_the_lead_sees_waiting_requests_and_the_page_is_audited(client_as, tess, waiting):
    response = client_as(tess).get(reverse("transfer_request_list"))

    assert response.status_code == 200
    assert "Jo Bloggs" in response.content.decode()
    event = AccessEvent.objects.get(view="transfer_request_list")
    assert (event.user, event.kind, event.rows) == (tess, AccessKind.LIST, 1)


def test_the_team_page_links_to_transfer_requests(client_as, tess):
    content = client_as(tess).get(reverse("team_caseloads")).content.decode()

    assert reverse("transfer_request_list") in content


# --- Possible duplicates within the user's scope -----------------------------------------


def add_as(client, person_data, **details):
    return client.post(reverse("person_create"), {**person_data, **details})


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ("Jo", "Bloggs"),
        ("JO", "bloggs"),
        ("Jö", "Blóggs"),
        ("J", "Bloggs"),
        ("Joanne", "Smith-Bloggs"),
    ],
)
def test_a_possible_duplicate_on_the_caseload_is_shown_before_adding(
    client_as, alice, jo, person_data, first_name, last_name
):
    response = add_as(
        client_as(alice),
        person_data,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=jo.date_of_birth.isoformat(),
    )

    assert response.status_code == 400
    assert ServiceUser.objects.count() == 1
    assert response.context["matches"] == [jo]
    assert reverse("person_detail", args=[jo.external_id]) in response.content.decode()
    assert (
        "tick the box to add them anyway" in response.context["form"].errors["different_person"][0]
    )


def test_a_different_person_is_added_once_the_user_says_so(client_as, alice, jo, person_data):
    response = add_as(
        client_as(alice),
        person_data,
        first_name="Jo",
        last_name="Bloggs",
        date_of_birth=jo.date_of_birth.isoformat(),
        different_person="on",
    )

    assert response.status_code == 302
    assert ServiceUser.objects.filter(last_name="Bloggs").count() == 2


def test_the_warning_is_a_recorded_read(client_as, alice, jo, person_data):
    add_as(
        client_as(alice),
        person_data,
        first_name="Jo",
        last_name="Bloggs",
        date_of_birth=jo.date_of_birth.isoformat(),
    )

    event = AccessEvent.objects.get(view="person_create")
    assert (event.kind, event.rows) == (AccessKind.LIST, 1)


def test_a_different_birthday_or_name_is_no_match(client_as, alice, jo, person_data):
    client = client_as(alice)
    born = jo.date_of_birth.isoformat()

    assert (
        add_as(
            client,
            person_data,
            first_name="Jo",
            last_name="Bloggs",
            date_of_birth=days_ago(30 * 365).isoformat(),
        ).status_code
        == 302
    )
    assert (
        add_as(
            client, person_data, first_name="Sam", last_name="Bloggs", date_of_birth=born
        ).status_code
        == 302
    )
    assert (
        add_as(
            client, person_data, first_name="Jo", last_name="Smith", date_of_birth=born
        ).status_code
        == 302
    )


def test_people_outside_the_users_scope_are_never_offered_as_matches(
    client_as, bob, south, jo, person_data
):
    response = add_as(
        client_as(bob),
        person_data,
        team=south.pk,
        keyworker=bob.pk,
        first_name="Jo",
        last_name="Bloggs",
        date_of_birth=jo.date_of_birth.isoformat(),
    )

    assert response.status_code == 302
    assert "Bloggs" not in str(list(get_messages(response.wsgi_request)))


def test_a_teammates_client_is_a_possible_match(client_as, alice, tess, north, person_data):
    theirs = ServiceUserFactory(team=north, keyworker=tess, first_name="Kim", last_name="Lee")

    response = add_as(
        client_as(alice),
        person_data,
        first_name="Kim",
        last_name="Lee",
        date_of_birth=theirs.date_of_birth.isoformat(),
    )

    assert response.context["matches"] == [theirs]


def test_names_alike_folds_case_accents_hyphens_and_first_initials():
    assert names_alike("Zoë", "Ó'Briain", "zoe", "O Briain")
    assert names_alike("Z", "OBriain", "Zoe", "O'Briain")
    assert names_alike("Sam", "Jones", "Sam", "Smith-Jones")
    assert not names_alike("Sam", "Jones", "Kim", "Jones")
    assert not names_alike("Sam", "Jones", "Sam", "Jonesy")
