"""The care record's extracts: no free text ever, the same pseudonyms, the same scope."""

import re

import pytest
from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import models

from care import services as care
from commissioning.extracts.base import ExtractField
from commissioning.extracts.care import (
    BBV_TESTS,
    CARE_EXTRACTS,
    PLAN_GOALS,
    RISK_ASSESSMENTS,
    SAFEGUARDING,
)
from commissioning.models import ApiRequestLog
from tests.care.factories import SECRET, care_history
from tests.commissioning.conftest import csv_rows, csv_text, extract_url, json_rows
from tests.commissioning.test_extracts import identifiers
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db

NAMES = [extract.name for extract in CARE_EXTRACTS]


@pytest.fixture
def care_records(north, south, alice, bob):
    """jo (North, consented), una (North, consent not recorded), sam (South, consented),
    each with a whole care record; and an anonymous needle exchange contact in North."""
    jo = ServiceUserFactory(team=north, keyworker=alice, first_name="Jo", consent_to_ndtms=True)
    una = ServiceUserFactory(team=north, keyworker=alice, first_name="Una", consent_to_ndtms=None)
    sam = ServiceUserFactory(team=south, keyworker=bob, first_name="Sam", consent_to_ndtms=True)
    for person, worker in ((jo, alice), (una, alice), (sam, bob)):
        care_history(person, worker)
    care.nsp_contact_record(team=north, recorded_by=alice, contact_on=days_ago(2), foil=5)
    return {"jo": jo, "una": una, "sam": sam}


# --- The allow-list: no field reads free text ----------------------------------------------

_TABLE_ALIAS = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)\s+(\w+)", re.IGNORECASE)
_COLUMN = re.compile(r"\b([a-z]\w*)\.([a-z]\w*)\b")


def _models_by_table() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model in apps.get_models()}


def _is_free_text(field: models.Field) -> bool:
    if isinstance(field, ArrayField):
        return _is_free_text(field.base_field)
    if isinstance(field, models.TextField):
        return True
    return isinstance(field, models.CharField) and not field.choices


def free_text_read(source: str, field: ExtractField) -> list[str]:
    """The free-text columns (`table.column`) a field's SQL reads; fails on a column it
    cannot place, so a new alias or column is looked at rather than let through."""
    tables = _models_by_table()
    aliases = {
        alias: tables[table]
        for table, alias in _TABLE_ALIAS.findall(f"FROM {source} {field.sql}")
        if table in tables
    }
    found = []
    for alias, column in _COLUMN.findall(field.sql):
        model = aliases.get(alias)
        assert model is not None, f"{field.name}: no table for {alias}.{column}"
        by_column = {f.column: f for f in model._meta.concrete_fields}
        assert column in by_column, f"{field.name}: {model._meta.db_table} has no {column}"
        if _is_free_text(by_column[column]):
            found.append(f"{model._meta.db_table}.{column}")
    return found


@pytest.mark.parametrize("extract", CARE_EXTRACTS, ids=NAMES)
def test_no_field_of_a_care_extract_reads_free_text(extract):
    for field in extract.fields:
        assert free_text_read(extract.source, field) == [], field.name


@pytest.mark.parametrize(
    ("extract", "column", "read"),
    [
        (PLAN_GOALS, "g.what", "care_plangoal.what"),
        (PLAN_GOALS, "g.who_helps", "care_plangoal.who_helps"),
        (RISK_ASSESSMENTS, "ra.own_view", "care_riskassessment.own_view"),
        (RISK_ASSESSMENTS, "ra.plan_contacts", "care_riskassessment.plan_contacts"),
        (BBV_TESTS, "su.first_name", "cases_serviceuser.first_name"),
        (
            SAFEGUARDING,
            "(SELECT max(sc.note) FROM care_safeguardingconcern sc)",
            "care_safeguardingconcern.note",
        ),
    ],
)
def test_the_allow_list_check_catches_a_free_text_field_added(extract, column, read):
    added = ExtractField("added", column, "string", "A field someone added.", True)

    assert free_text_read(extract.source, added) == [read]


@pytest.mark.parametrize("name", NAMES)
def test_no_free_text_or_identifier_appears_in_any_care_extract(cora_api, care_records, name):
    bodies = [cora_api.get(extract_url(name)).content.decode(), csv_text(cora_api, name)]

    for body in bodies:
        assert SECRET not in body, name
        for person in care_records.values():
            for value in identifiers(person):
                assert value not in body, (name, value)


# --- Scope, pseudonyms, access and the request log -----------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_commissioner_receives_everyone_under_the_pseudonyms_of_the_other_extracts(
    cora_api, care_records, name
):
    people = {row["person"] for row in json_rows(cora_api, "people")}

    received = {row["person"] for row in json_rows(cora_api, name)}

    assert len(received) == 3
    assert received == people


@pytest.mark.parametrize("name", NAMES)
def test_a_keyworker_receives_only_their_teams_people(api_as, alice, bob, care_records, name):
    north = {row["person"] for row in json_rows(api_as(alice), "people")}
    south = {row["person"] for row in json_rows(api_as(bob), "people")}

    assert {row["person"] for row in json_rows(api_as(alice), name)} == north
    assert {row["person"] for row in json_rows(api_as(bob), name)} == south
    assert len(north) == 2
    assert len(south) == 1


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_callers_get_401_and_an_administrator_403(client, api_as, adam, name):
    assert client.get(extract_url(name)).status_code == 401
    assert api_as(adam).get(extract_url(name)).status_code == 403


