"""Exactly one access event for every response that shows health data, and none twice."""

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.audit import AlreadyRecorded, record_access
from cases.models import AccessEvent, AccessKind
from commissioning.models import ApiRequestLog
from tests.commissioning.conftest import extract_url
from tests.deathreviews.conftest import notify
from tests.factories import EpisodeFactory, ServiceUserFactory
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


def only_event() -> AccessEvent:
    events = list(AccessEvent.objects.all())
    assert len(events) == 1, [(e.view, e.kind) for e in events]
    return events[0]


def test_opening_a_record_writes_one_event_with_who_what_where_and_request_id(client_as, alice, jo):
    response = client_as(alice).get(
        reverse("person_detail", args=[jo.external_id]),
        HTTP_X_REQUEST_ID="proxy-1234abcd",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    event = only_event()
    assert (event.user, event.username, event.role) == (alice, "alice", "keyworker")
    assert (event.kind, event.view, event.service_user, event.object_ref) == (
        AccessKind.RECORD,
        "person_detail",
        jo,
        jo.client_ref,
    )
    assert (event.remote_addr, event.request_id, event.break_glass) == (
        "10.1.2.3",
        "proxy-1234abcd",
        False,
    )
    assert event.at.utcoffset().total_seconds() == 0
    assert response["X-Request-ID"] == "proxy-1234abcd"


@pytest.mark.parametrize("incoming", ["", "short", "bad id with spaces", "x" * 65, "<script>"])
def test_an_unusable_incoming_request_id_is_replaced(client_as, alice, jo, incoming):
    response = client_as(alice).get(
        reverse("person_detail", args=[jo.external_id]), HTTP_X_REQUEST_ID=incoming
    )
    made = response["X-Request-ID"]
    assert made != incoming
    assert len(made) == 32
    assert only_event().request_id == made


def test_a_record_form_shows_the_record_and_is_one_read(client_as, alice, jo):
    client_as(alice).get(reverse("person_edit", args=[jo.external_id]))
    event = only_event()
    assert (event.kind, event.view, event.service_user) == ("record", "person_edit", jo)


def test_a_record_outside_scope_is_404_and_records_nothing(client_as, bob, jo):
    response = client_as(bob).get(reverse("person_detail", args=[jo.external_id]))
    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize(
    ("who", "url", "params"),
    [
        ("alice", "caseload", {"scope": "mine"}),
        ("tess", "caseload", {"scope": "team"}),
        ("gina", "caseload", {"scope": "all"}),
    ],
)
def test_each_caseload_page_writes_one_list_event_with_its_rows(
    request, client_as, north, alice, jo, who, url, params
):
    for _ in range(2):
        ServiceUserFactory(team=north, keyworker=alice)
    user = request.getfixturevalue(who)
    query = {"q": "a"} if params["scope"] == "all" else {}
    response = client_as(user).get(reverse(url, kwargs=params), query)
    assert response.status_code == 200
    event = only_event()
    assert (event.kind, event.view, event.service_user) == ("list", "caseload", None)
    assert event.query["scope"] == params["scope"]
    assert event.rows == len(response.context["table"].page.object_list)


def test_a_search_records_its_query_and_only_the_people_it_showed(client_as, gina, jo, north):
    ServiceUserFactory(team=north, last_name="Zed")
    client_as(gina).get(reverse("caseload", kwargs={"scope": "all"}), {"q": "Bloggs"})
    event = only_event()
    assert event.query == {"scope": "all", "q": "Bloggs"}
    assert event.rows == 1


def test_the_service_wide_list_before_a_search_shows_no_one_and_records_nothing(
    client_as, gina, jo
):
    response = client_as(gina).get(reverse("caseload", kwargs={"scope": "all"}))
    assert response.context["needs_search"]
    assert not AccessEvent.objects.exists()


def test_every_page_of_a_list_is_its_own_event(client_as, alice, north):
    for _ in range(30):
        ServiceUserFactory(team=north, keyworker=alice)
    client = client_as(alice)
    client.get(reverse("caseload", kwargs={"scope": "mine"}))
    client.get(reverse("caseload", kwargs={"scope": "mine"}), {"page": 2})
    rows = list(AccessEvent.objects.order_by("id").values_list("rows", flat=True))
    assert rows == [25, 5]


@pytest.mark.parametrize(
    ("who", "url"), [("alice", "outreach_worklist"), ("tess", "outreach_uncontacted")]
)
def test_the_worklist_and_not_contacted_list_write_one_event(request, client_as, jo, who, url):
    from tests.factories import days_ago

    make_flag(jo, tier="very_high", raised_on=days_ago(5))
    response = client_as(request.getfixturevalue(who)).get(reverse(url))
    assert response.status_code == 200
    event = only_event()
    assert (event.kind, event.view, event.rows) == ("list", url, 1)


def test_the_review_list_names_people_and_writes_one_event(client_as, gina, jo):
    notify(gina, person=jo)
    client_as(gina).get(reverse("review_list"))
    event = only_event()
    assert (event.kind, event.view, event.rows) == ("list", "review_list", 1)


@pytest.mark.parametrize("page", ["review_detail", "review_snapshot", "review_history"])
def test_each_page_of_a_review_writes_one_event_about_the_person(client_as, gina, jo, page):
    from deathreviews.models import ReviewSnapshot

    review = notify(gina, person=jo)
    assert ReviewSnapshot.objects.filter(review=review).exists() or page != "review_snapshot"
    response = client_as(gina).get(reverse(page, args=[review.external_id]))
    assert response.status_code == 200
    event = only_event()
    assert (event.kind, event.view, event.service_user, event.object_ref) == (
        "review",
        page,
        jo,
        review.reference,
    )


def test_a_review_of_someone_the_service_never_knew_is_recorded_by_reference(client_as, gina):
    review = notify(gina, person_name="Sam Unknown", age=38, sex="M")
    client_as(gina).get(reverse("review_detail", args=[review.external_id]))
    event = only_event()
    assert (event.service_user, event.object_ref) == (None, review.reference)


def test_the_ndtms_export_writes_one_event_with_its_row_count_when_the_stream_ends(
    client_as, tess, jo
):
    EpisodeFactory(service_user=jo)
    period = {"start": "2020-01-01", "end": "2027-06-30"}
    response = client_as(tess).get(reverse("ndtms_download"), period)
    event = only_event()
    assert (event.kind, event.view, event.rows) == ("export", "ndtms_download", None)
    body = b"".join(response.streaming_content).decode()
    event.refresh_from_db()
    assert event.rows == body.count("\n") - 1 > 0
    assert event.query == period


def test_the_ndtms_check_lists_people_and_writes_one_event(client_as, tess, jo):
    client_as(tess).get(reverse("ndtms_extract"), {"start": "2020-01-01", "end": "2027-06-30"})
    assert only_event().view == "ndtms_extract"


def test_refused_exports_record_nothing(client_as, alice):
    assert client_as(alice).get(reverse("ndtms_download")).status_code == 403
    assert not AccessEvent.objects.exists()


def test_every_api_extract_and_figure_response_is_one_request_log_row(client_as, gina, jo):
    client = client_as(gina)
    client.get(extract_url("people"))
    client.get(reverse("api_figure_outcome_summary"))
    response = client.get(extract_url("episodes"), {"format": "csv"})
    b"".join(response.streaming_content)
    logs = list(ApiRequestLog.objects.order_by("id"))
    assert [(log.extract, log.status) for log in logs] == [
        ("people", 200),
        ("figures:outcome_summary", 200),
        ("episodes", 200),
    ]
    assert all(len(log.request_id) == 32 and log.remote_addr for log in logs)
    assert logs[-1].complete
    # The API's reads are in its own store, not double-counted as page reads.
    assert not AccessEvent.objects.exists()


def test_a_view_cannot_record_twice(alice, jo):
    request = RequestFactory().get("/")
    request.user = alice
    record_access(request, kind=AccessKind.RECORD, subject=jo)
    with pytest.raises(AlreadyRecorded):
        record_access(request, kind=AccessKind.RECORD, subject=jo)
    assert AccessEvent.objects.count() == 1


def test_recording_is_one_insert_whatever_the_caseloads_size(client_as, alice, north):
    client = client_as(alice)
    counts, inserts = [], []
    for people in (1, 20):
        while alice.caseload.count() < people:
            ServiceUserFactory(team=north, keyworker=alice)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("caseload", kwargs={"scope": "mine"}))
        counts.append(len(queries))
        inserts.append(sum("cases_accessevent" in q["sql"] for q in queries.captured_queries))
    assert counts[0] == counts[1]
    assert inserts == [1, 1]


