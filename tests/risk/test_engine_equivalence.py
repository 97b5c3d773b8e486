"""The numpy engine says what the pandas engine it replaced said, row for row.

`tests.risk.engine_reference` keeps the pandas engine as it was. Both evaluate the
same generated population (every check, every shipped rule set version, odd rules,
ties, missing values, records after the date) and must give identical frames:
the same columns, dtypes, values and row order. One person evaluated alone gives
that person's rows of the evaluation of everyone, for every person.
"""

import datetime
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from risk.engine import (
    CHECKS,
    RuleSetSpec,
    RuleSpec,
    empty_frames,
    evaluate,
    population_ids,
    word_marked,
)
from tests.risk import engine_reference
from tests.risk.builders import (
    AS_OF,
    FrameBuilder,
    evidence_based_rule_set,
    first_rule_set,
    pathway_rule_set,
    years_before,
)

EVENT_KINDS = [
    "prison_release",
    "hospital_discharge",
    "non_fatal_overdose",
    "child_removed",
    "bereavement",
    "relationship_breakdown",
    "job_loss",
    "detox_completed",
    "residential_completed",
    "accommodation_change",
]
INTERVENTION_KINDS = ["pharmacological", "inpatient_detox", "residential", "psychosocial"]
EPISODE_FLAGS = (
    "unplanned_exit",
    "opioid",
    "benzodiazepine",
    "gabapentinoid",
    "alcohol",
    "injecting",
    "no_fixed_abode",
    "dual_diagnosis",
)


def every_check_rule_set() -> RuleSetSpec:
    """Every check once more, with the windows, counts, groups and minimum tiers the shipped
    versions do not use: open-ended windows, windows that start late, counts of 0 and 3."""
    odd: dict[str, dict] = {
        "prison_release": {"window_from": 3, "window_to": None},
        "hospital_discharge": {"window_from": None, "window_to": 20},
        "non_fatal_overdose": {"window_from": 10, "window_to": 400, "group": "odd"},
        "repeat_overdose": {"window_from": 5, "window_to": None, "min_count": 3},
        "child_removed": {"window_to": None, "group": "odd"},
        "life_event": {"window_from": 0, "window_to": 365, "min_tier": "raised"},
        "ost_started": {"window_from": None, "window_to": None},
        "ost_stopped": {"window_from": 0, "window_to": 1000},
        "left_unplanned": {"window_from": 0, "window_to": None},
        "out_of_treatment": {"window_from": 30, "window_to": 90},
        "tolerance_loss": {"window_from": 0, "window_to": 400, "min_tier": "very_high"},
        "opioids_with_alcohol": {"min_count": 0},
        "age_band": {"window_from": 55, "window_to": None},
        "missed_appointments": {"window_from": None, "window_to": None, "min_count": 3},
        "no_naloxone": {"group": "odd"},
    }
    rules = tuple(
        RuleSpec(
            code=f"odd_{check}",
            version=9,
            check=check,
            weight=round(0.1 + 0.37 * (index % 7), 2),
            reason=f"{check}: {{ago}} {{date}} {{count}} {{detail}}",
            **odd.get(check, {}),
        )
        for index, check in enumerate(CHECKS)
    )
    return RuleSetSpec(9, rules, raised=0.9, high=2.2, very_high=3.3)


RULE_SETS = {
    "version 1": first_rule_set(),
    "version 2": pathway_rule_set(),
    "version 3": evidence_based_rule_set(),
    "every check, oddly": every_check_rule_set(),
    "version 3 with some rules off": replace(
        evidence_based_rule_set(),
        rules=tuple(
            replace(rule, enabled=False) if i % 3 == 0 else rule
            for i, rule in enumerate(evidence_based_rule_set().rules)
        ),
    ),
}


