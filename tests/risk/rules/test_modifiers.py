"""Modifiers: sex, age band, living alone and naloxone, which add weight but never flag alone."""

import datetime

import pytest

from tests.risk.builders import AS_OF, FrameBuilder, years_before
from tests.risk.rules.evaluation import codes, day, fired_row, run


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
