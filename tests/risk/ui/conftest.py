"""Flags made directly, so each page test controls tier, dates and reasons exactly."""

import datetime

import pytest

from risk.engine import TIER_RANKS
from risk.models import Flag, FlagReason, Rule, RuleSet
from tests.factories import ServiceUserFactory, days_ago


def make_flag(
    person,
    tier: str = "very_high",
    raised_on: datetime.date | None = None,
    reasons: tuple[tuple[str, datetime.date | None], ...] = (("prison_release_2w", None),),
    summary: str = "released from prison 3 days ago",
    score: float = 5,
) -> Flag:
    """An open flag under the active rule set, with reasons from its rules."""
    rule_set = RuleSet.objects.get(status=RuleSet.Status.ACTIVE)
    raised_on = raised_on or days_ago(0)
    flag = Flag.objects.create(
        service_user=person,
        tier=tier,
        tier_rank=TIER_RANKS[tier],
        score=score,
        summary=summary,
        rule_codes=[code for code, _ in reasons],
        rule_set=rule_set,
        raised_on=raised_on,
        changed_on=raised_on,
    )
    for position, (code, fired_from) in enumerate(reasons):
        rule = Rule.objects.get(rule_set=rule_set, code=code)
        fired_from = fired_from or raised_on
        FlagReason.objects.create(
            flag=flag,
            position=position,
            rule_code=code,
            rule_version=rule.version,
            weight=rule.weight,
            trigger_kind="event",
            fired_from=fired_from,
            expires_on=fired_from + datetime.timedelta(days=rule.window_to or 0),
            text=rule.reason.replace("{ago}", "when it was computed"),
        )
    return flag


@pytest.fixture
def jo_flag(jo):
    return make_flag(jo)


def flagged_people(count, team, keyworker, tier="high"):
    people = []
    for _ in range(count):
        person = ServiceUserFactory(team=team, keyworker=keyworker)
        make_flag(person, tier=tier)
        people.append(person)
    return people
