"""Planned and unplanned exits by modality, and time to re-presentation, each on a dataset
worked out by hand. The period is the second quarter of 2026, compared with the first.
"""

import pytest

from cases.services import intervention_create
from outcomes.figures.exits import exit_tables, treatment_exits
from tests.outcomes.figures.conftest import (
    D,
    episode,
    intervention,
    ost,
    person,
    quarter_two,
    row,
    several,
    shown,
    treated,
)

pytestmark = pytest.mark.django_db
STARTED = D(2025, 6, 9)


def leaving(on, reason, substances=("heroin",)):
    who = person()
    return who, treated(who, started=STARTED, discharged=on, reason=reason, substances=substances)


@pytest.fixture
def exits_in_may():
    # 5 planned exits (completed) on 15/05 with a psychosocial intervention running.
    several(
        5, lambda: intervention(leaving(D(2026, 5, 15), "completed_drug_free")[1], started=STARTED)
    )

    # 5 unplanned exits (dropped out) on 15/05 while on OST: pharmacological at exit;
    # each was referred again on 01/06, 17 days later.
    def dropped_out_on_ost():
        who, record = leaving(D(2026, 5, 15), "dropped_out")
        ost(record, started=STARTED)
        episode(who, referred=D(2026, 6, 1), started=None)

    several(5, dropped_out_on_ost)

    # 5 unplanned exits on 20/05 with nothing running: OST ended 01/04, psychosocial
    # ended 01/05, so the modality at exit is the one that ended last, psychosocial.
    def dropped_out_after_both_ended():
        _, record = leaving(D(2026, 5, 20), "dropped_out")
        ost(record, started=STARTED, ended=D(2026, 4, 1))
        intervention_create(
            episode=record,
            kind="psychosocial",
            start_date=STARTED,
            end_date=D(2026, 5, 1),
            exit_status="unplanned",
        )

    several(5, dropped_out_after_both_ended)
    # 5 alcohol clients transferred into custody (neither planned nor unplanned), with
    # no intervention recorded.
    several(5, lambda: leaving(D(2026, 6, 2), "transferred_custody", ("alcohol",)))


def test_planned_and_unplanned_exits_of_every_exit_by_client_group(exits_in_may):
    result = treatment_exits(quarter_two())

    # 20 exits: 5 planned, 10 unplanned, 5 other. None in the first quarter.
    assert shown(row(result, "planned_exits", client_group="all")) == ((5, 20, 25.0), (0, 0, None))
    assert shown(row(result, "unplanned_exits", client_group="all"))[0] == (10, 20, 50.0)
    # Opiate: 15 exits, 5 planned and 10 unplanned; alcohol: 5 exits, none of either.
    assert shown(row(result, "unplanned_exits", client_group="opiate"))[0] == (10, 15, 66.7)
    assert shown(row(result, "planned_exits", client_group="alcohol"))[0] == (0, 5, 0.0)


def test_exits_by_the_modality_at_exit(exits_in_may):
    result = treatment_exits(quarter_two())

    def by(key, modality):
        return shown(row(result, key, category=modality))[0]

    # Psychosocial at exit: the 5 planned and the 5 whose psychosocial ended last.
    assert by("planned_exits_by_modality", "psychosocial") == (5, 10, 50.0)
    assert by("unplanned_exits_by_modality", "psychosocial") == (5, 10, 50.0)
    # Pharmacological: the 5 who dropped out on OST (not the 5 whose OST ended first).
    assert by("unplanned_exits_by_modality", "pharmacological") == (5, 5, 100.0)
    # No intervention recorded: the 5 transferred into custody.
    assert by("unplanned_exits_by_modality", "none") == (0, 5, 0.0)
    assert by("planned_exits_by_modality", "residential") == (0, 0, None)


def test_time_to_re_presentation_in_bands(exits_in_may):
    result = treatment_exits(quarter_two())

    # 15 people left in a planned or unplanned way (the custody transfers are neither):
    # 5 were referred again 17 days later, within a month; 10 have not been.
    def band(code):
        return shown(row(result, "time_to_re_presentation", client_group="all", category=code))

    assert band("within_1_month")[0] == (5, 15, 33.3)
    assert band("1_to_3_months")[0] == (0, 15, 0.0)
    assert band("3_to_6_months")[0] == (0, 15, 0.0)
    assert band("not_within_6_months")[0] == (10, 15, 66.7)


def test_a_small_kind_of_exit_withholds_its_neighbour():
    # 5 unplanned exits and 3 transfers into custody, no intervention recorded.
    several(5, lambda: leaving(D(2026, 5, 15), "dropped_out"))
    several(3, lambda: leaving(D(2026, 5, 15), "transferred_custody"))

    result = treatment_exits(quarter_two())

    # The 8 exits are 0 planned, 5 unplanned and 3 other: the 3 is withheld, so the 5 is
    # too (8 - 0 - 5 would give it back); the 8 and the 0 are shown.
    assert shown(row(result, "planned_exits", client_group="all"))[0] == (0, 8, 0.0)
    unplanned = row(result, "unplanned_exits", client_group="all")
    assert (unplanned["numerator"], unplanned["denominator"], unplanned["suppressed"]) == (
        None,
        8,
        True,
    )
    by_modality = row(result, "unplanned_exits_by_modality", category="none")
    assert (by_modality["numerator"], by_modality["suppressed"]) == (None, True)
    current, _, _ = exit_tables(quarter_two())
    assert current.counts[("exits_unplanned@none", "all", "all")] == 5
