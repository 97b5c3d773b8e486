"""The case-file audit's pages: who may open them, what each shows and records, bad query
parameters, and query counts that stay flat as rounds and people grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from care.models import AuditCheck, AuditItem, AuditRound
from care.services import audit_checks_judge, audit_round_draw
from cases.models import AccessEvent, AccessKind
from tests.factories import EpisodeFactory, ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db

LIST = reverse("care_audit_list")
DRAW = reverse("care_audit_draw")


def in_treatment(team, keyworker=None):
    person = ServiceUserFactory(team=team, keyworker=keyworker)
    EpisodeFactory(service_user=person, referral_date=days_ago(107), start_date=days_ago(100))
    return person


def round_url(round_):
    return reverse("care_audit_round", args=[round_.external_id])


def person_url(audited):
    return reverse("care_audit_person", args=[audited.round.external_id, audited.external_id])


def all_agreed(**overrides) -> dict[str, str]:
    data = {f"{item}_judgement": "agree" for item in AuditItem.values}
    return {**data, **overrides}


def test_governance_draws_a_round_and_sees_its_people_recorded_as_one_list_read(
    client_as, gina, north, alice
):
    people = [in_treatment(north, alice) for _ in range(3)]
    client = client_as(gina)

    assert client.get(DRAW).status_code == 200
    response = client.post(DRAW, {"team": north.pk, "sample_size": "2"})

    round_ = AuditRound.objects.get()
    assert response.status_code == 302
    assert response.url == round_url(round_)
    assert round_.drawn_by == gina
    assert round_.people.count() == 2
    AccessEvent.objects.all().delete()

    content = client.get(round_url(round_)).content.decode()

    drawn = {a.service_user for a in round_.people.all()}
    assert all(p.display_name in content for p in drawn)
    assert not any(p.display_name in content for p in set(people) - drawn)
    event = AccessEvent.objects.get()
    assert event.kind == AccessKind.LIST
    assert event.object_ref == f"case-file audit {round_.external_id}"
    assert event.rows == 2


def test_a_bad_draw_is_refused_at_the_field_and_writes_nothing(client_as, gina, north):
    client = client_as(gina)
    response = client.post(DRAW, {"team": north.pk, "sample_size": "500"})
    assert response.status_code == 400
    assert "Audit at most 50 people in one round." in response.content.decode()
    response = client.post(DRAW, {"team": north.pk, "sample_size": "5"})
    assert response.status_code == 400
    assert "No one in this team is in treatment" in response.content.decode()
    assert not AuditRound.objects.exists()


def test_a_team_lead_audits_their_own_team_and_no_other(client_as, tess, north, south, gina):
    in_treatment(north)
    in_treatment(south)
    south_round = audit_round_draw(team=south, drawn_by=gina, sample_size=1)
    client = client_as(tess)

    response = client.post(DRAW, {"team": south.pk, "sample_size": "1"})
    assert response.status_code == 400
    assert "Choose one of the teams listed." in response.content.decode()
    assert client.post(DRAW, {"team": north.pk, "sample_size": "1"}).status_code == 302

    assert client.get(round_url(south_round)).status_code == 404
    assert client.get(person_url(south_round.people.get())).status_code == 404
    assert client.get(LIST, {"team": south.pk}).status_code == 404
    listed = client.get(LIST).content.decode()
    assert "South" not in listed
    assert "North" in listed


def test_keyworkers_and_commissioners_are_refused_every_audit_page(
    client_as, alice, cora, gina, north
):
    in_treatment(north, alice)
    round_ = audit_round_draw(team=north, drawn_by=gina, sample_size=1)
    urls = [LIST, DRAW, round_url(round_), person_url(round_.people.get())]
    for user in (alice, cora):
        client = client_as(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
    assert not AccessEvent.objects.filter(user__in=[alice, cora]).exists()


def test_a_person_no_longer_visible_is_404_and_left_off_the_round(client_as, tess, north, south):
    moved = in_treatment(north)
    stayed = in_treatment(north)
    round_ = audit_round_draw(team=north, drawn_by=tess, sample_size=2)
    moved.team = south
    moved.save()
    client = client_as(tess)

    content = client.get(round_url(round_)).content.decode()

    assert stayed.display_name in content
    assert moved.display_name not in content
    gone = round_.people.get(service_user=moved)
    assert client.get(person_url(gone)).status_code == 404


def test_the_checklist_shows_the_facts_takes_judgements_and_records_a_read_of_the_person(
    client_as, tess, north, alice
):
    person = in_treatment(north, alice)
    round_ = audit_round_draw(team=north, drawn_by=tess, sample_size=1)
    audited = round_.people.get()
    client = client_as(tess)
    AccessEvent.objects.all().delete()

    content = client.get(person_url(audited)).content.decode()

    assert "The record says: Not met." in content
    assert "No overdose risk assessment recorded." in content
    event = AccessEvent.objects.get()
    assert (event.kind, event.service_user) == (AccessKind.RECORD, person)

    refused = client.post(person_url(audited), all_agreed(top_judgement="disagree"))
    assert refused.status_code == 400
    assert "Say in a few words why you disagree" in refused.content.decode()
    assert not AuditCheck.objects.exclude(judgement="").exists()

    saved = client.post(
        person_url(audited), all_agreed(top_judgement="disagree", top_comment="TOP on paper.")
    )
    assert saved.status_code == 302
    round_.refresh_from_db()
    assert round_.is_completed
    top = AuditCheck.objects.get(audited=audited, item="top")
    assert (top.judgement, top.comment, top.judged_by) == ("disagree", "TOP on paper.", tess)

    # Completed: the checklist is read only, and a change is refused.
    frozen = client.get(person_url(audited)).content.decode()
    assert "Disagree: TOP on paper." in frozen
    assert 'type="radio"' not in frozen
    assert client.post(person_url(audited), all_agreed()).status_code == 400
    top.refresh_from_db()
    assert top.judgement == "disagree"


def test_results_by_team_give_shares_in_words_and_figures(client_as, gina, north, alice):
    in_treatment(north, alice)
    round_ = audit_round_draw(team=north, drawn_by=gina, sample_size=1)
    audit_checks_judge(
        audited=round_.people.get(),
        judged_by=gina,
        judgements={item: ("agree", "") for item in AuditItem.values},
    )
    client = client_as(gina)

    content = client.get(LIST, {"by": "month"}).content.decode()

    assert f"{days_ago(0):%B %Y}" in content
    assert "Overdose risk assessment in date" in content
    assert "0 of 1 (0%)" in content  # no assessment: not met
    assert "1 of 1 (100%)" in content  # and the auditor agreed
    assert "none to count" in content  # no children at home: not applicable
    quarter = client.get(LIST, {"by": "quarter"}).content.decode()
    assert f"{days_ago(0).year} Q{(days_ago(0).month - 1) // 3 + 1}" in quarter


@pytest.mark.parametrize("params", [{"team": "abc"}, {"team": "9" * 20}, {"by": "year"}])
def test_a_bad_query_parameter_is_400(client_as, gina, params):
    assert client_as(gina).get(LIST, params).status_code == 400


def test_the_list_reads_the_same_number_of_queries_however_many_rounds(
    client_as, gina, north, alice
):
    for _ in range(3):
        in_treatment(north, alice)
    client = client_as(gina)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    audit_round_draw(team=north, drawn_by=gina, sample_size=1)
    one = queries()
    for _ in range(4):
        round_ = audit_round_draw(team=north, drawn_by=gina, sample_size=3)
    for audited in round_.people.all():
        audit_checks_judge(
            audited=audited,
            judged_by=gina,
            judgements={item: ("agree", "") for item in AuditItem.values},
        )
    assert queries() == one


def test_a_rounds_pages_read_the_same_number_of_queries_for_5_people_as_for_30(
    client_as, gina, north, alice
):
    client = client_as(gina)

    def queries(round_) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(round_url(round_)).status_code == 200
            assert client.get(person_url(round_.people.first())).status_code == 200
        return len(captured)

    for _ in range(5):
        in_treatment(north, alice)
    small = audit_round_draw(team=north, drawn_by=gina, sample_size=5)
    for _ in range(25):
        in_treatment(north, alice)
    large = audit_round_draw(team=north, drawn_by=gina, sample_size=30)
    assert large.people.count() == 30

    queries(small)  # the session's first request
    assert queries(small) == queries(large)
