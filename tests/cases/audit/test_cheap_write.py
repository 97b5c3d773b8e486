"""Recording a read costs one INSERT: no extra SELECT to tell a break-glass read, no ORM
statement, and the same row the ORM would have written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import AccessEvent

pytestmark = pytest.mark.django_db

REASON = "Covering the South duty shift tonight; Jo called the duty line."


def _statements_on(table: str, queries) -> list[str]:
    return [q["sql"].split()[0].upper() for q in queries if f'"{table}"' in q["sql"]]


def test_opening_a_record_in_ones_team_is_one_insert_and_no_membership_query(client_as, alice, jo):
    client = client_as(alice)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("person_detail", args=[jo.external_id])).status_code == 200

    assert _statements_on("cases_accessevent", queries) == ["INSERT"]
    memberships_alone = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT 1 AS "a" FROM "cases_teammembership"')
    ]
    assert memberships_alone == []
    event = AccessEvent.objects.get()
    assert (event.user, event.service_user, event.break_glass) == (alice, jo, False)
    assert event.kind == "record"
    assert event.view == "person_detail"
    assert event.remote_addr == "127.0.0.1"
    assert event.query == {}


def test_a_read_under_break_glass_is_still_marked_so(client_as, bob, jo):
    bob_client = client_as(bob)
    services.break_glass_grant_create(user=bob, service_user=jo, reason=REASON)

    assert bob_client.get(reverse("person_detail", args=[jo.external_id])).status_code == 200

    assert AccessEvent.objects.get(kind="record").break_glass is True


def test_a_list_event_keeps_its_query_as_json(client_as, alice):
    client_as(alice).get(reverse("caseload", args=["mine"]), {"q": "kim", "tier": "high"})

    event = AccessEvent.objects.get()
    assert event.query == {"scope": "mine", "q": "kim", "tier": "high"}
    assert event.pk is not None
