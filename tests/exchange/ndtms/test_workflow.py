"""The monthly submission: preparing a month's file, its problems, its download, recording it
as submitted and sending a month again; who may do each; and that a kept file never changes."""

import datetime
import hashlib

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from cases.models import AccessEvent, AccessKind, ServiceUser
from exchange import submission_views
from exchange.models import NdtmsSubmission
from exchange.ndtms import read_submission
from exchange.services import SubmissionRefused, ndtms_submission_prepare, ndtms_submission_record
from tests.factories import (
    EpisodeFactory,
    ServiceFactory,
    ServiceUserFactory,
    TeamFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db

# The session, the user, the services (whether any, and the form's choices), the list's
# count and its page.
NUM_QUERIES = 6
LAST_MONTH = (days_ago(0).replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def prepare(user, service):
    return ndtms_submission_prepare(service=service, month=LAST_MONTH, prepared_by=user)


def test_preparing_keeps_the_months_file_its_checksum_and_its_problems(tess, jo):
    EpisodeFactory(service_user=jo)
    ServiceUser.objects.filter(pk=jo.pk).update(date_of_birth=days_ago(365 * 16))

    submission = prepare(tess, jo.team.service)

    assert (submission.period_start, submission.period_end.day > 27) == (LAST_MONTH, True)
    assert submission.file_name.startswith(f"{jo.team.service.code}-{LAST_MONTH:%Y%m%d}-")
    assert submission.sha256 == hashlib.sha256(submission.content.encode()).hexdigest()
    (row,) = read_submission(submission.content)
    assert (row["CLIENTID"], submission.rows) == (jo.client_ref, 1)
    assert submission.problem_counts["age"] == 1
    assert submission.team_problem_counts[str(jo.team_id)]["age"] == 1
    assert ["age", jo.client_ref, row["EPISODID"], "DOB"] in [p[:4] for p in submission.problems]
    assert submission.submitted_at is None


def test_a_month_with_no_one_in_treatment_keeps_a_file_with_no_problems(tess, jo):
    submission = prepare(tess, jo.team.service)

    submission.full_clean()
    assert (submission.rows, submission.problems, submission.problem_counts) == (0, [], {})
    assert submission.team_problem_counts == {}
    assert read_submission(submission.content) == []


def test_a_services_file_holds_only_its_own_people(tess, jo):
    other_team = TeamFactory(service=ServiceFactory(code="OTH01", name="Other"))
    stranger = ServiceUserFactory(team=other_team)
    EpisodeFactory(service_user=jo)
    EpisodeFactory(service_user=stranger)

    submission = prepare(tess, jo.team.service)

    assert stranger.client_ref not in submission.content
    assert jo.client_ref in submission.content


def test_recording_a_month_again_replaces_the_file_sent_before(tess, adam, jo):
    EpisodeFactory(service_user=jo)
    first = ndtms_submission_record(submission=prepare(tess, jo.team.service), submitted_by=tess)
    second = ndtms_submission_record(submission=prepare(adam, jo.team.service), submitted_by=adam)

    assert (first.replaces, second.replaces) == (None, first)
    assert (second.submitted_by, first.replaced_by) == (adam, second)
    with pytest.raises(SubmissionRefused):
        ndtms_submission_record(submission=second, submitted_by=tess)


def test_the_database_refuses_any_change_to_a_kept_file(tess, jo):
    submission = prepare(tess, jo.team.service)
    ndtms_submission_record(submission=submission, submitted_by=tess)
    kept = NdtmsSubmission.objects.filter(pk=submission.pk)

    for change in (
        lambda: kept.update(content="changed"),
        lambda: kept.update(problem_counts={}),
        lambda: kept.update(submitted_at=None, submitted_by=None),
        lambda: kept.delete(),
    ):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            change()
    assert kept.get().content == submission.content


def test_a_prepared_file_may_be_recorded_sent_and_nothing_else(tess, jo):
    submission = prepare(tess, jo.team.service)
    kept = NdtmsSubmission.objects.filter(pk=submission.pk)

    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        kept.update(rows=99)
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        kept.delete()


def test_two_first_submissions_of_a_month_cannot_both_stand(tess, jo):
    first = prepare(tess, jo.team.service)
    second = prepare(tess, jo.team.service)
    ndtms_submission_record(submission=first, submitted_by=tess)

    with pytest.raises(IntegrityError), transaction.atomic():
        NdtmsSubmission.objects.filter(pk=second.pk).update(
            submitted_at=first.prepared_at, submitted_by=tess
        )


def test_the_admin_offers_no_submission_to_change_or_delete():
    # A submission holds people's data: the admin, which holds configuration only, has none.
    assert NdtmsSubmission not in admin.site._registry


def test_a_team_lead_prepares_downloads_and_records_a_month(client_as, tess, jo):
    EpisodeFactory(service_user=jo)
    client = client_as(tess)

    prepared = client.post(
        reverse("ndtms_submissions"),
        {"service": jo.team.service_id, "month": f"{LAST_MONTH:%Y-%m}"},
    )
    submission = NdtmsSubmission.objects.get()
    assert prepared.url == reverse("ndtms_submission", args=[submission.external_id])

    page = client.get(prepared.url)
    download = client.get(reverse("ndtms_submission_download", args=[submission.external_id]))
    recorded = client.post(
        reverse("ndtms_submission_record", args=[submission.external_id]), {"confirm": "on"}
    )

    assert page.status_code == 200
    assert download.content == submission.content.encode()
    assert download["Content-Disposition"] == f'attachment; filename="{submission.file_name}"'
    assert recorded.status_code == 302
    assert NdtmsSubmission.objects.get().submitted_by == tess
    reads = AccessEvent.objects.filter(view__startswith="ndtms_submission").order_by("id")
    assert list(reads.values_list("view", "kind", "rows")) == [
        ("ndtms_submission", AccessKind.LIST, len(submission.problems)),
        ("ndtms_submission_download", AccessKind.EXPORT, 1),
    ]


def test_each_problem_links_to_the_field_that_fixes_it(client_as, tess, jo):
    episode = EpisodeFactory(service_user=jo, age_first_use=None)
    submission = prepare(tess, jo.team.service)

    page = client_as(tess).get(reverse("ndtms_submission", args=[submission.external_id]))

    url = reverse("episode_edit", args=[jo.external_id, episode.external_id])
    assert f'href="{url}#id_age_first_use"'.encode() in page.content


def test_an_administrator_sees_the_counts_but_no_one_named(client_as, adam, jo):
    EpisodeFactory(service_user=jo, age_first_use=None)
    submission = prepare(adam, jo.team.service)

    page = client_as(adam).get(reverse("ndtms_submission", args=[submission.external_id]))

    assert page.status_code == 200
    assert page.context["problems"] == []
    assert page.context["hidden"] == len(submission.problems) > 0
    assert jo.client_ref.encode() not in page.content


def test_a_team_lead_of_a_shared_service_finds_no_submission_of_it(client_as, tess, south, jo):
    # South shares North's service: the file would hold South's people, whom tess cannot see.
    submission = ndtms_submission_prepare(
        service=jo.team.service, month=LAST_MONTH, prepared_by=tess
    )
    client = client_as(tess)

    for name in ("ndtms_submission", "ndtms_submission_download"):
        assert client.get(reverse(name, args=[submission.external_id])).status_code == 404
    refused = client.post(
        reverse("ndtms_submission_record", args=[submission.external_id]), {"confirm": "on"}
    )
    prepared = client.post(
        reverse("ndtms_submissions"),
        {"service": jo.team.service_id, "month": f"{LAST_MONTH:%Y-%m}"},
    )
    assert (refused.status_code, prepared.status_code) == (404, 400)
    assert NdtmsSubmission.objects.get().submitted_at is None
    assert not AccessEvent.objects.filter(view__startswith="ndtms_submission").exists()


@pytest.mark.parametrize("who", ["alice", "gina", "cora"])
def test_other_roles_may_not_submit(request, client_as, who, tess, jo):
    submission = prepare(tess, jo.team.service)
    client = client_as(request.getfixturevalue(who))

    assert client.get(reverse("ndtms_submissions")).status_code == 403
    assert client.get(reverse("ndtms_submission", args=[submission.external_id])).status_code == 403


@pytest.mark.parametrize(
    "data", [{}, {"month": "2001-01"}, {"month": "x"}, {"service": "999999"}, {"service": "a"}]
)
def test_a_bad_service_or_month_is_refused_with_400_and_nothing_prepared(client_as, tess, jo, data):
    payload = {"service": jo.team.service_id, "month": f"{LAST_MONTH:%Y-%m}"} | data
    if not data:
        payload = {}

    response = client_as(tess).post(reverse("ndtms_submissions"), payload)

    assert response.status_code == 400
    assert not NdtmsSubmission.objects.exists()


def test_recording_without_confirming_is_refused(client_as, tess, jo):
    submission = prepare(tess, jo.team.service)

    response = client_as(tess).post(
        reverse("ndtms_submission_record", args=[submission.external_id]), {}
    )

    assert response.status_code == 400
    assert b"Tick this once the file is uploaded to NDTMS." in response.content
    assert NdtmsSubmission.objects.get().submitted_at is None


def test_the_list_reads_in_a_fixed_number_of_queries(
    client_as, tess, adam, jo, django_assert_num_queries
):
    client = client_as(tess)
    client.get(reverse("ndtms_submissions"))
    for _ in range(3):
        ndtms_submission_record(submission=prepare(tess, jo.team.service), submitted_by=adam)
    with django_assert_num_queries(NUM_QUERIES):
        page = client.get(reverse("ndtms_submissions"))
    assert len(page.context["page"].object_list) == 3
    for _ in range(3):
        prepare(tess, jo.team.service)
    with django_assert_num_queries(NUM_QUERIES):
        page = client.get(reverse("ndtms_submissions"))
    assert len(page.context["page"].object_list) == 6


def test_the_list_pages_its_files_newest_month_first_in_the_same_queries(
    client_as, tess, jo, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(submission_views, "PAGE_SIZE", 2)
    kept = [prepare(tess, jo.team.service) for _ in range(5)]
    client = client_as(tess)
    client.get(reverse("ndtms_submissions"))

    pages = []
    for number in (1, 2, 3):
        with django_assert_num_queries(NUM_QUERIES):
            response = client.get(reverse("ndtms_submissions"), {"page": number})
        pages.append([s.pk for s in response.context["page"].object_list])

    newest_first = [s.pk for s in sorted(kept, key=lambda s: s.prepared_at, reverse=True)]
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
    assert "Page 3 of 3" in response.content.decode()


@pytest.mark.parametrize("page", ["x", "0", "-1", "1.5"])
def test_a_page_that_is_not_a_whole_number_from_one_is_refused(client_as, tess, page):
    response = client_as(tess).get(reverse("ndtms_submissions"), {"page": page})

    assert response.status_code == 400


def test_a_page_past_the_last_shows_the_last(client_as, tess, jo):
    prepare(tess, jo.team.service)

    response = client_as(tess).get(reverse("ndtms_submissions"), {"page": 9})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1
