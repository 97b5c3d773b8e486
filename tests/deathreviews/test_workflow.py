"""Every state transition, allowed and refused, with the messages a reviewer sees."""

import pytest
from django.core.exceptions import ValidationError

from deathreviews import services
from deathreviews.models import ActionStatus, Review, ReviewStatus
from deathreviews.services import ReviewIncomplete
from tests.deathreviews.conftest import (
    FINDINGS_FIELDS,
    READY_FIELDS,
    add_action,
    add_finding,
    add_request,
    move,
    notify,
    signed_off,
    to_panel_held,
    update,
)
from tests.factories import days_ago

pytestmark = pytest.mark.django_db


def refused(review, user, name) -> list[str]:
    with pytest.raises(ReviewIncomplete) as refusal:
        move(review, user, name)
    review.refresh_from_db()
    return [item.message for item in refusal.value.missing]


def test_a_new_review_is_notified(review):
    assert review.status == ReviewStatus.NOTIFIED
    assert review.reference.startswith("DR-")


def test_gathering_needs_a_lead_reviewer(review, gina):
    assert refused(review, gina, "start_gathering") == ["Name the lead reviewer."]
    assert review.status == ReviewStatus.NOTIFIED

    update(review, gina, reviewer=gina)
    assert move(review, gina, "start_gathering").status == ReviewStatus.GATHERING


def test_ready_for_panel_lists_everything_missing_at_once(review, gina):
    update(review, gina, reviewer=gina, age=None, sex="")
    move(review, gina, "start_gathering")
    add_request(review, gina)

    assert refused(review, gina, "ready_for_panel") == [
        "The request for information to GP practice has not been received or closed.",
        "Record the person's age at the time.",
        "Record the person's sex.",
        "Record where it happened.",
        "Record who found the person.",
        "Summarise the treatment history.",
    ]
    assert review.status == ReviewStatus.GATHERING


def test_ready_for_panel_accepts_requests_received_or_closed_with_a_reason(review, gina):
    update(review, gina, reviewer=gina, **READY_FIELDS)
    move(review, gina, "start_gathering")
    received = add_request(review, gina)
    closed = add_request(review, gina)
    services.part_update(
        part=received, user=gina, loaded_version=1, changes={"received_on": days_ago(1)}
    )
    services.part_update(
        part=closed,
        user=gina,
        loaded_version=1,
        changes={"closed_on": days_ago(0), "closed_reason": "The practice has no record."},
    )

    assert move(review, gina, "ready_for_panel").status == ReviewStatus.READY


def test_the_panel_needs_its_date_and_members(review, gina):
    update(review, gina, reviewer=gina, **READY_FIELDS)
    move(review, gina, "start_gathering")
    move(review, gina, "ready_for_panel")

    assert refused(review, gina, "panel_held") == [
        "Record the date the panel met.",
        "Record who sat on the panel.",
    ]
    update(review, gina, panel_date=days_ago(0), panel_members="Gina, Dr Patel")
    assert move(review, gina, "panel_held").status == ReviewStatus.PANEL_HELD


def test_steps_back_are_allowed_without_checks(review, gina):
    to_panel_held(review, gina)

    assert move(review, gina, "return_to_panel").status == ReviewStatus.READY
    assert move(review, gina, "return_to_gathering").status == ReviewStatus.GATHERING


def test_sign_off_says_what_is_missing(review, gina):
    to_panel_held(review, gina)

    assert refused(review, gina, "sign_off") == [
        "Record the modifiable factors (or that none were found).",
        "Record whether it was judged preventable.",
        "Record any missed opportunities.",
        "Record the panel's learning.",
        "Write the learning to share on the bulletin, without identifying detail.",
        "Add at least one action, or record that no actions are needed and why.",
        "Toxicology is still awaited: add the findings, or say it is not available.",
        "Record the cause of death.",
    ]
    assert review.status == ReviewStatus.PANEL_HELD


def test_signing_off_early_names_the_state_first(review, gina):
    messages = refused(review, gina, "sign_off")

    assert messages[0] == ("The review must be at “Panel held” for this step; it is at “Notified”.")


