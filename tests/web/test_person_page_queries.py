"""The person page asks the same number of queries however long the record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risk.engine import TIER_RANKS
from risk.models import Flag, FlagOverride, RuleSet
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    EventFactory,
    NaloxoneSupplyFactory,
    TopFactory,
    days_ago,
    discharge_reason,
)
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


def grow_record(person, count):
    """`count` more of each kind of record, and `count` more flags that have ended."""
    for n in range(count):
        episode = EpisodeFactory(
            service_user=person,
            referral_date=days_ago(900 + 3 * n),
            discharge_date=days_ago(850 + 3 * n),
            discharge_reason=discharge_reason("dropped_out"),
        )
        TopFactory(episode=episode)
        ContactFactory(service_user=person)
        EventFactory(service_user=person)
        NaloxoneSupplyFactory(service_user=person)
        Flag.objects.create(
            service_user=person,
            tier="raised",
            tier_rank=TIER_RANKS["raised"],
            score=1,
            summary="male",
            rule_codes=["male"],
            rule_set=RuleSet.objects.get(status=RuleSet.Status.ACTIVE),
            raised_on=days_ago(300 + 2 * n),
            changed_on=days_ago(300 + 2 * n),
            ended_on=days_ago(299 + 2 * n),
        )


def page_queries(client, person) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("person_detail", args=[person.external_id]))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_person_page_runs_the_same_queries_for_5_records_and_for_100(client_as, alice, jo):
    client = client_as(alice)
    grow_record(jo, 5)
    flag = make_flag(jo, raised_on=days_ago(2), reasons=(("prison_release_2w", days_ago(3)),))
    FlagOverride.objects.create(
        flag=flag,
        service_user=jo,
        reason="Moved out of the area; in treatment there.",
        expires_on=days_ago(-20),
        rule_codes=flag.rule_codes,
        created_by=alice,
        approval=FlagOverride.Approval.PENDING,
    )
    few, content = page_queries(client, jo)
    assert "Released from prison 3 days ago" in content
    assert "override-pending-note" in content  # the pending override, read from the history

    grow_record(jo, 95)
    many, content = page_queries(client, jo)

    assert few == many
    # The session, the user, the person, the access event (one INSERT); episodes,
    # interventions, events, contacts, naloxone, reassignments, TOPs; the flags with their
    # overrides (two), the open flag's reasons and their rules; what mitigates the flag;
    # the open overdose follow-up; the care record's notes (their count and a page) and
    # referrals; safeguarding's children, safe storage, open and closed referrals, open and
    # closed concerns, and the episode it is checked against (seven).
    assert many == 27
