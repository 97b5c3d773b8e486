"""The case review's pages: the team's due list, scheduling and recording a meeting,
an owner's actions; each with who is refused, and the queries a list makes."""

import datetime

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse

from casereviews import services
from casereviews.models import Meeting, MeetingStatus, ReviewAction, ReviewedPerson
from cases.models import AccessEvent
from partners.models import PartnerOrganisation
from tests.care.factories import assessment_of, goal_of, plan_of
from tests.casereviews.conftest import held_meeting, make_flag
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def uk(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def stranger(south, bob):
    person = ServiceUserFactory(team=south, keyworker=bob, last_name="Stranger")
    make_flag(person, raised_on=days_ago(9))
    return person


def test_the_team_page_lists_due_and_overdue_people_of_the_users_teams(
    client_as, tess, flagged, stranger
):
    response = client_as(tess).get(reverse("case_review_list"))

    assert response.status_code == 200
    assert [row.person.last_name for row in response.context["overdue"]] == ["Due0"]
    assert [row.person.last_name for row in response.context["due"]] == ["Due1", "Due2"]
    assert "Stranger" not in response.content.decode()
    assert AccessEvent.objects.filter(view="case_review_list", rows=3).count() == 1


def test_the_team_page_makes_the_same_queries_however_many_are_due(
    client_as, tess, north, alice, flagged, django_assert_num_queries
):
    client = client_as(tess)
    client.get(reverse("case_review_list"))
    with django_assert_num_queries(9) as first:
        client.get(reverse("case_review_list"))
    for i in range(5):
        make_flag(ServiceUserFactory(team=north, keyworker=alice), raised_on=days_ago(i))
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("case_review_list"))


def test_the_team_page_refuses_a_team_that_is_not_theirs_with_400(client_as, tess, south):
    assert client_as(tess).get(reverse("case_review_list"), {"team": south.pk}).status_code == 400
    assert client_as(tess).get(reverse("case_review_list"), {"team": "x"}).status_code == 400


def test_commissioners_and_administrators_find_no_case_reviews(client_as, cora, adam):
    for user in (cora, adam):
        assert client_as(user).get(reverse("case_review_list")).status_code == 404


