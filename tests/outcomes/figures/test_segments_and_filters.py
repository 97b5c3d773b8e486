"""Figures split by each segment, and narrowed by team, local authority and scope."""

import pytest

from cases.selectors import active_team_ids
from outcomes.figures import FigureFilters, naloxone_coverage, outcome_summary
from tests.outcomes.figures.conftest import Q2, D, person, quarter_two, row, several, treated

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_kinds(north, south, authorities):
    """5 women in North, 5 men in South, differing in every segment."""
    several(
        5,
        lambda: treated(
            person(team=north, local_authority=authorities[0], sex="F", born=D(1990, 1, 1)),
            started=D(2025, 9, 1),
            substances=("alcohol",),
        ),
    )
    several(
        5,
        lambda: treated(
            person(
                team=south,
                local_authority=authorities[1],
                sex="M",
                born=D(2001, 6, 30),  # 25 on the quarter's last day; 24 on the one before
                ethnicity="H",
            ),
            started=D(2025, 9, 1),
            substances=("alcohol",),
        ),
    )


def in_treatment(result, segment=None):
    """(people in treatment now, before) for one segment value (None: everyone)."""
    found = row(result, "successful_completions", client_group="all", segment=segment)
    return found["denominator"], found["previous"]["denominator"]


def segment_rows(result):
    """(value, label) of the segment rows of one figure, in order."""
    return [
        (r["segment_value"], r["segment_label"])
        for r in result["figures"]
        if r["key"] == "successful_completions" and r["client_group"] == "all"
    ]


def test_figures_split_by_team(two_kinds, north, south):
    result = outcome_summary(quarter_two(segment="team"))

    assert result["segment"] == "team"
    assert segment_rows(result) == [
        (None, None),
        (str(north.pk), "North"),
        (str(south.pk), "South"),
    ]
    assert in_treatment(result, str(north.pk)) == (5, 5)
    assert in_treatment(result, str(south.pk)) == (5, 5)
    assert in_treatment(result) == (10, 10)


def test_figures_split_by_local_authority(two_kinds, authorities):
    result = outcome_summary(quarter_two(segment="local_authority"))

    rows = segment_rows(result)
    assert len(rows) == 1 + 8  # every local authority, by name
    assert rows[1:3] == [("E08000025", "Birmingham"), ("E06000023", "Bristol, City of")]
    assert in_treatment(result, authorities[0].code) == (5, 5)
    assert in_treatment(result, authorities[1].code) == (5, 5)
    assert in_treatment(result, "E10000016") == (0, 0)


def test_figures_split_by_sex(two_kinds):
    result = outcome_summary(quarter_two(segment="sex"))

    assert segment_rows(result) == [
        (None, None),
        ("M", "Male"),
        ("F", "Female"),
        ("I", "Other / indeterminate"),
        ("U", "Not stated"),
    ]
    assert in_treatment(result, "F") == (5, 5)
    assert in_treatment(result, "M") == (5, 5)
    assert in_treatment(result, "U") == (0, 0)


def test_figures_split_by_age_band_on_each_periods_last_day(two_kinds):
    result = outcome_summary(quarter_two(segment="age_band"))

    assert [value for value, _ in segment_rows(result)] == [
        None,
        "under 18",
        "18-24",
        "25-34",
        "35-44",
        "45-54",
        "55-64",
        "65+",
    ]
    assert in_treatment(result, "35-44") == (5, 5)
    # Turned 25 on 30/06/2026: 25-34 now, 18-24 at the end of March.
    assert in_treatment(result, "25-34") == (5, 0)
    assert in_treatment(result, "18-24") == (0, 5)


def test_figures_split_by_ethnicity(two_kinds):
    result = outcome_summary(quarter_two(segment="ethnicity"))

    rows = segment_rows(result)
    assert len(rows) == 1 + 17
    assert ("A", "White British") in rows
    assert in_treatment(result, "A") == (5, 5)
    assert in_treatment(result, "H") == (5, 5)
    assert in_treatment(result, "Z") == (0, 0)


def test_a_value_missing_from_the_list_is_added_so_segments_add_up(two_kinds):
    # An ethnicity code from an older system, written without the form's checks.
    several(5, lambda: treated(person(ethnicity="X"), started=D(2025, 9, 1)))

    result = outcome_summary(quarter_two(segment="ethnicity"))

    assert segment_rows(result)[-1] == ("X", "X")
    assert in_treatment(result, "X") == (5, 5)
    assert in_treatment(result) == (15, 15)


def test_naloxone_coverage_splits_the_same_way(north, south):
    for team in (north, south):
        several(5, lambda t=team: treated(person(team=t), started=D(2025, 9, 1)))

    result = naloxone_coverage(quarter_two(segment="team"))

    found = row(result, "naloxone_kit_supplied", segment=str(south.pk))
    assert (found["numerator"], found["denominator"], found["value"]) == (0, 5, 0.0)
    assert row(result, "naloxone_kit_supplied")["denominator"] == 10


def test_figures_keep_only_the_teams_asked_for(two_kinds, north, south):
    assert in_treatment(outcome_summary(quarter_two(team_ids=[north.pk]))) == (5, 5)
    split = outcome_summary(quarter_two(team_ids=[north.pk], segment="team"))
    assert segment_rows(split) == [(None, None), (str(north.pk), "North")]


def test_figures_keep_only_the_people_the_caller_may_see(two_kinds, north, south):
    assert in_treatment(outcome_summary(quarter_two(person_scope=[south.pk]))) == (5, 5)
    assert in_treatment(outcome_summary(quarter_two(person_scope=[]))) == (0, 0)
    nobody = row(naloxone_coverage(quarter_two(person_scope=[])), "naloxone_kit_supplied")
    assert (nobody["denominator"], nobody["previous"]["denominator"]) == (0, 0)


def test_figures_keep_only_the_local_authorities_asked_for(two_kinds, authorities):
    filters = FigureFilters(start=Q2[0], end=Q2[1], local_authority_ids=[authorities[1].pk])

    assert in_treatment(outcome_summary(filters)) == (5, 5)


def test_a_keyworkers_scope_keeps_other_teams_people_out(two_kinds, alice, bob, gina):
    def scope_of(user):
        if user.role == "governance":
            return None  # governance sees the whole service
        return [row["team_id"] for row in active_team_ids(user)]

    seen_by_alice = outcome_summary(quarter_two(person_scope=scope_of(alice)))
    seen_by_bob = outcome_summary(quarter_two(person_scope=scope_of(bob)))
    seen_by_gina = outcome_summary(quarter_two(person_scope=scope_of(gina)))

    assert in_treatment(seen_by_alice) == (5, 5)  # North's women only
    assert in_treatment(seen_by_bob) == (5, 5)  # South's men only
    assert in_treatment(seen_by_gina) == (10, 10)
    by_sex = outcome_summary(quarter_two(person_scope=scope_of(alice), segment="sex"))
    assert in_treatment(by_sex, "M") == (0, 0)
