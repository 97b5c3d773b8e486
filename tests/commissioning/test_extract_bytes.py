"""The CSV extract's fast path gives, byte for byte, what the old way gave.

`tests.commissioning.extract_reference` keeps the old SQL and relay. Both are
run here over a population whose text cells hold what a CSV writer or a
spreadsheet finds awkward (commas, quotes, line breaks, formula starts,
unicode, empty strings), with people whose cells are withheld for want of
consent, through the API view and with filters, and with a parallel plan forced. The
JSON pages and the age band are compared with the old SQL too.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connection, transaction

from cases.ages import age_band_sql
from commissioning.api.auth import audience_for
from commissioning.extracts import base as extracts
from commissioning.extracts.base import ApiFilters, ExtractField, csv_chunks
from commissioning.urls import EXTRACTS as ALL_EXTRACTS
from tests.care.factories import care_history
from tests.commissioning.conftest import extract_url, full_history
from tests.commissioning.extract_reference import (
    old_age_band_sql,
    old_select_sql,
    reference_csv,
)
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db

EXTRACTS = {e.name: e for e in ALL_EXTRACTS}

AWKWARD = ["=1+2", "+4", "-x", "@sum", "\tx", "\rx", "a,b", 'say "hi"', "two\nlines", "ünï"]
# Single characters, for the columns that hold one.
AWKWARD_CHARACTERS = ["=", "+", "-", "@", "\t", "\r", ",", '"', "\n", "é", ""]

TEXT_COLUMNS = {
    "cases_serviceuser": ["sex", "ethnicity", "nationality"],
    "cases_localauthority": ["code"],
    "cases_treatmentepisode": [
        "referral_source",
        "route",
        "injecting_status",
        "accommodation_need",
        "employment_status",
    ],
    "cases_substance": ["code"],
    "cases_dischargereason": ["code"],
    "cases_intervention": ["kind", "setting", "exit_status", "intention", "medicine"],
    "cases_naloxonesupply": ["recipient", "formulation", "supply_type", "repeat_reason", "setting"],
    "outcomes_topassessment": ["stage"],
    "risk_flag": ["tier", "status", "end_reason"],
    "risk_outreachattempt": ["method", "outcome", "removal_reason"],
}


def _try(statement: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError:  # too long for the column, or refused by a constraint
        return False
    return True


def make_awkward() -> None:
    """Write awkward values into every text column an extract reads, row by row,
    each the first of the list (from a different start per row) that the column takes."""
    with connection.cursor() as cursor:
        for table, columns in TEXT_COLUMNS.items():
            cursor.execute(f"SELECT id FROM {table} ORDER BY id")
            ids = [row[0] for row in cursor.fetchall()]
            for column in columns:
                for n, pk in enumerate(ids):
                    for values in (AWKWARD, AWKWARD_CHARACTERS):
                        shifted = values[n % len(values) :] + values[: n % len(values)]
                        if any(
                            _try(f"UPDATE {table} SET {column} = %s WHERE id = %s", [v, pk])
                            for v in shifted
                        ):
                            break
    _try(
        "UPDATE risk_flag SET rule_codes = %s WHERE id = (SELECT min(id) FROM risk_flag)",
        [["=a", "b,c", 'd"e', "f\ng"]],
    )


@pytest.fixture
def awkward_records(records, north, alice):
    refused = ServiceUserFactory(team=north, keyworker=alice, consent_to_ndtms=False)
    full_history(refused, recorded_by=alice)
    consented = [
        ServiceUserFactory(team=north, keyworker=alice, consent_to_ndtms=True) for _ in range(12)
    ]
    # A care record for someone who refused and two who consented: every extract, the care
    # record's among them, then has rows to compare, some withheld for want of consent.
    for person in (refused, *consented[:2]):
        care_history(person, alice)
    make_awkward()
    return records


def test_the_awkward_values_are_there_to_be_written(cora_api, awkward_records):
    # Without them the comparisons below would prove little.
    body = b"".join(
        chunk
        for name in EXTRACTS
        for chunk in cora_api.get(extract_url(name), {"format": "csv"}).streaming_content
    )
    for expected in (b"'=", b"'@", b"'-", b'"a,b"', b'"say ""hi"""', b',"",'):
        assert expected in body, expected
    assert "ünï".encode() in body
    assert b'"two\nlines"' in body or b'"\n"' in body


@pytest.mark.parametrize("name", list(EXTRACTS))
@pytest.mark.parametrize(
    "filters",
    [ApiFilters(), ApiFilters(start=days_ago(250), end=days_ago(0))],
    ids=["everything", "a period"],
)
def test_the_fast_csv_is_byte_identical_to_the_old_one(
    cora, cora_token, awkward_records, monkeypatch, name, filters
):
    extract = EXTRACTS[name]
    audience = audience_for(SimpleNamespace(user=cora, auth=cora_token[0]))
    monkeypatch.setattr(extracts, "CSV_CHUNK_BYTES", 300)  # many chunks, and a short last one

    fast = b"".join(csv_chunks(extract, audience, filters))

    assert audience.people_sql == ""  # the whole service, tested one by one the old way

    assert fast == reference_csv(extract, audience, filters)
    assert fast.count(b"\n") > 2