def generated(seed: int = 18, people: int = 500) -> FrameBuilder:
    """A varied population, the same for the same seed: several episodes, records on the
    same day, records after the date, missing values and people the rules skip."""
    rng = np.random.default_rng(seed)
    builder = FrameBuilder()

    def chance(p: float) -> bool:
        return bool(rng.random() < p)

    def days(low: int, high: int) -> int:
        return int(rng.integers(low, high))

    for n in range(people):
        flags = {flag: chance(0.25) for flag in EPISODE_FLAGS}
        flags["opioid_main"] = flags["opioid"] and chance(0.7)
        person = builder.person(
            sex=str(rng.choice(["M", "F", "X"])),
            born=years_before(AS_OF, days(16, 80)),
            lives_alone=chance(0.3),
            # Some have no episode (not in the population), some only one after the date.
            episode=n % 23 != 0,
            referred=days(-30, 2000),
            discharged=days(-20, 700) if chance(0.4) else None,
            **flags,
        )
        if n % 31 == 0:
            builder.rows["people"][-1]["date_of_birth"] = None
        for _ in range(days(0, 3)):
            referred = days(-10, 1500)
            builder.episode(
                person,
                referred=referred,
                discharged=days(-20, referred) if chance(0.6) else None,
                **{flag: chance(0.3) for flag in (*EPISODE_FLAGS, "opioid_main")},
            )
        same_day = days(0, 400)
        for _ in range(days(0, 7)):
            kind = str(rng.choice(EVENT_KINDS))
            builder.event(person, kind, same_day if chance(0.3) else days(-15, 800))
        for _ in range(days(0, 4)):
            started = days(-10, 600)
            kind = str(rng.choice(INTERVENTION_KINDS))
            builder.intervention(
                person,
                kind=kind,
                is_ost=kind == "pharmacological" and chance(0.9),
                started=started,
                ended=days(-15, started + 1) if chance(0.6) else None,
            )
        contact_day = days(0, 100)
        for _ in range(days(0, 8)):
            builder.contact(
                person,
                contact_day if chance(0.2) else days(-5, 120),
                str(rng.choice(["dna", "dna", "attended", "cancelled"])),
            )
        for _ in range(days(0, 3)):
            supplied = days(-5, 1200)
            builder.naloxone(
                person, supplied=supplied, expires=supplied - 730 if chance(0.9) else None
            )
        for _ in range(days(0, 3)):
            builder.top(
                person,
                days(-5, 300),
                opiuse=None if chance(0.1) else float(rng.integers(0, 28)),
                alcuse=None if chance(0.1) else float(rng.integers(0, 28)),
                ivdrguse=None if chance(0.1) else float(rng.integers(0, 5)),
                acuthpbm=chance(0.15),
            )
    return builder


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return generated().frames()


def assert_same(actual, expected) -> None:
    pd.testing.assert_frame_equal(actual.fired, expected.fired)
    # The summary is stored worded for no day; read on the run's day, it says what it said.
    summary = actual.people["summary"]
    worded = pd.Series(
        [word_marked(text, actual.as_of) for text in summary],
        index=summary.index,
        dtype=summary.dtype,
    )
    pd.testing.assert_frame_equal(actual.people.assign(summary=worded), expected.people)
    pd.testing.assert_frame_equal(actual.reasons, expected.reasons)
    assert actual.counts_by_rule == expected.counts_by_rule
    assert actual.population == expected.population
    assert actual.rows_read == expected.rows_read
    assert actual.rule_set_version == expected.rule_set_version
    assert actual.as_of == expected.as_of


def test_the_rule_sets_compared_use_every_check():
    used = {rule.check for spec in RULE_SETS.values() for rule in spec.rules}
    assert used == set(CHECKS)


@pytest.mark.parametrize("name", RULE_SETS)
@pytest.mark.parametrize("shift", [0, -45, 200])
def test_it_gives_what_the_pandas_engine_gave(frames, name, shift):
    as_of = AS_OF + datetime.timedelta(days=shift)
    expected = engine_reference.evaluate(frames, RULE_SETS[name], as_of)
    actual = evaluate(frames, RULE_SETS[name], as_of)
    assert len(expected.people) > 30
    if shift == 0:
        # Every rule fires for someone, so every rule is compared.
        assert all(expected.counts_by_rule.values())
    assert_same(actual, expected)


def test_without_every_fired_rule_it_flags_the_same_people_with_the_same_reasons(frames):
    spec = RULE_SETS["version 3"]
    full = evaluate(frames, spec, AS_OF)
    lean = evaluate(frames, spec, AS_OF, every_fired=False)
    assert len(full.fired) > len(full.reasons) > 0
    assert lean.fired.empty
    assert list(lean.fired.columns) == list(full.fired.columns)
    pd.testing.assert_frame_equal(lean.people, full.people)
    pd.testing.assert_frame_equal(lean.reasons, full.reasons)
    assert lean.counts_by_rule == full.counts_by_rule


@pytest.mark.parametrize("slice_people", [1, 7, 50])
def test_people_evaluated_a_slice_at_a_time_get_what_everyone_at_once_gets(frames, slice_people):
    spec = RULE_SETS["version 3"]
    whole = evaluate(frames, spec, AS_OF, every_fired=False, slice_people=10**9)
    sliced = evaluate(frames, spec, AS_OF, every_fired=False, slice_people=slice_people)
    assert len(whole.people) > 30
    assert len(frames["people"]) > 3 * slice_people
    pd.testing.assert_frame_equal(sliced.people, whole.people)
    pd.testing.assert_frame_equal(sliced.reasons, whole.reasons)
    assert list(sliced.fired.columns) == list(whole.fired.columns)
    assert sliced.counts_by_rule == whole.counts_by_rule
    assert list(sliced.counts_by_rule) == list(whole.counts_by_rule)
    assert (sliced.population, sliced.rows_read) == (whole.population, whole.rows_read)


@pytest.mark.parametrize("seed", [1, 2])
def test_it_gives_what_the_pandas_engine_gave_whatever_the_row_order(frames, seed):
    shuffled = {
        name: frame.sample(frac=1, random_state=seed).reset_index(drop=True)
        for name, frame in frames.items()
    }
    for spec in RULE_SETS.values():
        assert_same(
            evaluate(shuffled, spec, AS_OF), engine_reference.evaluate(shuffled, spec, AS_OF)
        )


