"""Helpers for the case pages' tests: a caseload's query count, a new person's form data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import LocalAuthority
from tests.factories import days_ago


def caseload_queries(client, scope: str = "mine", **params):
    """How many queries one caseload page takes (all its people on one page), and the page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("caseload", args=[scope]), {"per_page": 100, **params})
    assert response.status_code == 200
    return len(captured), response


@pytest.fixture
def person_data(north, alice):
    """What the new-person form needs, as posted: Jamie Example, 40, on alice's caseload."""
    return {
        "first_name": "Jamie",
        "last_name": "Example",
        "date_of_birth": days_ago(40 * 365).isoformat(),
        "sex": "M",
        "ethnicity": "Z",
        "nationality": "GBR",
        "local_authority": LocalAuthority.objects.first().pk,
        "consent_to_ndtms": "true",
        "team": north.pk,
        "keyworker": alice.pk,
    }
