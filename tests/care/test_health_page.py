"""The health section of the person page costs a fixed number of queries, however many
tests and vaccinations a person has, and its read is the page's one read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AccessEvent
from tests.care.test_health_due import with_health_records
from tests.factories import ServiceUserFactory

pytestmark = pytest.mark.django_db


def queries(client, person) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("person_detail", args=[person.external_id]))
    assert response.status_code == 200
    return len(captured), response


def test_the_person_page_runs_the_same_queries_for_5_records_and_for_200(client_as, alice, north):
    few = with_health_records(ServiceUserFactory(team=north, keyworker=alice), alice, 5)
    many = with_health_records(ServiceUserFactory(team=north, keyworker=alice), alice, 200)
    client = client_as(alice)
    queries(client, few)  # the session's first request touches more
    before = AccessEvent.objects.count()

    few_count, _few_page = queries(client, few)
    many_count, many_page = queries(client, many)

    assert few_count == many_count
    assert AccessEvent.objects.count() == before + 2
    # The latest test of each virus: antibody, hepatitis B, HIV.
    assert [t.virus for t in many_page.context["health_tests"]] == ["hcv_antibody", "hbv", "hiv"]
    assert many_page.context["health_vaccination"].completed
    content = many_page.content.decode()
    assert "Harm reduction and health" in content
    assert "Course completed" in content
    assert "HIV: offered" in content
    assert len(many_page.context["health_checks"]) == 5
    assert "Pharmacy: Pharmacy 0, weekly since" in content
    assert "Anxiety; not in treatment" in content


def test_governance_reads_the_section_without_the_buttons(client_as, gina, alice, jo):
    with_health_records(jo, alice, 3)
    content = client_as(gina).get(reverse("person_detail", args=[jo.external_id])).content.decode()
    assert "Harm reduction and health" in content
    assert reverse("bbv_test_create", args=[jo.external_id]) not in content


def test_another_teams_keyworker_finds_no_such_person(client_as, bob, jo):
    assert client_as(bob).get(reverse("person_detail", args=[jo.external_id])).status_code == 404
