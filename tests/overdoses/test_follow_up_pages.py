"""The follow-up's page and its two forms, worked as a keyworker works them: every state from
open to closed with each outcome, the pathway's refusals with their messages at the field,
nothing written on bad input, who may see and do what, and the one read each response
records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessEvent, AccessKind
from overdoses.models import FollowUp, FollowUpAttempt, Outcome
from tests.overdoses.factories import attempts, overdose_of, overdose_of_someone_unknown

pytestmark = pytest.mark.django_db


@pytest.fixture
def jo_follow_up(jo, alice):
    return overdose_of(jo, alice)


def detail(follow_up):
    return reverse("follow_up_detail", args=[follow_up.external_id])


def attempt_url(follow_up):
    return reverse("follow_up_attempt", args=[follow_up.external_id])


def close_url(follow_up):
    return reverse("follow_up_close", args=[follow_up.external_id])


def a_minute_ago() -> dict:
    moment = timezone.localtime() - datetime.timedelta(minutes=1)
    return {"date": f"{moment:%d/%m/%Y}", "time": f"{moment:%H:%M}"}


def attempt(client, follow_up, **fields):
    moment = a_minute_ago()
    data = {
        "attempted_on": moment["date"],
        "attempted_time": moment["time"],
        "method": "phone",
        "reached": "no",
        **fields,
    }
    return client.post(attempt_url(follow_up), data)


def close(client, follow_up, **fields):
    data = {"children_in_household": "no", **fields}
    return client.post(close_url(follow_up), data)


def written(follow_up) -> tuple:
    """What a refused post must leave as it was."""
    row = FollowUp.objects.get(pk=follow_up.pk)
    return (row.closed_at, row.outcome, row.referrals, FollowUpAttempt.objects.count())


# The page --------------------------------------------------------------------------


def test_the_page_shows_the_overdose_the_person_the_owner_and_not_known_as_such(
    client_as, alice, jo, jo_follow_up
):
    response = client_as(alice).get(detail(jo_follow_up))

    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("person_detail", args=[jo.external_id]) in content
    assert "Bus station toilets" in content
    assert "Ambulance service" in content
    assert "Ambulance crew, 2 doses" in content
    assert 'Taken to hospital</dt><dd class="col-7">Not known' in content
    assert "Alice" in content
    assert "(you)" in content
    assert "No attempt recorded yet." in content
    assert "NHS Borders refers every non-fatal overdose to adult protection" in content
    assert "refer to children's services, or say in the closing note why not" in content
    assert 'action="' + attempt_url(jo_follow_up) in content
    assert 'action="' + close_url(jo_follow_up) in content


def test_reading_the_page_records_one_read_of_the_persons_record(
    client_as, alice, jo, jo_follow_up
):
    client_as(alice).get(detail(jo_follow_up))

    assert list(AccessEvent.objects.values_list("view", "kind", "service_user")) == [
        ("follow_up_detail", AccessKind.RECORD, jo.pk)
    ]


def test_someone_not_yet_known_is_described_and_their_read_recorded_by_reference(
    client_as, alice, north
):
    follow_up = overdose_of_someone_unknown(north, alice)

    content = client_as(alice).get(detail(follow_up)).content.decode()

    assert "Not yet known: Tall man, red jacket, called Dev" in content
    someone = follow_up.overdose.unidentified_person
    assert list(AccessEvent.objects.values_list("kind", "service_user", "object_ref")) == [
        (AccessKind.RECORD, None, str(someone.external_id))
    ]


def test_governance_reads_the_page_without_the_forms(client_as, gina, jo_follow_up):
    response = client_as(gina).get(detail(jo_follow_up))

    assert response.status_code == 200
    assert close_url(jo_follow_up) not in response.content.decode()


@pytest.mark.parametrize("who", ["bob", "cora", "adam"])
def test_the_page_and_its_posts_do_not_exist_outside_the_users_scope(
    client_as, request, who, jo_follow_up
):
    client = client_as(request.getfixturevalue(who))
    before = written(jo_follow_up)

    assert client.get(detail(jo_follow_up)).status_code == 404
    assert attempt(client, jo_follow_up).status_code == 404
    assert close(client, jo_follow_up, outcome="died").status_code == 404
    assert written(jo_follow_up) == before
    assert not AccessEvent.objects.exists()


def test_governance_may_not_post_and_nothing_is_read_or_written(client_as, gina, jo_follow_up):
    client = client_as(gina)
    before = written(jo_follow_up)

    assert attempt(client, jo_follow_up).status_code == 403
    assert close(client, jo_follow_up, outcome="died").status_code == 403
    assert written(jo_follow_up) == before
    assert not AccessEvent.objects.exists()


def test_the_posts_refuse_a_get(client_as, alice, jo_follow_up):
    client = client_as(alice)
    assert client.get(attempt_url(jo_follow_up)).status_code == 405
    assert client.get(close_url(jo_follow_up)).status_code == 405


# Attempts ----------------------------------------------------------------------------


def test_an_attempt_is_recorded_and_shown(client_as, alice, jo_follow_up):
    client = client_as(alice)

    response = attempt(client, jo_follow_up, notes="Voicemail left")

    assert response.status_code == 302
    assert response.url == detail(jo_follow_up)
    saved = FollowUpAttempt.objects.get()
    assert (saved.follow_up, saved.method, saved.reached, saved.recorded_by) == (
        jo_follow_up,
        "phone",
        False,
        alice,
    )
    content = client.get(detail(jo_follow_up)).content.decode()
    assert "Voicemail left" in content
    assert "1 so far, 1 that did not reach them" in content


def test_the_attempt_form_starts_at_now(client_as, alice, jo_follow_up):
    form = client_as(alice).get(detail(jo_follow_up)).context["attempt_form"]

    assert form["attempted_on"].value() == timezone.localdate()
    assert form["attempted_time"].value().hour == timezone.localtime().hour


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"method": ""}, "method", "Choose how you tried to reach them."),
        ({"reached": ""}, "reached", "Say whether you reached them."),
        ({"attempted_on": "31/02/2026"}, "attempted_on", "Enter a real date as dd/mm/yyyy"),
        ({"attempted_time": "25:00"}, "attempted_time", "Enter a time as hh:mm"),
        ({"attempted_on": "01/01/2020"}, "attempted_on", "this is before it."),
    ],
)
def test_a_bad_attempt_gets_its_message_at_the_field_and_writes_nothing(
    client_as, alice, jo_follow_up, fields, field, message
):
    before = written(jo_follow_up)

    response = attempt(client_as(alice), jo_follow_up, **fields)

    assert response.status_code == 400
    errors = response.context["attempt_form"].errors
    assert message in " ".join(errors[field])
    assert message.split(":")[0] in response.content.decode()
    assert written(jo_follow_up) == before
    assert AccessEvent.objects.count() == 1


def test_an_attempt_still_to_come_is_refused(client_as, alice, jo_follow_up):
    later = timezone.localtime() + datetime.timedelta(hours=2)

    response = attempt(
        client_as(alice),
        jo_follow_up,
        attempted_on=f"{later:%d/%m/%Y}",
        attempted_time=f"{later:%H:%M}",
    )

    assert response.status_code == 400
    form = response.context["attempt_form"]
    assert (form.errors.get("attempted_time") or form.errors.get("attempted_on")) is not None
    assert not FollowUpAttempt.objects.exists()


# Closing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome",
    [
        Outcome.MAT_OFFERED,
        Outcome.MAT_STARTED,
        Outcome.MAT_RESTARTED,
        Outcome.MAT_CONTINUING,
        Outcome.MAT_DECLINED,
    ],
)
def test_after_an_attempt_that_reached_them_each_contacted_outcome_closes_it(
    client_as, alice, jo_follow_up, outcome
):
    client = client_as(alice)
    assert attempt(client, jo_follow_up, reached="yes").status_code == 302

    response = close(
        client,
        jo_follow_up,
        outcome=outcome,
        naloxone_supplied="on",
        referrals=["adult_protection", "gp"],
    )

    assert response.status_code == 302
    closed = FollowUp.objects.get()
    assert (closed.outcome, closed.closed_by, closed.naloxone_supplied, closed.referrals) == (
        outcome,
        alice,
        True,
        ["adult_protection", "gp"],
    )
    assert closed.closed_at is not None
    content = client.get(detail(jo_follow_up)).content.decode()
    assert Outcome(outcome).label in content
    assert "Adult protection, GP" in content
    assert close_url(jo_follow_up) not in content


def test_a_contacted_outcome_without_a_contact_on_record_asks_when_and_how(
    client_as, alice, jo_follow_up
):
    before = written(jo_follow_up)

    response = close(client_as(alice), jo_follow_up, outcome=Outcome.MAT_STARTED)

    assert response.status_code == 400
    errors = response.context["close_form"].errors
    assert errors["contacted_on"] == ["Say when you reached them."]
    assert errors["contact_method"] == ["Say how you reached them."]
    assert written(jo_follow_up) == before


def test_a_contacted_outcome_closes_with_the_contact_given_there_recorded_as_an_attempt(
    client_as, alice, jo_follow_up
):
    moment = a_minute_ago()

    response = close(
        client_as(alice),
        jo_follow_up,
        outcome=Outcome.MAT_STARTED,
        contacted_on=moment["date"],
        contacted_time=moment["time"],
        contact_method="visit",
    )

    assert response.status_code == 302
    reached = FollowUpAttempt.objects.get()
    assert (reached.method, reached.reached) == ("visit", True)
    assert FollowUp.objects.get().outcome == Outcome.MAT_STARTED


def test_a_date_without_a_time_is_refused_at_the_time(client_as, alice, jo_follow_up):
    response = close(
        client_as(alice),
        jo_follow_up,
        outcome=Outcome.MAT_OFFERED,
        contacted_on=a_minute_ago()["date"],
        contact_method="phone",
    )

    assert response.status_code == 400
    assert response.context["close_form"].errors["contacted_time"] == [
        "Give the time you reached them too."
    ]
    assert not FollowUpAttempt.objects.exists()


def test_not_contactable_is_refused_before_three_unanswered_attempts_then_accepted(
    client_as, alice, jo_follow_up
):
    client = client_as(alice)
    attempts(jo_follow_up, alice, 2)
    before = written(jo_follow_up)

    refused = close(client, jo_follow_up, outcome=Outcome.NOT_CONTACTABLE)

    assert refused.status_code == 400
    assert refused.context["close_form"].errors["outcome"] == [
        "Not contactable needs 3 attempts that did not reach them: 2 recorded so far."
    ]
    assert written(jo_follow_up) == before
    assert attempt(client, jo_follow_up).status_code == 302

    accepted = close(client, jo_follow_up, outcome=Outcome.NOT_CONTACTABLE)

    assert accepted.status_code == 302
    assert FollowUp.objects.get().outcome == Outcome.NOT_CONTACTABLE


def test_died_closes_without_a_contact(client_as, alice, jo_follow_up):
    response = close(client_as(alice), jo_follow_up, outcome=Outcome.DIED)

    assert response.status_code == 302
    assert FollowUp.objects.get().outcome == Outcome.DIED
    assert not FollowUpAttempt.objects.exists()


def test_children_in_the_household_need_a_referral_or_a_reason(client_as, alice, jo_follow_up):
    client = client_as(alice)
    attempts(jo_follow_up, alice, 1, reached=True)
    before = written(jo_follow_up)

    refused = close(client, jo_follow_up, outcome=Outcome.MAT_DECLINED, children_in_household="yes")

    assert refused.status_code == 400
    assert refused.context["close_form"].errors["closing_note"] == [
        "There are children in the household: refer to children's services, or say here why not."
    ]
    assert written(jo_follow_up) == before
    referred = close(
        client,
        jo_follow_up,
        outcome=Outcome.MAT_DECLINED,
        children_in_household="yes",
        referrals=["childrens_services"],
    )
    assert referred.status_code == 302
    assert FollowUp.objects.get().children_in_household == "yes"


def test_children_in_the_household_with_a_reason_closes(client_as, alice, jo_follow_up):
    attempts(jo_follow_up, alice, 1, reached=True)

    response = close(
        client_as(alice),
        jo_follow_up,
        outcome=Outcome.MAT_DECLINED,
        children_in_household="yes",
        closing_note="Children already open to children's services; social worker told.",
    )

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"outcome": ""}, "outcome", "Choose how the follow-up ended."),
        ({"outcome": "died", "children_in_household": ""}, "children_in_household", "Say whether"),
        ({"outcome": "mended"}, "outcome", "Select a valid choice."),
    ],
)
def test_a_bad_close_gets_its_message_at_the_field_and_writes_nothing(
    client_as, alice, jo_follow_up, fields, field, message
):
    before = written(jo_follow_up)

    response = close(client_as(alice), jo_follow_up, **fields)

    assert response.status_code == 400
    assert message in " ".join(response.context["close_form"].errors[field])
    assert written(jo_follow_up) == before


def test_closing_twice_is_refused(client_as, alice, jo_follow_up):
    client = client_as(alice)
    assert close(client, jo_follow_up, outcome=Outcome.DIED).status_code == 302
    first = written(jo_follow_up)

    again = close(client, jo_follow_up, outcome=Outcome.DIED)

    assert again.status_code == 400
    assert "This follow-up is already closed." in again.content.decode()
    assert written(jo_follow_up) == first
    assert attempt(client, jo_follow_up).status_code == 400
    assert written(jo_follow_up) == first


def test_a_refused_post_records_one_read(client_as, alice, jo, jo_follow_up):
    close(client_as(alice), jo_follow_up, outcome="")

    assert list(AccessEvent.objects.values_list("view", "service_user")) == [
        ("follow_up_close", jo.pk)
    ]
