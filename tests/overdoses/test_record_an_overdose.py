"""Recording an overdose from the header: one page, one submit, for a known person or for
someone not yet known, the follow-up opened with it."""

import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from cases.models import AccessEvent, AccessKind, Event, EventKind, UnidentifiedPerson
from overdoses.models import FollowUp
from tests.factories import ServiceUserFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db

URL = reverse("overdose_record")


def overdose(**extra) -> dict:
    """What a notifier gave: yesterday, an ambulance, opioids, naloxone by the crew."""
    return {
        "occurred_on": days_ago(1).strftime("%d/%m/%Y"),
        "occurred_at_time": "22:15",
        "place": "Bus station",
        "information_source": "ambulance",
        "substances_suspected": ["opioids"],
        "naloxone_given_by": "ambulance",
        "naloxone_doses": "2",
        "responders": ["ambulance"],
        "taken_to_hospital": "true",
        "followup_basis": "vital_interests",
        "notes": "",
        **extra,
    }


def follow_up_page(follow_up: FollowUp, fallback: str) -> str:
    try:
        return reverse("follow_up_detail", args=[follow_up.external_id])
    except NoReverseMatch:
        return fallback


def nothing_written() -> bool:
    return not (
        Event.objects.filter(kind=EventKind.NON_FATAL_OVERDOSE).exists()
        or UnidentifiedPerson.objects.exists()
        or FollowUp.objects.exists()
    )


def test_the_header_offers_it_to_keyworkers_and_team_leads(client_as, alice, tess):
    for user in (alice, tess):
        page = client_as(user).get(reverse("home"), follow=True).content.decode()
        assert f'href="{URL}"' in page
        assert "Record an overdose" in page


@pytest.mark.parametrize("who", ["cora", "gina", "adam"])
def test_the_header_does_not_offer_it_to_roles_that_cannot_record(client_as, request, who):
    page = client_as(request.getfixturevalue(who)).get(reverse("home"), follow=True)
    assert f'href="{URL}"' not in page.content.decode()


@pytest.mark.parametrize("who", ["cora", "gina", "adam"])
def test_roles_that_cannot_record_are_refused(client_as, request, who):
    client = client_as(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, overdose()).status_code == 403
    assert nothing_written()


def test_a_known_persons_overdose_is_recorded_in_one_post_and_opens_a_follow_up_for_their_keyworker(
    client_as, tess, jo, alice
):
    response = client_as(tess).post(URL, overdose(person=str(jo.external_id)))

    event = Event.objects.get(service_user=jo, kind=EventKind.NON_FATAL_OVERDOSE)
    follow_up = FollowUp.objects.get(overdose=event)
    assert response.status_code == 302
    assert response["Location"] == follow_up_page(
        follow_up, reverse("person_detail", args=[jo.external_id])
    )
    assert follow_up.owner == alice
    assert event.recorded_by == tess
    assert (event.place, event.naloxone_doses, event.taken_to_hospital) == ("Bus station", 2, True)
    assert event.followup_basis == "vital_interests"


def test_the_redirect_names_the_follow_up_once_its_page_exists(client_as, alice, jo):
    response = client_as(alice).post(URL, overdose(person=str(jo.external_id)))
    follow_up = FollowUp.objects.get()
    try:
        reverse("follow_up_detail", args=[follow_up.external_id])
    except NoReverseMatch:
        pytest.skip("the follow-up's page is not mounted here")
    assert str(follow_up.external_id) in response["Location"]


def test_a_known_person_gets_a_success_message(client_as, alice, jo):
    response = client_as(alice).post(URL, overdose(person=str(jo.external_id)), follow=True)
    assert f"Overdose recorded for {jo.display_name}" in response.content.decode()


def test_not_known_is_accepted_for_hospital_and_for_who_gave_naloxone(client_as, alice, jo):
    response = client_as(alice).post(
        URL,
        overdose(
            person=str(jo.external_id),
            taken_to_hospital="",
            naloxone_given_by="unknown",
            naloxone_doses="",
        ),
    )

    assert response.status_code == 302
    event = Event.objects.get(service_user=jo)
    assert event.taken_to_hospital is None
    assert event.naloxone_given_by == "unknown"


def test_someone_not_yet_known_is_held_by_the_team_and_followed_up_by_its_duty_worker(
    client_as, alice, north
):
    duty = UserFactory(username="duty", team=north)
    north.duty_worker = duty
    north.save(update_fields=["duty_worker"])

    response = client_as(alice).post(
        URL,
        overdose(
            not_known="on",
            description="Man in a red jacket, called Dave",
            approximate_age="40",
            sex="M",
            team=str(north.pk),
        ),
    )

    someone = UnidentifiedPerson.objects.get()
    follow_up = FollowUp.objects.get(overdose__unidentified_person=someone)
    assert response.status_code == 302
    assert response["Location"] == follow_up_page(
        follow_up, reverse("unidentified_detail", args=[someone.external_id])
    )
    assert (someone.team, someone.approximate_age, someone.recorded_by) == (north, 40, alice)
    assert follow_up.owner == duty
    assert follow_up.overdose.service_user is None


