"""The population the engine looks at: who is in it, and what it sees as of a date."""

import datetime

import pytest

from tests.risk.builders import AS_OF, FrameBuilder
from tests.risk.rules.evaluation import codes, run


def test_the_neutral_person_fires_nothing():
    builder = FrameBuilder()
    builder.person()
    evaluation = run(builder)
    assert evaluation.population == 1
    assert evaluation.fired.empty
    assert evaluation.people.empty


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
