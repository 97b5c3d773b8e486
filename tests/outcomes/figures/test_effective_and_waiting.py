"""Effective treatment and waits over 3 and 6 weeks (completed and still waiting), in the
outcome summary, each on a dataset worked out by hand.

The period is the second quarter of 2026 (1 April to 30 June), compared with the first.
"""

import pytest

from outcomes.figures import outcome_summary
from tests.outcomes.figures.conftest import (
    D,
    episode,
    intervention,
    person,
    quarter_two,
    row,
    several,
    shown,
    treated,
)

pytestmark = pytest.mark.django_db


def test_effective_treatment_is_retained_12_weeks_or_completed_with_a_secondary_cell_withheld():
    # 10 opiate clients started 05/01/2026, still in treatment: 176 days by 30/06 and 85
    # by 31/03, so retained 12 weeks (84 days) in both quarters.
    several(10, lambda: treated(person(), started=D(2026, 1, 5)))
    # 5 opiate clients started 01/06/2026: 29 days by 30/06, not retained, not completed.
    several(5, lambda: treated(person(), started=D(2026, 6, 1)))
    # 5 alcohol clients started 01/05 and completed on 20/05: 19 days, effective by
    # completing.
    several(
        5,
        lambda: treated(
            person(),
            started=D(2026, 5, 1),
            discharged=D(2026, 5, 20),
            reason="completed_alcohol_free",
            substances=("alcohol",),
        ),
    )
    # 3 alcohol clients started 10/06, neither retained nor completed.
    several(3, lambda: treated(person(), started=D(2026, 6, 10), substances=("alcohol",)))

    result = outcome_summary(quarter_two())

    # Everyone: 23 in treatment, 10 + 5 = 15 effective; before, the 10 of 10.
    assert shown(row(result, "effective_treatment", client_group="all")) == (
        (15, 23, 65.2),
        (10, 10, 100.0),
    )
    # Alcohol: 5 of 8 are effective, but the 3 who are not are a small number, so the 5
    # (not small itself) is withheld as well: it would give the 3 back from the 8.
    alcohol = row(result, "effective_treatment", client_group="alcohol")
    assert (alcohol["numerator"], alcohol["suppressed"]) == (None, True)
    # And opiate's 10 effective is withheld in turn, or all (15) minus opiate (10) would
    # give alcohol's 5 back.
    opiate = row(result, "effective_treatment", client_group="opiate")
    assert (opiate["numerator"], opiate["value"], opiate["suppressed"]) == (None, None, True)
    assert opiate["previous"]["numerator"] == 10


def test_completed_waits_over_3_and_6_weeks():
    def waited(referred, first):
        record = episode(person(), referred=referred, started=None)
        intervention(record, started=first)

    several(5, lambda: waited(D(2026, 4, 1), D(2026, 4, 10)))  # 9 days
    several(5, lambda: waited(D(2026, 4, 1), D(2026, 5, 1)))  # 30 days: over 3 weeks
    several(5, lambda: waited(D(2026, 3, 1), D(2026, 4, 20)))  # 50 days: over 3 and 6

    result = outcome_summary(quarter_two())

    # 15 first interventions started in the quarter: 10 after more than 21 days, 5 after
    # more than 42. None started in the first quarter.
    assert shown(row(result, "waiting_over_3_weeks", client_group="all")) == (
        (10, 15, 66.7),
        (0, 0, None),
    )
    assert shown(row(result, "waiting_over_6_weeks", client_group="all")) == (
        (5, 15, 33.3),
        (0, 0, None),
    )
    # On 31/03 the last five had waited 30 days and were still waiting: over 3 weeks,
    # not over 6.
    assert shown(row(result, "still_waiting_over_3_weeks", client_group="all"))[1] == (5, 5, 100.0)
    assert shown(row(result, "still_waiting_over_6_weeks", client_group="all"))[1] == (0, 5, 0.0)


def test_people_still_waiting_at_the_period_end_with_a_small_group_withheld():
    def waiting(referred, substances=("heroin",)):
        episode(person(), referred=referred, started=None, substances=substances)

    several(5, lambda: waiting(D(2026, 6, 20)))  # 10 days by 30/06
    several(5, lambda: waiting(D(2026, 5, 1)))  # 60 days: over 3 and 6 weeks
    several(5, lambda: waiting(D(2026, 5, 25)))  # 36 days: over 3 weeks
    several(3, lambda: waiting(D(2026, 6, 1), ("alcohol",)))  # 29 days: over 3 weeks

    result = outcome_summary(quarter_two())

    # 18 still waiting on 30/06: 5 + 5 + 3 = 13 over 3 weeks, 5 over 6 weeks. On 31/03
    # only those referred 01/05 or later could be waiting: nobody was.
    assert shown(row(result, "still_waiting_over_3_weeks", client_group="all")) == (
        (13, 18, 72.2),
        (0, 0, None),
    )
    assert shown(row(result, "still_waiting_over_6_weeks", client_group="all"))[0] == (5, 18, 27.8)
    # The 3 alcohol clients are withheld, and so is the opiate denominator (15), which
    # would give them back from the 18.
    for group in ("alcohol", "opiate"):
        figure = row(result, "still_waiting_over_3_weeks", client_group=group)
        assert (figure["denominator"], figure["suppressed"]) == (None, True), group
