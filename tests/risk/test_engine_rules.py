"""The pure engine, rule by rule, on frames built by hand: no database.

Every person starts neutral (nothing fires for them), so each case adds just the
facts it is about. Dates are days before the as-of date; a negative number is
after it.
"""

import datetime

import numpy as np
import pandas as pd
import pytest

from risk.engine import RuleSetSpec, RuleSpec, evaluate
from risk.first_rule_set import RULES, THRESHOLDS
from tests.risk.builders import AS_OF, FrameBuilder, first_rule_set, years_before

SPEC = first_rule_set()
CODES_BY_CHECK: dict[str, set[str]] = {}
for _rule in RULES:
    CODES_BY_CHECK.setdefault(_rule["check"], set()).add(_rule["code"])


def run(builder: FrameBuilder, spec: RuleSetSpec = SPEC, as_of: datetime.date | None = None):
    return evaluate(builder.frames(), spec, as_of or builder.as_of)


def codes(evaluation, person_id: int, check: str | None = None) -> set[str]:
    fired = evaluation.fired
    found = set(fired.loc[fired["person_id"] == person_id, "rule_code"].astype(str))
    return found & CODES_BY_CHECK[check] if check else found


def fired_row(evaluation, person_id: int, code: str) -> pd.Series:
    fired = evaluation.fired
    rows = fired[(fired["person_id"] == person_id) & (fired["rule_code"] == code)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def flagged(evaluation, person_id: int) -> pd.Series | None:
    people = evaluation.people[evaluation.people["person_id"] == person_id]
    return None if people.empty else people.iloc[0]


def reasons(evaluation, person_id: int) -> list[str]:
    rows = evaluation.reasons[evaluation.reasons["person_id"] == person_id]
    return list(rows.sort_values("position")["reason"])


def day(days_ago: int, as_of: datetime.date = AS_OF) -> datetime.date:
    return as_of - datetime.timedelta(days=days_ago)


def test_the_neutral_person_fires_nothing():
    builder = FrameBuilder()
    builder.person()
    evaluation = run(builder)
    assert evaluation.population == 1
    assert evaluation.fired.empty
    assert evaluation.people.empty


# Time-boxed event rules ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "days_ago", "check", "expected"),
    [
        ("prison_release", -1, "prison_release", set()),
        ("prison_release", 0, "prison_release", {"prison_release_2w"}),
        ("prison_release", 14, "prison_release", {"prison_release_2w"}),
        ("prison_release", 15, "prison_release", {"prison_release_4w"}),
        ("prison_release", 28, "prison_release", {"prison_release_4w"}),
        ("prison_release", 29, "prison_release", {"prison_release_12w"}),
        ("prison_release", 84, "prison_release", {"prison_release_12w"}),
        ("prison_release", 85, "prison_release", set()),
        ("hospital_discharge", -1, "hospital_discharge", set()),
        ("hospital_discharge", 0, "hospital_discharge", {"hospital_discharge_4w"}),
        ("hospital_discharge", 28, "hospital_discharge", {"hospital_discharge_4w"}),
        ("hospital_discharge", 29, "hospital_discharge", set()),
        ("non_fatal_overdose", -1, "non_fatal_overdose", set()),
        ("non_fatal_overdose", 0, "non_fatal_overdose", {"overdose_90d"}),
        ("non_fatal_overdose", 90, "non_fatal_overdose", {"overdose_90d"}),
        ("non_fatal_overdose", 91, "non_fatal_overdose", {"overdose_12m"}),
        ("non_fatal_overdose", 365, "non_fatal_overdose", {"overdose_12m"}),
        ("non_fatal_overdose", 366, "non_fatal_overdose", set()),
        ("child_removed", -1, "child_removed", set()),
        ("child_removed", 0, "child_removed", {"child_removed"}),
        ("child_removed", 730, "child_removed", {"child_removed"}),
        ("child_removed", 731, "child_removed", set()),
        ("bereavement", 0, "life_event", {"life_event"}),
        ("bereavement", 90, "life_event", {"life_event"}),
        ("bereavement", 91, "life_event", set()),
        ("relationship_breakdown", 90, "life_event", {"life_event"}),
        ("job_loss", 90, "life_event", {"life_event"}),
        ("job_loss", 91, "life_event", set()),
        ("housing_lost", 5, "life_event", set()),
        ("detox_completed", -1, "tolerance_loss", set()),
        ("detox_completed", 0, "tolerance_loss", {"tolerance_loss"}),
        ("detox_completed", 120, "tolerance_loss", {"tolerance_loss"}),
        ("detox_completed", 121, "tolerance_loss", set()),
        ("residential_completed", 120, "tolerance_loss", {"tolerance_loss"}),
        ("residential_completed", 121, "tolerance_loss", set()),
    ],
)
def test_event_rules_fire_inside_their_window_only(kind, days_ago, check, expected):
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, kind, days_ago)
    assert codes(run(builder), person, check) == expected


