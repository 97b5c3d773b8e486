"""The extracts: allow-listed fields only, consent, filters, JSON pages and CSV alike."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import LocalAuthority, Substance
from tests.commissioning.conftest import (
    as_csv_cell,
    csv_rows,
    csv_text,
    extract_url,
    json_rows,
)
from tests.commissioning.test_access import EXTRACTS
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def identifiers(person) -> list[str]:
    """What must never appear in any extract: every direct identifier of the person."""
    values = [
        person.first_name,
        person.last_name,
        person.client_ref,
        str(person.external_id),
        person.date_of_birth.isoformat(),
        person.date_of_birth.strftime("%d/%m/%Y"),
        person.nhs_number,
        person.postcode,
        person.phone,
        person.address,
    ]
    return [v for v in values if v]


@pytest.mark.parametrize("name", EXTRACTS)
def test_no_identifier_appears_in_any_response(cora_api, records, name):
    jo = records["jo"]
    bodies = [cora_api.get(extract_url(name)).content.decode(), csv_text(cora_api, name)]
    episode_ids = [str(e.external_id) for e in jo.episodes.all()]

    for body in bodies:
        for value in [*identifiers(jo), *identifiers(records["sam"]), *episode_ids]:
            assert value not in body, (name, value)
        assert "Spoke to" not in body  # outreach notes
        assert "Released from prison" not in body  # a flag's worded summary


@pytest.mark.parametrize("name", EXTRACTS)
def test_csv_and_json_give_the_same_rows(cora_api, records, name):
    from_json = [{k: as_csv_cell(v) for k, v in row.items()} for row in json_rows(cora_api, name)]

    from_csv = csv_rows(cora_api, name)

    assert from_csv == from_json
    assert len(from_csv) == 3


@pytest.mark.parametrize("name", EXTRACTS)
def test_json_pages_cover_every_row_once(cora_api, records, name):
    one_by_one = json_rows(cora_api, name, page_size=1)

    assert one_by_one == json_rows(cora_api, name)


def test_a_person_without_consent_gives_only_the_minimal_fields(cora_api, records):
    rows = {row["consent_to_share"]: row for row in json_rows(cora_api, "people")}
    unasked, consented = rows[None], rows[True]

    assert consented["age_band"] == "35-44"
    assert consented["ethnicity"] is not None
    for field in ("age_band", "ethnicity", "nationality"):
        assert unasked[field] is None, field
    for field in ("person", "sex", "local_authority", "team", "in_treatment"):
        assert unasked[field] is not None, field


def test_a_person_who_refused_consent_is_treated_as_unasked(cora_api, records):
    una = records["una"]
    una.consent_to_ndtms = False
    una.save()

    refused = next(r for r in json_rows(cora_api, "people") if r["consent_to_share"] is False)

    assert refused["age_band"] is None


def test_without_consent_personal_circumstances_are_withheld_but_treatment_is_sent(
    cora_api, records
):
    records["una"].episodes.update(pregnant=True, parental_status=True, age_first_use=15)
    records["jo"].episodes.update(pregnant=False, parental_status=True, age_first_use=16)

    rows = json_rows(cora_api, "episodes")
    by_age = {row["age_first_use"]: row for row in rows}

    assert 16 in by_age
    assert 15 not in by_age
    unasked = by_age[None]
    assert unasked["pregnant"] is None
    assert unasked["parental_status"] is None
    assert unasked["referral_date"] is not None
    assert unasked["substance_1"] == "heroin"


def test_the_period_keeps_records_dated_or_open_in_it(cora_api, records):
    jo = records["jo"]
    old = jo.episodes.get()
    old.discharge_date = days_ago(100)
    old.discharge_reason_id = 1
    old.save()

    in_period = json_rows(cora_api, "episodes", **{"from": days_ago(150), "to": days_ago(120)})
    after = json_rows(cora_api, "episodes", **{"from": days_ago(50)})

    assert len(in_period) == 3
    assert len(after) == 2
    assert len(json_rows(cora_api, "naloxone_supplies", to=days_ago(31))) == 0
    assert len(json_rows(cora_api, "naloxone_supplies", **{"from": days_ago(30)})) == 3


def test_the_age_band_is_given_on_the_last_day_of_the_period(cora_api, records):
    jo = records["jo"]
    jo.date_of_birth = datetime.date(2000, 6, 15)
    jo.save()
    jo.episodes.update(referral_date=datetime.date(2024, 1, 1))  # in treatment in June 2025

    def band(day):
        rows = json_rows(cora_api, "people", to=day)
        return {r["age_band"] for r in rows if r["consent_to_share"]}

    assert "18-24" in band(datetime.date(2025, 6, 14))
    assert "25-34" in band(datetime.date(2025, 6, 15))


def test_the_team_filter_narrows_to_a_team(cora_api, records, north, south):
    assert len(json_rows(cora_api, "people", team=south.pk)) == 1
    assert len(json_rows(cora_api, "people", team=f"{north.pk},{south.pk}")) == 3


def test_the_local_authority_filter_takes_ons_codes(cora_api, records):
    elsewhere = LocalAuthority.objects.order_by("code")[1]
    sam = records["sam"]
    sam.local_authority = elsewhere
    sam.save()

    rows = json_rows(cora_api, "people", local_authority=elsewhere.code.lower())

    assert [r["local_authority"] for r in rows] == [elsewhere.code]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "01/04/2026"}, "from", "Enter a date as YYYY-MM-DD"),
        ({"to": "2026-02-30"}, "to", "Enter a date as YYYY-MM-DD"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "to", "ends before it starts"),
        ({"team": "north"}, "team", "valid integer"),
        ({"team": "999999"}, "team", "No team has the id 999999"),
        ({"local_authority": "X99999999"}, "local_authority", "No local authority has the code"),
        ({"page_size": "0"}, "page_size", "greater than or equal to 1"),
        ({"page_size": "5000"}, "page_size", "less than or equal to 1000"),
        ({"cursor": "not-a-cursor"}, "cursor", "not valid or has expired"),
        ({"tema": "1"}, "tema", "Unknown query parameter tema"),
        ({"segment": "sex"}, "segment", "Unknown query parameter segment"),
    ],
)
def test_a_bad_parameter_gets_a_400_naming_it(cora_api, records, params, field, message):
    response = cora_api.get(extract_url("people"), params)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    assert message in " ".join(str(m) for m in errors[field])


def test_a_bad_parameter_on_a_csv_request_is_answered_in_json(cora_api, records):
    response = cora_api.get(extract_url("people"), {"format": "csv", "from": "yesterday"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_a_json_page_holds_the_default_page_size_unless_one_is_given(
    cora_api, records, monkeypatch
):
    from commissioning.api.pagination import ExtractPagination

    monkeypatch.setattr(ExtractPagination, "page_size", 2)
    default = cora_api.get(extract_url("people")).json()
    given = cora_api.get(extract_url("people"), {"page_size": 1}).json()

    assert len(default["results"]) == 2
    assert default["next"] is not None
    assert len(given["results"]) == 1


def test_a_cursor_cannot_be_read_or_forged(cora_api, records):
    page = cora_api.get(extract_url("people"), {"page_size": 1}).json()
    cursor = page["next"].split("cursor=")[1].split("&")[0]

    for person in records.values():
        assert str(person.external_id) not in cursor
    tampered = cursor[:-4] + ("AAAA" if not cursor.endswith("AAAA") else "BBBB")
    response = cora_api.get(extract_url("people"), {"cursor": tampered})
    assert response.status_code == 400


def test_text_that_a_spreadsheet_would_run_is_escaped_in_csv_only(cora_api, records):
    heroin = Substance.objects.get(code="heroin")
    heroin.code = '=HYPERLINK("http://x")'
    heroin.save()
    local = records["jo"].local_authority
    local.code = "+1-2"
    local.save()

    cells = {row["substance_1"] for row in csv_rows(cora_api, "episodes")}
    authorities = {row["local_authority"] for row in csv_rows(cora_api, "people")}
    from_json = {row["substance_1"] for row in json_rows(cora_api, "episodes")}

    assert cells == {'\'=HYPERLINK("http://x")'}
    assert authorities == {"'+1-2"}
    assert from_json == {'=HYPERLINK("http://x")'}


def test_numbers_and_dates_are_not_escaped(cora_api, records):
    row = csv_rows(cora_api, "interventions")[0]

    assert row["daily_dose_mg"] == "60.0"
    assert row["start_date"] == days_ago(190).isoformat()


def test_the_csv_is_an_attachment_named_after_the_extract(cora_api, records):
    response = cora_api.get(extract_url("flags"), {"format": "csv"})

    assert response["Content-Disposition"].startswith('attachment; filename="lantern-flags-')
    b"".join(response.streaming_content)


def test_accept_text_csv_also_gives_csv(cora_api, records):
    response = cora_api.get(extract_url("people"), headers={"Accept": "text/csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert b"".join(response.streaming_content).startswith(b"person,consent_to_share,")


def test_a_json_page_takes_the_same_number_of_queries_for_few_or_many_rows(cora_api, records):
    def page_queries() -> tuple[int, int]:
        """(queries, rows) of one JSON page of the people extract."""
        with CaptureQueriesContext(connection) as queries:
            response = cora_api.get(extract_url("people"), {"page_size": 50})
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    page_queries()  # the token's use is recorded at most once a minute: the first call pays it
    few, few_rows = page_queries()
    for _ in range(30):
        ServiceUserFactory(team=records["jo"].team)
    many, many_rows = page_queries()

    assert (few_rows, many_rows) == (3, 33)
    assert few == many
    assert many <= 8
