"""Who is due a case review, and by when, worked out from the flags."""

import datetime

import pytest
from django.urls import reverse

from casereviews import selectors, services
from tests.casereviews.conftest import held_meeting, make_flag
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def due_by(user, **kwargs):
    return {row.person.last_name: row.due_on for row in selectors.due_reviews(user, **kwargs)}


def test_very_high_is_due_within_the_configured_days_of_the_flag(tess, flagged):
    assert due_by(tess) == {
        "Due0": days_ago(10) + datetime.timedelta(days=7),
        "Due1": days_ago(5) + datetime.timedelta(days=7),
        "Due2": days_ago(0) + datetime.timedelta(days=7),
    }


def test_the_number_of_days_is_a_setting(tess, flagged, settings):
    settings.CASE_REVIEW_DUE_DAYS = 14

    assert due_by(tess)["Due0"] == days_ago(10) + datetime.timedelta(days=14)


def test_overdue_is_past_the_due_date(tess, flagged):
    rows = selectors.due_reviews(tess)

    assert [row.person.last_name for row in rows if row.is_overdue(days_ago(0))] == ["Due0"]


def test_high_is_due_only_where_the_team_chose_it(tess, north, alice):
    person = ServiceUserFactory(team=north, keyworker=alice, last_name="High")
    make_flag(person, tier="high", raised_on=days_ago(2))
    assert "High" not in due_by(tess)

    services.team_setting_set(team=north, include_high=True, changed_by=tess)

    assert due_by(tess)["High"] == days_ago(2) + datetime.timedelta(days=7)


def test_raised_and_ended_flags_are_not_due(tess, north, alice):
    raised = ServiceUserFactory(team=north, keyworker=alice, last_name="Raised")
    make_flag(raised, tier="raised")
    ended = ServiceUserFactory(team=north, keyworker=alice, last_name="Ended")
    make_flag(ended, raised_on=days_ago(20), ended_on=days_ago(3))

    assert due_by(tess) == {}


def test_a_held_review_after_the_flag_began_stops_it_until_the_next_review_date(
    tess, north, flagged
):
    first, second, _ = flagged
    held_meeting(north, tess, [first], on=days_ago(1), next_review_on=days_ago(-10))
    held_meeting(north, tess, [second], on=days_ago(1))

    due = due_by(tess)

    assert due["Due0"] == days_ago(-10)  # due again by the next review date
    assert "Due1" not in due  # reviewed, and no further review set


def test_a_review_before_the_flag_began_does_not_count(tess, north, alice):
    person = ServiceUserFactory(team=north, keyworker=alice, last_name="Again")
    held_meeting(north, tess, [person], on=days_ago(30))
    make_flag(person, raised_on=days_ago(3))

    assert due_by(tess)["Again"] == days_ago(3) + datetime.timedelta(days=7)


def test_a_scheduled_meeting_does_not_stop_it_but_is_shown(tess, north, flagged):
    services.meeting_schedule(
        team=north,
        meets_on=days_ago(-2),
        meets_at=datetime.time(9, 0),
        place="Room 2",
        staff=[],
        partners=[],
        people=[flagged[0]],
        scheduled_by=tess,
    )

    row = next(r for r in selectors.due_reviews(tess) if r.person == flagged[0])

    assert row.scheduled_on == days_ago(-2)


def test_a_next_review_far_off_is_not_listed_yet(tess, north, flagged):
    held_meeting(north, tess, [flagged[0]], on=days_ago(1), next_review_on=days_ago(-60))

    assert "Due0" not in due_by(tess)


def test_people_of_other_teams_are_never_listed(bob, flagged):
    assert due_by(bob) == {}


def test_the_due_list_is_one_query_however_many_people(tess, flagged, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.due_reviews(tess)


def test_the_person_page_lists_the_case_review_a_person_is_due(
    client_as, alice, tess, flagged, django_assert_num_queries
):
    overdue, _, scheduled = flagged
    services.meeting_schedule(
        team=scheduled.team,
        meets_on=days_ago(-3),
        meets_at=datetime.time(10, 0),
        place="Room 1",
        staff=[tess],
        partners=[],
        people=[scheduled],
        scheduled_by=tess,
    )

    with django_assert_num_queries(1):
        due = selectors.case_review_due(overdue, today=days_ago(0))
    assert [(d.what, d.on) for d in due] == [
        ("Case review: put them on a team meeting", days_ago(10) + datetime.timedelta(days=7))
    ]
    assert due[0].overdue(days_ago(0))
    assert [d.what for d in selectors.case_review_due(scheduled, today=days_ago(0))] == [
        f"Case review: on the meeting of {days_ago(-3):%d/%m/%Y}"
    ]
    page = client_as(alice).get(reverse("person_detail", args=[overdue.external_id]))
    assert "Case review: put them on a team meeting" in page.content.decode()


def test_nobody_is_due_a_review_once_reviewed_without_a_next_date(tess, flagged):
    person = flagged[0]
    held_meeting(person.team, tess, [person], on=days_ago(1))

    assert selectors.case_review_due(person, today=days_ago(0)) == []
