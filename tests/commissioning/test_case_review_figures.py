"""The case review figures through `/api/v1/figures/case-reviews/`: who may call them,
and that they are the family's (computed on a hand-worked dataset in
tests/casereviews/test_figures.py)."""

import pytest
from django.urls import reverse

from tests.casereviews.test_figures import dataset  # noqa: F401
from tests.deathreviews.conftest import figure_rows as rows

pytestmark = pytest.mark.django_db

URL = reverse("api_figure_case_reviews")
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


def test_commissioners_and_staff_get_the_figures_of_their_scope(
    api_as,
    cora_api,
    gina,
    tess,
    bob,
    dataset,  # noqa: F811
):
    for client in (cora_api, api_as(gina), api_as(tess)):
        response = client.get(URL, YEAR)
        assert response.status_code == 200
        assert rows(response.json(), "reviewed_within_14_days")[None][0] == (10, 15, 66.7)
    # bob's team is South: none of North's people count for him.
    south = api_as(bob).get(URL, YEAR).json()
    assert rows(south, "very_high_flags")[None][0] == (0, None, 0)


def test_administrators_and_the_signed_out_are_refused(api_as, adam, client):
    assert api_as(adam).get(URL, YEAR).status_code == 403
    assert client.get(URL, YEAR).status_code == 401


def test_a_split_is_refused_with_400_naming_segment(cora_api):
    response = cora_api.get(URL, {**YEAR, "segment": "sex"})

    assert response.status_code == 400
    assert "segment" in response.json()["errors"]