def test_sign_off_accepts_no_actions_only_with_reasons(review, gina):
    to_panel_held(review, gina)
    update(
        review,
        gina,
        **FINDINGS_FIELDS,
        toxicology_status="not_available",
        cause_of_death="1a Mixed drug toxicity",
    )
    with pytest.raises(ValidationError, match="reasons"):
        update(review, gina, no_actions=True)

    update(review, gina, no_actions=True, no_actions_reason="Existing actions cover this.")
    signed = move(review, gina, "sign_off")

    assert signed.status == ReviewStatus.SIGNED_OFF
    assert signed.signed_off_by == gina
    assert signed.signed_off_at is not None


def test_sign_off_refuses_toxicology_marked_available_without_findings(review, gina):
    to_panel_held(review, gina)
    update(review, gina, **FINDINGS_FIELDS, cause_of_death="1a", toxicology_status="available")
    add_action(review, gina)

    assert refused(review, gina, "sign_off") == [
        "Toxicology results are marked available but no substance is recorded."
    ]
    add_finding(review, gina)
    assert move(review, gina, "sign_off").status == ReviewStatus.SIGNED_OFF


def test_a_near_fatal_overdose_needs_no_cause_of_death(gina):
    review = notify(gina, kind="near_fatal", person_name="Ash Example")
    to_panel_held(review, gina)
    update(review, gina, **FINDINGS_FIELDS, toxicology_status="not_available")
    add_action(review, gina)

    assert move(review, gina, "sign_off").status == ReviewStatus.SIGNED_OFF


def test_closing_needs_every_action_resolved(review, gina):
    signed_off(review, gina)
    action = review.actions.get()

    assert refused(review, gina, "close") == [
        "The action “Offer naloxone at every prison release.” is still open: mark it done "
        "or not done."
    ]
    services.part_update(
        part=action, user=gina, loaded_version=1, changes={"status": ActionStatus.DONE}
    )
    closed = move(review, gina, "close")

    assert closed.status == ReviewStatus.CLOSED
    assert closed.closed_by == gina


def test_a_concluded_inquest_needs_its_conclusion_before_closing(review, gina):
    signed_off(review, gina)
    services.part_update(
        part=review.actions.get(), user=gina, loaded_version=1, changes={"status": "done"}
    )
    update(review, gina, inquest_status="concluded")

    assert refused(review, gina, "close") == ["Record the inquest's conclusion."]


def test_a_transition_out_of_order_is_refused(review, gina):
    assert refused(review, gina, "close")[0].startswith("The review must be at “Signed off”")
    assert review.status == ReviewStatus.NOTIFIED


def test_a_signed_off_review_keeps_its_findings_but_takes_the_inquest(review, gina):
    signed_off(review, gina)

    with pytest.raises(ValidationError, match="can no longer be changed"):
        update(review, gina, learning="Rewritten after sign-off.")
    update(review, gina, inquest_status="opened")

    review.refresh_from_db()
    assert review.inquest_status == "opened"


def test_a_closed_review_is_read_only(review, gina):
    signed_off(review, gina)
    action = review.actions.get()
    services.part_update(part=action, user=gina, loaded_version=1, changes={"status": "done"})
    move(review, gina, "close")

    with pytest.raises(ValidationError, match="can no longer be changed"):
        update(review, gina, cause_of_death="Changed")
    with pytest.raises(ValidationError, match="can no longer be changed"):
        add_action(review, gina)


def test_a_row_written_around_the_services_is_still_checked(review, gina):
    Review.objects.filter(pk=review.pk).update(reviewer=gina, notification_source="")
    assert refused(review, gina, "start_gathering") == ["Say who notified the service."]

    Review.objects.filter(pk=review.pk).update(notification_source="coroner")
    to_panel_held(review, gina)
    update(review, gina, **FINDINGS_FIELDS, toxicology_status="not_available")
    update(review, gina, cause_of_death="1a Heroin toxicity")
    # Blank once stripped: the database constraint lets it through, Review.clean would not.
    Review.objects.filter(pk=review.pk).update(no_actions=True, no_actions_reason="   ")

    assert refused(review, gina, "sign_off") == ["Give the panel's reasons for needing no actions."]