def test_a_team_lead_schedules_a_meeting_prefilled_with_the_due_people(
    client_as, tess, alice, north, flagged, stranger
):
    response = client_as(tess).post(
        reverse("case_review_schedule"),
        {
            "team": north.pk,
            "meets_on": uk(days_ago(-2)),
            "meets_at": "14:00",
            "place": "Room 3",
            "staff": [alice.pk, tess.pk],
            "partners": "Sam Patel, Probation Service, probation officer\nAl Reed, Hospital",
        },
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert set(meeting.reviewed.values_list("service_user__last_name", flat=True)) == {
        "Due0",
        "Due1",
        "Due2",
    }
    assert set(meeting.staff.all()) == {alice, tess}
    assert list(meeting.partners.values_list("name", "organisation", "role")) == [
        ("Sam Patel", "Probation Service", "probation officer"),
        ("Al Reed", "Hospital", ""),
    ]


def test_a_team_lead_invites_partner_organisations_to_contribute_in_lantern(
    client_as, tess, north, flagged
):
    police = PartnerOrganisation.objects.create(name="Northshire Police", kind="police")
    retired = PartnerOrganisation.objects.create(name="Old Trust", kind="hospital", active=False)
    form = {"team": north.pk, "meets_on": uk(days_ago(-2)), "meets_at": "14:00", "place": "Room 3"}

    refused = client_as(tess).post(
        reverse("case_review_schedule"), form | {"organisations": [retired.pk]}
    )
    assert refused.status_code == 400
    assert "Choose one of the partner organisations." in refused.content.decode()
    assert not Meeting.objects.exists()

    response = client_as(tess).post(
        reverse("case_review_schedule"), form | {"organisations": [police.pk]}
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert list(meeting.invited.values_list("organisation__name", flat=True)) == [
        "Northshire Police"
    ]
    page = client_as(tess).get(reverse("case_review_meeting", args=[meeting.external_id]))
    assert "Partner organisations contributing in Lantern:</span> Northshire Police" in (
        page.content.decode()
    )
    assert page.content.decode().count("None written yet.") == 3


def test_a_partner_line_without_an_organisation_is_refused_at_the_field(client_as, tess, north):
    response = client_as(tess).post(
        reverse("case_review_schedule"),
        {
            "team": north.pk,
            "meets_on": uk(days_ago(-2)),
            "meets_at": "14:00",
            "place": "Room 3",
            "partners": "Sam Patel",
        },
    )

    assert response.status_code == 400
    assert (
        "give at least a name and an organisation" in response.context["form"].errors["partners"][0]
    )
    assert not Meeting.objects.exists()


def test_a_keyworker_may_not_schedule(client_as, alice):
    assert client_as(alice).get(reverse("case_review_schedule")).status_code == 403


def test_the_meeting_page_shows_each_person_with_what_the_meeting_looks_at(
    client_as, tess, alice, north, flagged, django_assert_num_queries
):
    meeting = held_meeting(north, tess, flagged, on=days_ago(0))
    goal_of(plan_of(flagged[0], alice), alice)
    client = client_as(alice)
    url = reverse("case_review_meeting", args=[meeting.external_id])
    client.get(url)
    with django_assert_num_queries(19) as first:
        response = client.get(url)
    content = response.content.decode()
    assert "Released from prison recently" in content
    assert [r.service_user.last_name for r in response.context["people"]] == [
        "Due0",
        "Due1",
        "Due2",
    ]
    assert AccessEvent.objects.filter(view="case_review_meeting", rows=3).count() == 2
    assert len(first.captured_queries) == 19
    more = [ServiceUserFactory(team=north, keyworker=alice) for _ in range(4)]
    for person in more:
        make_flag(person)
        ReviewedPerson.objects.create(meeting=meeting, service_user=person)
        goal_of(plan_of(person, alice), alice)
        assessment_of(person, alice)
    with django_assert_num_queries(19):
        client.get(url)


def test_the_meeting_shows_each_persons_care_plan_and_latest_risk_assessment(
    client_as, tess, alice, north, flagged
):
    planned, assessed, _neither = flagged
    plan = plan_of(planned, alice, agreed=100, weeks=12)
    goal_of(plan, alice, what="Register with a GP.", domain="physical_health", by=-14)
    goal_of(plan, alice, what="Already done.", state="achieved", state_on=days_ago(5))
    assessment_of(assessed, alice, day=60, judgement="low")
    assessment_of(assessed, alice, day=2, judgement="very_high", plan_steps=["carry_naloxone"])
    meeting = held_meeting(north, tess, flagged, on=days_ago(0))

    response = client_as(alice).get(reverse("case_review_meeting", args=[meeting.external_id]))

    people = {r.service_user.pk: r.service_user for r in response.context["people"]}
    assert [g.what for g in people[planned.pk].current_plans[0].open_goals] == [
        "Register with a GP."
    ]
    content = response.content.decode()
    review_due = plan.review_due_on
    assert f'review due {uk(review_due)} <span class="text-danger fw-semibold">(overdue)' in content
    assert "Physical health: Register with a GP." in content
    assert "Already done." not in content
    assert "judged very high risk" in content
    assert "judged low risk" not in content
    assert "carry naloxone" in content
    assert content.count("No care plan.") == 2
    assert content.count("No risk assessment recorded.") == 2


def test_a_person_outside_the_users_scope_is_not_listed_even_in_their_teams_meeting(
    client_as, tess, north, flagged, stranger
):
    meeting = held_meeting(north, tess, flagged, on=days_ago(0))
    # Someone moved to South after being reviewed in North: tess no longer sees them.
    ReviewedPerson.objects.create(meeting=meeting, service_user=stranger)

    response = client_as(tess).get(reverse("case_review_meeting", args=[meeting.external_id]))

    assert "Stranger" not in response.content.decode()


def test_another_teams_keyworker_gets_404_on_the_meeting(client_as, bob, tess, north, flagged):
    meeting = held_meeting(north, tess, flagged, on=days_ago(0))

    assert (
        client_as(bob).get(reverse("case_review_meeting", args=[meeting.external_id])).status_code
        == 404
    )


def test_a_lead_records_decisions_an_action_and_the_next_review(
    client_as, tess, alice, north, flagged
):
    meeting = held_meeting(north, tess, flagged[:1], on=days_ago(0))
    reviewed = meeting.reviewed.get()
    client = client_as(tess)

    decided = client.post(
        reverse("case_review_decisions", args=[meeting.external_id, reviewed.external_id]),
        {"decisions": "Daily contact for a week.", "next_review_on": uk(days_ago(-28))},
    )
    acted = client.post(
        reverse("case_review_action_create", args=[meeting.external_id, reviewed.external_id]),
        {"description": "Offer naloxone", "owner": alice.pk, "due_on": uk(days_ago(-3))},
    )

    assert decided.status_code == acted.status_code == 302
    reviewed.refresh_from_db()
    assert (reviewed.decisions, reviewed.next_review_on) == (
        "Daily contact for a week.",
        days_ago(-28),
    )
    assert ReviewAction.objects.get().owner == alice


def test_an_action_owner_outside_the_team_is_refused(client_as, tess, bob, north, flagged):
    meeting = held_meeting(north, tess, flagged[:1], on=days_ago(0))
    reviewed = meeting.reviewed.get()

    response = client_as(tess).post(
        reverse("case_review_action_create", args=[meeting.external_id, reviewed.external_id]),
        {"description": "Offer naloxone", "owner": bob.pk, "due_on": uk(days_ago(-3))},
    )

    assert response.status_code == 400
    assert not ReviewAction.objects.exists()


def test_a_keyworker_reads_but_does_not_record(client_as, alice, tess, north, flagged):
    meeting = held_meeting(north, tess, flagged[:1], on=days_ago(0))
    reviewed = meeting.reviewed.get()
    url = reverse("case_review_decisions", args=[meeting.external_id, reviewed.external_id])

    assert client_as(alice).get(url).status_code == 403


def test_a_meeting_is_marked_held_on_or_after_its_day(client_as, tess, north, flagged):
    meeting = services.meeting_schedule(
        team=north,
        meets_on=days_ago(-1),
        meets_at=datetime.time(9, 0),
        place="Room 1",
        staff=[],
        partners=[],
        people=flagged,
        scheduled_by=tess,
    )
    client = client_as(tess)
    client.post(reverse("case_review_hold", args=[meeting.external_id]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED

    Meeting.objects.filter(pk=meeting.pk).update(meets_on=days_ago(0))
    client.post(reverse("case_review_hold", args=[meeting.external_id]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_a_held_meeting_and_its_people_are_never_deleted(tess, north, flagged):
    meeting = held_meeting(north, tess, flagged[:1], on=days_ago(0))

    with pytest.raises((InternalError, IntegrityError, ProgrammingError)), transaction.atomic():
        ReviewedPerson.objects.filter(meeting=meeting).delete()
    with pytest.raises((InternalError, IntegrityError, ProgrammingError)), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).delete()
    assert meeting.reviewed.count() == 1


def test_the_lead_changes_who_a_scheduled_meeting_reviews(client_as, tess, north, flagged):
    meeting = services.meeting_schedule(
        team=north,
        meets_on=days_ago(-1),
        meets_at=datetime.time(9, 0),
        place="Room 1",
        staff=[],
        partners=[],
        people=flagged,
        scheduled_by=tess,
    )

    response = client_as(tess).post(
        reverse("case_review_people", args=[meeting.external_id]),
        {"people": [str(flagged[0].external_id)]},
    )

    assert response.status_code == 302
    assert list(meeting.reviewed.values_list("service_user", flat=True)) == [flagged[0].pk]


def test_an_owner_sees_their_open_actions_and_marks_one_done(
    client_as, tess, alice, north, flagged, django_assert_num_queries
):
    reviewed = held_meeting(north, tess, flagged[:1], on=days_ago(0)).reviewed.get()
    for what in ("Offer naloxone", "Call probation"):
        services.action_set(reviewed=reviewed, description=what, owner=alice, due_on=days_ago(-3))
    services.action_set(reviewed=reviewed, description="Tess's", owner=tess, due_on=days_ago(-3))
    client = client_as(alice)

    with django_assert_num_queries(5):
        page = client.get(reverse("case_review_my_actions"))
    assert [a.description for a in page.context["page"].object_list] == [
        "Offer naloxone",
        "Call probation",
    ]
    action = ReviewAction.objects.get(description="Offer naloxone")
    done = client.post(
        reverse("case_review_action_done", args=[action.external_id]), {"done_on": uk(days_ago(0))}
    )
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.done_on == days_ago(0)
    # Another's action does not exist for a keyworker.
    other = ReviewAction.objects.get(description="Tess's")
    assert (
        client.get(reverse("case_review_action_done", args=[other.external_id])).status_code == 404
    )
    assert client.get(reverse("case_review_my_actions"), {"show": "bad"}).status_code == 400


def test_a_lead_chooses_to_review_high_too(client_as, tess, north):
    response = client_as(tess).post(
        reverse("case_review_setting"), {"team": north.pk, "include_high": "on"}
    )

    assert response.status_code == 302
    assert north.review_setting.include_high is True
