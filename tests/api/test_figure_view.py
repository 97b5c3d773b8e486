"""A figure endpoint made with `cases.api.figure_view` gets the API's machinery for free."""

import pytest

from cases.models import ApiRequestLog

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.figure_urls")]

URL = "/api/v1/figures/echo/"


def test_a_figure_receives_the_parsed_filters_and_segment(cora_api):
    response = cora_api.get(URL, {"from": "2026-01-01", "to": "2026-03-31", "segment": "sex"})

    assert response.status_code == 200
    assert response.json() == {
        "segment": "sex",
        "teams": None,
        "figures": [{"start": "2026-01-01", "end": "2026-03-31", "la": []}],
    }
    log = ApiRequestLog.objects.get()
    assert (log.extract, log.rows) == ("figures:echo", 1)


def test_a_keyworkers_figure_is_limited_to_their_teams(api_as, alice, north):
    assert api_as(alice).get(URL).json()["teams"] == [north.pk]


def test_an_unknown_segment_is_a_400_naming_it(cora_api):
    response = cora_api.get(URL, {"segment": "postcode"})

    assert response.status_code == 400
    assert "segment" in response.json()["errors"]


def test_a_figure_is_refused_to_an_administrator_and_anonymous(api_as, adam, client):
    assert api_as(adam).get(URL).status_code == 403
    assert client.get(URL).status_code == 401
