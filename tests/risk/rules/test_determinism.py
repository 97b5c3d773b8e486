"""Determinism: the same frames and date give the same output, however the rows are ordered."""

import numpy as np
import pandas as pd
import pytest

from risk.engine import evaluate
from tests.risk.builders import AS_OF, FrameBuilder, years_before
from tests.risk.rules.evaluation import SPEC


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
