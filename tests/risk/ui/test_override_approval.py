"""A very high flag's override needs a team lead: a keyworker's waits, shown as "override
pending" wherever the flag is; a lead of the person's team approves or declines it, and the
decision is kept. A lead's own override takes effect at once, recorded as self-approved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from risk import services
from risk.models import Flag, FlagOverride
from tests.factories import days_ago
from tests.risk.conftest import neutral_person, released

pytestmark = pytest.mark.django_db


def ask_override(client, person, **changes):
    return client.post(
        reverse("flag_override", args=[person.external_id]),
        {
            "reason": "Recalled to prison last night; probation confirmed.",
            "expires_on": days_ago(-30).isoformat(),
            "confirm": "on",
            **changes,
        },
    )


def decide(client, person, decision: str, note: str = ""):
    return client.post(
        reverse("flag_override_decide", args=[person.external_id]),
        {"decision": decision, "note": note},
    )


def test_a_keyworkers_override_of_a_very_high_flag_waits_and_the_flag_stays_open(
    client_as, alice, jo, jo_flag
):
    client = client_as(alice)
    assert (
        b"needs a team lead" in client.get(reverse("flag_override", args=[jo.external_id])).content
    )

    response = ask_override(client, jo)

    assert response.status_code == 302
    jo_flag.refresh_from_db()
    assert jo_flag.is_open
    assert jo_flag.status == Flag.Status.RAISED
    override = FlagOverride.objects.get()
    assert (override.approval, override.decided_by) == (FlagOverride.Approval.PENDING, None)
    for page in (
        reverse("person_detail", args=[jo.external_id]),
        reverse("caseload", args=["mine"]),
        reverse("outreach_worklist"),
    ):
        assert b"Override pending" in client.get(page).content, page
    assert b"already waiting" in ask_override(client, jo).content


def test_a_team_lead_approves_a_waiting_override_and_the_decision_is_kept(
    client_as, alice, tess, jo, jo_flag
):
    ask_override(client_as(alice), jo)
    lead = client_as(tess)
    listed = lead.get(reverse("overrides_to_decide"))
    assert b"Recalled to prison last night" in listed.content

    response = decide(lead, jo, "approve")

    assert response.status_code == 302
    override = FlagOverride.objects.get()
    assert (override.approval, override.decided_by) == (FlagOverride.Approval.APPROVED, tess)
    assert override.decided_at is not None
    jo_flag.refresh_from_db()
    assert (jo_flag.status, jo_flag.end_reason) == (Flag.Status.OVERRIDDEN, "overridden")
    assert b"No override is waiting" in lead.get(reverse("overrides_to_decide")).content
    assert (
        b"Approved by a team lead"
        in lead.get(reverse("person_detail", args=[jo.external_id])).content
    )


def test_a_declined_override_leaves_the_flag_standing_and_needs_a_reason(
    client_as, alice, tess, jo, jo_flag
):
    ask_override(client_as(alice), jo)
    lead = client_as(tess)

    without_note = decide(lead, jo, "decline")
    declined = decide(lead, jo, "decline", "He is out on licence again: keep the flag.")

    assert without_note.status_code == 400
    assert b"Say why you decline" in without_note.content
    assert declined.status_code == 302
    override = FlagOverride.objects.get()
    assert (override.approval, override.decided_by) == (FlagOverride.Approval.DECLINED, tess)
    jo_flag.refresh_from_db()
    assert jo_flag.is_open
    assert b"Override pending" not in lead.get(reverse("caseload", args=["team"])).content


def test_a_team_leads_own_override_of_a_very_high_flag_takes_effect_at_once(
    client_as, tess, jo, jo_flag
):
    ask_override(client_as(tess), jo)

    override = FlagOverride.objects.get()
    assert (override.approval, override.decided_by) == (FlagOverride.Approval.LEAD_OWN, tess)
    jo_flag.refresh_from_db()
    assert jo_flag.status == Flag.Status.OVERRIDDEN


def test_only_a_lead_of_the_persons_team_decides_and_never_their_own_request(
    client_as, alice, bob, tess, jo, jo_flag
):
    ask_override(client_as(alice), jo)
    override = FlagOverride.objects.get()

    assert decide(client_as(alice), jo, "approve").status_code == 403
    assert decide(client_as(bob), jo, "approve").status_code == 404  # not his to see
    with pytest.raises(ValidationError, match="Only a team lead"):
        services.flag_override_decide(override=override, user=alice, approve=True)
    override.refresh_from_db()
    assert override.approval == FlagOverride.Approval.PENDING
    assert b"Recalled" not in client_as(bob).get(reverse("outreach_worklist")).content


def test_a_waiting_override_holds_back_nothing_in_the_recompute(north, alice):
    person = neutral_person(team=north, keyworker=alice)
    released(person, 5)
    services.flags_recompute(as_of=days_ago(0))
    Flag.objects.filter(service_user=person).update(tier="very_high")
    flag = Flag.objects.get(service_user=person, ended_on__isnull=True)
    services.flag_override(
        flag=flag, user=alice, reason="Recalled to prison", expires_on=days_ago(-30)
    )

    services.flags_recompute(as_of=days_ago(0))

    assert Flag.objects.filter(service_user=person, ended_on__isnull=True).exists()


@pytest.mark.parametrize("who", ["alice", "tess"])
def test_the_page_warns_of_approval_exactly_when_the_override_will_wait(
    client_as, request, who, jo, jo_flag
):
    client = client_as(request.getfixturevalue(who))
    warned = (
        b"needs a team lead" in client.get(reverse("flag_override", args=[jo.external_id])).content
    )

    ask_override(client, jo)

    assert warned == (FlagOverride.objects.get().approval == FlagOverride.Approval.PENDING)
