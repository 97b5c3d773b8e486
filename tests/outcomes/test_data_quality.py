"""The data quality page, on records worked out by hand.

North, in May and June 2026 (counted as on 1 December 2026):

    5 "fresh":    referred 01/05, started 08/05, start TOP 08/05 (next due 06/11)
    5 "overdue":  referred 01/05, started 08/05, no TOP (due 08/05): ethnicity and sex
                  not stated
    5 "completed": referred 05/01, started 12/01, start TOP 12/01, discharged 15/06 as a
                  successful completion, with no exit TOP
    5 prison releases of "fresh" people on 10/06, confirmed as happened

Nobody has a sexual orientation, religion or disability recorded (the factory's blank).

    June: open at the month's end 10, TOP overdue 5; in treatment 15, ethnicity and
          sex not stated 5 each, the other three 15; completions 5, no exit TOP 5;
          releases 5, not confirmed 0
    May:  open at the end 15 (the completed were still open), TOP overdue 5 (the
          completed's start TOPs are not due again until July); in treatment 15;
          completions 0; releases 0
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from outcomes.quality import QualityFilters, QualityInputError, data_quality
from tests.factories import (
    EpisodeFactory,
    EventFactory,
    ServiceUserFactory,
    TeamFactory,
    TopFactory,
    discharge_reason,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 1)
MAY, JUNE = D(2026, 5, 1), D(2026, 6, 1)


@pytest.fixture
def records(north):
    fresh = [ServiceUserFactory(team=north, ethnicity="A") for _ in range(5)]
    for who in fresh:
        run = EpisodeFactory(
            service_user=who, referral_date=D(2026, 5, 1), start_date=MAY.replace(day=8)
        )
        TopFactory(episode=run, top_date=D(2026, 5, 8))
        EventFactory(service_user=who, occurred_on=D(2026, 6, 10))
    for _ in range(5):
        who = ServiceUserFactory(team=north, ethnicity="Z", sex="U")
        EpisodeFactory(service_user=who, referral_date=D(2026, 5, 1), start_date=D(2026, 5, 8))
    for _ in range(5):
        who = ServiceUserFactory(team=north, ethnicity="A")
        run = EpisodeFactory(
            service_user=who,
            referral_date=D(2026, 1, 5),
            start_date=D(2026, 1, 12),
            discharge_date=D(2026, 6, 15),
            discharge_reason=discharge_reason("completed_drug_free"),
        )
        TopFactory(episode=run, top_date=D(2026, 1, 12))
    return north


def cells(result, item: str, team) -> list[tuple]:
    found = next(i for i in result["items"] if i["key"] == item)
    row = next(r for r in found["rows"] if r["team"] == team)
    return [(c["missing"], c["denominator"], c["share"]) for c in row["cells"]]


def test_each_item_is_counted_missing_of_its_denominator_by_team_and_month(records):
    result = data_quality(
        QualityFilters(first_month=MAY, last_month=JUNE, teams=frozenset({records.pk})),
        today=TODAY,
    )

    north = records.pk
    assert result["months"] == [MAY, JUNE]
    assert cells(result, "top_overdue", north) == [(5, 15, 33.3), (5, 10, 50.0)]
    assert cells(result, "ethnicity_not_stated", north) == [(5, 15, 33.3), (5, 15, 33.3)]
    assert cells(result, "sex_not_stated", north) == [(5, 15, 33.3), (5, 15, 33.3)]
    assert cells(result, "religion_missing", north) == [(15, 15, 100.0), (15, 15, 100.0)]
    assert cells(result, "exit_top_missing", north) == [(0, 0, None), (5, 5, 100.0)]
    assert cells(result, "release_not_confirmed", north) == [(0, 0, None), (0, 5, 0.0)]
    assert cells(result, "top_overdue", "all") == [(5, 15, 33.3), (5, 10, 50.0)]


def test_a_small_count_is_withheld_with_what_would_give_it_back(records, south):
    who = ServiceUserFactory(team=south)
    EpisodeFactory(service_user=who, referral_date=D(2026, 5, 1), start_date=D(2026, 5, 8))

    result = data_quality(QualityFilters(first_month=JUNE, last_month=JUNE), today=TODAY)

    # South's 1 of 1 is withheld; North's 5 of 10 too, or all teams' 6 of 11 would give
    # South's back.
    assert cells(result, "top_overdue", south.pk) == [(None, None, None)]
    assert cells(result, "top_overdue", records.pk) == [(None, None, None)]
    assert cells(result, "top_overdue", "all") == [(6, 11, 54.5)]


def test_months_and_teams_that_cannot_be_used_are_refused(north, south):
    with pytest.raises(QualityInputError) as backwards:
        QualityFilters(first_month=JUNE, last_month=MAY)
    with pytest.raises(QualityInputError) as outside:
        QualityFilters(
            first_month=MAY,
            last_month=JUNE,
            teams=frozenset({south.pk}),
            scope=frozenset({north.pk}),
        )

    assert "end" in backwards.value.errors
    assert "team" in outside.value.errors


# The page ------------------------------------------------------------------------------

PARAMS = {"start": "2026-05", "end": "2026-06"}
# The session, the user, the teams of the table and the form's list of teams: the rows
# are streamed in bulk by `core.frames`, beside the ORM, whatever the number of people.
PAGE_QUERIES = 4


def test_governance_reads_the_table_in_a_fixed_number_of_queries(
    records, client_as, gina, django_assert_num_queries
):
    client = client_as(gina)
    url = reverse("data_quality")
    client.get(url, PARAMS)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url, PARAMS)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="table-top_overdue"' in page
    assert "5 of 10" in page
    assert "TST-" not in page


def test_a_team_lead_sees_only_their_teams(records, south, client_as, tess):
    response = client_as(tess).get(reverse("data_quality"), PARAMS)

    assert response.status_code == 200
    page = response.content.decode()
    assert "North" in page
    assert "South" not in page


def test_the_download_is_the_same_table_without_identifiers(records, client_as, cora):
    response = client_as(cora).get(reverse("data_quality"), {**PARAMS, "download": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:4] == ["item", "item_label", "team", "month"]
    assert [
        "top_overdue",
        "TOP due and not recorded",
        "North",
        "2026-06",
        "5",
        "10",
        "50.0",
        "no",
    ] in lines
    assert "TST-" not in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "adam"])
def test_keyworkers_and_administrators_are_refused(records, client_as, request, who):
    response = client_as(request.getfixturevalue(who)).get(reverse("data_quality"), PARAMS)

    assert response.status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-13", "end": "2026-06"},
        {"start": "June", "end": "2026-06"},
        {"start": "2026-06", "end": "2026-05"},
        {"start": "2026-05", "end": "2099-01"},
        {"start": "2020-01", "end": "2026-06"},
        {**PARAMS, "team": "abc"},
        {**PARAMS, "team": "999999"},
        {**PARAMS, "download": "pdf"},
    ],
)
def test_a_bad_query_parameter_answers_400(records, client_as, gina, params):
    assert client_as(gina).get(reverse("data_quality"), params).status_code == 400


def test_a_team_lead_asking_for_another_team_gets_400(records, south, client_as, tess):
    response = client_as(tess).get(reverse("data_quality"), {**PARAMS, "team": str(south.pk)})

    assert response.status_code == 400


def team_rows(page: str) -> list[str]:
    """The team names heading the rows of the first table on the page."""
    table = page.split('id="table-top_overdue"')[1].split("</table>")[0]
    return [cell.split("</th>")[0] for cell in table.split('<th scope="row">')[1:]]


def test_a_page_shows_its_teams_beside_all_teams_and_the_download_every_team(
    records, client_as, gina
):
    more = [TeamFactory(name=f"Team {n:02}") for n in range(30)]
    client = client_as(gina)

    first = client.get(reverse("data_quality"), PARAMS).content.decode()
    second = client.get(reverse("data_quality"), {**PARAMS, "page": "2"}).content.decode()
    download = client.get(reverse("data_quality"), {**PARAMS, "page": "2", "download": "csv"})

    names = sorted([records.name, *(team.name for team in more)])
    assert team_rows(first) == [*names[:25], "All teams"]
    assert team_rows(second) == [*names[25:], "All teams"]
    assert "Teams 26 to 31 of 31" in second
    assert "5 of 10" in first.split("All teams")[1]
    listed = {line[2] for line in csv.reader(io.StringIO(download.content.decode()))}
    assert listed == {"team", *names, "All teams"}


def test_a_page_number_that_is_not_one_shows_the_first_or_last_page(records, client_as, gina):
    client = client_as(gina)

    for page in ("x", "0", "99"):
        response = client.get(reverse("data_quality"), {**PARAMS, "page": page})
        assert response.status_code == 200
        assert team_rows(response.content.decode()) == [records.name, "All teams"]
