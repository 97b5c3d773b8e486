"""Figures split by the equality questions through the API, on a dataset worked out by hand.

10 Muslim people with heroin as their problem substance, each supplied a naloxone kit,
and 10 people never asked their religion, none with a kit; all in treatment since
01/09/2025 (period: the second quarter of 2026). So 10 of 20 (50.0%) have a kit. The
Muslim group's 10 of 10 against everyone else's 0 of 10: pooled 0.5, standard error
sqrt(0.25 x (1/10 + 1/10)) = 0.2236, z = 1 / 0.2236 = 4.47, higher by more than chance;
the not-asked group's z is -4.47, lower.
"""

import jsonschema
import pytest
from django.urls import reverse

from outcomes.figures import RESULT_SCHEMA
from tests.outcomes.figures.test_inclusivity import opioid_user

pytestmark = pytest.mark.django_db

NALOXONE = reverse("api_figure_naloxone_coverage")
DEATH_REVIEWS = reverse("api_figure_death_reviews")
Q2 = {"from": "2026-04-01", "to": "2026-06-30"}


@pytest.fixture
def asked_and_not():
    for _ in range(10):
        opioid_user(kit=True, religion="muslim")
        opioid_user(kit=False)


def kit_row(result: dict, value: str) -> dict:
    [row] = [
        r
        for r in result["figures"]
        if r["key"] == "naloxone_kit_supplied" and r["segment_value"] == value
    ]
    return row


def test_a_split_by_religion_is_served_with_the_whole_and_the_marker(cora_api, asked_and_not):
    response = cora_api.get(NALOXONE, {**Q2, "segment": "religion"})

    assert response.status_code == 200
    result = response.json()
    jsonschema.validate({k: v for k, v in result.items() if k != "benchmarks"}, RESULT_SCHEMA)
    assert result["test"]["name"] == "two_proportion_z_test"
    muslims = kit_row(result, "muslim")
    assert (muslims["numerator"], muslims["denominator"], muslims["value"]) == (10, 10, 100.0)
    assert muslims["whole"] == {
        "numerator": 10,
        "denominator": 20,
        "value": 50.0,
        "suppressed": False,
    }
    assert muslims["difference"]["direction"] == "higher"
    assert muslims["difference"]["z"] == 4.47
    not_asked = kit_row(result, "not_recorded")
    assert not_asked["segment_label"] == "Not recorded"
    assert not_asked["difference"]["direction"] == "lower"


@pytest.mark.parametrize("segment", ["disability", "sexual_orientation"])
def test_the_other_equality_splits_are_served(cora_api, asked_and_not, segment):
    response = cora_api.get(NALOXONE, {**Q2, "segment": segment})

    assert response.status_code == 200
    assert kit_row(response.json(), "not_recorded")["denominator"] == 20


def test_an_unknown_segment_is_a_400_naming_the_choices(cora_api):
    response = cora_api.get(NALOXONE, {**Q2, "segment": "belief"})

    assert response.status_code == 400
    [message] = response.json()["errors"]["segment"]
    assert "belief" in message


def test_death_review_figures_are_served_by_ethnicity(cora_api):
    response = cora_api.get(
        DEATH_REVIEWS, {"from": "2025-01-01", "to": "2025-12-31", "segment": "ethnicity"}
    )

    assert response.status_code == 200
    result = response.json()
    assert result["segment"] == "ethnicity"
    labels = {r["segment_value"]: r["segment_label"] for r in result["figures"]}
    assert labels["N"] == "Black African"
