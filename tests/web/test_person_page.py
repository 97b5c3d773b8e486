"""The person page a keyworker works from: who the person is and how to reach them, what is
due and what is open at the top; the treatment, care record, TOPs and history below."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from care.due import Due
from cases.models import AccessEvent, ContactStatus, EventStatus
from cases.selectors import service_user_history
from tests.care.factories import referral_of
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    EventFactory,
    NaloxoneSupplyFactory,
    TopFactory,
    days_ago,
)
from tests.overdoses.factories import overdose_of
from tests.risk.ui.conftest import make_flag
from web.person_due import due_for

pytestmark = pytest.mark.django_db


def person_url(person, **query) -> str:
    url = reverse("person_detail", args=[person.external_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page_of(client, person, **query) -> str:
    response = client.get(person_url(person, **query))
    assert response.status_code == 200
    return response.content.decode()


def between(content: str, start: str, end: str) -> str:
    return content.split(start, 1)[1].split(end, 1)[0]


def test_the_top_of_the_page_says_how_to_reach_them_before_the_history(client_as, alice, jo):
    jo.phone = "07700 900123"
    jo.address = "12 Mill Lane\nNorthtown"
    jo.postcode = "NT1 2AB"
    jo.save()
    TopFactory(episode=EpisodeFactory(service_user=jo))

    content = page_of(client_as(alice), jo)

    top = between(content, 'id="contact-heading"', 'id="due-heading"')
    assert 'href="tel:07700900123">07700 900123</a>' in top
    assert "12 Mill Lane<br>Northtown<br>NT1 2AB" in top
    assert "Alice" in top  # the keyworker
    order = ["contact-heading", "due-heading", "open-heading", "top-heading", "timeline-heading"]
    places = [content.index(f'id="{heading}"') for heading in order]
    assert places == sorted(places)


def test_the_record_has_links_to_each_part_below_the_top(client_as, alice, jo):
    content = page_of(client_as(alice), jo)

    nav = between(content, 'aria-label="Parts of the record"', "</nav>")
    for target in ("#treatment-heading", "#care", "#top-heading", "#history-heading"):
        assert f'href="{target}"' in nav
        assert f'id="{target[1:]}"' in content


def test_what_is_due_is_one_list_soonest_first_with_the_overdue_marked_in_words(
    client_as, alice, jo
):
    episode = EpisodeFactory(service_user=jo, referral_date=days_ago(400))
    TopFactory(episode=episode, top_date=days_ago(190))  # review TOP due 8 days ago
    ContactFactory(
        service_user=jo, contact_date=days_ago(-3), status=ContactStatus.BOOKED, staff=alice
    )
    EventFactory(service_user=jo, occurred_on=days_ago(-6), status=EventStatus.EXPECTED)
    referral_of(jo, alice, follow_up=2, organisation_name="Riverside Surgery")
    NaloxoneSupplyFactory(service_user=jo, supplied_on=days_ago(700), expiry_date=days_ago(-10))
    follow_up = overdose_of(jo, alice, days=1)

    follow_up_due = timezone.localtime(follow_up.due_at)

    response = client_as(alice).get(person_url(jo))

    due = {item.what: overdue for item, overdue in response.context["due"]}
    appointment = f"Appointment with {alice.display_name}"
    assert due == {
        "Review TOP": True,  # six months after the last TOP, as the caseload says
        "Follow up the referral to Riverside Surgery": True,
        f"Follow up the overdose of {days_ago(1):%d/%m/%Y} (by {follow_up_due:%H:%M})": (
            follow_up_due.date() < days_ago(0)
        ),
        appointment: False,
        "Released from prison expected: confirm it happened": False,
        "Renew the naloxone kit": False,
        # The other record kinds' due lists join in: in treatment for over a year, no plan.
        "Write a care plan": True,
    }
    days = [item.on for item, _ in response.context["due"]]
    assert days == sorted(days)
    listed = between(response.content.decode(), 'id="due-heading"', 'id="open-heading"')
    assert listed.count(">Overdue<") == sum(due.values())
    assert reverse("top_create", args=[jo.external_id]) in listed
    assert reverse("follow_up_detail", args=[follow_up.external_id]) in listed


def test_readers_see_what_is_due_without_the_links_to_do_it(client_as, gina, jo):
    EpisodeFactory(service_user=jo)

    listed = between(page_of(client_as(gina), jo), 'id="due-heading"', 'id="open-heading"')

    assert "Start TOP" in listed
    assert reverse("top_create", args=[jo.external_id]) not in listed


def test_nothing_is_due_for_someone_who_has_died(alice, jo):
    jo.date_of_death = days_ago(3)
    EpisodeFactory(service_user=jo)
    referral_of(jo, alice, follow_up=-5)

    assert due_for(jo, today=days_ago(0), history=_history(jo), tops=[], follow_up=None) == []


def test_a_record_kind_adds_its_due_list_with_one_function(jo):
    def plan_reviews_due(person, *, today, read=None):
        return [Due(what="Care plan review", on=today + datetime.timedelta(days=1))]

    due = due_for(
        jo,
        today=days_ago(0),
        history=_history(jo),
        tops=[],
        follow_up=None,
        record_kinds=(plan_reviews_due,),
    )

    assert due == [Due(what="Care plan review", on=days_ago(-1))]


def _history(person):
    return service_user_history(person)


def test_the_flags_reasons_lead_in_plain_words_and_the_rule_sits_behind_details(
    client_as, alice, jo
):
    make_flag(jo, raised_on=days_ago(2), reasons=(("prison_release_2w", days_ago(12)),))

    content = page_of(client_as(alice), jo)

    reasons = between(content, 'class="mb-2 flag-reasons"', "</ol>")
    lead = reasons.split("<details", 1)[0]
    assert "Released from prison 12 days ago" in lead
    assert "window" not in lead
    assert "rule prison_release_2w" not in lead
    details = between(reasons, "<details", "</details>")
    assert "<summary>Details" in details
    assert "window 0 to 14 days" in details
    assert "rule prison_release_2w v" in details
    assert "rule set version" in between(content, 'class="small flag-details"', "</details>")


def test_what_is_open_holds_the_overdose_follow_up_and_the_flag(client_as, alice, jo):
    overdose_of(jo, alice, days=1)

    content = page_of(client_as(alice), jo)

    open_area = between(content, 'id="open-heading"', 'aria-label="Parts of the record"')
    assert "person-follow-up" in open_area
    assert 'id="flag-heading"' in open_area


@pytest.mark.parametrize("asked", ["abc", "0", "-1", "1.5", "２", "1e3"])
def test_a_notes_page_that_is_not_a_page_number_is_refused_with_400(client_as, alice, jo, asked):
    reads = AccessEvent.objects.count()

    response = client_as(alice).get(person_url(jo), {"notes": asked})

    assert response.status_code == 400
    assert "is not a page of case notes" in response.content.decode()
    assert AccessEvent.objects.count() == reads  # nothing shown, nothing recorded


def test_a_notes_page_that_is_a_number_is_shown_and_past_the_end_gives_the_last(
    client_as, alice, jo
):
    client = client_as(alice)

    assert client.get(person_url(jo), {"notes": ""}).status_code == 200
    response = client.get(person_url(jo), {"notes": "99999999999999999999"})
    assert response.status_code == 200
    assert response.context["case_notes"].number == 1


def test_a_bad_notes_page_still_answers_404_for_someone_out_of_scope(client_as, bob, jo):
    assert client_as(bob).get(person_url(jo), {"notes": "abc"}).status_code == 404
