"""The care record on the person page costs a fixed number of queries, however many notes
and referrals a person has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessEvent
from tests.care.factories import note_of, referral_of
from tests.factories import ServiceUserFactory

pytestmark = pytest.mark.django_db


def queries(client, person) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("person_detail", args=[person.external_id]))
    assert response.status_code == 200
    return len(captured), response


def with_records(person, worker, count: int):
    for n in range(count):
        note_of(person, worker, day=n % 300, text=f"Note {n}.")
        if n % 2:
            referral_of(person, worker, made=n % 40 + 5, follow_up=n % 40)
        else:
            referral = referral_of(person, worker, made=n % 40 + 5, follow_up=-3)
            if n % 4 == 0:
                referral.outcome = "accepted"
                referral.outcome_recorded_by = worker
                referral.outcome_recorded_at = timezone.now()
                referral.save()
    return person


def test_the_person_page_runs_the_same_queries_for_5_records_and_for_200(client_as, alice, north):
    few = with_records(ServiceUserFactory(team=north, keyworker=alice), alice, 5)
    many = with_records(ServiceUserFactory(team=north, keyworker=alice), alice, 200)
    client = client_as(alice)
    queries(client, few)  # the session's first request touches more

    few_count, few_page = queries(client, few)
    many_count, many_page = queries(client, many)

    assert few_count == many_count
    assert len(few_page.context["case_notes"]) == 5
    assert len(many_page.context["case_notes"]) == 10
    assert many_page.context["case_notes"].paginator.count == 200
    assert many_page.context["overdue_referrals"] == 100


def test_the_page_of_one_record_costs_what_a_full_one_does_and_the_read_is_recorded_once(
    client_as, alice, jo
):
    # No notes at all saves the page of notes' rows: one note is the smallest record.
    client = client_as(alice)
    with_records(jo, alice, 1)
    queries(client, jo)
    one, _ = queries(client, jo)
    with_records(jo, alice, 8)
    before = AccessEvent.objects.count()

    full, response = queries(client, jo)

    assert full == one
    assert AccessEvent.objects.count() == before + 1
    assert len(response.context["open_referrals"]) + len(response.context["closed_referrals"]) == 9
