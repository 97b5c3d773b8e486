"""Signed-in pages are never kept by a browser or proxy cache."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_forbids_storing_a_signed_in_users_page(client_as, alice, jo):
    response = client_as(alice).get(f"/people/{jo.external_id}/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_forbids_storing_a_signed_in_users_csv_export(client_as, cora):
    response = client_as(cora).get("/api/v1/extracts/people/?format=csv")

    assert "no-store" in response["Cache-Control"]
