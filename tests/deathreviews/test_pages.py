"""The review pages with the named cast: governance works reviews, everyone else
(administrators included) gets 404 on every review URL, and every signed-in role reads the bulletin."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deathreviews.models import LearningTheme, PartnerAgency, Review, ReviewStatus
from tests.deathreviews.conftest import (
    READY_FIELDS,
    add_action,
    add_finding,
    add_request,
    approve_for_bulletin,
    move,
    notify,
    signed_off,
    update,
)
from tests.factories import ServiceUserFactory, days_ago
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db

NO_ACCESS = ["alice", "tess", "bob", "cora", "adam"]
REVIEW_ROLES = ["gina"]


def review_urls(review) -> list[str]:
    action = add_action(review, review.created_by)
    finding = add_finding(review, review.created_by)
    request = add_request(review, review.created_by)
    rid = review.external_id
    return [
        reverse("review_list"),
        reverse("review_notify"),
        reverse("review_actions"),
        reverse("review_dashboard"),
        reverse("review_detail", args=[rid]),
        reverse("review_edit", args=[rid, "circumstances"]),
        reverse("review_transition", args=[rid, "start_gathering"]),
        reverse("review_snapshot", args=[rid]),
        reverse("review_history", args=[rid]),
        reverse("review_toxicology_create", args=[rid]),
        reverse("review_toxicology_edit", args=[rid, finding.external_id]),
        reverse("review_request_create", args=[rid]),
        reverse("review_request_edit", args=[rid, request.external_id]),
        reverse("review_action_create", args=[rid]),
        reverse("review_action_edit", args=[rid, action.external_id]),
    ]


@pytest.fixture
def known_review(gina, jo):
    make_flag(jo, raised_on=days_ago(20))
    return notify(gina, person=jo, occurred_on=days_ago(3))


@pytest.mark.parametrize("who", NO_ACCESS)
def test_every_review_url_is_404_for_roles_without_access(client_as, request, known_review, who):
    client = client_as(request.getfixturevalue(who))

    for url in review_urls(known_review):
        assert client.get(url).status_code == 404, url
    post = client.post(reverse("review_link", args=[known_review.external_id]), {"person_ref": "x"})
    assert post.status_code == 404


@pytest.mark.parametrize("who", REVIEW_ROLES)
def test_governance_opens_every_review_page(client_as, request, known_review, who):
    client = client_as(request.getfixturevalue(who))

    for url in review_urls(known_review):
        assert client.get(url).status_code == 200, url


def test_signed_out_visitors_are_sent_to_sign_in(client, known_review):
    for url in (reverse("review_list"), reverse("review_bulletin")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", [*NO_ACCESS, *REVIEW_ROLES])
def test_every_signed_in_role_reads_the_bulletin(client_as, request, who):
    assert (
        client_as(request.getfixturevalue(who)).get(reverse("review_bulletin")).status_code == 200
    )


def test_a_keyworker_cannot_post_a_review_either(client_as, alice, jo):
    response = client_as(alice).post(
        reverse("review_notify"),
        {"kind": "drug_death", "occurred_on": days_ago(1), "notification_source": "police"},
    )

    assert response.status_code == 404
    assert not Review.objects.exists()


def test_governance_notifies_the_death_of_a_known_person(client_as, gina, jo):
    make_flag(jo, raised_on=days_ago(20))

    response = client_as(gina).post(
        reverse("review_notify"),
        {
            "kind": "drug_death",
            "person_ref": jo.client_ref,
            "occurred_on": days_ago(2).isoformat(),
            "notified_on": days_ago(1).isoformat(),
            "notification_source": "police",
            "reviewer": gina.pk,
        },
        follow=True,
    )

    review = Review.objects.get()
    assert review.service_user == jo
    assert review.snapshot.data["flags"][0]["tier"] == "very_high"
    page = response.content.decode()
    assert "What Lantern knew" in page
    assert "Very high" in page
    jo.refresh_from_db()
    assert jo.date_of_death == days_ago(2)


def test_the_person_s_record_offers_governance_a_notification(client_as, gina, alice, jo):
    url = reverse("review_notify") + f"?person={jo.external_id}"

    assert (
        url in client_as(gina).get(reverse("person_detail", args=[jo.external_id])).content.decode()
    )
    form = client_as(gina).get(url).context["form"]
    assert form.initial["person_ref"] == jo.client_ref
    assert (
        url
        not in client_as(alice)
        .get(reverse("person_detail", args=[jo.external_id]))
        .content.decode()
    )


def test_notifying_with_an_unknown_reference_says_so_at_the_field(client_as, gina):
    response = client_as(gina).post(
        reverse("review_notify"),
        {
            "kind": "drug_death",
            "person_ref": "LAN-9999999",
            "occurred_on": days_ago(2).isoformat(),
            "notified_on": days_ago(1).isoformat(),
            "notification_source": "police",
        },
    )

    assert response.status_code == 400
    assert "No one you can see has this client reference" in str(
        response.context["form"].errors["person_ref"]
    )
    assert not Review.objects.exists()


def test_a_date_of_death_in_the_future_is_refused_at_the_field(client_as, gina):
    response = client_as(gina).post(
        reverse("review_notify"),
        {
            "kind": "drug_death",
            "person_name": "Sam Unknown",
            "occurred_on": days_ago(-2).isoformat(),
            "notified_on": days_ago(0).isoformat(),
            "notification_source": "police",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["occurred_on"] == ["This date is in the future."]


def test_a_domain_saves_and_returns_to_the_review(client_as, gina, review):
    response = client_as(gina).post(
        reverse("review_edit", args=[review.external_id, "circumstances"]),
        {"loaded_version": review.version, "place_of_death": "public", "found_by": "police"},
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.place_of_death == "public"


def test_a_stale_save_keeps_the_input_and_shows_what_is_now_saved(client_as, gina, adam, review):
    loaded = review.version
    update(review, adam, place_detail="Kitchen", found_by="family")

    response = client_as(gina).post(
        reverse("review_edit", args=[review.external_id, "circumstances"]),
        {
            "loaded_version": loaded,
            "place_of_death": "own_home",
            "place_detail": "Hallway",
            "found_by": "family",
        },
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert f"{adam.display_name} saved this at" in page
    assert 'value="Hallway"' in page
    assert response.context["theirs"] == {"place_detail": "Kitchen", "place_of_death": "empty"}
    assert "Now saved by" in page
    assert f'name="loaded_version" value="{loaded + 1}"' in page
    review.refresh_from_db()
    assert review.place_detail == "Kitchen"


def test_saving_again_after_a_conflict_keeps_the_merged_values(client_as, gina, adam, review):
    loaded = review.version
    update(review, adam, place_detail="Kitchen")
    client = client_as(gina)
    url = reverse("review_edit", args=[review.external_id, "circumstances"])
    client.post(url, {"loaded_version": loaded, "place_detail": "Hallway"})

    response = client.post(url, {"loaded_version": loaded + 1, "place_detail": "Kitchen hallway"})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.place_detail == "Kitchen hallway"


def test_signing_off_early_lists_what_is_missing_with_links(client_as, gina, review):
    response = client_as(gina).post(
        reverse("review_transition", args=[review.external_id, "sign_off"]),
        {"loaded_version": review.version},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "It still needs" in page
    assert "Record whether it was judged preventable." in page
    assert (
        reverse("review_edit", args=[review.external_id, "findings"]) + "#id_preventability" in page
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.NOTIFIED


def test_a_stale_save_names_the_saved_reviewer_and_themes_as_the_page_does(
    client_as, gina, adam, review
):
    loaded = review.version
    update(review, adam, reviewer=adam)
    update(review, adam, themes=list(LearningTheme.objects.order_by("name")[:2]))
    client = client_as(gina)

    notified = client.post(
        reverse("review_edit", args=[review.external_id, "notification"]),
        {
            "loaded_version": loaded,
            "kind": review.kind,
            "occurred_on": review.occurred_on.isoformat(),
            "notified_on": review.notified_on.isoformat(),
            "notification_source": review.notification_source,
            "reviewer": gina.pk,
        },
    )
    found = client.post(
        reverse("review_edit", args=[review.external_id, "findings"]),
        {"loaded_version": loaded},
    )

    assert notified.status_code == 409
    assert notified.context["theirs"]["reviewer"] == adam.display_name
    assert found.context["theirs"]["themes"] == ", ".join(
        sorted(t.name for t in LearningTheme.objects.order_by("name")[:2])
    )


def test_a_refused_step_reads_the_review_parts_once(client_as, gina, review):
    client = client_as(gina)
    url = reverse("review_transition", args=[review.external_id, "sign_off"])

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"loaded_version": review.version})

    assert response.status_code == 400
    reads = [q for q in queries if 'FROM "deathreviews_reviewaction"' in q["sql"]]
    assert len(reads) == 1


def test_a_step_from_a_stale_page_is_refused(client_as, gina, adam, review):
    loaded = review.version
    update(review, adam, reviewer=gina)

    response = client_as(gina).post(
        reverse("review_transition", args=[review.external_id, "start_gathering"]),
        {"loaded_version": loaded},
        follow=True,
    )

    assert "changed this review after you opened it" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.NOTIFIED


def test_a_step_moves_the_review_on(client_as, gina, review):
    update(review, gina, reviewer=gina)
    review.refresh_from_db()

    client_as(gina).post(
        reverse("review_transition", args=[review.external_id, "start_gathering"]),
        {"loaded_version": review.version},
    )

    review.refresh_from_db()
    assert review.status == ReviewStatus.GATHERING


def test_the_bulletin_learning_naming_the_person_is_refused_at_its_field(client_as, gina, jo):
    review = notify(gina, person=jo)

    response = client_as(gina).post(
        reverse("review_edit", args=[review.external_id, "findings"]),
        {"loaded_version": review.version, "bulletin_learning": f"{jo.last_name} used alone."},
    )

    assert response.status_code == 400
    assert f"their name ({jo.last_name})" in str(
        response.context["form"].errors["bulletin_learning"]
    )


def test_the_history_page_shows_who_changed_what(client_as, gina, review):
    client = client_as(gina)
    client.post(
        reverse("review_edit", args=[review.external_id, "circumstances"]),
        {"loaded_version": review.version, "place_of_death": "hostel"},
    )

    page = client.get(reverse("review_history", args=[review.external_id])).content.decode()

    assert f"Review changed</span> by {gina.display_name}" in page
    assert "Hostel or supported accommodation" in page


def test_the_snapshot_page_shows_the_frozen_flags(client_as, gina, known_review):
    page = (
        client_as(gina)
        .get(reverse("review_snapshot", args=[known_review.external_id]))
        .content.decode()
    )

    assert "Risk flags and outreach in the 90 days before" in page
    assert "prison_release_2w v2" in page  # the rule as the active version 2 has it


def test_a_review_of_someone_unknown_can_be_linked_to_their_record(client_as, gina, jo, review):
    client_as(gina).post(
        reverse("review_link", args=[review.external_id]),
        {"person_ref": jo.client_ref, "loaded_version": review.version},
    )

    review.refresh_from_db()
    assert review.service_user == jo
    assert review.snapshot


def test_an_action_is_added_and_updated_from_the_review(client_as, gina, tess, review):
    client = client_as(gina)
    client.post(
        reverse("review_action_create", args=[review.external_id]),
        {
            "loaded_version": 1,
            "description": "Audit naloxone at release.",
            "owner": tess.pk,
            "due_on": days_ago(-14).isoformat(),
            "status": "open",
        },
    )
    action = review.actions.get()
    response = client.post(
        reverse("review_action_edit", args=[review.external_id, action.external_id]),
        {
            "loaded_version": action.version,
            "description": action.description,
            "owner": tess.pk,
            "due_on": action.due_on.isoformat(),
            "status": "not_done",
            "not_done_reason": "",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["not_done_reason"] == [
        "Say why the action was not done."
    ]


def test_a_signed_off_review_names_the_parts_that_can_no_longer_change(client_as, gina, review):
    signed_off(review, gina)
    client = client_as(gina)

    page = client.get(reverse("review_request_create", args=[review.external_id]), follow=True)
    with pytest.raises(ValidationError) as refused:
        add_request(review, gina)

    message = "This review is signed off: its requests for information can no longer be changed."
    assert message in page.content.decode()
    assert refused.value.messages == [message]
    assert client.get(reverse("review_action_create", args=[review.external_id])).status_code == 200


def test_a_signed_off_review_offers_no_finding_edits(client_as, gina, review):
    signed_off(review, gina)

    response = client_as(gina).get(
        reverse("review_edit", args=[review.external_id, "findings"]), follow=True
    )

    assert "can no longer be changed" in response.content.decode()


def test_the_review_list_filters_by_state(client_as, gina, review):
    other = notify(gina, person_name="Another Person")
    update(other, gina, reviewer=gina, **READY_FIELDS)
    move(other, gina, "start_gathering")
    client = client_as(gina)

    listed = client.get(reverse("review_list"), {"status": "gathering"}).context["page"]

    assert [r.pk for r in listed.object_list] == [other.pk]


def test_the_review_list_refuses_a_control_character_in_its_query_with_a_message(
    client_as, gina, review
):
    client = client_as(gina)

    response = client.get(reverse("review_list"), {"q": "Sam\x00 Unknown\x1b", "status": ""})

    assert response.status_code == 400
    assert "invisible control character" in response.content.decode()
    # A pasted tab is no control character to refuse.
    response = client.get(reverse("review_list"), {"q": "Sam\tUnknown", "status": ""})
    assert response.status_code == 200


def make_reviews(count, user, team):
    """`count` reviews, every other one of a person Lantern knew, with a lead reviewer,
    a snapshot holding a flag, an overdue action and a request awaited."""
    for n in range(count):
        if n % 2:
            person = ServiceUserFactory(team=team)
            make_flag(person, raised_on=days_ago(20))
            review = notify(user, person=person)
            update(review, user, reviewer=user)
        else:
            review = notify(user, person_name=f"Person {n}")
        add_action(review, user, due_on=days_ago(3))
        add_request(review, user)


@pytest.mark.parametrize("count", [2, 20])
def test_the_review_list_takes_the_same_queries_for_2_or_20_reviews(
    client_as, gina, north, django_assert_max_num_queries, count
):
    make_reviews(count, gina, north)
    client = client_as(gina)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("review_list"))
    listed = response.context["page"].object_list
    assert len(listed) == count
    known = [r.service_user for r in listed if r.service_user_id]
    assert len(known) == count // 2
    for person in known:
        assert person.display_name in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_overdue_actions_take_the_same_queries_for_2_or_20(
    client_as, gina, north, django_assert_max_num_queries, count
):
    make_reviews(count, gina, north)
    client = client_as(gina)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("review_actions"))
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [2, 20])
def test_the_dashboard_takes_the_same_queries_for_2_or_20_reviews(
    client_as, gina, north, django_assert_max_num_queries, count
):
    make_reviews(count, gina, north)
    client = client_as(gina)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("review_dashboard"))
    assert response.context["data"]["totals"]["reviews"] == count


@pytest.mark.parametrize("count", [1, 10])
def test_a_review_page_takes_the_same_queries_for_few_or_many_parts(
    client_as, gina, jo, django_assert_max_num_queries, count
):
    make_flag(jo, raised_on=days_ago(20))
    review = notify(gina, person=jo, occurred_on=days_ago(3))
    update(
        review,
        gina,
        reviewer=gina,
        themes=list(LearningTheme.objects.order_by("name")[:count]),
        joint_agencies=list(PartnerAgency.objects.order_by("name")[:count]),
    )
    for n in range(count):
        add_action(review, gina, description=f"Offer naloxone at release, step {n}.")
        add_finding(review, gina)
        add_request(review, gina)
    client = client_as(gina)

    # Ten to show the review, one to record that it was read, one for the second
    # factor's device, checked on every signed-in request.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("review_detail", args=[review.external_id]))
    parts = response.context["parts"]
    assert (len(parts.actions), len(parts.toxicology), len(parts.requests)) == (count,) * 3
    assert jo.display_name in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_bulletin_takes_the_same_queries_for_2_or_20_reviews(
    client_as, alice, gina, django_assert_max_num_queries, count
):
    for n in range(count):
        approve_for_bulletin(signed_off(notify(gina, person_name=f"Person {n}"), gina), gina)
    client = client_as(alice)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("review_bulletin"))
    assert len(response.context["entries"]) == count


def test_a_form_without_its_version_says_so_on_the_page(client_as, gina, review):
    url = reverse("review_edit", args=[review.external_id, "notification"])

    response = client_as(gina).post(url, {"loaded_version": "NaN"})

    assert response.status_code == 400
    assert "came back without the version of the record" in response.content.decode()
    assert Review.objects.get(pk=review.pk).version == review.version
