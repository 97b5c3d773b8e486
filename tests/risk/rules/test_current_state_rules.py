"""Rules about how things stand on the as-of date: injecting, combinations of substances,
alcohol, housing, mental health, OST."""

import pytest

from tests.risk.builders import FrameBuilder
from tests.risk.rules.evaluation import codes, fired_row, run


@pytest.mark.parametrize(
    ("episode", "top", "trigger"),
    [
        ({"injecting": True}, None, "episode"),
        ({}, {"days_ago": 30, "ivdrguse": 4}, "top"),
        ({}, {"days_ago": 182, "ivdrguse": 1}, "top"),
        ({}, {"days_ago": 183, "ivdrguse": 4}, None),  # too old to describe current use
        ({}, {"days_ago": 30, "ivdrguse": 0}, None),
        ({}, {"days_ago": -1, "ivdrguse": 4}, None),
        ({"injecting": True}, {"days_ago": 30, "ivdrguse": 4}, "episode"),
        ({}, None, None),
    ],
)
def test_injecting_fires_from_the_episode_or_a_current_top(episode, top, trigger):
    builder = FrameBuilder()
    person = builder.person(**episode)
    if top:
        builder.top(person, top.pop("days_ago"), **top)
    evaluation = run(builder)
    if trigger is None:
        assert codes(evaluation, person, "injecting") == set()
    else:
        assert fired_row(evaluation, person, "injecting")["trigger_kind"] == trigger


@pytest.mark.parametrize("source", ["episode substance", "top", "running OST", "none", "ended OST"])
@pytest.mark.parametrize(
    ("flag", "code"),
    [
        ("benzodiazepine", "opioids_benzodiazepines"),
        ("gabapentinoid", "opioids_gabapentinoids"),
        ("alcohol", "opioids_alcohol"),
    ],
)
def test_combinations_fire_only_for_opioid_users(flag, code, source):
    builder = FrameBuilder()
    opioid = source == "episode substance"
    person = builder.person(**{flag: True, "opioid": opioid})
    if source == "top":
        builder.top(person, 30, opiuse=12)
    elif source == "running OST":
        builder.ost(person, started=100)
    elif source == "ended OST":
        builder.ost(person, started=100, ended=40)
    fires = source in ("episode substance", "top", "running OST")
    assert (code in codes(run(builder), person)) is fires


@pytest.mark.parametrize(("alcuse", "fires"), [(13, False), (14, True), (28, True), (None, False)])
def test_problem_alcohol_from_a_top_needs_fourteen_drinking_days(alcuse, fires):
    builder = FrameBuilder()
    person = builder.person(opioid=True)
    builder.top(person, 20, alcuse=alcuse)
    assert ("opioids_alcohol" in codes(run(builder), person)) is fires


@pytest.mark.parametrize(
    ("episode", "acuthpbm", "fires"),
    [({"no_fixed_abode": True}, False, True), ({}, True, True), ({}, False, False)],
)
def test_no_fixed_abode_fires_from_the_episode_or_the_top(episode, acuthpbm, fires):
    builder = FrameBuilder()
    person = builder.person(**episode)
    builder.top(person, 40, acuthpbm=acuthpbm)
    assert ("no_fixed_abode" in codes(run(builder), person)) is fires


def test_mental_health_need_fires_from_the_latest_episode():
    builder = FrameBuilder()
    person = builder.person(dual_diagnosis=True)
    earlier_only = builder.person(referred=300, discharged=100, dual_diagnosis=True)
    builder.episode(earlier_only, referred=50)
    evaluation = run(builder)
    assert codes(evaluation, person, "mental_health") == {"mental_health"}
    assert codes(evaluation, earlier_only, "mental_health") == set()


@pytest.mark.parametrize(
    ("episode", "ost", "fires"),
    [
        ({"opioid_main": True}, None, True),
        ({"opioid_main": True}, {"started": 100}, False),
        # OST stopped: the heavier rule of the same group counts instead (below).
        ({"opioid_main": True}, {"started": 100, "ended": 10}, False),
        ({"opioid_main": True}, {"started": 100, "ended": -3}, False),
        ({"opioid_main": True, "discharged": 10}, None, False),  # not in treatment
        ({"opioid": True}, None, False),  # opioids are not the main problem
    ],
)
def test_opiate_not_on_ost_fires_only_in_treatment_and_off_ost(episode, ost, fires):
    builder = FrameBuilder()
    person = builder.person(**episode)
    if ost:
        builder.ost(person, **ost)
    assert ("opiate_not_on_ost" in codes(run(builder), person)) is fires


@pytest.mark.parametrize(
    ("ended", "counted", "weight"),
    [(10, "ost_stopped_4w", 2.3), (100, "ost_stopped_6m", 1.1)],
)
def test_not_being_on_ost_is_weighed_once_by_its_heaviest_rule(ended, counted, weight):
    builder = FrameBuilder()
    person = builder.person(opioid_main=True)
    builder.ost(person, started=300, ended=ended)
    evaluation = run(builder)
    not_on_ost = {"ost_stopped_4w", "ost_stopped_6m", "opiate_not_on_ost"}
    assert codes(evaluation, person) & not_on_ost == {counted}
    fired = evaluation.fired[evaluation.fired["person_id"] == person]
    in_group = fired[fired["rule_code"].astype(str).isin(not_on_ost)]
    assert in_group["weight"].sum() == pytest.approx(weight)
    assert evaluation.counts_by_rule["opiate_not_on_ost"] == 0