@pytest.mark.parametrize("name", list(EXTRACTS))
def test_the_api_streams_the_same_bytes_as_the_old_way(
    cora, cora_token, cora_api, awkward_records, name
):
    audience = audience_for(SimpleNamespace(user=cora, auth=cora_token[0]))

    response = cora_api.get(extract_url(name), {"format": "csv"})

    assert b"".join(response.streaming_content) == reference_csv(
        EXTRACTS[name], audience, ApiFilters()
    )


def _parallel_plan(statement: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + statement.removeprefix("COPY (").rsplit(") TO STDOUT", 1)[0])
        return "\n".join(row[0] for row in cursor.fetchall())


FORCE_PARALLEL = (
    "SET LOCAL parallel_setup_cost = 0",
    "SET LOCAL parallel_tuple_cost = 0",
    "SET LOCAL min_parallel_table_scan_size = 0",
    "SET LOCAL min_parallel_index_scan_size = 0",
    "SET LOCAL max_parallel_workers_per_gather = 2",
    # An index in key order would spare the sort, and over a few rows the planner takes it.
    "SET LOCAL enable_indexscan = off",
    "SET LOCAL enable_indexonlyscan = off",
    "SET LOCAL enable_bitmapscan = off",
)


@pytest.mark.parametrize("name", list(EXTRACTS))
@pytest.mark.parametrize(
    "filters",
    [ApiFilters(), ApiFilters(start=days_ago(250), end=days_ago(0))],
    ids=["everything", "a period"],
)
def test_parallel_workers_write_the_same_bytes(cora, cora_token, awkward_records, name, filters):
    # At national scale PostgreSQL shares the rows out among parallel workers and merges
    # their sorted rows; here the tables are small, so the plan is forced.
    extract = EXTRACTS[name]
    audience = audience_for(SimpleNamespace(user=cora, auth=cora_token[0]))
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Statistics of this test's own rows, not whatever an earlier test left behind.
            cursor.execute("ANALYZE")
            for setting in FORCE_PARALLEL:
                cursor.execute(setting)
        plan = _parallel_plan(extracts.copy_sql(extract, audience, filters))
        fast = b"".join(csv_chunks(extract, audience, filters))

    if name == "people" and filters == ApiFilters():
        # The case the benchmark measures (workers sort and a Gather Merge joins their rows
        # at national scale); over a test's few rows the planner may gather first and sort
        # after, which is parallel all the same.
        assert "Gather" in plan, plan
    assert fast == reference_csv(extract, audience, filters)


@pytest.mark.parametrize("name", list(EXTRACTS))
def test_json_pages_give_the_rows_the_old_sql_gave(cora, cora_token, awkward_records, name):
    extract = EXTRACTS[name]
    audience = audience_for(SimpleNamespace(user=cora, auth=cora_token[0]))
    filters = ApiFilters(start=days_ago(250), end=days_ago(0))
    with connection.cursor() as cursor:
        cursor.execute(old_select_sql(extract, audience, filters))
        old = cursor.fetchall()

    rows, after = extracts.page_rows(extract, audience, filters, after=None, size=len(old) + 1)

    assert after is None
    assert [tuple(row.values()) for row in rows] == [row[:-1] for row in old]
    assert len(rows) > 2


def test_the_age_band_is_the_one_age_gave_for_every_birthday_and_day():
    # Every date of birth over a century against days around the turn of a year and each
    # 28 and 29 February, leap years and others: the dates compared must be those age() counts.
    days = [
        datetime.date(2024, 2, 28),
        datetime.date(2024, 2, 29),
        datetime.date(2024, 3, 1),
        datetime.date(2025, 2, 28),
        datetime.date(2025, 3, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
        datetime.date(2028, 2, 29),
    ]
    with connection.cursor() as cursor:
        for day in days:
            on = f"'{day.isoformat()}'::date"
            cursor.execute(
                f"SELECT count(*), count(*) FILTER (WHERE "
                f"{age_band_sql('b', on)} IS DISTINCT FROM {old_age_band_sql('b', on)}) "
                "FROM generate_series('1930-01-01'::date, '2030-12-31'::date, '1 day') g, "
                "LATERAL (SELECT g::date AS b) v"
            )
            compared, different = cursor.fetchone()
            assert compared > 36_000
            assert different == 0, day


def test_a_field_of_fixed_choices_that_could_start_a_formula_is_refused():
    # Its CSV cell is sent without the formula test, so its choices must not need one.
    with pytest.raises(ValueError, match="formula"):
        ExtractField("band", "'x'", "string", "A band.", choices=("=1", "2"), choices_only=True)
