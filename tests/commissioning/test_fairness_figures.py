"""The fairness report through `/api/v1/figures/fairness/`, with the named cast.

The populations are the ones worked out by hand in tests/risk/test_fairness.py (all of
North, living in the first local authority).
"""

import jsonschema
import pytest
from django.urls import reverse

from cases.models import Role
from commissioning.models import ApiRequestLog
from risk.access import FAIRNESS_API_ROLES
from risk.fairness import FAIRNESS_SCHEMA
from tests.risk.test_fairness import (  # noqa: F401 (population is a fixture)
    HIGHER,
    LOWER,
    OLDER,
    equalities,
    in_treatment,
    population,
)

pytestmark = pytest.mark.django_db

URL = reverse("api_figure_fairness")
Q2 = {"from": "2026-04-01", "to": "2026-06-30"}


def flag_rate(result: dict, segment=None, value=None) -> tuple:
    [row] = [
        r
        for r in result["figures"]
        if r["key"] == "flag_rate" and r["segment"] == segment and r["segment_value"] == value
    ]
    return row["numerator"], row["denominator"], row["value"], row["difference_words"]


def test_a_commissioner_gets_the_report_with_its_marks(cora_api, commissioning, population):  # noqa: F811
    response = cora_api.get(URL, Q2)

    assert response.status_code == 200
    result = response.json()
    jsonschema.validate(result, FAIRNESS_SCHEMA)
    assert result["family"] == "fairness"
    assert flag_rate(result) == (40, 80, 50.0, None)
    assert flag_rate(result, "sex", "M") == (30, 40, 75.0, HIGHER)
    assert flag_rate(result, "sex", "F") == (10, 40, 25.0, LOWER)
    assert "2.58" in result["test"]["description"]
    log = ApiRequestLog.objects.get()
    assert (log.extract, log.status, log.rows) == ("figures:fairness", 200, len(result["figures"]))


def test_the_report_splits_by_disability_orientation_and_religion(cora_api, equalities):  # noqa: F811
    response = cora_api.get(URL, Q2)

    assert response.status_code == 200
    result = response.json()
    jsonschema.validate(result, FAIRNESS_SCHEMA)
    assert flag_rate(result) == (28, 73, 38.4, None)
    assert flag_rate(result, "disability", "disabled") == (20, 20, 100.0, HIGHER)
    assert flag_rate(result, "disability", "none") == (0, 23, 0.0, LOWER)
    assert flag_rate(result, "disability", "not_recorded") == (8, 30, 26.7, None)
    assert flag_rate(result, "sexual_orientation", "not_recorded") == (8, 30, 26.7, None)
    assert flag_rate(result, "religion", "christian") == (20, 20, 100.0, HIGHER)
    # Three Muslims: withheld, and never marked.
    assert flag_rate(result, "religion", "muslim")[1:] == (None, None, None)


def test_no_person_leaves_in_the_report(cora_api, population):  # noqa: F811
    text = cora_api.get(URL, Q2).content.decode()

    for word in ("person_id", "external_id", "client_ref", "date_of_birth"):
        assert word not in text


def test_a_team_lead_counts_only_their_teams_people(api_as, tess, population, south):  # noqa: F811
    in_treatment(south, sex="M", born=OLDER)
    response = api_as(tess).get(URL, Q2)

    assert response.status_code == 200
    assert flag_rate(response.json())[1] == 80


def test_keyworkers_administrators_and_strangers_are_refused(api_as, alice, bob, adam, client):
    assert {Role.GOVERNANCE, Role.TEAM_LEAD, Role.COMMISSIONER} == FAIRNESS_API_ROLES
    for who in (alice, bob):
        response = api_as(who).get(URL, Q2)
        assert response.status_code == 403
    assert api_as(adam).get(URL, Q2).status_code == 403
    assert client.get(URL, Q2).status_code == 401


def test_the_report_takes_no_segment(cora_api):
    response = cora_api.get(URL, {**Q2, "segment": "sex"})

    assert response.status_code == 400
    assert "segment" in response.json()["errors"]


def test_a_period_ending_after_today_is_a_400_naming_to(cora_api):
    response = cora_api.get(URL, {"from": "2026-04-01", "to": "2999-06-30"})

    assert response.status_code == 400
    assert "to" in response.json()["errors"]
