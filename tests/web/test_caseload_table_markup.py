"""The caseload's one-pass table body writes what django-tables2's own template writes."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import EpisodeFactory, ServiceUserFactory, days_ago, discharge_reason

pytestmark = pytest.mark.django_db


def _tbody(html: str) -> str:
    body = html[html.index("<tbody") : html.index("</tbody>")]
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip()


def _both_bodies(response) -> tuple[str, str]:
    table = response.context["table"]
    request = RequestFactory().get("/")
    library = render_to_string("django_tables2/bootstrap5.html", {"table": table}, request)
    return _tbody(response.content.decode()), _tbody(library)


def test_it_matches_the_library_template_cell_for_cell(client_as, tess, alice, north):
    hostile = ServiceUserFactory(
        team=north, keyworker=alice, first_name="<script>x</script>", last_name='O"Brien & Co'
    )
    EpisodeFactory(service_user=hostile, referral_date=days_ago(30))
    left = ServiceUserFactory(team=north, keyworker=alice, last_name="Left")
    EpisodeFactory(
        service_user=left,
        referral_date=days_ago(300),
        discharge_date=days_ago(20),
        discharge_reason=discharge_reason("dropped_out"),
    )

    response = client_as(tess).get(reverse("caseload", args=["team"]), {"sort": "risk"})

    ours, library = _both_bodies(response)
    assert ours == library
    assert 'data-label="Name"' in ours
    assert "&lt;script&gt;" in ours
    assert "<script>x" not in ours


def test_an_empty_list_keeps_its_message(client_as, alice):
    response = client_as(alice).get(reverse("caseload", args=["mine"]), {"q": "Nobody-at-all"})

    ours, library = _both_bodies(response)
    assert ours == library
    assert "colspan=" in ours