@pytest.mark.parametrize("name", NAMES)
def test_csv_and_json_give_the_same_rows_and_each_request_is_logged(cora_api, care_records, name):
    from tests.commissioning.conftest import as_csv_cell

    from_json = [{k: as_csv_cell(v) for k, v in row.items()} for row in json_rows(cora_api, name)]

    assert csv_rows(cora_api, name) == from_json
    logged = ApiRequestLog.objects.filter(extract=name).order_by("at")
    assert [entry.format for entry in logged] == ["json", "csv"]
    assert logged.last().rows == len(from_json)


# --- What the rows hold, worked by hand ----------------------------------------------------


def _row_of(rows: list[dict], cora_api, person) -> dict:
    mine = [row for row in rows if row["person"] in _pseudonyms_of(cora_api, person)]
    assert len(mine) == 1
    return mine[0]


def _pseudonyms_of(cora_api, person) -> set[str]:
    from commissioning.extracts.base import pseudonym, pseudonym_key
    from commissioning.models import ApiClient

    client = ApiClient.objects.get(name="North Commissioning")
    return {pseudonym("person", person.external_id, pseudonym_key(client))}


def test_a_care_plan_row_counts_its_goals_and_reviews(cora_api, care_records):
    row = _row_of(json_rows(cora_api, "care_plans"), cora_api, care_records["jo"])

    assert row["agreed_on"] == days_ago(60).isoformat()
    assert row["agreed_how"] == "in_person"
    assert (row["goals_open"], row["goals_achieved"], row["goals_not_relevant"]) == (1, 1, 0)
    assert row["reviews"] == 1
    assert row["last_reviewed_on"] == days_ago(10).isoformat()
    assert row["review_in_date"] is True
    assert row["replaced_on"] is None


def test_a_goal_row_has_its_domain_and_state_never_its_words(cora_api, care_records):
    rows = [
        row
        for row in json_rows(cora_api, "plan_goals")
        if row["person"] in _pseudonyms_of(cora_api, care_records["jo"])
    ]

    assert sorted((r["domain"], r["state"], r["closed_at_review"]) for r in rows) == [
        ("housing", "open", False),
        ("money", "achieved", True),
    ]
    assert set(rows[0]) == {
        "goal",
        "care_plan",
        "person",
        "domain",
        "by_when",
        "state",
        "state_on",
        "closed_at_review",
        "contacts",
    }


def test_safeguarding_is_counts_and_flags_and_withheld_without_consent(cora_api, care_records):
    rows = json_rows(cora_api, "safeguarding")
    jo = _row_of(rows, cora_api, care_records["jo"])
    una = _row_of(rows, cora_api, care_records["una"])

    assert jo["children_living_with"] == 1
    assert jo["children_in_contact"] == 1
    assert jo["children_on_protection_plans"] == 1
    assert jo["locked_box_given"] is True
    assert jo["storage_discussed"] is None
    assert jo["supervised_consumption"] is True
    assert (jo["protection_referrals"], jo["protection_referrals_open"]) == (1, 1)
    assert jo["domestic_abuse_concerns_open"] == 1
    assert jo["exploitation_concerns_open"] == 0
    assert all(value is None for key, value in una.items() if key != "person")


def test_a_test_sends_its_offer_for_everyone_and_its_result_only_with_consent(
    cora_api, care_records
):
    rows = json_rows(cora_api, "bbv_tests")
    jo = _row_of(rows, cora_api, care_records["jo"])
    una = _row_of(rows, cora_api, care_records["una"])

    assert (jo["virus"], jo["result"], jo["treatment_referred_on"]) == (
        "hcv_rna",
        "positive",
        days_ago(25).isoformat(),
    )
    assert (una["virus"], una["accepted"], una["tested_on"]) == (
        "hcv_rna",
        True,
        days_ago(38).isoformat(),
    )
    assert una["result"] is None
    assert una["treatment_referred_on"] is None


def test_a_risk_assessment_sends_answers_never_details(cora_api, care_records):
    jo = _row_of(json_rows(cora_api, "risk_assessments"), cora_api, care_records["jo"])

    assert jo["uses_alone"] == "yes"
    assert jo["judgement"] == "medium"
    assert jo["plan_steps"] == "not_alone"
    assert not any(key.endswith("_detail") for key in jo)
    assert "own_view" not in jo
    assert "plan_contacts" not in jo


def test_anonymous_needle_exchange_contacts_are_not_in_the_extract(cora_api, care_records):
    rows = json_rows(cora_api, "nsp_contacts")

    assert len(rows) == 3
    assert all(row["person"] for row in rows)
    assert {row["needles_syringes"] for row in rows} == {10}


def test_the_period_keeps_care_records_dated_in_it(cora_api, care_records):
    recent = {"from": days_ago(4).isoformat(), "to": days_ago(0).isoformat()}

    assert len(json_rows(cora_api, "health_checks", **recent)) == 3
    assert json_rows(cora_api, "hep_b_vaccinations", **recent) == []
    assert len(json_rows(cora_api, "care_plans", **recent)) == 3
