"""The overdose pathway's figures, on a dataset worked out by hand.

The period is the second quarter of 2026 (Wednesday 1 April to Tuesday 30 June), beside
the first. Every overdose is recorded as it happens (time travel), so its follow-up opens
then through the pathway's own services, due at 17:00 the same working day when opened
before noon, else the next working day. Five people alike in each group:

- A (North, in treatment since January): overdose Tue 12/05 09:00, told by the ambulance
  service. Reached by phone at 11:00 (2 hours), closed at 15:00 "already in treatment"
  (treatment offered), on time.
- B (North, out of treatment): overdose Wed 20/05 10:00, told by A&E. Reached Thu 21/05
  10:00 (24 hours), closed at 11:00 with treatment started: late (due 20/05 17:00), but
  within 7 days. Referred to treatment on 22/05: returned within 28 days.
- C (South, discharged in December 2025): overdose Mon 08/06 08:00, told by the police.
  Never reached: open and overdue. Not referred again.
- D (not yet known, held by North): overdose Wed 10/06 14:00, told by a peer; due Thu 11/06
  17:00. Reached Fri 12/06 14:00 (48 hours), closed at 15:00 "declined treatment": late,
  offered within 7 days.
- E (North, the first quarter): overdose Tue 10/03 09:00, self-reported. Reached at 10:00
  (1 hour), closed at 16:00 "treatment offered": on time. No episode, not referred.

So the second quarter has 20 overdoses (15 of known people, 5 not yet known), 5 from each
of four sources, 5 in ISO week 20, 5 in week 21 and 10 in week 24. All 20 were followed
up: treatment was offered within 7 days after A, B and D (15 of 20, 75.0%) and started
within 7 days after B (5 of 20, 25.0%). B and C were out of treatment (10); B came back
(5 of 10, 50.0%). 20 follow-ups opened and 20 fell due: 5 closed on time (25.0%), 10 late,
5 open and overdue. The median hours to first contact over A, B and D's 15 follow-ups
(2, 24 and 48 hours, five each) is 24.0. The first quarter: 5 overdoses, all offered
treatment within 7 days (100.0%), none started; 5 out of treatment, none returned (0.0%);
5 on time of 5 due; a median of 1.0 hour.
"""

import datetime
import itertools

import pytest

from outcomes.figures import RESULT_SCHEMA
from outcomes.figures.filters import Period
from overdoses.figures import aligned_week_parts, overdose_figures, overdose_tables, week_parts
from tests.outcomes.figures.conftest import (
    D,
    episode,
    person,
    quarter_two,
    row,
    several,
    shown,
    treated,
)
from tests.overdoses.conftest import at, closed, overdose_of, overdose_of_someone_unknown, reached

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(north, south, alice, bob):
    def group_a():
        who = person(team=north)
        treated(who, started=D(2026, 1, 12))
        follow_up = overdose_of(who, at(D(2026, 5, 12), 9), "ambulance", alice)
        reached(follow_up, at(D(2026, 5, 12), 11), alice)
        closed(follow_up, at(D(2026, 5, 12), 15), alice, "mat_continuing")

    def group_b():
        who = person(team=north)
        follow_up = overdose_of(who, at(D(2026, 5, 20), 10), "emergency_dept", alice)
        reached(follow_up, at(D(2026, 5, 21), 10), alice)
        closed(follow_up, at(D(2026, 5, 21), 11), alice, "mat_started")
        episode(who, referred=D(2026, 5, 22))

    def group_c():
        who = person(team=south)
        episode(
            who,
            referred=D(2025, 1, 1),
            started=D(2025, 1, 8),
            discharged=D(2025, 12, 1),
            reason="dropped_out",
        )
        overdose_of(who, at(D(2026, 6, 8), 8), "police", bob)

    def group_d():
        follow_up = overdose_of_someone_unknown(north, at(D(2026, 6, 10), 14), "peer", alice)
        reached(follow_up, at(D(2026, 6, 12), 14), alice)
        closed(follow_up, at(D(2026, 6, 12), 15), alice, "mat_declined")

    def group_e():
        follow_up = overdose_of(person(team=north), at(D(2026, 3, 10), 9), "person", alice)
        reached(follow_up, at(D(2026, 3, 10), 10), alice)
        closed(follow_up, at(D(2026, 3, 10), 16), alice, "mat_offered")

    for make in (group_a, group_b, group_c, group_d, group_e):
        several(5, make)


def numerators(result, key, categories):
    return {
        category: (
            row(result, key, category=category)["numerator"],
            row(result, key, category=category)["previous"]["numerator"],
        )
        for category in categories
    }


def test_overdoses_by_person_source_and_week(pathway):
    result = overdose_figures(quarter_two())

    assert result["family"] == "overdose_pathway"
    assert numerators(result, "overdoses", [None]) == {None: (20, 5)}
    assert numerators(result, "overdoses_by_person", ["known", "not_yet_known"]) == {
        "known": (15, 5),
        "not_yet_known": (5, 0),
    }
    assert numerators(
        result,
        "overdoses_by_source",
        ["ambulance", "emergency_dept", "police", "peer", "person", "naloxone_kit", "other"],
    ) == {
        "ambulance": (5, 0),
        "emergency_dept": (5, 0),
        "police": (5, 0),
        "peer": (5, 0),
        "person": (0, 5),
        "naloxone_kit": (0, 0),
        "other": (0, 0),
    }
    weeks = [r for r in result["figures"] if r["key"] == "overdoses_by_week"]
    assert [r["category"] for r in weeks] == [f"2026-W{w}" for w in range(14, 28)]
    assert weeks[0]["category_label"] == "Week 14 of 2026 (01/04/2026 to 05/04/2026)"
    # Week 24 of the first quarter is 13 weeks earlier: 9 to 15 March, when E overdosed.
    assert numerators(result, "overdoses_by_week", ["2026-W20", "2026-W21", "2026-W24"]) == {
        "2026-W20": (5, 0),
        "2026-W21": (5, 0),
        "2026-W24": (10, 5),
    }
    assert sum(r["numerator"] for r in weeks) == 20