@pytest.mark.parametrize(
    ("code", "days_ago", "window_to"),
    [
        ("prison_release_2w", 9, 14),
        ("prison_release_4w", 20, 28),
        ("overdose_12m", 200, 365),
        ("hospital_discharge_4w", 0, 28),
    ],
)
def test_a_fired_event_rule_records_its_trigger_start_and_expiry(code, days_ago, window_to):
    builder = FrameBuilder()
    person = builder.person()
    kind = "non_fatal_overdose" if code.startswith("overdose") else code.rsplit("_", 1)[0]
    event_id = builder.event(person, kind, days_ago)
    row = fired_row(run(builder), person, code)
    assert row["trigger_kind"] == "event"
    assert row["trigger_id"] == event_id
    assert row["fired_from"] == pd.Timestamp(day(days_ago))
    assert row["expires_on"] == pd.Timestamp(day(days_ago) + datetime.timedelta(days=window_to))
    assert row["rule_version"] == 1


def test_only_the_most_recent_release_counts():
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "prison_release", 60)
    builder.event(person, "prison_release", 5)
    assert codes(run(builder), person, "prison_release") == {"prison_release_2w"}


# OST, residential and detox -----------------------------------------------


@pytest.mark.parametrize(
    ("started", "expected"),
    [
        (-1, set()),
        (0, {"ost_started_2w"}),
        (14, {"ost_started_2w"}),
        (15, {"ost_started_4w"}),
        (28, {"ost_started_4w"}),
        (29, set()),
    ],
)
def test_starting_ost_fires_for_four_weeks(started, expected):
    builder = FrameBuilder()
    person = builder.person()
    builder.ost(person, started=started)
    assert codes(run(builder), person, "ost_started") == expected


@pytest.mark.parametrize(
    ("ended", "expected"),
    [
        (-1, set()),  # ends after the as-of date: still running
        (0, {"ost_stopped_4w"}),
        (28, {"ost_stopped_4w"}),
        (29, {"ost_stopped_6m"}),
        (182, {"ost_stopped_6m"}),
        (183, set()),
    ],
)
def test_stopping_ost_fires_for_six_months(ended, expected):
    builder = FrameBuilder()
    person = builder.person()
    builder.ost(person, started=400, ended=ended)
    assert codes(run(builder), person, "ost_stopped") == expected


def test_ost_stopped_does_not_fire_once_ost_restarts():
    builder = FrameBuilder()
    restarted = builder.person()
    builder.ost(restarted, started=300, ended=12)
    builder.ost(restarted, started=3)
    restarts_later = builder.person()
    builder.ost(restarts_later, started=300, ended=12)
    builder.ost(restarts_later, started=-2)
    evaluation = run(builder)
    assert codes(evaluation, restarted, "ost_stopped") == set()
    # A restart booked after the as-of date has not happened yet.
    assert codes(evaluation, restarts_later, "ost_stopped") == {"ost_stopped_4w"}


def test_ost_stopped_counts_from_the_latest_stop():
    builder = FrameBuilder()
    person = builder.person()
    builder.ost(person, started=300, ended=100)
    builder.ost(person, started=60, ended=10)
    row = fired_row(run(builder), person, "ost_stopped_4w")
    assert row["fired_from"] == pd.Timestamp(day(10))
    assert codes(run(builder), person, "ost_stopped") == {"ost_stopped_4w"}


@pytest.mark.parametrize(
    ("kind", "ended", "fires"),
    [
        ("inpatient_detox", 0, True),
        ("inpatient_detox", 120, True),
        ("inpatient_detox", 121, False),
        ("residential", 120, True),
        ("residential", 121, False),
        ("residential", None, False),  # still there: tolerance not yet lost
        ("residential", -5, False),  # leaves after the as-of date
        ("psychosocial", 10, False),
    ],
)
def test_tolerance_loss_fires_after_a_detox_or_residential_stay_ends(kind, ended, fires):
    builder = FrameBuilder()
    person = builder.person()
    stay = builder.intervention(person, kind=kind, started=200, ended=ended)
    evaluation = run(builder)
    assert codes(evaluation, person, "tolerance_loss") == ({"tolerance_loss"} if fires else set())
    if fires:
        row = fired_row(evaluation, person, "tolerance_loss")
        assert (row["trigger_kind"], row["trigger_id"]) == ("intervention", stay)


