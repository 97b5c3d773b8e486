import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risk.models import Flag, OutreachAttempt
from risk.views import BlankAttemptFields, _attempt_form
from tests.factories import ContactFactory, ServiceUserFactory, days_ago
from tests.risk.ui.conftest import flagged_people, make_flag

pytestmark = pytest.mark.django_db

WORKLIST = reverse("outreach_worklist")


def attempt_url(person):
    return reverse("outreach_attempt_create", args=[person.external_id])


def listed(client, **params) -> list[str]:
    response = client.get(WORKLIST, params)
    assert response.status_code == 200
    return [entry["flag"].service_user.last_name for entry in response.context["entries"]]


def test_anonymous_users_are_sent_to_sign_in(client, jo_flag, jo):
    for url in (WORKLIST, reverse("outreach_uncontacted"), attempt_url(jo)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


@pytest.mark.parametrize("who", ["cora", "adam"])
def test_roles_without_people_have_no_worklist(client_as, request, who):
    assert client_as(request.getfixturevalue(who)).get(WORKLIST).status_code == 403


def test_a_keyworker_sees_their_teams_flagged_people_with_reasons(client_as, alice, jo_flag):
    response = client_as(alice).get(WORKLIST)

    content = response.content.decode()
    assert "Bloggs" in content
    assert "Released from prison 3 days ago" in content
    assert "Very high" in content
    assert "No contact recorded" in content
    assert "data-attempt-form" in content


def test_another_teams_keyworker_does_not_see_them(client_as, bob, jo_flag):
    assert listed(client_as(bob)) == []


def test_another_teams_keyworker_cannot_record_for_them(client_as, bob, jo, jo_flag):
    response = client_as(bob).post(attempt_url(jo), {"outcome": "contacted"})

    assert response.status_code == 404
    assert not OutreachAttempt.objects.exists()


def test_governance_reads_the_worklist_without_forms(client_as, gina, jo_flag):
    response = client_as(gina).get(WORKLIST)

    content = response.content.decode()
    assert "Bloggs" in content
    assert "Read only" in content
    assert "data-attempt-form" not in content


def test_governance_cannot_record_an_attempt(client_as, gina, jo, jo_flag):
    client = client_as(gina)
    assert client.get(attempt_url(jo)).status_code == 403
    assert client.post(attempt_url(jo), {"outcome": "contacted"}).status_code == 403


def test_commissioner_cannot_reach_a_person_to_record(client_as, cora, jo, jo_flag):
    assert client_as(cora).post(attempt_url(jo), {"outcome": "contacted"}).status_code == 404


def test_highest_tier_first_then_longest_without_contact(client_as, alice, north):
    raised = ServiceUserFactory(team=north, keyworker=alice, last_name="Raised")
    make_flag(raised, tier="raised")
    recent = ServiceUserFactory(team=north, keyworker=alice, last_name="Recent")
    make_flag(recent, tier="high")
    ContactFactory(service_user=recent, contact_date=days_ago(2))
    long_ago = ServiceUserFactory(team=north, keyworker=alice, last_name="Longago")
    make_flag(long_ago, tier="high")
    ContactFactory(service_user=long_ago, contact_date=days_ago(60))
    never = ServiceUserFactory(team=north, keyworker=alice, last_name="Never")
    make_flag(never, tier="high")
    top = ServiceUserFactory(team=north, keyworker=alice, last_name="Top")
    make_flag(top, tier="very_high")
    ContactFactory(service_user=top, contact_date=days_ago(1))

    assert listed(client_as(alice)) == ["Top", "Never", "Longago", "Recent", "Raised"]


def test_outreach_that_reached_them_counts_as_contact(client_as, alice, north):
    reached = ServiceUserFactory(team=north, keyworker=alice, last_name="Reached")
    make_flag(reached, tier="high")
    OutreachAttempt.objects.create(
        service_user=reached,
        attempted_on=days_ago(1),
        method="phone",
        outcome="contacted",
        recorded_by=alice,
    )
    not_reached = ServiceUserFactory(team=north, keyworker=alice, last_name="Unreached")
    make_flag(not_reached, tier="high")

    assert listed(client_as(alice)) == ["Unreached", "Reached"]


def test_snoozed_and_removed_people_leave_the_list_until_due(client_as, alice, north):
    client = client_as(alice)
    snoozed = ServiceUserFactory(team=north, keyworker=alice, last_name="Snoozed")
    make_flag(snoozed)
    removed = ServiceUserFactory(team=north, keyworker=alice, last_name="Removed")
    make_flag(removed)
    due = ServiceUserFactory(team=north, keyworker=alice, last_name="Due")
    flag = make_flag(due)
    client.post(
        attempt_url(snoozed),
        {
            "attempted_on": days_ago(0),
            "method": "phone",
            "outcome": "remind",
            "remind_on": days_ago(-5),
        },
    )
    client.post(
        attempt_url(removed),
        {
            "attempted_on": days_ago(0),
            "method": "visit",
            "outcome": "removed",
            "removal_reason": "in_custody",
            "confirm_removal": "on",
        },
    )
    # A reminder whose date has come puts them back.
    OutreachAttempt.objects.create(
        service_user=due,
        flag=flag,
        attempted_on=days_ago(5),
        method="phone",
        outcome="remind",
        remind_on=days_ago(0),
        recorded_by=alice,
    )

    assert listed(client) == ["Due"]


def test_a_new_flag_puts_a_removed_person_back(client_as, alice, jo, jo_flag):
    client = client_as(alice)
    client.post(
        attempt_url(jo),
        {
            "attempted_on": days_ago(0),
            "method": "phone",
            "outcome": "removed",
            "removal_reason": "in_hospital",
            "confirm_removal": "on",
        },
    )
    assert listed(client) == []
    Flag.objects.filter(pk=jo_flag.pk).update(
        ended_on=days_ago(0), status=Flag.Status.ENDED, end_reason="tier_changed"
    )
    make_flag(jo, tier="high")

    assert listed(client) == ["Bloggs"]


def test_it_opens_on_my_people_with_the_whole_team_one_click_away(
    client_as, alice, tess, north, jo_flag
):
    theirs = ServiceUserFactory(team=north, keyworker=tess, last_name="Theirs")
    make_flag(theirs)
    client = client_as(alice)

    page = client.get(WORKLIST).content.decode()
    assert listed(client) == ["Bloggs"]
    assert f'href="{WORKLIST}?whose=team">Everyone in my teams</a>' in page
    assert sorted(listed(client, whose="team")) == ["Bloggs", "Theirs"]


def test_governance_who_holds_no_caseload_sees_everyone_it_may_see(client_as, gina, jo_flag):
    assert listed(client_as(gina)) == ["Bloggs"]


def test_my_empty_list_points_to_the_whole_team(client_as, tess, jo_flag):
    content = client_as(tess).get(WORKLIST).content.decode()

    assert "Nobody to contact right now" in content
    assert f'href="{WORKLIST}?whose=team">See everyone in your teams</a>' in content


def test_each_row_shows_the_phone_number_as_a_link_that_dials_it(client_as, alice, north):
    with_phone = ServiceUserFactory(
        team=north, keyworker=alice, last_name="Phoned", phone="07700 900123"
    )
    make_flag(with_phone)
    without = ServiceUserFactory(team=north, keyworker=alice, last_name="Unphoned", phone="")
    make_flag(without)

    content = client_as(alice).get(WORKLIST).content.decode()

    assert '<a href="tel:07700900123">' in content
    assert "07700 900123</a>" in content
    assert "No phone number on record" in content


def worklist_queries(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(WORKLIST, params)
    assert response.status_code == 200
    return len(captured), response


def test_the_worklist_runs_the_same_queries_for_3_people_and_for_40(client_as, alice, north):
    client = client_as(alice)
    flagged_people(3, north, alice)
    few, _ = worklist_queries(client)
    for person in flagged_people(37, north, alice):
        ContactFactory(service_user=person)

    many, response = worklist_queries(client)

    assert len(response.context["entries"]) == 40
    assert few == many
    assert many <= 6
    assert worklist_queries(client, whose="team")[0] == many


# Recording an attempt: the outcome decides which extra fields it needs -----------


def record(client, person, fetch=False, **fields):
    data = {"attempted_on": days_ago(0).isoformat(), "method": "phone", **fields}
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"} if fetch else {}
    return client.post(attempt_url(person), data, **headers)


@pytest.mark.parametrize(
    "outcome", ["contacted", "agreed_to_attend", "not_contactable", "declined"]
)
def test_a_plain_outcome_needs_nothing_else(client_as, alice, jo, jo_flag, outcome):
    response = record(client_as(alice), jo, outcome=outcome)

    assert response.status_code == 302
    assert response.url == WORKLIST
    attempt = OutreachAttempt.objects.get()
    assert (attempt.outcome, attempt.flag, attempt.recorded_by) == (outcome, jo_flag, alice)
    jo_flag.refresh_from_db()
    assert jo_flag.status == Flag.Status.WORKED


def test_taking_someone_off_the_worklist_needs_a_tick_to_confirm(client_as, alice, jo, jo_flag):
    client = client_as(alice)
    unconfirmed = record(client, jo, outcome="removed", removal_reason="in_custody")

    assert unconfirmed.status_code == 400
    assert unconfirmed.context["form"].errors["confirm_removal"] == [
        "Tick the box to confirm taking them off the worklist."
    ]
    assert not OutreachAttempt.objects.exists()
    confirmed = record(
        client, jo, outcome="removed", removal_reason="in_custody", confirm_removal="on"
    )
    assert confirmed.status_code == 302
    assert OutreachAttempt.objects.get().outcome == "removed"


def test_remind_needs_a_date_after_the_attempt(client_as, alice, jo, jo_flag):
    client = client_as(alice)
    missing = record(client, jo, outcome="remind")
    same_day = record(client, jo, outcome="remind", remind_on=days_ago(0).isoformat())
    ok = record(client, jo, outcome="remind", remind_on=days_ago(-7).isoformat())

    assert missing.status_code == 400
    assert missing.context["form"].errors["remind_on"] == ["Choose the date to be reminded."]
    assert same_day.context["form"].errors["remind_on"] == [
        "The reminder date must be after the attempt."
    ]
    assert ok.status_code == 302
    assert OutreachAttempt.objects.get().remind_on == days_ago(-7)


def test_removal_needs_a_reason_and_other_needs_words(client_as, alice, jo, jo_flag):
    client = client_as(alice)
    no_reason = record(client, jo, outcome="removed")
    other_blank = record(client, jo, outcome="removed", removal_reason="other")
    other = record(
        client,
        jo,
        outcome="removed",
        removal_reason="other",
        removal_detail="Moved to Wales",
        confirm_removal="on",
    )

    assert no_reason.context["form"].errors["removal_reason"] == [
        "Say why they are removed from the list."
    ]
    assert other_blank.context["form"].errors["removal_detail"] == [
        "Describe the reason for removal."
    ]
    assert other.status_code == 302
    attempt = OutreachAttempt.objects.get()
    assert (attempt.removal_reason, attempt.removal_detail) == ("other", "Moved to Wales")


def test_fields_that_do_not_go_with_the_outcome_are_dropped(client_as, alice, jo, jo_flag):
    response = record(
        client_as(alice),
        jo,
        outcome="contacted",
        remind_on=days_ago(-3).isoformat(),
        removal_reason="died",
        removal_detail="typed before changing the outcome",
    )

    assert response.status_code == 302
    attempt = OutreachAttempt.objects.get()
    assert (attempt.remind_on, attempt.removal_reason, attempt.removal_detail) == (None, "", "")


def test_missing_choices_and_future_dates_are_reported_at_the_field(client_as, alice, jo, jo_flag):
    client = client_as(alice)
    blank = client.post(attempt_url(jo), {})
    future = record(client, jo, outcome="contacted", attempted_on=days_ago(-1).isoformat())

    assert blank.status_code == 400
    errors = blank.context["form"].errors
    assert errors["method"] == ["Choose how you tried to reach them."]
    assert errors["outcome"] == ["Choose what happened."]
    assert future.context["form"].errors["attempted_on"] == ["An attempt cannot be in the future."]
    assert not OutreachAttempt.objects.exists()


def test_with_fetch_a_saved_attempt_returns_the_row_to_swap(client_as, alice, jo, jo_flag):
    response = record(client_as(alice), jo, fetch=True, outcome="contacted")

    content = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "risk/_worklist_row.html"
    assert "Recorded for Jo Bloggs: Contacted" in content
    assert f'id="entry-{jo.external_id}"' in content
    assert "<html" not in content


def test_with_fetch_a_snooze_returns_the_row_saying_when_they_return(client_as, alice, jo, jo_flag):
    response = record(
        client_as(alice), jo, fetch=True, outcome="remind", remind_on=days_ago(-4).isoformat()
    )

    content = response.content.decode()
    assert f"Off the list until {days_ago(-4):%d/%m/%Y}" in content
    assert "data-attempt-form" not in content


def test_with_fetch_errors_come_back_in_the_row(client_as, alice, jo, jo_flag):
    response = record(client_as(alice), jo, fetch=True, outcome="removed")

    content = response.content.decode()
    assert response.status_code == 400
    assert "Say why they are removed from the list." in content
    assert '<details class="attempt" open>' in content


def test_the_attempt_page_works_without_script_and_returns_to_the_record(
    client_as, alice, jo, jo_flag
):
    client = client_as(alice)
    page = client.get(attempt_url(jo), {"return_to": "person"})
    response = record(client, jo, outcome="declined", return_to="person")

    assert page.status_code == 200
    assert "Record an outreach attempt" in page.content.decode()
    assert response.url == reverse("person_detail", args=[jo.external_id])


def test_dates_are_shown_in_uk_format(client_as, alice, jo):
    make_flag(jo, raised_on=datetime.date(2026, 1, 5))

    assert "Raised 05/01/2026" in client_as(alice).get(WORKLIST).content.decode()


def test_each_row_carries_the_same_attempt_form_its_own_form_would_render(alice, jo, north):
    # The worklist renders the blank form once and gives each row its own ids: the
    # result must be exactly what rendering that person's own form gives.
    other = ServiceUserFactory(team=north, keyworker=alice)
    request = RequestFactory().get(WORKLIST)
    request.user = alice
    blank = BlankAttemptFields(request)

    for person in (jo, other):
        own = render_to_string(
            "risk/_attempt_fields.html", {"form": _attempt_form(person)}, request=request
        )
        assert blank.for_person(person) == own
        assert f'id="attempt-{person.external_id.hex[:12]}-outcome_0"' in own
    assert blank.for_person(jo) != blank.for_person(other)


def test_the_worklist_page_holds_a_working_form_for_every_row(client_as, alice, north):
    people = flagged_people(3, north, alice)
    response = client_as(alice).get(WORKLIST)

    html = response.content.decode()
    for person in people:
        prefix = f"attempt-{person.external_id.hex[:12]}-"
        assert f'action="{attempt_url(person)}"' in html
        assert f'id="{prefix}attempted_on"' in html
        assert f'for="{prefix}outcome_0"' in html
    assert "blankformstandin" not in html
