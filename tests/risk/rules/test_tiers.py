"""Tiers: weights add up to a tier at inclusive thresholds; disabled rules do not fire."""

import pytest

from risk.engine import RuleSetSpec, RuleSpec
from risk.first_rule_set import THRESHOLDS
from tests.risk.builders import AS_OF, FrameBuilder, years_before
from tests.risk.rules.evaluation import SPEC, codes, flagged, run


@pytest.mark.parametrize(
    "setup",
    [
        {"sex": "M"},
        {"born": years_before(AS_OF, 45)},
        {"lives_alone": True},
        {"sex": "M", "born": years_before(AS_OF, 45), "lives_alone": True},
    ],
)
def test_modifiers_alone_never_flag(setup):
    builder = FrameBuilder()
    person = builder.person(**setup)
    evaluation = run(builder)
    assert codes(evaluation, person)
    assert flagged(evaluation, person) is None
    # Reasons are worded only for flagged people.
    assert set(evaluation.fired["reason"]) == {""}


def test_no_naloxone_alone_does_not_flag():
    builder = FrameBuilder()
    person = builder.person(opioid=True)
    evaluation = run(builder)
    assert codes(evaluation, person) == {"no_naloxone"}
    assert flagged(evaluation, person) is None


def test_concurrent_current_state_risks_add_up_to_very_high():
    builder = FrameBuilder()
    person = builder.person(
        opioid=True, benzodiazepine=True, gabapentinoid=True, injecting=True, no_fixed_abode=True
    )
    builder.naloxone(person, supplied=30, expires=-600)
    evaluation = run(builder)
    assert codes(evaluation, person) == {
        "opioids_benzodiazepines",
        "no_fixed_abode",
        "opioids_gabapentinoids",
        "injecting",
    }
    row = flagged(evaluation, person)
    assert (row["score"], row["tier"], row["tier_rank"]) == (4.2, "very_high", 3)


@pytest.mark.parametrize(
    ("events", "score", "tier"),
    [
        (["prison_release"], 2.0, "raised"),
        (["prison_release", "hospital_discharge"], 3.0, "high"),
        (["hospital_discharge", "non_fatal_overdose"], 2.4, "raised"),
        (["prison_release", "hospital_discharge", "non_fatal_overdose"], 4.4, "very_high"),
        (["hospital_discharge"], 1.0, None),
    ],
)
def test_tiers_follow_the_combined_weight(events, score, tier):
    builder = FrameBuilder()
    person = builder.person()
    for kind in events:
        builder.event(person, kind, 5)
    row = flagged(run(builder), person)
    if tier is None:
        assert row is None
    else:
        assert (row["score"], row["tier"]) == (score, tier)


@pytest.mark.parametrize(
    ("weight", "tier"),
    [
        (1.99, None),
        (2.0, "raised"),
        (2.99, "raised"),
        (3.0, "high"),
        (4.19, "high"),
        (4.2, "very_high"),
    ],
)
def test_thresholds_are_inclusive_at_their_exact_value(weight, tier):
    rule = RuleSpec(code="male", version=1, check="male", weight=weight, reason="male")
    spec = RuleSetSpec(1, (rule,), **THRESHOLDS)
    builder = FrameBuilder()
    person = builder.person(sex="M")
    row = flagged(run(builder, spec=spec), person)
    assert (None if row is None else row["tier"]) == tier


def test_the_same_weights_split_across_rules_reach_the_same_tier():
    halves = tuple(
        RuleSpec(code=code, version=1, check=check, weight=w, reason=code)
        for code, check, w in [("male", "male", 1.4), ("alone", "lives_alone", 1.6)]
    )
    spec = RuleSetSpec(1, halves, **THRESHOLDS)
    builder = FrameBuilder()
    person = builder.person(sex="M", lives_alone=True)
    assert flagged(run(builder, spec=spec), person)["tier"] == "high"


def test_disabled_rules_do_not_fire():
    rules = tuple(
        RuleSpec(**{**rule.__dict__, "enabled": rule.code != "prison_release_2w"})
        for rule in SPEC.rules
    )
    spec = RuleSetSpec(1, rules, **THRESHOLDS)
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "prison_release", 3)
    evaluation = run(builder, spec=spec)
    assert codes(evaluation, person) == set()
    assert "prison_release_2w" not in evaluation.counts_by_rule


def test_counts_by_tier_and_rule():
    builder = FrameBuilder()
    for _ in range(3):
        builder.event(builder.person(), "prison_release", 3)
    builder.event(builder.person(sex="M"), "prison_release", 40)
    very_high = builder.person(opioid=True, benzodiazepine=True, no_fixed_abode=True)
    builder.event(very_high, "prison_release", 1)
    evaluation = run(builder)
    assert evaluation.population == 5
    assert evaluation.counts_by_tier == {"very_high": 1, "high": 0, "raised": 3}
    assert evaluation.counts_by_rule["prison_release_2w"] == 4
    assert evaluation.counts_by_rule["prison_release_12w"] == 1
    assert evaluation.counts_by_rule["male"] == 1
    assert evaluation.counts_by_rule["ost_stopped_4w"] == 0
