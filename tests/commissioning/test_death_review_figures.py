"""The death-review figures through `/api/v1/figures/death-reviews/`, with the named cast.

The dataset is the one worked out by hand in tests/deathreviews/test_figures.py:
in 2025, 15 reviews, of which 5 (the deaths of North's people) were of people living
in the first local authority; in 2024, 5 reviews.
"""

import datetime
import random

import pytest
from django.urls import reverse

from cases.models import Role
from commissioning.models import ApiClient, ApiRequestLog
from deathreviews.access import REVIEW_FIGURE_API_ROLES
from tests.commissioning.conftest import issue_token
from tests.deathreviews.conftest import add_action, add_finding, notify, review_figures_dataset
from tests.deathreviews.conftest import figure_rows as rows
from tests.outcomes.figures.conftest import assert_no_small_count

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
URL = reverse("api_figure_death_reviews")


@pytest.fixture
def dataset(gina, alice, north, authorities):
    review_figures_dataset(gina, alice, north, authorities)


def test_governance_and_commissioners_get_the_figures(api_as, gina, cora_api, dataset):
    for client in (api_as(gina), cora_api):
        response = client.get(URL, YEAR)
        assert response.status_code == 200
        assert rows(response.json(), "reviews")[None][0] == (15, None, 15)


def test_the_request_is_recorded(cora_api, commissioning, dataset):
    result = cora_api.get(URL, YEAR).json()

    log = ApiRequestLog.objects.get()
    assert (log.client, log.extract, log.status) == (commissioning, "figures:death_reviews", 200)
    assert log.rows == len(result["figures"])


def test_keyworkers_team_leads_and_administrators_are_refused(api_as, alice, tess, adam, client):
    assert {Role.GOVERNANCE, Role.COMMISSIONER} == REVIEW_FIGURE_API_ROLES
    for who in (alice, tess):
        response = api_as(who).get(URL, YEAR)
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "Your role may not see this: it is for clinical governance, commissioner only."
        )
    assert api_as(adam).get(URL, YEAR).status_code == 403
    assert client.get(URL, YEAR).status_code == 401


def test_a_commissioner_limited_to_a_local_authority_counts_only_its_reviews(
    api_as, cora, authorities, dataset
):
    limited = ApiClient.objects.create(name="First Authority")
    limited.local_authorities.set([authorities[0]])

    result = api_as(issue_token(limited, cora)[1]).get(URL, YEAR).json()

    assert rows(result, "reviews")[None] == ((5, None, 5), (0, None, 0))


def test_the_team_filter_keeps_the_reviews_of_that_teams_people(cora_api, north, dataset):
    result = cora_api.get(URL, {**YEAR, "team": north.pk}).json()

    assert rows(result, "reviews")[None] == ((5, None, 5), (0, None, 0))


@pytest.mark.parametrize("segment", ["team", "disability", "postcode"])
def test_a_split_the_reviews_do_not_offer_is_a_400_naming_segment(cora_api, segment):
    response = cora_api.get(URL, {**YEAR, "segment": segment})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["segment"]


def test_no_count_from_one_to_four_leaves_in_a_response(cora_api, gina, authorities):
    rng = random.Random(4)
    kinds = ["drug_death", "drug_death", "alcohol_death", "near_fatal"]
    for i in range(30):
        review = notify(
            gina,
            person_name=f"Thin {i}",
            kind=rng.choice(kinds),
            occurred_on=D(2025, rng.randint(1, 12), rng.randint(1, 28)),
            age=rng.randint(17, 70),
            sex=rng.choice("MF"),
            local_authority=rng.choice(authorities[:3]),
        )
        for substance in rng.sample(["heroin", "fentanyl", "alcohol", "cocaine"], 2):
            add_finding(review, gina, substance)
        if rng.random() < 0.5:
            add_action(review, gina, due_on=D(2025, 6, 1))
    checked = withheld = 0
    for segment in (None, "sex", "age_band", "local_authority", "ethnicity"):
        params = {**YEAR, **({"segment": segment} if segment else {})}
        response = cora_api.get(URL, params)
        assert response.status_code == 200
        for row in response.json()["figures"]:
            for values in (row, row["previous"]):
                checked += 1
                withheld += values["suppressed"]
                assert_no_small_count(values, row)
    # Suppression had work to do (zeros are shown, so most cells here are not withheld).
    assert 100 < withheld < 0.9 * checked