# Episodes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("discharged", "unplanned", "expected"),
    [
        (-1, True, set()),  # discharged after the as-of date: still in treatment
        (0, True, {"left_unplanned_4w"}),
        (28, True, {"left_unplanned_4w"}),
        (29, True, set()),
        (5, False, set()),
    ],
)
def test_leaving_unplanned_fires_for_four_weeks(discharged, unplanned, expected):
    builder = FrameBuilder()
    person = builder.person(discharged=discharged, unplanned_exit=unplanned)
    assert codes(run(builder), person, "left_unplanned") == expected


@pytest.mark.parametrize(
    ("discharged", "expected"),
    [(-1, set()), (0, {"out_of_treatment"}), (365, {"out_of_treatment"}), (366, set())],
)
def test_out_of_treatment_fires_for_a_year_after_leaving(discharged, expected):
    builder = FrameBuilder()
    person = builder.person(referred=500, discharged=discharged)
    assert codes(run(builder), person, "out_of_treatment") == expected


def test_a_new_episode_ends_out_of_treatment_and_left_unplanned():
    builder = FrameBuilder()
    person = builder.person(referred=300, discharged=20, unplanned_exit=True)
    builder.episode(person, referred=5)
    evaluation = run(builder)
    assert codes(evaluation, person) == set()


# Counting rules ----------------------------------------------------------


@pytest.mark.parametrize(
    ("overdoses", "count"),
    [
        ([10], None),
        ([10, 365], 2),
        ([10, 366], None),
        ([3, 10, 200], 3),
        ([10, -1], None),  # the second is after the as-of date
    ],
)
def test_repeat_overdose_needs_two_in_twelve_months(overdoses, count):
    builder = FrameBuilder()
    person = builder.person()
    for days_ago in overdoses:
        builder.event(person, "non_fatal_overdose", days_ago)
    evaluation = run(builder)
    if count is None:
        assert codes(evaluation, person, "repeat_overdose") == set()
    else:
        assert fired_row(evaluation, person, "repeat_overdose")["count"] == count


@pytest.mark.parametrize(
    ("contacts", "count"),
    [
        ([(20, "dna"), (10, "dna")], 2),
        ([(10, "dna")], None),
        ([(30, "dna"), (20, "attended"), (10, "dna")], None),
        ([(30, "attended"), (20, "dna"), (10, "dna"), (5, "dna")], 3),
        ([(40, "dna"), (30, "dna"), (20, "attended"), (10, "dna"), (5, "dna")], 2),
        ([(20, "dna"), (10, "dna"), (5, "attended")], None),
        ([(20, "dna"), (10, "dna"), (-1, "attended")], 2),  # attended after the as-of date
        ([(60, "dna"), (10, "dna")], 2),
        ([(61, "dna"), (10, "dna")], None),
        ([(20, "dna"), (15, "cancelled"), (10, "booked")], None),
        ([(20, "dna"), (15, "cancelled"), (10, "dna")], 2),
    ],
)
def test_missed_appointments_counts_dnas_since_the_last_attended(contacts, count):
    builder = FrameBuilder()
    person = builder.person()
    for days_ago, status in contacts:
        builder.contact(person, days_ago, status)
    evaluation = run(builder)
    if count is None:
        assert codes(evaluation, person, "missed_appointments") == set()
    else:
        row = fired_row(evaluation, person, "missed_appointments")
        assert row["count"] == count
        latest_dna = min(d for d, s in contacts if s == "dna" and d >= 0)
        assert row["fired_from"] == pd.Timestamp(day(latest_dna))


# Current-state rules -----------------------------------------------------


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


# Modifiers ---------------------------------------------------------------


@pytest.mark.parametrize(("sex", "fires"), [("M", True), ("F", False), ("I", False)])
def test_male(sex, fires):
    builder = FrameBuilder()
    person = builder.person(sex=sex)
    assert (codes(run(builder), person) == {"male"}) is fires