def test_follow_ups_due_on_time_late_and_overdue(pathway):
    result = overdose_figures(quarter_two())

    assert numerators(result, "follow_ups_opened", [None]) == {None: (20, 5)}
    assert numerators(
        result,
        "follow_ups_due",
        [None, "closed_on_time", "closed_late", "open_overdue", "open_not_yet_due"],
    ) == {
        None: (20, 5),
        "closed_on_time": (5, 5),
        "closed_late": (10, 0),
        "open_overdue": (5, 0),
        "open_not_yet_due": (0, 0),
    }
    assert shown(row(result, "follow_ups_closed_on_time")) == ((5, 20, 25.0), (5, 5, 100.0))


def test_median_hours_to_first_contact(pathway):
    median = row(overdose_figures(quarter_two()), "median_hours_to_first_contact")

    assert median["unit"] == "hours"
    assert shown(median) == ((None, 15, 24.0), (None, 5, 1.0))


def test_treatment_offered_and_started_within_7_days_and_returned_within_28(pathway):
    result = overdose_figures(quarter_two())

    assert shown(row(result, "mat_offered_within_7_days")) == ((15, 20, 75.0), (5, 5, 100.0))
    assert shown(row(result, "mat_started_within_7_days")) == ((5, 20, 25.0), (0, 5, 0.0))
    assert shown(row(result, "returned_to_treatment_within_28_days")) == (
        (5, 10, 50.0),
        (0, 5, 0.0),
    )


def test_someone_not_yet_known_counts_in_their_team_and_never_by_local_authority(
    pathway, north, south, authorities
):
    by_team = overdose_figures(quarter_two(segment="team"))
    northern, _, _, _ = overdose_tables(quarter_two(team_ids=[north.pk]))
    resident, _, _, _ = overdose_tables(quarter_two(local_authority_ids=[authorities[0].pk]))

    assert row(by_team, "overdoses", segment=str(north.pk))["numerator"] == 15
    assert row(by_team, "overdoses", segment=str(south.pk))["numerator"] == 5
    assert (
        row(by_team, "overdoses_by_person", category="not_yet_known", segment=str(north.pk))[
            "numerator"
        ]
        == 5
    )
    assert northern.counts[("overdoses", "all", "all")] == 15
    assert northern.counts[("not_yet_known", "all", "all")] == 5
    # Everyone known lives in the first local authority (the factory's); D is left out.
    assert resident.counts[("overdoses", "all", "all")] == 15
    assert resident.counts[("not_yet_known", "all", "all")] == 0


def test_an_overdose_on_the_day_of_a_referral_is_a_return_and_a_discharge_that_day_is_not(
    alice,
):
    # In an episode discharged on the day of the overdose: still in treatment then.
    leaving = person()
    episode(leaving, referred=D(2025, 1, 1), discharged=D(2026, 5, 12), reason="dropped_out")
    overdose_of(leaving, at(D(2026, 5, 12), 9), "ambulance", alice)
    # Referred on the overdose's own day: out of treatment before it, back within 28 days.
    coming = person()
    overdose_of(coming, at(D(2026, 5, 12), 9), "ambulance", alice)
    episode(coming, referred=D(2026, 5, 12))
    # Referred 29 days after: not back within 28 days.
    late = person()
    overdose_of(late, at(D(2026, 5, 12), 9), "ambulance", alice)
    episode(late, referred=D(2026, 6, 10))

    current, _, _, _ = overdose_tables(quarter_two())

    assert current.counts[("out_of_treatment", "all", "all")] == 2
    assert current.counts[("returned", "all", "all")] == 1


def test_few_overdoses_are_withheld(alice, north):
    several(3, lambda: overdose_of(person(team=north), at(D(2026, 5, 12), 9), "police", alice))

    result = overdose_figures(quarter_two())

    total = row(result, "overdoses")
    assert (total["numerator"], total["value"], total["suppressed"]) == (None, None, True)
    offered = row(result, "mat_offered_within_7_days")
    assert (offered["denominator"], offered["value"], offered["suppressed"]) == (None, None, True)
    week = row(result, "overdoses_by_week", category="2026-W20")
    assert week["suppressed"] is True
    # Nobody was reached: a median over nobody is not a secret.
    median = row(result, "median_hours_to_first_contact")
    assert (median["denominator"], median["value"], median["suppressed"]) == (0, None, False)


def test_the_result_has_the_shape_of_every_figure(pathway):
    jsonschema = pytest.importorskip("jsonschema")

    jsonschema.validate(overdose_figures(quarter_two(segment="sex")), RESULT_SCHEMA)


def test_the_previous_period_is_cut_into_weeks_that_add_up_to_it():
    quarter = Period(D(2026, 4, 1), D(2026, 6, 30))
    parts = week_parts(quarter)

    moved = aligned_week_parts(quarter, quarter.previous, parts)

    assert (parts[0].start, parts[0].end) == (D(2026, 4, 1), D(2026, 4, 5))
    assert (parts[-1].start, parts[-1].end) == (D(2026, 6, 29), D(2026, 6, 30))
    assert moved[0] == (D(2026, 1, 1), D(2026, 1, 4))
    assert moved[1] == (D(2026, 1, 5), D(2026, 1, 11))
    assert moved[-1] == (D(2026, 3, 30), D(2026, 3, 31))
    assert all(a[1] + datetime.timedelta(days=1) == b[0] for a, b in itertools.pairwise(moved))
