"""A meeting's history: every change to it and its parts, with who made it, naming only the
people the reader may see; refused where the meeting is; its read audited; fixed queries."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from casereviews import services
from casereviews.models import Meeting, ReviewAction, ReviewedPerson
from casereviews.selectors import meeting_history
from cases.models import AccessEvent, AccessKind
from tests.casereviews.conftest import held_meeting, scheduled_meeting
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def uk(day) -> str:
    return day.strftime("%d/%m/%Y")


def history_url(meeting) -> str:
    return reverse("case_review_history", args=[meeting.external_id])


def lines(entries) -> set[tuple]:
    return {
        (e.what, e.verb, e.who, tuple((c.label, c.before, c.after) for c in e.changes))
        for e in entries
    }


@pytest.fixture
def stranger(south, bob):
    return ServiceUserFactory(team=south, keyworker=bob, first_name="Sid", last_name="Stranger")


def test_decisions_and_actions_recorded_on_the_pages_appear_with_who_recorded_them(
    client_as, tess, alice, north, flagged
):
    meeting = held_meeting(north, tess, flagged[:1], on=days_ago(0))
    reviewed = meeting.reviewed.get()
    client = client_as(tess)
    client.post(
        reverse("case_review_decisions", args=[meeting.external_id, reviewed.external_id]),
        {"decisions": "Daily contact for a week.", "next_review_on": uk(days_ago(-28))},
    )
    client.post(
        reverse("case_review_action_create", args=[meeting.external_id, reviewed.external_id]),
        {"description": "Offer naloxone", "owner": alice.pk, "due_on": uk(days_ago(-3))},
    )

    response = client.get(history_url(meeting))

    assert response.status_code == 200
    got = lines(response.context["entries"])
    person = flagged[0].display_name
    tess_name = tess.display_name
    assert (
        "Reviewed person",
        "changed",
        tess_name,
        (
            ("Decisions", "—", "Daily contact for a week."),
            ("Next review by", "—", uk(days_ago(-28))),
        ),
    ) in got
    action = next(e for e in response.context["entries"] if e.what == "Review action")
    assert (action.verb, action.who) == ("added", tess_name)
    # The action says whose it is, by the person's name; the meeting it belongs to is the
    # page's, so it is not repeated.
    assert ("Reviewed", "—", person) in [(c.label, c.before, c.after) for c in action.changes]
    assert ("What", "—", "Offer naloxone") in [(c.label, c.before, c.after) for c in action.changes]
    assert not any(c.label == "Meeting" for e in response.context["entries"] for c in e.changes)
    assert "Offer naloxone" in response.content.decode()


def test_the_meeting_its_staff_and_its_list_are_in_the_history(tess, north, flagged):
    meeting = scheduled_meeting(north, tess, flagged[:2], on=days_ago(-1))

    entries, people = meeting_history(meeting, tess)

    whats = [(e.what, e.verb) for e in entries]
    assert ("Meeting", "added") in whats
    assert ("Meeting staff", "added") in whats
    assert whats.count(("Reviewed person", "added")) == 2
    assert people == 2


def test_a_person_the_reader_may_not_see_leaves_no_entry_added_changed_or_removed(
    tess, north, south, bob, flagged, stranger
):
    meeting = scheduled_meeting(north, tess, flagged[:2], on=days_ago(-1))
    # Someone of another team on the list (moved to South since they were put on it), with
    # a decision and an action changed since; and another put on the list and taken off.
    elsewhere = ReviewedPerson.objects.create(meeting=meeting, service_user=stranger)
    ReviewedPerson.objects.filter(pk=elsewhere.pk).update(decisions="Sid: see his GP")
    ReviewAction.objects.create(
        reviewed=elsewhere, description="Call Sid's probation", owner=tess, due_on=days_ago(-3)
    )
    ReviewAction.objects.filter(reviewed=elsewhere).update(description="Call probation again")
    gone = ServiceUserFactory(team=south, keyworker=bob, first_name="Gil", last_name="Gone")
    ReviewedPerson.objects.create(meeting=meeting, service_user=gone)
    ReviewedPerson.objects.filter(meeting=meeting, service_user=gone).delete()
    # One the reader sees, taken off the list by the lead.
    services.meeting_people_set(meeting=meeting, people=flagged[:1], among=flagged[:2])

    entries, people = meeting_history(meeting, tess)

    said = " ".join(
        f"{e.what} {e.verb} " + " ".join(f"{c.label} {c.before} {c.after}" for c in e.changes)
        for e in entries
    )
    for word in ("Stranger", "Sid", "probation", "Gone", "Gil"):
        assert word not in said
    assert not any(e.what == "Review action" for e in entries)
    assert [(e.what, e.verb) for e in entries].count(("Reviewed person", "added")) == 2
    removed = [e for e in entries if (e.what, e.verb) == ("Reviewed person", "removed")]
    assert [c.after for e in removed for c in e.changes if c.label == "Service user"] == [
        flagged[1].display_name
    ]
    assert people == 2


def test_the_page_is_refused_where_the_meeting_is(client_as, tess, bob, cora, north, flagged):
    meeting = held_meeting(north, tess, flagged[:1], on=days_ago(0))

    assert client_as(bob).get(history_url(meeting)).status_code == 404
    assert client_as(cora).get(history_url(meeting)).status_code == 404
    other = reverse("case_review_history", args=[uuid.uuid4()])
    assert client_as(tess).get(other).status_code == 404


def test_reading_the_history_is_audited_once_as_a_list_of_the_people_it_names(
    client_as, tess, north, flagged, stranger
):
    meeting = held_meeting(north, tess, flagged, on=days_ago(0))
    ReviewedPerson.objects.create(meeting=meeting, service_user=stranger)

    client_as(tess).get(history_url(meeting))

    reads = AccessEvent.objects.filter(view="case_review_history")
    assert [(r.kind, r.object_ref, r.rows) for r in reads] == [
        (AccessKind.LIST, f"case review {meeting.external_id}", 3)
    ]


def test_the_page_makes_the_same_queries_however_long_the_history(
    client_as, tess, alice, north, flagged, django_assert_num_queries
):
    meeting = held_meeting(north, tess, flagged[:1], on=days_ago(0))
    client = client_as(tess)
    client.get(history_url(meeting))
    with django_assert_num_queries(16) as first:
        client.get(history_url(meeting))
    for person in flagged[1:]:
        reviewed = ReviewedPerson.objects.create(meeting=meeting, service_user=person)
        for what in ("Offer naloxone", "Call the GP"):
            services.action_set(
                reviewed=reviewed, description=what, owner=alice, due_on=days_ago(-3)
            )
        ReviewedPerson.objects.filter(pk=reviewed.pk).update(decisions="Weekly contact")
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(history_url(meeting))


def test_the_meeting_page_links_to_its_history(client_as, tess, north, flagged):
    meeting = held_meeting(north, tess, flagged[:1], on=days_ago(0))

    page = client_as(tess).get(reverse("case_review_meeting", args=[meeting.external_id]))

    assert history_url(meeting) in page.content.decode()


def test_times_and_moments_read_as_a_page_shows_them(tess, north, flagged):
    meeting = held_meeting(north, tess, flagged[:1], on=days_ago(0))
    held_at = timezone.localtime(Meeting.objects.get(pk=meeting.pk).held_at)

    entries, _ = meeting_history(meeting, tess)

    said = {(e.what, e.verb, c.label): c.after for e in entries for c in e.changes}
    assert said[("Meeting", "added", "Time")] == "10:00"
    assert said[("Meeting", "changed", "Held at")] == held_at.strftime("%d/%m/%Y %H:%M")
