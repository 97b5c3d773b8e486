"""Flags, meetings and actions made directly, so each test controls dates and tiers."""

import datetime

import pytest

from casereviews import services
from casereviews.models import Meeting
from risk.engine import TIER_RANKS
from risk.models import Flag, FlagReason, RuleSet
from tests.factories import ServiceUserFactory, days_ago


def make_flag(
    person,
    tier: str = "very_high",
    raised_on: datetime.date | None = None,
    ended_on: datetime.date | None = None,
    reason: str = "Released from prison recently",
) -> Flag:
    raised_on = raised_on or days_ago(0)
    flag = Flag.objects.create(
        service_user=person,
        tier=tier,
        tier_rank=TIER_RANKS[tier],
        score=5,
        summary=reason,
        rule_codes=["prison_release_2w"],
        rule_set=RuleSet.objects.get(status=RuleSet.Status.ACTIVE),
        raised_on=raised_on,
        changed_on=raised_on,
        ended_on=ended_on,
        status=Flag.Status.ENDED if ended_on else Flag.Status.RAISED,
    )
    FlagReason.objects.create(
        flag=flag,
        position=0,
        rule_code="prison_release_2w",
        rule_version=1,
        weight=5,
        trigger_kind="event",
        text=reason,
    )
    return flag


def scheduled_meeting(team, lead, people, on: datetime.date, organisations=()) -> Meeting:
    """A meeting of `team` on `on` at 10:00 that reviews `people`, inviting `organisations`."""
    return services.meeting_schedule(
        team=team,
        meets_on=on,
        meets_at=datetime.time(10, 0),
        place="Room 1",
        staff=[lead],
        partners=[],
        people=people,
        scheduled_by=lead,
        organisations=organisations,
    )


def held_meeting(team, lead, people, on: datetime.date, next_review_on=None) -> Meeting:
    """A meeting of `team` on `on` that reviewed `people` and was held."""
    meeting = scheduled_meeting(team, lead, people, on)
    if next_review_on is not None:
        meeting.reviewed.update(next_review_on=next_review_on)
    services.meeting_hold(meeting=meeting)
    return meeting


@pytest.fixture
def flagged(north, alice):
    """Three people of North at very high since different days, on alice's caseload."""
    people = [
        ServiceUserFactory(team=north, keyworker=alice, last_name=f"Due{i}") for i in range(3)
    ]
    for person, ago in zip(people, (10, 5, 0), strict=True):
        make_flag(person, raised_on=days_ago(ago))
    return people
