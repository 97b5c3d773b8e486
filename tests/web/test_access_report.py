"""Governance sees, for one person, everyone who viewed or changed their record, and exports it."""

import csv
import io

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import AccessEvent
from commissioning.extracts.base import FORMULA_STARTS
from tests.deathreviews.conftest import notify
from tests.factories import EpisodeFactory, ServiceUserFactory

pytestmark = pytest.mark.django_db


def report_url(person) -> str:
    return reverse("person_access_report", args=[person.external_id])


def csv_url(person) -> str:
    return reverse("person_access_report_csv", args=[person.external_id])


def test_the_report_lists_who_viewed_and_who_changed_newest_first(client_as, alice, tess, gina, jo):
    client_as(alice).get(reverse("person_detail", args=[jo.external_id]))
    with pghistory.context(user=tess.pk):
        services.service_user_update(service_user=jo, updated_by=tess, phone="07700900222")
    episode = EpisodeFactory(service_user=jo)
    with pghistory.context(user=alice.pk):
        services.intervention_create(
            episode=episode,
            kind="psychosocial",
            intention="",
            setting="community",
            start_date=episode.referral_date,
        )

    response = client_as(gina).get(report_url(jo))

    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    lines = [(e.who, e.action, e.what) for e in entries]
    assert lines[0] == ("gina", "viewed", "Access report")
    assert ("alice", "viewed", "Person's record") in lines
    assert ("tess", "changed", "Service user") in lines
    assert ("alice", "changed", "Intervention") in lines
    assert ("the system", "changed", "Service user") in lines  # made by the factory
    assert any(what == "Treatment episode" for _, _, what in lines)
    changed = next(e for e in entries if (e.who, e.what) == ("tess", "Service user"))
    assert "phone" in changed.detail
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)


def test_the_report_is_reachable_from_the_record_for_governance_only(client_as, gina, alice, jo):
    assert (
        report_url(jo)
        in client_as(gina).get(reverse("person_detail", args=[jo.external_id])).content.decode()
    )
    assert (
        report_url(jo)
        not in client_as(alice)
        .get(reverse("person_detail", args=[jo.external_id]))
        .content.decode()
    )


def test_the_report_includes_death_reviews_and_break_glass(client_as, gina, bob, jo):
    services.break_glass_grant_create(
        user=bob, service_user=jo, reason="Covering the duty shift for the North team tonight."
    )
    client_as(bob).get(reverse("person_detail", args=[jo.external_id]))
    notify(gina, person=jo)
    entries = list(client_as(gina).get(report_url(jo)).context["page"].object_list)
    whats = {(e.who, e.what, e.break_glass) for e in entries}
    assert ("bob", "Person's record", True) in whats
    assert ("bob", "Break glass grant", False) in whats
    assert any(e.what == "Review" and e.action == "changed" for e in entries)


def test_a_search_by_exact_reference_finds_the_report(client_as, gina, jo):
    client = client_as(gina)
    response = client.get(reverse("access_report_search"), {"reference": jo.client_ref})
    assert response["Location"] == report_url(jo)
    missed = client.get(reverse("access_report_search"), {"reference": "Bloggs"})
    assert missed.status_code == 400


def test_the_report_pages_in_the_same_number_of_queries_for_any_history(
    client_as, gina, alice, north
):
    small = ServiceUserFactory(team=north, keyworker=alice)
    large = ServiceUserFactory(team=north, keyworker=alice)
    for n in range(60):
        with pghistory.context(user=alice.pk):
            services.service_user_update(
                service_user=large, updated_by=alice, phone=f"077009{n:05d}"
            )
    for person in (small, large):
        EpisodeFactory(service_user=person)
    with pghistory.context(user=alice.pk):
        services.service_user_update(service_user=small, updated_by=alice, phone="07700900001")
    viewer = client_as(alice)
    for _ in range(40):
        viewer.get(reverse("person_detail", args=[large.external_id]))
    client = client_as(gina)
    counts = {}
    for person in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(report_url(person))
        counts[person.pk] = len(queries)
    assert counts[small.pk] == counts[large.pk]
    page = response.context["page"]
    assert page.paginator.count > 100
    assert len(page.object_list) == 50


def test_the_csv_export_holds_every_entry_and_is_itself_audited(client_as, gina, alice, jo):
    client_as(alice).get(reverse("person_detail", args=[jo.external_id]))
    response = client_as(gina).get(csv_url(jo))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["who"] == "gina"
    assert rows[0]["what"] == "Export"
    assert any(r["who"] == "alice" and r["action"] == "viewed" for r in rows)
    assert all(r["when_utc"].endswith("+00:00") for r in rows)
    export = AccessEvent.objects.get(view="person_access_report_csv")
    assert (export.kind, export.service_user, export.rows) == ("export", jo, len(rows))


def test_no_csv_cell_can_start_a_spreadsheet_formula(client_as, gina, alice, jo):
    alice.username = "=HYPERLINK(1)"
    alice.save()
    client_as(alice).get(reverse("person_detail", args=[jo.external_id]), REMOTE_ADDR="::1")
    response = client_as(gina).get(csv_url(jo))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    alices = [r for r in rows if r["who"].endswith("HYPERLINK(1)")]
    assert alices
    assert all(r["who"] == "'=HYPERLINK(1)" for r in alices)
    assert all(not cell.startswith(FORMULA_STARTS) for row in rows for cell in row.values())


@pytest.mark.parametrize("who", ["alice", "tess", "bob", "cora", "adam"])
def test_only_governance_reads_access_reports(request, client_as, jo, who):
    client = client_as(request.getfixturevalue(who))
    assert client.get(report_url(jo)).status_code == 404
    assert client.get(csv_url(jo)).status_code == 404
    assert client.get(reverse("access_report_search")).status_code == 403
    assert not AccessEvent.objects.filter(service_user=jo).exists()


def test_an_unknown_person_is_404(client_as, gina):
    import uuid

    assert (
        client_as(gina).get(reverse("person_access_report", args=[uuid.uuid4()])).status_code == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, jo):
    for url in (report_url(jo), csv_url(jo), reverse("access_report_search")):
        assert client.get(url)["Location"].startswith(reverse("login"))
