"""Naloxone coverage of people with opioid use, on a dataset worked out by hand."""

import pytest

from outcomes.figures import naloxone_coverage, outcome_summary
from outcomes.figures.naloxone import naloxone_tables
from tests.outcomes.figures.conftest import (
    D,
    person,
    quarter_two,
    row,
    several,
    shown,
    supply,
    top,
    treated,
)

pytestmark = pytest.mark.django_db


def opiate_client(*supplies):
    who = person()
    treated(who, started=D(2025, 9, 1), substances=("heroin",))
    for on, expires in supplies:
        supply(who, on=on, expires=expires)
    return who


def cannabis_client(*tops):
    who = person()
    record = treated(who, started=D(2025, 9, 1), substances=("cannabis",))
    for stage, on, opiuse in tops:
        top(record, stage, on, opiuse=opiuse)
    return who


def test_coverage_of_people_with_opioid_use_by_kit_supplied_and_kit_in_date():
    # In date to the second quarter's last day.
    several(5, lambda: opiate_client((D(2025, 10, 1), D(2026, 6, 30))))
    # In date to the first quarter's last day only.
    several(5, lambda: opiate_client((D(2024, 1, 1), D(2026, 3, 31))))
    # Supplied in the second quarter.
    several(5, lambda: opiate_client((D(2026, 5, 1), D(2028, 5, 1))))
    # Counted through their latest TOP: using opioids, no kit.
    several(5, lambda: cannabis_client(("S", D(2025, 9, 1), 5)))
    # Using at the start; not at a review in April, so counted in the first quarter only.
    several(5, lambda: cannabis_client(("S", D(2025, 9, 1), 10), ("R", D(2026, 4, 15), 0)))
    # Not opioid users.
    several(5, lambda: cannabis_client(("S", D(2025, 9, 1), 0)))
    several(5, lambda: treated(person(), started=D(2025, 9, 1), substances=("alcohol",)))

    result = naloxone_coverage(quarter_two())

    supplied = row(result, "naloxone_kit_supplied")
    assert shown(supplied) == ((15, 20, 75.0), (10, 25, 40.0))
    assert supplied["change"] == 35.0
    in_date = row(result, "naloxone_kit_in_date")
    assert shown(in_date) == ((10, 20, 50.0), (10, 25, 40.0))
    assert in_date["change"] == 10.0
    assert result["family"] == "naloxone_coverage"
    assert list(dict.fromkeys(r["key"] for r in result["figures"])) == [
        "naloxone_kit_supplied",
        "naloxone_kit_in_date",
        "naloxone_first_supply_reach",
        "naloxone_kits",
        "naloxone_kits_by_outlet",
        "naloxone_kits_by_recipient",
        "naloxone_kits_by_supply_type",
        "naloxone_repeat_kits_used",
    ]


def test_the_latest_top_decides_and_a_not_disclosed_answer_does_not_count():
    cannabis_client(("S", D(2025, 9, 1), 10), ("R", D(2026, 3, 1), None))
    cannabis_client(("S", D(2025, 9, 1), 0), ("R", D(2026, 3, 1), 3))
    # An opiate client whose TOP shows no use still counts, by their episode.
    who = person()
    record = treated(who, started=D(2025, 9, 1), substances=("alcohol", "methadone_illicit"))
    top(record, "S", D(2025, 9, 1), opiuse=0)
    # Left before the period: not in treatment, whatever their TOP says.
    gone = treated(
        person(),
        started=D(2025, 1, 6),
        discharged=D(2025, 12, 1),
        reason="dropped_out",
        substances=("heroin",),
    )
    top(gone, "S", D(2025, 1, 6), opiuse=20)

    current, previous, _ = naloxone_tables(quarter_two())

    assert current.counts[("opioid_use", "all", "all")] == 2
    assert previous.counts[("opioid_use", "all", "all")] == 2
    assert current.counts[("opiate_in_treatment", "all", "all")] == 1


def test_the_few_counted_only_through_their_top_cannot_be_worked_out():
    # 10 opiate clients, all with a kit, are shown by the outcome summary. The 3
    # counted only through their TOP would be the difference, so the total goes.
    several(10, lambda: opiate_client((D(2025, 10, 1), D(2027, 10, 1))))
    several(3, lambda: cannabis_client(("S", D(2025, 9, 1), 12)))
    several(5, lambda: treated(person(), started=D(2025, 9, 1), substances=("alcohol",)))

    supplied = row(naloxone_coverage(quarter_two()), "naloxone_kit_supplied")
    opiate_clients = row(
        outcome_summary(quarter_two()), "successful_completions", client_group="opiate"
    )

    assert opiate_clients["denominator"] == 10
    assert (supplied["denominator"], supplied["value"]) == (None, None)
    assert supplied["suppressed"] is True