def test_someone_not_yet_known_needs_a_description(client_as, alice):
    response = client_as(alice).post(URL, overdose(not_known="on", description=" "))

    assert response.status_code == 400
    assert "description" in response.context["form"].errors
    assert nothing_written()


def test_bad_input_is_answered_at_the_field_and_writes_nothing(client_as, alice, jo):
    response = client_as(alice).post(
        URL,
        overdose(
            person=str(jo.external_id),
            occurred_on="31/02/2026",
            information_source="",
            naloxone_doses="99",
        ),
    )

    errors = response.context["form"].errors
    assert response.status_code == 400
    assert {"occurred_on", "information_source"} <= set(errors)
    assert nothing_written()


def test_a_future_date_is_refused_at_the_field(client_as, alice, jo):
    response = client_as(alice).post(
        URL, overdose(person=str(jo.external_id), occurred_on=days_ago(-2).strftime("%d/%m/%Y"))
    )

    assert response.status_code == 400
    assert "occurred_on" in response.context["form"].errors
    assert nothing_written()


def test_an_empty_post_says_choose_a_person_and_writes_nothing(client_as, alice):
    response = client_as(alice).post(URL, {})

    assert response.status_code == 400
    assert response.context["form"].errors["person"] == ["Choose a person from the list."]
    assert nothing_written()


def test_a_person_outside_the_users_scope_gets_the_same_answer_as_no_such_person(
    client_as, bob, jo
):
    """bob is in South: jo, in North, is a person who does not exist for him."""
    client = client_as(bob)
    answers = []
    for person in (str(jo.external_id), str(uuid.uuid4()), "not-an-id"):
        response = client.post(URL, overdose(person=person))
        answers.append((response.status_code, response.context["form"].errors.as_data().keys()))
        assert response.context["form"].errors["person"] == ["Choose a person from the list."]
    assert answers[0] == answers[1] == answers[2]
    assert not AccessEvent.objects.filter(service_user=jo).exists()
    assert nothing_written()


def test_opened_from_a_record_it_names_the_person_and_records_the_read(client_as, alice, jo):
    response = client_as(alice).get(URL, {"person": str(jo.external_id)})

    assert response.status_code == 200
    assert jo.display_name in response.content.decode()
    assert response.context["form"]["person"].value() == str(jo.external_id)
    event = AccessEvent.objects.get()
    assert (event.kind, event.service_user, event.view) == (
        AccessKind.RECORD,
        jo,
        "overdose_record",
    )


def test_opened_for_someone_outside_scope_it_is_the_same_as_for_nobody(client_as, bob, jo):
    client = client_as(bob)
    outside = client.get(URL, {"person": str(jo.external_id)})
    nobody = client.get(URL, {"person": str(uuid.uuid4())})

    assert outside.status_code == nobody.status_code == 200
    assert jo.display_name not in outside.content.decode()
    assert outside.context["chosen"] is nobody.context["chosen"] is None
    assert not AccessEvent.objects.exists()


def test_a_plain_page_is_not_a_read(client_as, alice, jo):
    response = client_as(alice).get(URL)

    assert response.status_code == 200
    assert not AccessEvent.objects.exists()


def test_the_search_lists_only_people_the_user_may_see_and_records_the_list(
    client_as, alice, north, south, jo
):
    ServiceUserFactory(team=south, first_name="Jo", last_name="Bloggsworth")
    response = client_as(alice).get(URL, {"find": "bloggs"})

    choices = response.context["form"].fields["person"].widget.choices
    assert [value for value, _ in choices] == [str(jo.external_id)]
    event = AccessEvent.objects.get()
    assert (event.kind, event.rows, event.query) == (AccessKind.LIST, 1, {"find": "bloggs"})


def test_a_search_finding_nobody_says_so(client_as, alice, jo):
    response = client_as(alice).get(URL, {"find": "nobody-like-this"})

    assert "No one you can see matches" in response.content.decode()


def test_the_page_is_quick_to_fill_today_and_consent_not_yet_sought_are_the_defaults(
    client_as, alice, jo
):
    form = client_as(alice).get(URL, {"person": str(jo.external_id)}).context["form"]

    assert form["occurred_on"].value() == days_ago(0)
    assert form["followup_basis"].value() == "not_yet_sought"
    assert form.fields["occurred_at_time"].widget.attrs.get("autofocus")
    # One team: it is not asked.
    assert form["team"].is_hidden


def test_the_search_box_has_the_focus_on_a_plain_page(client_as, alice):
    page = client_as(alice).get(URL).content.decode()
    assert 'id="overdose-find" name="find" value="" autocomplete="off" autofocus' in page


def test_a_user_with_two_teams_chooses_one(client_as, alice, north, south):
    from cases.models import TeamMembership

    TeamMembership.objects.create(user=alice, team=south, starts_on=days_ago(10))
    client = client_as(alice)

    form = client.get(URL).context["form"]
    assert not form["team"].is_hidden
    response = client.post(URL, overdose(not_known="on", description="Dave"))
    assert response.context["form"].errors["team"] == ["Choose the team."]
    assert nothing_written()
