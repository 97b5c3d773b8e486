"""Every API request is recorded; requests are throttled per token and per user."""

import pytest
from django.urls import reverse

from commissioning.models import ApiRequestLog
from tests.commissioning.conftest import extract_url, issue_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_json_request_is_recorded_with_who_what_and_how_many_rows(
    cora_api, cora, cora_token, commissioning, records
):
    cora_api.get(extract_url("episodes"), {"page_size": 2, "team": records["jo"].team_id})

    log = ApiRequestLog.objects.get()
    assert (log.client, log.token, log.user, log.username) == (
        commissioning,
        cora_token[0],
        cora,
        "cora",
    )
    assert (log.method, log.path, log.extract, log.format) == (
        "GET",
        extract_url("episodes"),
        "episodes",
        "json",
    )
    assert log.query == {"page_size": ["2"], "team": [str(records["jo"].team_id)]}
    assert (log.rows, log.status, log.complete) == (2, 200, True)
    assert log.duration_ms is not None
    assert log.at.utcoffset().total_seconds() == 0


def test_a_csv_export_records_its_row_count_when_the_stream_ends(cora_api, records):
    response = cora_api.get(extract_url("interventions"), {"format": "csv"})
    log = ApiRequestLog.objects.get()
    assert (log.format, log.rows, log.complete) == ("csv", None, False)  # still streaming

    b"".join(response.streaming_content)

    log.refresh_from_db()
    assert (log.rows, log.complete, log.status) == (3, True, 200)


# Committed, as in production where each statement commits: cutting off a stream cancels
# its COPY, which inside a test's own transaction would abort that transaction.
@pytest.mark.django_db(transaction=True)
def test_a_csv_export_cut_off_part_way_is_recorded_as_incomplete(cora_api, records, monkeypatch):
    from commissioning.extracts import base as extracts
    from tests.factories import ServiceUserFactory

    for _ in range(40):
        ServiceUserFactory(team=records["jo"].team)
    monkeypatch.setattr(extracts, "CSV_CHUNK_BYTES", 200)
    response = cora_api.get(extract_url("people"), {"format": "csv"})
    stream = iter(response.streaming_content)
    first = next(stream)

    response.close()  # what the server does when the caller goes away

    log = ApiRequestLog.objects.get()
    assert log.complete is False
    assert log.rows == first.count(b"\n") - 1
    assert 0 < log.rows < 43
    # The connection is usable again after the cut-off COPY.
    assert ApiRequestLog.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("adam", 403), ("alice", 200), ("bad", 400)]
)
def test_refused_and_failed_requests_are_recorded_too(request, api_as, client, who, status):
    caller = (
        client
        if who == "anonymous"
        else api_as(request.getfixturevalue(who if who != "bad" else "alice"))
    )
    params = {"from": "nonsense"} if who == "bad" else {}

    caller.get(extract_url("people"), params)

    log = ApiRequestLog.objects.get()
    assert log.status == status
    assert log.username == ("" if who == "anonymous" else "adam" if who == "adam" else "alice")


def test_schema_and_docs_requests_are_recorded(cora_api):
    cora_api.get(reverse("api_schema"))

    assert ApiRequestLog.objects.get().extract == "schema"


def test_requests_beyond_the_rate_get_429_per_token(settings, api_as, cora_token, records):
    settings.LANTERN_API_RATE = "3/minute"
    raw = cora_token[1]
    other = issue_token(cora_token[0].client, UserFactory(username="cal", role="commissioner"))[1]

    statuses = [api_as(raw).get(extract_url("people")).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert api_as(other).get(extract_url("people")).status_code == 200
    throttled = api_as(raw).get(extract_url("people"))
    assert "Retry-After" in throttled
    assert ApiRequestLog.objects.filter(status=429).count() == 2


def test_a_signed_in_user_is_throttled_on_their_own_count(settings, api_as, alice, bob, records):
    settings.LANTERN_API_RATE = "2/minute"

    assert [api_as(alice).get(extract_url("people")).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    assert api_as(bob).get(extract_url("people")).status_code == 200


def test_whole_csv_extracts_have_their_own_lower_rate(settings, cora_api, records):
    settings.LANTERN_API_EXPORT_RATE = "1/hour"

    first = cora_api.get(extract_url("people"), {"format": "csv"})
    b"".join(first.streaming_content)
    second = cora_api.get(extract_url("people"), {"format": "csv"})

    assert (first.status_code, second.status_code) == (200, 429)
    assert second["Content-Type"] == "application/json"
    assert cora_api.get(extract_url("people")).status_code == 200


def test_a_parameter_holding_a_nul_character_is_refused_and_still_recorded(cora_api):
    response = cora_api.get(extract_url("people"), {"local_authority": "E0\x00"})

    assert response.status_code == 400
    assert ApiRequestLog.objects.get().query == {"local_authority": ["E0\ufffd"]}