def one_person(frames: dict[str, pd.DataFrame], person_id: int) -> dict[str, pd.DataFrame]:
    return {
        name: frame[frame["person_id"] == person_id].reset_index(drop=True)
        for name, frame in frames.items()
    }


def rows_of(frame: pd.DataFrame, person_id: int) -> pd.DataFrame:
    return frame[frame["person_id"] == person_id].reset_index(drop=True)


@pytest.mark.parametrize("name", ["version 1", "version 3", "every check, oddly"])
def test_one_person_alone_gets_their_rows_of_everyone(frames, name):
    spec = RULE_SETS[name]
    everyone = evaluate(frames, spec, AS_OF)
    population = set(population_ids(frames, AS_OF))
    people = frames["people"]["person_id"].to_numpy()
    assert len(people) == 500
    for person_id in people:
        alone = evaluate(one_person(frames, person_id), spec, AS_OF)
        for part in ("fired", "people", "reasons"):
            mine, among_everyone = getattr(alone, part), rows_of(getattr(everyone, part), person_id)
            # An empty frame's text columns have no strings to infer a string type from.
            pd.testing.assert_frame_equal(mine, among_everyone, check_dtype=not mine.empty)
        assert alone.population == int(person_id in population)


def test_empty_frames_fire_nothing_as_before():
    for frames in (empty_frames(), loader_shaped(empty_frames())):
        for spec in RULE_SETS.values():
            actual = evaluate(frames, spec, AS_OF)
            assert_same(actual, engine_reference.evaluate(frames, spec, AS_OF))
            assert actual.fired.empty
            assert actual.population == 0


def loader_shaped(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Empty frames as the loader gives them when a query has no rows: floats, with dates."""
    shaped = {}
    for name, frame in frames.items():
        columns = {}
        for column in frame.columns:
            if column.endswith(("_date", "_on")) or column == "date_of_birth":
                columns[column] = pd.Series(dtype="datetime64[s]")
            elif column in ("sex", "kind", "status"):
                columns[column] = pd.Series(dtype=object)
            else:
                columns[column] = pd.Series(dtype="float64")
        shaped[name] = pd.DataFrame(columns)
    return shaped


def test_a_population_with_no_records_but_episodes_fires_as_before():
    builder = FrameBuilder()
    for _ in range(5):
        builder.person(sex="M", opioid=True)
    frames = builder.frames()
    for spec in RULE_SETS.values():
        assert_same(evaluate(frames, spec, AS_OF), engine_reference.evaluate(frames, spec, AS_OF))


def test_records_of_people_outside_the_population_change_nothing():
    builder = FrameBuilder()
    inside = builder.person(opioid=True)
    builder.event(inside, "prison_release", 3)
    frames = builder.frames()
    for name in ("events", "contacts", "naloxone", "tops", "interventions", "people"):
        stranger = frames[name].head(1).assign(person_id=999_999)
        frames[name] = pd.concat([frames[name], stranger], ignore_index=True)
    for spec in RULE_SETS.values():
        assert_same(evaluate(frames, spec, AS_OF), engine_reference.evaluate(frames, spec, AS_OF))


def test_a_stay_and_an_event_with_the_same_id_and_day_pick_the_stay_as_before():
    builder = FrameBuilder()
    person = builder.person(opioid=True)
    event = builder.event(person, "detox_completed", 10)
    stay = builder.intervention(person, kind="residential", started=40, ended=10)
    frames = builder.frames()
    interventions = frames["interventions"]
    frames["interventions"] = interventions.assign(
        intervention_id=np.where(interventions["intervention_id"] == stay, event, stay)
    )
    for spec in RULE_SETS.values():
        actual = evaluate(frames, spec, AS_OF)
        assert_same(actual, engine_reference.evaluate(frames, spec, AS_OF))
    assert "intervention" in set(actual.fired["trigger_kind"])


def test_ties_on_a_day_go_to_the_highest_id_as_before():
    builder = FrameBuilder()
    person = builder.person(opioid=True, referred=50)
    builder.episode(person, referred=50, discharged=5, unplanned_exit=True)
    for kind in ("prison_release", "prison_release", "non_fatal_overdose", "non_fatal_overdose"):
        builder.event(person, kind, 4)
    builder.contact(person, 2, "attended")
    builder.contact(person, 2, "dna")
    builder.contact(person, 2, "dna")
    builder.naloxone(person, supplied=30, expires=-300)
    builder.naloxone(person, supplied=30, expires=2)
    builder.top(person, 20, opiuse=5, ivdrguse=1)
    builder.top(person, 20, opiuse=0, ivdrguse=0, acuthpbm=True)
    frames = builder.frames()
    for spec in RULE_SETS.values():
        assert_same(evaluate(frames, spec, AS_OF), engine_reference.evaluate(frames, spec, AS_OF))


def test_a_date_before_anyone_was_referred_fires_nothing_as_before(frames):
    before = AS_OF - datetime.timedelta(days=5000)
    for spec in RULE_SETS.values():
        actual = evaluate(frames, spec, before)
        assert_same(actual, engine_reference.evaluate(frames, spec, before))
        assert actual.population == 0
