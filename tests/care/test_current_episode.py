"""Safeguarding checks a person's record against their current episode: the open one,
or else the most recently discharged, never an earlier episode that happens to sort first."""

import pytest

from care.selectors import audit_prefill, safeguarding_for_person, safeguarding_record_of
from cases.selectors import current_episode, service_user_history
from tests.factories import EpisodeFactory, ServiceUserFactory, days_ago, discharge_reason

pytestmark = pytest.mark.django_db


def episode(person, *, referred: int, left: int | None, children: int):
    return EpisodeFactory(
        service_user=person,
        referral_date=days_ago(referred),
        start_date=days_ago(referred - 7),
        discharge_date=days_ago(left) if left is not None else None,
        discharge_reason=discharge_reason("dropped_out") if left is not None else None,
        parental_status=children > 0,
        children_living_with=children,
    )


@pytest.fixture
def back_in_treatment(north, alice):
    """Two years ago, no children at home; back in treatment now, with two at home."""
    person = ServiceUserFactory(team=north, keyworker=alice)
    episode(person, referred=800, left=700, children=0)
    now = episode(person, referred=60, left=None, children=2)
    return person, now


def test_the_open_episode_is_the_current_one_however_old_the_discharged_ones(back_in_treatment):
    person, now = back_in_treatment
    today = days_ago(0)

    assert safeguarding_record_of(person).episode == now
    episodes = service_user_history(person)["episodes"]
    assert current_episode(episodes) == now
    read = safeguarding_for_person(person, today=today, episodes=episodes)
    assert read["safeguarding"].episode == now
    # Two children at home and no safe storage recorded: the banner says so.
    assert read["safeguarding_storage_missing"]


def test_the_audit_prefill_checks_the_open_episode(back_in_treatment):
    person, _ = back_in_treatment

    prefill = {p.item: p for p in audit_prefill([person.pk], on=days_ago(0))[person.pk]}

    assert prefill["safeguarding"].fact.startswith("2 children live with them")


def test_with_every_episode_discharged_the_latest_discharged_is_current(north, alice):
    person = ServiceUserFactory(team=north, keyworker=alice)
    episode(person, referred=900, left=800, children=3)
    latest = episode(person, referred=300, left=200, children=1)
    episode(person, referred=600, left=500, children=0)

    assert safeguarding_record_of(person).episode == latest
    assert current_episode(service_user_history(person)["episodes"]) == latest
    assert current_episode([]) is None
