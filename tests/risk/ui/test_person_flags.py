import pytest
from django.urls import reverse

from cases.models import Intervention
from risk.models import Flag, FlagOverride, OutreachAttempt
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    NaloxoneSupplyFactory,
    days_ago,
    discharge_reason,
)
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


def person_page(client, person) -> str:
    response = client.get(reverse("person_detail", args=[person.external_id]))
    assert response.status_code == 200
    return response.content.decode()


def acknowledge_url(person):
    return reverse("flag_acknowledge", args=[person.external_id])


def override_url(person):
    return reverse("flag_override", args=[person.external_id])


def test_the_record_shows_the_flag_with_reasons_worded_for_today(client_as, alice, jo):
    # Computed 7 days ago when the release was 2 days old; today it is 9 days old.
    make_flag(jo, raised_on=days_ago(7), reasons=(("prison_release_2w", days_ago(9)),))

    content = person_page(client_as(alice), jo)

    assert "Very high" in content
    assert "bi-exclamation-octagon-fill" in content
    assert "Released from prison 9 days ago" in content
    assert "when it was computed" not in content
    assert "window 0 to 14 days" in content
    assert f"counts until {days_ago(-5):%d/%m/%Y}" in content
    assert "Merrall" in content  # the evidence
    assert "rule set version 2" in content


def test_the_record_says_which_rule_holds_a_flag_above_what_its_weights_reach(client_as, alice, jo):
    make_flag(
        jo,
        tier="high",
        score=1.4,
        reasons=(("overdose_90d", days_ago(3)),),
        summary="overdose 3 days ago",
    )

    content = person_page(client_as(alice), jo)

    assert f"At least High while: overdose 3 days ago (until {days_ago(-87):%d/%m/%Y})." in content
    # How the rule set got there, behind the flag's details.
    details = content.split('class="small flag-details"')[1].split("</details>")[0]
    assert "The weights alone (1.40) would give no flag." in details
    assert "never below High" in content


def test_the_record_names_the_lower_tier_the_weights_alone_reach(client_as, alice, jo):
    make_flag(
        jo,
        tier="high",
        score=2.3,
        reasons=(("prison_release_2w", days_ago(2)), ("male", None)),
    )

    content = person_page(client_as(alice), jo)

    assert "At least High while: released from prison 2 days ago (until" in content
    assert "The weights alone (2.30) would give Raised." in content


def test_the_record_says_nothing_of_a_minimum_the_weights_reach_anyway(client_as, alice, jo):
    make_flag(jo, tier="very_high", score=5, reasons=(("prison_release_2w", days_ago(2)),))

    content = person_page(client_as(alice), jo)

    assert "At least" not in content
    assert "never below High" in content  # the rule still says what it holds


def test_the_record_shows_mitigations_on_record_since_the_flag(client_as, alice, jo):
    make_flag(jo, raised_on=days_ago(10))
    NaloxoneSupplyFactory(service_user=jo, supplied_on=days_ago(4))
    ContactFactory(service_user=jo, contact_date=days_ago(2))

    content = person_page(client_as(alice), jo)

    assert f"Supplied {days_ago(4):%d/%m/%Y}" in content
    assert f"Last made {days_ago(2):%d/%m/%Y}" in content
    assert "OST:</span> None running" in content
    assert "Referral:</span> None recorded since the flag was raised" in content


def test_each_mitigation_is_the_latest_of_its_kind_since_the_flag(client_as, alice, jo):
    """From the record as the page read it: the latest supply, OST started since the flag,
    the later of an attended contact and outreach that reached them, the later of an
    episode's and an intervention's referral; what came before the flag does not count."""
    make_flag(jo, raised_on=days_ago(30))
    EpisodeFactory(
        service_user=jo,
        referral_date=days_ago(400),
        discharge_date=days_ago(300),
        discharge_reason=discharge_reason("dropped_out"),
    )
    now = EpisodeFactory(service_user=jo, referral_date=days_ago(12))
    Intervention.objects.create(
        episode=now,
        kind="pharmacological",
        medicine="buprenorphine",
        intention="maintenance",
        referral_date=days_ago(9),
        start_date=days_ago(8),
    )
    NaloxoneSupplyFactory(service_user=jo, supplied_on=days_ago(200), expiry_date=days_ago(5))
    ContactFactory(service_user=jo, contact_date=days_ago(6))
    OutreachAttempt.objects.create(
        service_user=jo,
        attempted_on=days_ago(3),
        method="phone",
        outcome="contacted",
        recorded_by=alice,
    )

    content = person_page(client_as(alice), jo)

    assert f"Naloxone:</span> Kit expired {days_ago(5):%d/%m/%Y}" in content
    assert f"OST:</span> Started {days_ago(8):%d/%m/%Y}" in content
    assert f"Contact:</span> Last made {days_ago(3):%d/%m/%Y}" in content
    assert f"Referral:</span> Made {days_ago(9):%d/%m/%Y}" in content