@pytest.mark.parametrize(
    ("as_of", "born", "age"),
    [
        (AS_OF, years_before(AS_OF, 35), 35),  # 35th birthday today
        (AS_OF, years_before(AS_OF, 35) + datetime.timedelta(days=1), None),  # 34 until tomorrow
        (AS_OF, years_before(AS_OF, 55) + datetime.timedelta(days=1), 54),  # 55 tomorrow
        (AS_OF, years_before(AS_OF, 55), None),  # 55th birthday today
        (datetime.date(2023, 2, 28), datetime.date(1988, 2, 29), None),  # leapling, still 34
        (datetime.date(2023, 3, 1), datetime.date(1988, 2, 29), 35),
        (datetime.date(2024, 2, 29), datetime.date(1989, 2, 28), 35),
    ],
)
def test_age_band_turns_on_birthdays(as_of, born, age):
    builder = FrameBuilder(as_of=as_of)
    person = builder.person(born=born)
    evaluation = run(builder)
    if age is None:
        assert codes(evaluation, person, "age_band") == set()
    else:
        assert fired_row(evaluation, person, "age_35_54")["count"] == age


def test_lives_alone():
    builder = FrameBuilder()
    alone = builder.person(lives_alone=True)
    together = builder.person(lives_alone=False)
    evaluation = run(builder)
    assert codes(evaluation, alone) == {"lives_alone"}
    assert codes(evaluation, together) == set()


@pytest.mark.parametrize(
    ("opioid", "kits", "detail"),
    [
        (True, [], "no naloxone kit on record"),
        (True, [(300, 1)], f"naloxone kit expired {day(1):%d/%m/%Y}"),
        (True, [(300, 0)], None),  # expires today: still in date
        (True, [(30, -600)], None),
        (True, [(700, 100), (30, -600)], None),  # the latest kit is what they hold
        (True, [(30, -600), (-2, -700)], None),
        (True, [(-2, -700)], "no naloxone kit on record"),  # supplied after the as-of date
        (False, [], None),  # not an opioid user
    ],
)
def test_no_naloxone_fires_for_opioid_users_without_a_kit_in_date(opioid, kits, detail):
    builder = FrameBuilder()
    person = builder.person(opioid=opioid)
    for supplied, expires in kits:
        builder.naloxone(person, supplied=supplied, expires=expires)
    evaluation = run(builder)
    if detail is None:
        assert codes(evaluation, person, "no_naloxone") == set()
    else:
        assert fired_row(evaluation, person, "no_naloxone")["detail"] == detail


# The population ----------------------------------------------------------


@pytest.mark.parametrize(
    ("discharged", "in_population"),
    [(None, True), (-10, True), (0, True), (365, True), (366, False), (1000, False)],
)
def test_the_population_is_in_treatment_or_discharged_within_a_year(discharged, in_population):
    builder = FrameBuilder()
    person = builder.person(sex="M", referred=1500, discharged=discharged)
    builder.event(person, "prison_release", 3)
    evaluation = run(builder)
    assert evaluation.population == int(in_population)
    assert bool(codes(evaluation, person)) is in_population


def test_records_after_the_as_of_date_are_ignored():
    builder = FrameBuilder()
    later = builder.person(sex="M", referred=-1)  # referred tomorrow: not yet known
    person = builder.person(opioid_main=True)
    builder.naloxone(person, supplied=100, expires=-500)
    builder.event(person, "prison_release", -1)
    builder.event(person, "non_fatal_overdose", -30)
    builder.ost(person, started=-1)
    builder.contact(person, -2, "dna")
    builder.contact(person, -3, "dna")
    builder.top(person, -1, ivdrguse=20, acuthpbm=True)
    evaluation = run(builder)
    assert evaluation.population == 1
    assert codes(evaluation, later) == set()
    assert codes(evaluation, person) == {"opiate_not_on_ost"}


def test_an_earlier_as_of_sees_the_records_as_they_stood():
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "prison_release", 3)
    then = AS_OF - datetime.timedelta(days=10)
    assert codes(run(builder, as_of=then), person) == set()
    assert codes(run(builder), person) == {"prison_release_2w"}


# Tiers -------------------------------------------------------------------


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


# Reasons -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "text"),
    [
        (9, "released from prison 9 days ago"),
        (0, "released from prison today"),
        (1, "released from prison yesterday"),
        (2, "released from prison 2 days ago"),
    ],
)
def test_prison_release_reason_says_how_long_ago(days_ago, text):
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "prison_release", days_ago)
    evaluation = run(builder)
    assert reasons(evaluation, person) == [text]
    assert flagged(evaluation, person)["summary"] == text


