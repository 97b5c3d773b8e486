"""Nothing reaches the learning bulletin without passing the de-identification check and
clinical governance's approval, whenever and however it was written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from deathreviews import services
from deathreviews.models import Review, ReviewAction
from deathreviews.selectors import review_history
from tests.deathreviews.conftest import (
    FINDINGS_FIELDS,
    add_action,
    approve_for_bulletin,
    notify,
    signed_off,
    to_panel_held,
)

pytestmark = pytest.mark.django_db

ISSUE_ACTION = "Write to the sister at 11 Station Road, Strood ME7 5QA about the inquest"
ISSUE_LEARNING = "Found at 4 Mill Lane, ME4 6AB on 29/10/2026"


def _bulletin(client):
    return client.get(reverse("review_bulletin")).content.decode()


def _approve(client, kind: str, item, text: str):
    return client.post(
        reverse("bulletin_approve", args=[kind, item.external_id]),
        {"text": text, "loaded_version": item.version},
    )


@pytest.fixture
def shared(gina, jo):
    """A signed-off, approved review of Jo's death."""
    return approve_for_bulletin(signed_off(notify(gina, person=jo), gina), gina)


def test_the_issues_learning_to_share_is_refused_at_its_field(client_as, gina, jo):
    review = notify(gina, person=jo)
    to_panel_held(review, gina)

    response = client_as(gina).post(
        reverse("review_edit", args=[review.external_id, "findings"]),
        {
            **FINDINGS_FIELDS,
            "panel_date": review.panel_date or "",
            "loaded_version": Review.objects.get(pk=review.pk).version,
            "bulletin_learning": ISSUE_LEARNING,
        },
    )

    assert response.status_code == 400
    [message] = response.context["form"].errors["bulletin_learning"]
    assert "a street address (4 Mill Lane)" in message
    assert "a postcode (ME4 6AB)" in message
    assert "an exact date (29/10/2026)" in message
    assert Review.objects.get(pk=review.pk).bulletin_learning != ISSUE_LEARNING


def test_the_issues_action_on_a_signed_off_review_is_refused_at_its_field(
    client_as, gina, alice, shared
):
    response = client_as(gina).post(
        reverse("review_action_create", args=[shared.external_id]),
        {
            "description": ISSUE_ACTION,
            "owner": gina.pk,
            "due_on": "01/01/2030",
            "status": "open",
            "loaded_version": 1,
        },
    )

    assert response.status_code == 400
    [message] = response.context["form"].errors["description"]
    assert "a street address (11 Station Road)" in message
    assert "a postcode (ME7 5QA)" in message
    assert not ReviewAction.objects.filter(description=ISSUE_ACTION).exists()
    assert "Station Road" not in _bulletin(client_as(alice))


def test_the_issues_texts_stored_around_the_check_never_reach_the_bulletin(
    client_as, alice, gina, shared
):
    # Written before the check, or by a bulk update, after governance approved the row.
    action = shared.actions.get()
    ReviewAction.objects.filter(pk=action.pk).update(description=ISSUE_ACTION)
    Review.objects.filter(pk=shared.pk).update(bulletin_learning=ISSUE_LEARNING)

    page = _bulletin(client_as(alice))

    for identifying in ("Station Road", "ME7 5QA", "Mill Lane", "ME4 6AB", "29/10/2026"):
        assert identifying not in page, identifying


def test_an_action_added_after_sign_off_waits_for_governances_approval(
    client_as, alice, gina, shared
):
    added = add_action(shared, gina, description="Ask the coroner for the inquest summary.")

    assert "Ask the coroner" not in _bulletin(client_as(alice))
    queue = client_as(gina).get(reverse("bulletin_approvals"))
    assert "Ask the coroner for the inquest summary." in queue.content.decode()

    response = _approve(client_as(gina), "action", added, added.description)

    assert response.status_code == 302
    assert "Ask the coroner for the inquest summary." in _bulletin(client_as(alice))
    added.refresh_from_db()
    assert (added.bulletin_approved_by, added.bulletin_approved_at is not None) == (gina, True)
    approvals = [
        change
        for entry in review_history(shared)
        for change in entry.changes
        if change.label == "Approved for the bulletin by"
    ]
    assert gina.display_name in [c.after for c in approvals]


def test_a_signed_off_reviews_learning_waits_for_approval(client_as, alice, gina, jo):
    review = signed_off(notify(gina, person=jo), gina)

    assert FINDINGS_FIELDS["bulletin_learning"] not in _bulletin(client_as(alice))

    _approve(client_as(gina), "learning", review, review.bulletin_learning)

    assert FINDINGS_FIELDS["bulletin_learning"] in _bulletin(client_as(alice))


def test_approval_runs_the_check_again_on_the_words_approved(client_as, alice, gina, jo):
    review = signed_off(notify(gina, person=jo), gina)

    response = _approve(client_as(gina), "learning", review, f"{jo.last_name}: {ISSUE_LEARNING}")

    assert response.status_code == 400
    [message] = response.context["form"].errors["text"]
    assert f"their name ({jo.last_name})" in message
    assert "a postcode (ME4 6AB)" in message
    review.refresh_from_db()
    assert review.bulletin_approved_at is None
    assert "ME4 6AB" not in _bulletin(client_as(alice))


def test_governance_may_amend_the_words_as_they_approve_them(client_as, alice, gina, jo):
    review = signed_off(notify(gina, person=jo), gina)

    _approve(client_as(gina), "learning", review, "Offer naloxone at every prison release.")

    review.refresh_from_db()
    assert review.bulletin_learning == "Offer naloxone at every prison release."
    assert "Offer naloxone at every prison release." in _bulletin(client_as(alice))


def test_a_changed_action_waits_for_approval_again(client_as, alice, gina, shared):
    action = shared.actions.get()
    services.part_update(
        part=action,
        user=gina,
        loaded_version=action.version,
        changes={"description": "Audit naloxone supply at release."},
    )

    assert "Audit naloxone supply at release." not in _bulletin(client_as(alice))
    action.refresh_from_db()
    assert action.bulletin_approved_at is None


@pytest.mark.parametrize(("who", "status"), [("adam", 404), ("alice", 404), ("cora", 404)])
def test_only_governance_approves(client_as, request, gina, jo, who, status):
    review = signed_off(notify(gina, person=jo), gina)
    user = request.getfixturevalue(who)

    response = _approve(client_as(user), "learning", review, review.bulletin_learning)

    assert response.status_code == status
    assert client_as(user).get(reverse("bulletin_approvals")).status_code == status
    review.refresh_from_db()
    assert review.bulletin_approved_at is None
    with pytest.raises(PermissionDenied):
        services.bulletin_item_approve(
            item=review, user=user, text=review.bulletin_learning, loaded_version=review.version
        )


def test_nothing_is_approved_before_sign_off(gina, jo):
    review = notify(gina, person=jo)

    with pytest.raises(ValidationError, match="signed-off"):
        services.bulletin_item_approve(
            item=review, user=gina, text="Offer naloxone.", loaded_version=review.version
        )


@pytest.mark.parametrize("count", [2, 20])
def test_the_approval_queue_takes_the_same_queries_for_2_or_20_reviews(
    client_as, gina, django_assert_max_num_queries, count
):
    for n in range(count):
        signed_off(notify(gina, person_name=f"Person {n}"), gina)
    client = client_as(gina)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("bulletin_approvals"))
    # Each review's learning to share and its action.
    assert len(response.context["rows"]) == 2 * count
