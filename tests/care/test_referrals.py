"""Onward referrals: made by the person's team, chased once their follow-up date passes
(overdue on the person's page), closed by an outcome, with the write history."""

import pytest
from django.urls import reverse

from care.models import FOLLOW_UP_BEFORE_REFERRAL, REFERRAL_IN_THE_FUTURE, OnwardReferral
from tests.care.factories import referral_of
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def make_url(person) -> str:
    return reverse("onward_referral_create", args=[person.external_id])


def outcome_url(person) -> str:
    return reverse("onward_referral_outcome", args=[person.external_id])


def page(person) -> str:
    return reverse("person_detail", args=[person.external_id])


def referral_data(**changes) -> dict:
    return {
        "organisation_kind": "hepatitis_c",
        "organisation_name": "Liver clinic, City Hospital",
        "reason": "Antibody positive at the hub's dry blood spot test.",
        "made_on": days_ago(0).isoformat(),
        "follow_up_on": days_ago(-14).isoformat(),
        **changes,
    }


def test_a_keyworker_makes_a_referral_and_it_shows_open_on_the_page(client_as, alice, jo):
    client = client_as(alice)
    response = client.post(make_url(jo), referral_data())

    assert response.status_code == 302
    referral = OnwardReferral.objects.get(service_user=jo)
    assert (referral.made_by, referral.organisation_kind, referral.outcome) == (
        alice,
        "hepatitis_c",
        "",
    )
    content = client.get(page(jo)).content.decode()
    assert "Hepatitis C treatment: Liver clinic, City Hospital" in content
    assert f"Follow up by {days_ago(-14):%d/%m/%Y}" in content
    assert "overdue" not in content.lower()


def test_another_teams_keyworker_finds_no_such_person(client_as, bob, alice, jo):
    referral = referral_of(jo, alice)
    client = client_as(bob)

    assert client.get(make_url(jo)).status_code == 404
    assert client.post(make_url(jo), referral_data()).status_code == 404
    refused = client.post(
        outcome_url(jo), {"referral": str(referral.external_id), "outcome": "declined"}
    )

    assert refused.status_code == 404
    assert OnwardReferral.objects.count() == 1
    referral.refresh_from_db()
    assert referral.outcome == ""


def test_governance_does_not_make_referrals(client_as, gina, jo):
    assert client_as(gina).post(make_url(jo), referral_data()).status_code == 403
    assert not OnwardReferral.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"made_on": days_ago(5).isoformat(), "follow_up_on": days_ago(6).isoformat()},
            "follow_up_on",
            FOLLOW_UP_BEFORE_REFERRAL,
        ),
        (
            {"made_on": days_ago(-1).isoformat(), "follow_up_on": days_ago(-9).isoformat()},
            "made_on",
            REFERRAL_IN_THE_FUTURE,
        ),
        (
            {"organisation_name": ""},
            "organisation_name",
            "Enter the name of the service they are referred to.",
        ),
        ({"reason": ""}, "reason", "Say why they are being referred."),
    ],
)
def test_a_bad_referral_is_refused_at_its_field_and_nothing_is_written(
    client_as, alice, jo, changes, field, message
):
    response = client_as(alice).post(make_url(jo), referral_data(**changes))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not OnwardReferral.objects.exists()


def test_an_open_referral_past_its_follow_up_date_shows_as_overdue(client_as, alice, jo):
    referral_of(jo, alice, made=20, follow_up=2, organisation_name="Riverside Surgery")
    referral_of(jo, alice, made=1, follow_up=-6, organisation_name="Job centre")
    closed = referral_of(jo, alice, made=30, follow_up=10, organisation_name="SMART group")
    client = client_as(alice)
    client.post(outcome_url(jo), {"referral": str(closed.external_id), "outcome": "attended"})

    response = client.get(page(jo))
    content = response.content.decode()

    assert response.context["overdue_referrals"] == 1
    assert [r.organisation_name for r in response.context["open_referrals"]] == [
        "Riverside Surgery",
        "Job centre",
    ]
    assert f"Overdue: follow up was due {days_ago(2):%d/%m/%Y}" in content
    assert "1 overdue" in content
    assert [r.organisation_name for r in response.context["closed_referrals"]] == ["SMART group"]


def test_an_outcome_closes_the_referral_and_the_history_keeps_the_earlier_one(client_as, alice, jo):
    referral = referral_of(jo, alice)
    client = client_as(alice)
    form = client.get(outcome_url(jo), {"referral": str(referral.external_id)}).context["form"]
    assert form["referral"].value() == str(referral.external_id)

    client.post(outcome_url(jo), {"referral": str(referral.external_id), "outcome": "no_reply"})
    response = client.post(
        outcome_url(jo), {"referral": str(referral.external_id), "outcome": "attended"}
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_recorded_by) == ("attended", alice)
    assert referral.outcome_recorded_at is not None
    assert [e.outcome for e in referral.history.order_by("pgh_id")] == ["", "no_reply", "attended"]


def test_an_outcome_needs_one_of_this_persons_referrals_and_an_outcome(client_as, alice, jo, north):
    kit = ServiceUserFactory(team=north, keyworker=alice)
    theirs = referral_of(kit, alice)
    client = client_as(alice)

    other = client.post(
        outcome_url(jo), {"referral": str(theirs.external_id), "outcome": "declined"}
    )
    nothing = client.post(outcome_url(jo), {"referral": "", "outcome": ""})

    assert other.status_code == 400
    assert other.context["form"].errors["referral"] == ["Choose one of this person's referrals."]
    assert nothing.context["form"].errors == {
        "referral": ["Choose the referral."],
        "outcome": ["Choose the outcome."],
    }
    theirs.refresh_from_db()
    assert theirs.outcome == ""
