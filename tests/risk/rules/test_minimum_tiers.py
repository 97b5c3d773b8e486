"""Minimum tiers: while a rule's window holds, the person's flag is at least its tier.

Version 2 (`pathway_rule_set`) is version 1 with High as the minimum on a recent
overdose, a release from prison in the last two weeks and OST stopped in the last
four: the overdose pathway's people are flagged however little else fires.
"""

import datetime
from dataclasses import replace

import pytest

from risk.engine import RuleSetSpec, RuleSpec
from risk.first_rule_set import THRESHOLDS
from tests.risk.builders import FrameBuilder, pathway_rule_set
from tests.risk.rules.evaluation import codes, fired_row, flagged, run

PATHWAY = pathway_rule_set()


def test_an_overdose_yesterday_alone_is_high_though_its_weight_is_below_raised():
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "non_fatal_overdose", 1)

    assert flagged(run(builder), person) is None  # version 1: 1.4 flags nobody
    row = flagged(run(builder, spec=PATHWAY), person)

    assert (row["score"], row["tier"], row["tier_rank"]) == (1.4, "high", 2)


@pytest.mark.parametrize(
    ("kind", "days_ago", "setup"),
    [
        ("non_fatal_overdose", 90, {}),
        ("prison_release", 14, {}),
        ("ost_stopped", 28, {"opioid_main": True}),
    ],
)
def test_each_pathway_rule_holds_high_to_the_last_day_of_its_window(kind, days_ago, setup):
    builder = FrameBuilder()
    person = builder.person(**setup)
    if kind == "ost_stopped":
        builder.ost(person, started=200, ended=days_ago)
    else:
        builder.event(person, kind, days_ago)

    assert flagged(run(builder, spec=PATHWAY), person)["tier"] == "high"


def test_the_minimum_ends_the_day_after_the_window_ends():
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "non_fatal_overdose", 90)
    last_day = builder.as_of
    expires = fired_row(run(builder, spec=PATHWAY), person, "overdose_90d")["expires_on"]
    assert expires.date() == last_day

    next_day = run(builder, spec=PATHWAY, as_of=last_day + datetime.timedelta(days=1))

    assert codes(next_day, person) == {"overdose_12m"}
    assert flagged(next_day, person) is None


def test_a_score_above_the_minimum_keeps_its_higher_tier():
    builder = FrameBuilder()
    person = builder.person()
    for kind in ("prison_release", "hospital_discharge", "non_fatal_overdose"):
        builder.event(person, kind, 5)

    row = flagged(run(builder, spec=PATHWAY), person)

    assert (row["score"], row["tier"], row["tier_rank"]) == (4.4, "very_high", 3)


def test_a_minimum_lifts_a_raised_score_and_leaves_the_score_as_the_sum():
    builder = FrameBuilder()
    person = builder.person(sex="M")
    builder.event(person, "prison_release", 3)  # 2.0 + male 0.3: Raised by weight

    assert flagged(run(builder), person)["tier"] == "raised"
    row = flagged(run(builder, spec=PATHWAY), person)

    assert (row["score"], row["tier"]) == (2.3, "high")


def test_the_highest_minimum_among_the_fired_rules_wins():
    rules = tuple(
        replace(rule, min_tier="very_high") if rule.code == "prison_release_2w" else rule
        for rule in PATHWAY.rules
    )
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "prison_release", 3)
    builder.event(person, "non_fatal_overdose", 3)

    row = flagged(run(builder, spec=RuleSetSpec(3, rules, **THRESHOLDS)), person)

    assert (row["score"], row["tier"]) == (3.4, "very_high")


def test_the_minimum_of_a_rule_outweighed_in_its_group_does_not_apply():
    # Not on OST: stopping it (2.3) outweighs being an opiate user off OST (0.7), so the
    # lighter rule does not count, and neither does its minimum.
    rules = tuple(
        replace(rule, min_tier="very_high") if rule.code == "opiate_not_on_ost" else rule
        for rule in PATHWAY.rules
    )
    builder = FrameBuilder()
    person = builder.person(opioid_main=True, opioid=True)
    builder.ost(person, started=200, ended=10)
    builder.naloxone(person, supplied=30, expires=-600)

    evaluation = run(builder, spec=RuleSetSpec(3, rules, **THRESHOLDS))

    assert codes(evaluation, person) == {"ost_stopped_4w"}
    row = flagged(evaluation, person)
    assert (row["score"], row["tier"]) == (2.3, "high")


def test_a_person_whose_only_rules_have_no_minimum_is_tiered_by_weight_alone():
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "hospital_discharge", 5)

    assert flagged(run(builder, spec=PATHWAY), person) is None


def test_the_tiers_count_the_lifted_people():
    builder = FrameBuilder()
    for _ in range(2):
        builder.event(builder.person(), "non_fatal_overdose", 2)
    builder.event(builder.person(), "hospital_discharge", 2)

    assert run(builder, spec=PATHWAY).counts_by_tier == {"very_high": 0, "high": 2, "raised": 0}


@pytest.mark.parametrize("tier", ["extreme", "High", "none"])
def test_a_rule_with_an_unknown_minimum_tier_is_refused_naming_the_rule(tier):
    with pytest.raises(ValueError, match=r"Rule 'overdose_90d': minimum tier"):
        RuleSpec(
            code="overdose_90d",
            version=1,
            check="non_fatal_overdose",
            weight=1.4,
            reason="overdose {ago}",
            min_tier=tier,
        )
