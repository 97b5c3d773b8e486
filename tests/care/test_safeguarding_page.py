"""The safeguarding record on the person page: the banner of what is open, the section's
word where it disagrees with the episode, what is due, all in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from care.selectors import safeguarding_due, safeguarding_for_person, safeguarding_open
from care.services import (
    protection_referral_outcome_record,
    safe_storage_record,
    safeguarding_concern_close,
)
from tests.care.factories import child_of, concern_of, protection_referral_of
from tests.factories import EpisodeFactory, ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db

STORAGE_OPEN = "at home, and no safe storage of take-home medication recorded"


def page(client, person):
    response = client.get(reverse("person_detail", args=[person.external_id]))
    assert response.status_code == 200
    return response


def storage_discussed(person, worker):
    return safe_storage_record(
        service_user=person,
        updated_by=worker,
        locked_box_given_on=None,
        storage_discussed_on=days_ago(1),
        supervised_consumption=True,
        supervised_since=days_ago(30),
    )


def test_a_child_at_home_without_safe_storage_is_open_on_the_banner_until_it_is_recorded(
    client_as, alice, jo
):
    child_of(jo, alice)
    client = client_as(alice)

    content = page(client, jo).content.decode()
    assert "Safeguarding: 1 open" in content
    assert f"1 child {STORAGE_OPEN}" in content
    assert [d.what for d in safeguarding_due(jo, today=days_ago(0))] == [
        "Discuss safe storage of take-home medication: children live at home"
    ]

    storage_discussed(jo, alice)

    content = page(client, jo).content.decode()
    assert "Safeguarding:" not in content
    assert safeguarding_due(jo, today=days_ago(0)) == []


def test_supervised_consumption_alone_does_not_close_safe_storage(alice, jo):
    child_of(jo, alice)
    safe_storage_record(
        service_user=jo,
        updated_by=alice,
        locked_box_given_on=None,
        storage_discussed_on=None,
        supervised_consumption=True,
        supervised_since=days_ago(3),
    )

    assert [o.what for o in safeguarding_open(jo, today=days_ago(0))] == [f"1 child {STORAGE_OPEN}"]


def test_the_episodes_children_living_with_them_count_as_children_at_home(alice, jo):
    # The incident behind this record: children at home on the episode, nothing on storage.
    EpisodeFactory(service_user=jo, parental_status=True, children_living_with=2)

    assert [o.what for o in safeguarding_open(jo, today=days_ago(0))] == [
        f"2 children {STORAGE_OPEN}"
    ]


def test_a_child_in_contact_only_or_grown_up_needs_no_safe_storage(alice, jo):
    child_of(jo, alice, lives_with="in_contact")
    child_of(jo, alice, label="B", born=days_ago(0).year - 18, lives_with="no_contact")

    assert safeguarding_open(jo, today=days_ago(0)) == []
    # The year after they turn 18 they are no longer counted as a child.
    next_year = days_ago(0).replace(year=days_ago(0).year + 1, month=1, day=1)
    assert len(safeguarding_for_person(jo, today=next_year)["safeguarding_children"]) == 1


def test_the_section_says_where_it_disagrees_with_the_episode_and_leaves_the_episode(
    client_as, alice, jo
):
    episode = EpisodeFactory(service_user=jo, parental_status=True, children_living_with=2)
    child_of(jo, alice)

    content = page(client_as(alice), jo).content.decode()

    assert "The episode says 2 children live with them; this record lists 1 child" in content
    episode.refresh_from_db()
    assert episode.children_living_with == 2


def test_a_non_parent_on_the_episode_with_children_on_this_record_is_said(alice, jo):
    EpisodeFactory(service_user=jo, parental_status=False, children_living_with=0)
    child_of(jo, alice, lives_with="in_contact")

    said = safeguarding_for_person(jo, today=days_ago(0))["safeguarding_disagreements"]

    assert said == [
        "The episode says they are not a parent, but this record lists children. "
        "Check which is right and correct it."
    ]


def test_open_referrals_and_concerns_are_on_the_banner_until_closed(client_as, alice, jo):
    referral = protection_referral_of(jo, alice, made=20, agency="marac")
    concern = concern_of(jo, alice, kind="exploitation", abuse_role="", exploitation="cuckooing")

    whats = [o.what for o in safeguarding_open(jo, today=days_ago(0))]
    assert whats == [
        "Referral to MARAC waiting for an outcome",
        "Concern: Exploitation: cuckooing (their home taken over)",
    ]
    content = page(client_as(alice), jo).content.decode()
    assert "Safeguarding: 2 open" in content

    protection_referral_outcome_record(
        referral=referral, outcome="no_further_action", outcome_on=days_ago(2), recorded_by=alice
    )
    safeguarding_concern_close(concern=concern, closed_on=days_ago(1), closed_by=alice)

    assert safeguarding_open(jo, today=days_ago(0)) == []


def test_a_referrals_outcome_is_due_to_chase_14_days_after_it_was_made_or_when_given(alice, jo):
    protection_referral_of(jo, alice, made=20)
    protection_referral_of(jo, alice, made=3, chase_on=days_ago(1))
    protection_referral_of(jo, alice, made=2)

    due = safeguarding_due(jo, today=days_ago(0))

    assert [(d.on, d.overdue(days_ago(0))) for d in due] == [
        (days_ago(6), True),
        (days_ago(1), True),
        (days_ago(-12), False),
    ]
    assert due[0].what == (
        "Chase the outcome of the safeguarding referral to Children's social care"
    )
    assert due[0].url.startswith(reverse("protection_referral_outcome", args=[jo.external_id]))


def test_governance_reads_the_banner_without_the_links_to_record(client_as, gina, alice, jo):
    child_of(jo, alice)

    content = page(client_as(gina), jo).content.decode()

    assert f"1 child {STORAGE_OPEN}" in content
    assert reverse("safe_storage_edit", args=[jo.external_id]) not in content


def with_records(person, worker, count: int):
    for n in range(count):
        kind = n % 4
        if kind == 0:
            child_of(person, worker, label=f"Child {n % 99}", lives_with="lives_with")
        elif kind == 1:
            referral = protection_referral_of(person, worker, made=n % 60 + 1)
            if n % 8 == 1:
                protection_referral_outcome_record(
                    referral=referral,
                    outcome="accepted",
                    outcome_on=days_ago(0),
                    recorded_by=worker,
                )
        elif kind == 2:
            concern = concern_of(person, worker, raised=n % 60 + 1)
            if n % 8 == 2:
                safeguarding_concern_close(concern=concern, closed_on=days_ago(0), closed_by=worker)
        else:
            storage_discussed(person, worker)
    return person


def test_the_person_page_runs_the_same_queries_for_5_records_and_for_200(client_as, alice, north):
    few = with_records(ServiceUserFactory(team=north, keyworker=alice), alice, 5)
    many = with_records(ServiceUserFactory(team=north, keyworker=alice), alice, 200)
    EpisodeFactory(service_user=few, parental_status=True, children_living_with=1)
    EpisodeFactory(service_user=many, parental_status=True, children_living_with=1)
    client = client_as(alice)
    page(client, few)  # the session's first request touches more

    with CaptureQueriesContext(connection) as few_queries:
        few_page = page(client, few)
    with CaptureQueriesContext(connection) as many_queries:
        many_page = page(client, many)

    assert len(few_queries) == len(many_queries)
    assert len(few_page.context["safeguarding_children"]) == 2
    assert len(many_page.context["safeguarding_children"]) == 50
    assert len(many_page.context["safeguarding"].closed_referrals) == 5


def test_what_is_due_and_open_read_the_same_queries_however_many_records(alice, north):
    few = with_records(ServiceUserFactory(team=north, keyworker=alice), alice, 5)
    many = with_records(ServiceUserFactory(team=north, keyworker=alice), alice, 200)
    today = days_ago(0)

    with CaptureQueriesContext(connection) as few_queries:
        safeguarding_due(few, today=today)
        safeguarding_open(few, today=today)
    with CaptureQueriesContext(connection) as many_queries:
        due = safeguarding_due(many, today=today)
        safeguarding_open(many, today=today)

    assert len(few_queries) == len(many_queries)
    assert len(due) == sum(1 for n in range(200) if n % 4 == 1 and n % 8 != 1)
