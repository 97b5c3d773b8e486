"""Rules that count events in a window: repeat overdoses, missed appointments."""

import pandas as pd
import pytest

from tests.risk.builders import FrameBuilder
from tests.risk.rules.evaluation import codes, day, fired_row, run


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