def test_control_characters_in_a_lists_query_are_refused_and_nothing_is_read(client_as, alice):
    response = client_as(alice).get(
        reverse("caseload", kwargs={"scope": "mine"}) + "?%00=x&status=a%01b"
    )

    assert response.status_code == 400
    assert "invisible control character" in response.text
    assert not AccessEvent.objects.exists()


def test_the_outreach_and_override_forms_show_the_record_and_are_one_read(client_as, alice, jo):
    make_flag(jo, tier="high")
    client = client_as(alice)
    for name in ("outreach_attempt_create", "flag_override"):
        before = AccessEvent.objects.count()
        assert client.get(reverse(name, args=[jo.external_id])).status_code == 200
        event = AccessEvent.objects.order_by("-id").first()
        assert AccessEvent.objects.count() == before + 1
        assert (event.kind, event.view, event.service_user) == ("record", name, jo)


def test_a_review_edit_page_is_one_read_of_the_review(client_as, gina, jo):
    review = notify(gina, person=jo)
    client_as(gina).get(reverse("review_edit", args=[review.external_id, "notification"]))
    event = only_event()
    assert (event.kind, event.view, event.service_user) == ("review", "review_edit", jo)


@override_settings(
    AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
    AXES_IPWARE_PROXY_ORDER="right-most",
)
def test_behind_a_proxy_the_event_keeps_the_persons_address(client_as, alice, jo):
    client_as(alice).get(
        reverse("person_detail", args=[jo.external_id]),
        headers={"X-Forwarded-For": "203.0.113.9"},
        REMOTE_ADDR="10.0.0.2",
    )

    assert only_event().remote_addr == "203.0.113.9"