def test_ost_stopped_reason():
    builder = FrameBuilder()
    person = builder.person()
    builder.ost(person, started=200, ended=12)
    assert reasons(run(builder), person) == ["OST stopped 12 days ago and not restarted"]


def test_overdose_reason_sits_beside_no_naloxone_largest_first():
    builder = FrameBuilder()
    person = builder.person(opioid_main=True, opioid=True)
    builder.event(person, "non_fatal_overdose", 40)
    evaluation = run(builder)
    assert reasons(evaluation, person) == [
        "overdose 40 days ago",
        "in treatment for opioids but not on OST",
        "no naloxone kit on record",
    ]
    row = flagged(evaluation, person)
    assert row["summary"] == (
        "overdose 40 days ago; in treatment for opioids but not on OST; no naloxone kit on record"
    )
    assert row["rule_codes"] == "overdose_90d,opiate_not_on_ost,no_naloxone"


def test_the_summary_holds_the_first_three_reasons_and_the_codes_hold_all():
    builder = FrameBuilder()
    person = builder.person(sex="M", no_fixed_abode=True, injecting=True)
    builder.event(person, "prison_release", 9)
    evaluation = run(builder)
    assert reasons(evaluation, person) == [
        "released from prison 9 days ago",
        "no fixed abode or an acute housing problem",
        "currently injecting",
        "male",
    ]
    row = flagged(evaluation, person)
    assert row["summary"] == (
        "released from prison 9 days ago; no fixed abode or an acute housing problem; "
        "currently injecting"
    )
    assert row["rule_codes"] == "prison_release_2w,no_fixed_abode,injecting,male"
    positions = evaluation.reasons.loc[evaluation.reasons["person_id"] == person, "position"]
    assert list(positions) == [0, 1, 2, 3]


def test_rules_of_equal_weight_are_ordered_by_code():
    builder = FrameBuilder()
    person = builder.person(opioid=True, gabapentinoid=True, alcohol=True)
    builder.naloxone(person, supplied=10, expires=-300)
    builder.event(person, "prison_release", 3)
    evaluation = run(builder)
    ordered = list(
        evaluation.reasons.loc[evaluation.reasons["person_id"] == person, "rule_code"].astype(str)
    )
    assert ordered == ["prison_release_2w", "opioids_alcohol", "opioids_gabapentinoids"]


@pytest.mark.parametrize(
    ("add", "code", "text"),
    [
        (
            lambda b, p: b.event(p, "detox_completed", 10),
            "tolerance_loss",
            "completed detox 10 days ago: tolerance may be lost",
        ),
        (
            lambda b, p: b.intervention(p, kind="residential", started=90, ended=3),
            "tolerance_loss",
            "left residential treatment 3 days ago: tolerance may be lost",
        ),
        (lambda b, p: b.event(p, "bereavement", 5), "life_event", "bereavement 5 days ago"),
        (lambda b, p: b.event(p, "job_loss", 1), "life_event", "lost their job yesterday"),
        (
            lambda b, p: b.event(p, "relationship_breakdown", 0),
            "life_event",
            "relationship breakdown today",
        ),
        (
            lambda b, p: [b.event(p, "non_fatal_overdose", d) for d in (200, 300)],
            "repeat_overdose",
            "2 overdoses in the last 12 months",
        ),
        (
            lambda b, p: [b.contact(p, d, "dna") for d in (30, 20, 10)],
            "missed_appointments",
            "missed the last 3 appointments",
        ),
        (
            lambda b, p: b.event(p, "child_removed", 100),
            "child_removed",
            "child removed into care 100 days ago",
        ),
        (lambda b, p: b.ost(p, started=3), "ost_started_2w", "started OST 3 days ago"),
        (
            lambda b, p: b.naloxone(p, supplied=400, expires=10),
            "no_naloxone",
            f"naloxone kit expired {day(10):%d/%m/%Y}",
        ),
        (lambda b, p: b.top(p, 10, opiuse=3, ivdrguse=2), "injecting", "currently injecting"),
    ],
)
def test_reason_wording(add, code, text):
    builder = FrameBuilder()
    person = builder.person(opioid=True)
    builder.naloxone(person, supplied=500, expires=-300)
    builder.event(person, "prison_release", 9)
    add(builder, person)
    evaluation = run(builder)
    assert fired_row(evaluation, person, code)["reason"] == text
    assert text in reasons(evaluation, person)


