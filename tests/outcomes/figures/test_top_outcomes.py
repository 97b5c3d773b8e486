"""TOP completion at start, review and exit against the 80% threshold, and the change in
psychological health, physical health and quality of life from start to review, each on
a dataset worked out by hand. The period is the second quarter of 2026.
"""

import jsonschema
import pytest

from outcomes.figures import RESULT_SCHEMA
from outcomes.figures.top_outcomes import top_outcomes
from tests.outcomes.figures.conftest import (
    D,
    person,
    quarter_two,
    row,
    several,
    shown,
    top,
    treated,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tops_due():
    # Start: 5 opiate episodes started 10/04 with a start TOP that day (done); 5 started
    # 01/05 whose start TOP came 45 days later (not within 28 days); 3 alcohol episodes
    # started 01/06 with a start TOP that day.
    several(5, lambda: top(treated(person(), started=D(2026, 4, 10)), "S", D(2026, 4, 10)))
    several(5, lambda: top(treated(person(), started=D(2026, 5, 1)), "S", D(2026, 6, 15)))
    several(
        3,
        lambda: top(
            treated(person(), started=D(2026, 6, 1), substances=("alcohol",)), "S", D(2026, 6, 1)
        ),
    )

    # Review: 5 episodes started 15/10/2025, due a review on 15/04/2026, reviewed on 20/04:
    # psychological health 8 -> 12, physical 10 -> 10, quality of life 6 -> 4.
    def reviewed():
        record = treated(person(), started=D(2025, 10, 15))
        top(record, "S", D(2025, 10, 15), psyhstat=8, phstat=10, quallife=6)
        top(record, "R", D(2026, 4, 20), psyhstat=12, phstat=10, quallife=4)

    several(5, reviewed)

    # Exit: 10 planned exits on 15/05, 5 with an exit TOP.
    def completed(with_top):
        record = treated(
            person(), started=D(2025, 6, 9), discharged=D(2026, 5, 15), reason="completed_drug_free"
        )
        if with_top:
            top(record, "E", D(2026, 5, 15))

    several(5, lambda: completed(True))
    several(5, lambda: completed(False))


def test_top_completion_at_each_stage_against_the_80_percent_threshold(tops_due):
    result = top_outcomes(quarter_two())
    jsonschema.validate(result, RESULT_SCHEMA)

    start = row(result, "top_completion", client_group="all", category="start")
    review = row(result, "top_completion", client_group="all", category="review")
    ending = row(result, "top_completion", client_group="all", category="exit")
    # Start: 13 due, 5 + 3 = 8 done. Review: 5 due, 5 done. Exit: 10 due, 5 done.
    assert shown(start) == ((8, 13, 61.5), (0, 0, None))
    assert shown(review)[0] == (5, 5, 100.0)
    assert shown(ending)[0] == (5, 10, 50.0)
    assert start["target"] == {
        "value": 80.0,
        "met": False,
        "words": "Not met: 61.5% is below the 80% threshold.",
        "origin": "default",
        "source": "Built-in default",
    }
    assert review["target"]["met"] is True
    assert review["target"]["words"] == "Met: 100% is at or above the 80% threshold."


def test_a_small_client_group_withholds_its_neighbour_and_says_the_threshold_is_not_known(
    tops_due,
):
    result = top_outcomes(quarter_two())

    # Alcohol: 3 due at start, 3 done: small, withheld. Opiate's 10 due and 5 done are
    # withheld too, or the 13 and 8 for everyone would give the alcohol figure back.
    for group in ("alcohol", "opiate"):
        start = row(result, "top_completion", client_group=group, category="start")
        assert (start["numerator"], start["denominator"], start["value"]) == (None, None, None)
        assert start["target"] == {
            "value": 80.0,
            "met": None,
            "words": "Not known: the figure is withheld.",
            "origin": "default",
            "source": "Built-in default",
        }


def test_change_in_wellbeing_between_start_and_review(tops_due):
    result = top_outcomes(quarter_two())

    def change(key, category):
        return shown(row(result, key, category=category))[0]

    # 5 pairs reviewed in the quarter. A mean change has no numerator: n is the denominator.
    assert change("wellbeing_mean_change", "psychological_health") == (None, 5, 4.0)
    assert change("wellbeing_improved", "psychological_health") == (5, 5, 100.0)
    assert change("wellbeing_mean_change", "physical_health") == (None, 5, 0.0)
    assert change("wellbeing_improved", "physical_health") == (0, 5, 0.0)
    assert change("wellbeing_mean_change", "quality_of_life") == (None, 5, -2.0)
    assert change("wellbeing_improved", "quality_of_life") == (0, 5, 0.0)
