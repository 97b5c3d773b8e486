"""The NDTMS extract: its pre-submission checks, consent, scope and access.

The file's own layout, round trip and consent reduction are in tests/exchange/ndtms/."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import DischargeReason, ServiceUser
from exchange.ndtms import ndtms_problems, read_submission, submission_chunks
from tests.factories import EpisodeFactory, ServiceUserFactory, TopFactory, days_ago

pytestmark = pytest.mark.django_db

START, END = days_ago(400), days_ago(1)


def extract_rows(**kwargs) -> list[dict]:
    text = b"".join(submission_chunks(start=START, end=END, **kwargs)).decode()
    return read_submission(text)


def checks_for(person: ServiceUser, team_ids=None) -> list[str]:
    found = ndtms_problems(start=START, end=END, team_ids=team_ids)
    return [p.message for p in found.problems if p.client_ref == person.client_ref]


def test_a_complete_record_has_no_problems(jo):
    EpisodeFactory(service_user=jo)

    assert checks_for(jo) == []


def test_it_lists_missing_initials_sex_and_consent_with_a_link_to_fix_them(jo):
    ServiceUser.objects.filter(pk=jo.pk).update(first_name=" ", sex="", consent_to_ndtms=None)
    EpisodeFactory(service_user=jo)

    found = ndtms_problems(start=START, end=END)

    assert sorted(p.message for p in found.problems) == [
        "Consent to NDTMS sharing is not recorded: ask, then record it (until then only the minimal fields are sent).",
        "First or last name is missing, so the initials are.",
        "Sex is missing.",
    ]
    assert {p.url for p in found.problems} == {reverse("person_detail", args=[jo.external_id])}
    assert found.problem_count == 3


def test_a_date_of_birth_after_the_referral_is_a_problem(jo):
    episode = EpisodeFactory(service_user=jo)
    ServiceUser.objects.filter(pk=jo.pk).update(
        date_of_birth=episode.referral_date + datetime.timedelta(days=1)
    )

    assert checks_for(jo) == [
        f"Date of birth {episode.referral_date + datetime.timedelta(days=1):%d/%m/%Y} is not "
        f"before the referral on {episode.referral_date:%d/%m/%Y}."
    ]


def test_episodes_outside_the_period_are_not_checked_or_sent(jo):
    EpisodeFactory(
        service_user=jo,
        referral_date=days_ago(900),
        discharge_date=days_ago(800),
        discharge_reason=DischargeReason.objects.first(),
    )
    ServiceUser.objects.filter(pk=jo.pk).update(consent_to_ndtms=None)

    assert checks_for(jo) == []
    assert extract_rows() == []


def test_consenting_people_are_sent_with_their_initials_and_tops(jo):
    episode = EpisodeFactory(service_user=jo)
    TopFactory(episode=episode, opiuse=12, sharing=False)

    (row,) = extract_rows()

    assert row["FINITIAL"] + row["SINITIAL"] == "JB"
    assert row["DOB"] == jo.date_of_birth.isoformat()
    assert row["DRUG1"] == "1011"
    assert (row["TRSTAGE"], row["OPIUSE"], row["SHARING"]) == ("S", "12", "N")
    assert "Bloggs" not in str(row)


@pytest.mark.parametrize("consent", [False, None])
def test_people_without_consent_are_reduced_to_the_minimal_fields(jo, consent):
    ServiceUser.objects.filter(pk=jo.pk).update(consent_to_ndtms=consent, ethnicity="A")
    EpisodeFactory(service_user=jo)

    (row,) = extract_rows()

    assert (row["CLIENTID"], row["CONSENT"]) == (jo.client_ref, "N")
    assert (row["FINITIAL"], row["SINITIAL"], row["DOB"], row["SEX"], row["ETHNIC"]) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert row["REFLD"] == ""


def test_a_team_lead_checks_and_extracts_only_their_teams_people(client_as, tess, jo, south):
    EpisodeFactory(service_user=jo)
    other = ServiceUserFactory(team=south, consent_to_ndtms=None)
    EpisodeFactory(service_user=other)
    client = client_as(tess)
    period = {"start": START.isoformat(), "end": END.isoformat()}

    page = client.get(reverse("ndtms_extract"), period)
    download = client.get(reverse("ndtms_download"), period)

    assert page.status_code == 200
    assert page.context["check"].people == 1
    assert page.context["check"].problem_count == 0
    body = b"".join(download.streaming_content).decode()
    code = jo.team.service.code
    assert download["Content-Disposition"] == (
        f'attachment; filename="{code}-{START:%Y%m%d}-{END:%Y%m%d}-TREAT-IN-K.csv"'
    )
    assert jo.client_ref in body
    assert other.client_ref not in body


def test_an_administrator_checks_the_whole_service(client_as, adam, jo, south):
    other = ServiceUserFactory(team=south, consent_to_ndtms=None)
    EpisodeFactory(service_user=jo)
    EpisodeFactory(service_user=other)

    page = client_as(adam).get(
        reverse("ndtms_extract"), {"start": START.isoformat(), "end": END.isoformat()}
    )

    assert page.context["check"].people == 2
    assert reverse("person_detail", args=[other.external_id]).encode() in page.content


@pytest.mark.parametrize("who", ["alice", "gina", "cora"])
def test_other_roles_may_not_extract(request, client_as, who):
    client = client_as(request.getfixturevalue(who))

    assert client.get(reverse("ndtms_extract")).status_code == 403
    assert client.get(reverse("ndtms_download")).status_code == 403


def test_the_command_writes_the_file_and_lists_problems(jo, tmp_path):
    EpisodeFactory(service_user=jo)
    ServiceUser.objects.filter(pk=jo.pk).update(consent_to_ndtms=None)
    target = tmp_path / "ndtms.csv"
    err = io.StringIO()

    with pytest.raises(SystemExit):
        call_command(
            "ndtms_extract",
            "--start",
            START.isoformat(),
            "--end",
            END.isoformat(),
            "--output",
            str(target),
            stderr=err,
        )

    assert "Consent to NDTMS sharing is not recorded" in err.getvalue()
    assert f"/people/{jo.external_id}/" in err.getvalue()
    assert target.read_text().startswith('"FINITIAL","SINITIAL"')


def test_the_download_tells_the_page_it_has_started(client_as, tess, jo):
    period = {"start": START.isoformat(), "end": END.isoformat()}
    client = client_as(tess)

    marked = client.get(reverse("ndtms_download"), {**period, "download_token": "abc123"})
    unmarked = client.get(reverse("ndtms_download"), {**period, "download_token": "a;b=c"})

    assert marked.cookies["lantern_download"].value == "abc123"
    assert marked.cookies["lantern_download"]["samesite"] == "Strict"
    assert "lantern_download" not in unmarked.cookies