def test_a_contact_before_the_flag_is_not_a_mitigation(client_as, alice, jo):
    make_flag(jo, raised_on=days_ago(10))
    ContactFactory(service_user=jo, contact_date=days_ago(20))

    assert "None since the flag was raised" in person_page(client_as(alice), jo)


def test_keyworkers_get_the_flag_actions_and_governance_does_not(
    client_as, alice, gina, jo, jo_flag
):
    assert "Acknowledge" in person_page(client_as(alice), jo)
    governance_view = person_page(client_as(gina), jo)
    assert "Released from prison" in governance_view
    assert "Acknowledge" not in governance_view
    assert "Override…" not in governance_view


def test_acknowledging_records_who_and_when(client_as, alice, jo, jo_flag):
    response = client_as(alice).post(acknowledge_url(jo))

    assert response.status_code == 302
    jo_flag.refresh_from_db()
    assert (jo_flag.status, jo_flag.acknowledged_by) == (Flag.Status.ACKNOWLEDGED, alice)


def test_acknowledging_is_denied_outside_scope_and_to_readers(
    client, client_as, bob, gina, jo, jo_flag
):
    assert client.post(acknowledge_url(jo)).status_code == 302  # to sign in
    assert client_as(bob).post(acknowledge_url(jo)).status_code == 404
    assert client_as(gina).post(acknowledge_url(jo)).status_code == 403
    jo_flag.refresh_from_db()
    assert jo_flag.status == Flag.Status.RAISED


def test_acknowledging_needs_a_post_and_an_open_flag(client_as, alice, jo):
    client = client_as(alice)
    assert client.get(acknowledge_url(jo)).status_code == 405
    assert client.post(acknowledge_url(jo)).status_code == 404


def valid_override(**changes):
    return {
        "reason": "Recorded release date was wrong; confirmed with probation.",
        "expires_on": days_ago(-30).isoformat(),
        "confirm": "on",
        **changes,
    }


def test_an_override_needs_a_reason_an_expiry_and_a_confirmation(client_as, alice, jo, jo_flag):
    client = client_as(alice)
    response = client.post(override_url(jo), {})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["reason"] == ["Say why this flag does not apply."]
    assert errors["expires_on"] == ["Choose the date the override ends."]
    assert errors["confirm"] == ["Tick the box to confirm the override."]
    too_long = client.post(override_url(jo), valid_override(expires_on=days_ago(-400).isoformat()))
    past = client.post(override_url(jo), valid_override(expires_on=days_ago(1).isoformat()))
    assert "at most 180 days" in too_long.context["form"].errors["expires_on"][0]
    assert past.context["form"].errors["expires_on"] == ["The override must end after today."]
    assert not FlagOverride.objects.exists()


def test_an_override_ends_the_flag_and_stays_in_history_for_governance(client_as, alice, gina, jo):
    # Below very high a keyworker's override takes effect at once.
    jo_flag = make_flag(jo, tier="high")
    client = client_as(alice)
    assert client.get(override_url(jo)).status_code == 200
    response = client.post(override_url(jo), valid_override())

    assert response.status_code == 302
    jo_flag.refresh_from_db()
    assert (jo_flag.status, jo_flag.end_reason) == (Flag.Status.OVERRIDDEN, "overridden")
    override = FlagOverride.objects.get()
    assert (override.created_by, override.expires_on) == (alice, days_ago(-30))
    history = person_page(client_as(gina), jo)
    assert "Flag history (1 flag, overrides included)" in history
    assert "confirmed with probation" in history
    assert "No open flag." in history


def test_overriding_is_denied_outside_scope_and_to_readers(
    client, client_as, bob, gina, cora, jo, jo_flag
):
    assert client.get(override_url(jo)).status_code == 302
    assert client_as(bob).post(override_url(jo), valid_override()).status_code == 404
    assert client_as(cora).get(override_url(jo)).status_code == 404
    assert client_as(gina).post(override_url(jo), valid_override()).status_code == 403
    assert not FlagOverride.objects.exists()


def test_the_history_lists_every_flag_with_its_rule_set(client_as, gina, jo):
    old = make_flag(jo, tier="raised", raised_on=days_ago(100))
    Flag.objects.filter(pk=old.pk).update(
        ended_on=days_ago(60), status=Flag.Status.ENDED, end_reason="stopped_firing"
    )
    make_flag(jo, tier="high", raised_on=days_ago(3))

    content = person_page(client_as(gina), jo)

    assert "Flag history (2 flags" in content
    assert "Rules stopped firing" in content
    assert f"{days_ago(100):%d/%m/%Y}" in content
    assert "Version 2" in content


def test_recording_from_the_record_marks_the_flag_worked(client_as, alice, jo, jo_flag):
    client_as(alice).post(
        reverse("outreach_attempt_create", args=[jo.external_id]),
        {"attempted_on": days_ago(0).isoformat(), "method": "visit", "outcome": "agreed_to_attend"},
    )

    assert OutreachAttempt.objects.get().outcome == "agreed_to_attend"
    assert "Being worked" in person_page(client_as(alice), jo)