@pytest.mark.parametrize(
    ("discharged", "unplanned", "texts"),
    [
        (
            12,
            True,
            ["left treatment unplanned 12 days ago", f"out of treatment since {day(12):%d/%m/%Y}"],
        ),
        (0, True, ["left treatment unplanned today", f"out of treatment since {day(0):%d/%m/%Y}"]),
    ],
)
def test_leaving_treatment_reasons(discharged, unplanned, texts):
    builder = FrameBuilder()
    person = builder.person(discharged=discharged, unplanned_exit=unplanned)
    builder.event(person, "prison_release", 20)
    evaluation = run(builder)
    # Equal weights (1.0) are ordered by rule code.
    assert reasons(evaluation, person) == [texts[0], "released from prison 20 days ago", texts[1]]


# Determinism -------------------------------------------------------------


def population(seed: int = 7, people: int = 400) -> FrameBuilder:
    """A varied synthetic population, the same for the same seed."""
    rng = np.random.default_rng(seed)
    builder = FrameBuilder()
    kinds = [
        "prison_release",
        "hospital_discharge",
        "non_fatal_overdose",
        "bereavement",
        "detox_completed",
        "child_removed",
    ]
    for _ in range(people):
        episode = {
            flag: bool(rng.random() < 0.2)
            for flag in (
                "opioid",
                "benzodiazepine",
                "gabapentinoid",
                "alcohol",
                "injecting",
                "no_fixed_abode",
                "dual_diagnosis",
            )
        }
        episode["opioid_main"] = episode["opioid"] and rng.random() < 0.7
        discharged = int(rng.integers(0, 500)) if rng.random() < 0.3 else None
        person = builder.person(
            sex=str(rng.choice(["M", "F"])),
            born=years_before(AS_OF, int(rng.integers(18, 70))),
            lives_alone=bool(rng.random() < 0.3),
            referred=int(rng.integers(600, 900)),
            discharged=discharged,
            unplanned_exit=bool(rng.random() < 0.5),
            **episode,
        )
        for _ in range(int(rng.integers(0, 4))):
            builder.event(person, str(rng.choice(kinds)), int(rng.integers(-20, 400)))
        if rng.random() < 0.4:
            started = int(rng.integers(0, 300))
            ended = int(rng.integers(-10, started)) if rng.random() < 0.5 else None
            builder.ost(person, started=started, ended=ended)
        for _ in range(int(rng.integers(0, 5))):
            builder.contact(person, int(rng.integers(-5, 90)), str(rng.choice(["dna", "attended"])))
        if rng.random() < 0.5:
            supplied = int(rng.integers(0, 900))
            builder.naloxone(person, supplied=supplied, expires=supplied - 730)
        if rng.random() < 0.5:
            builder.top(
                person,
                int(rng.integers(0, 250)),
                opiuse=float(rng.integers(0, 28)),
                alcuse=float(rng.integers(0, 28)),
                ivdrguse=float(rng.integers(0, 5)),
                acuthpbm=bool(rng.random() < 0.1),
            )
    return builder


def sorted_fired(fired: pd.DataFrame) -> pd.DataFrame:
    frame = fired.assign(rule_code=fired["rule_code"].astype(str))
    return frame.sort_values(["person_id", "rule_code"]).reset_index(drop=True)


def test_the_same_frames_and_date_give_identical_output():
    frames = population().frames()
    first = evaluate(frames, SPEC, AS_OF)
    second = evaluate({name: frame.copy() for name, frame in frames.items()}, SPEC, AS_OF)
    assert len(first.people) > 20
    pd.testing.assert_frame_equal(first.fired, second.fired)
    pd.testing.assert_frame_equal(first.people, second.people)
    pd.testing.assert_frame_equal(first.reasons, second.reasons)
    assert first.counts_by_rule == second.counts_by_rule
    assert first.population == second.population


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_input_rows_give_the_same_output(seed):
    frames = population().frames()
    shuffled = {
        name: frame.sample(frac=1, random_state=seed).reset_index(drop=True)
        for name, frame in frames.items()
    }
    expected = evaluate(frames, SPEC, AS_OF)
    actual = evaluate(shuffled, SPEC, AS_OF)
    pd.testing.assert_frame_equal(expected.people, actual.people)
    pd.testing.assert_frame_equal(expected.reasons, actual.reasons)
    pd.testing.assert_frame_equal(sorted_fired(expected.fired), sorted_fired(actual.fired))
    assert expected.counts_by_tier == actual.counts_by_tier
