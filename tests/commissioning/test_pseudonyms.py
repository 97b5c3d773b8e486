"""Pseudonyms: keyed hashes that are stable, differ per client, and agree between SQL and Python."""

import uuid

import pytest
from django.db import connection

from commissioning.extracts.base import master_key, pseudonym, pseudonym_key, pseudonym_sql
from commissioning.models import ApiClient
from tests.commissioning.conftest import issue_token, json_rows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sql_pseudonym(kind: str, value: uuid.UUID, key: bytes) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pseudonym_sql('%s::uuid', kind, key)}", [str(value)])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "key",
    [
        b"short",
        b"k" * 64,  # exactly one SHA-256 block
        b"a much longer key than one block of sixty-four bytes, which HMAC hashes first" * 2,
        "clé-ünïcode".encode(),
    ],
)
def test_sql_and_python_give_the_same_pseudonym(key):
    for _ in range(20):
        value = uuid.uuid4()
        assert sql_pseudonym("person", value, key) == pseudonym("person", value, key)


def test_the_pseudonym_is_hmac_sha256_of_kind_and_id():
    import hashlib
    import hmac

    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    expected = hmac.new(b"key", f"person:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    assert pseudonym("person", value, b"key") == expected


def test_a_record_kind_gives_a_different_pseudonym_for_the_same_id():
    value = uuid.uuid4()

    assert pseudonym("person", value, b"k") != pseudonym("episode", value, b"k")


def test_the_pseudonym_key_comes_from_the_environment(settings):
    value = uuid.uuid4()
    before = pseudonym("person", value, master_key())

    settings.LANTERN_PSEUDONYM_KEY = "another-key-altogether-for-this-test"

    assert pseudonym("person", value, master_key()) != before


def test_pseudonyms_are_stable_across_calls(cora_api, records):
    first = json_rows(cora_api, "people")
    second = json_rows(cora_api, "people")

    assert [r["person"] for r in first] == [r["person"] for r in second]
    assert {r["person"] for r in json_rows(cora_api, "episodes")} == {r["person"] for r in first}


def test_the_api_gives_the_clients_pseudonym(cora_api, commissioning, records):
    expected = pseudonym("person", records["jo"].external_id, pseudonym_key(commissioning))

    assert expected in {row["person"] for row in json_rows(cora_api, "people")}


def test_two_clients_with_their_own_pseudonyms_cannot_match_their_records(
    api_as, cora_api, records
):
    other = ApiClient.objects.create(name="South Commissioning")
    raw = issue_token(other, UserFactory(username="sol", role="commissioner"))[1]

    mine = {row["person"] for row in json_rows(cora_api, "people")}
    theirs = {row["person"] for row in json_rows(api_as(raw), "people")}

    assert len(mine) == len(theirs) == 3
    assert not mine & theirs
    for name in ("episodes", "flags", "top_assessments"):
        # The first field of these extracts is the record's own pseudonym.
        ids = {next(iter(row.values())) for row in json_rows(cora_api, name)}
        other_ids = {next(iter(row.values())) for row in json_rows(api_as(raw), name)}
        assert len(ids) == len(other_ids) == 3
        assert not ids & other_ids, name


def test_a_client_without_its_own_pseudonyms_shares_the_master_key(api_as, records):
    shared = ApiClient.objects.create(name="Regional Observatory", own_pseudonyms=False)
    raw = issue_token(shared, UserFactory(username="ola", role="commissioner"))[1]

    people = {row["person"] for row in json_rows(api_as(raw), "people")}

    assert pseudonym("person", records["jo"].external_id, master_key()) in people


def test_a_client_key_is_derived_so_nothing_secret_is_stored(commissioning):
    import hashlib
    import hmac

    expected = hmac.new(
        master_key(), f"client:{commissioning.external_id}".encode(), hashlib.sha256
    ).digest()

    assert pseudonym_key(commissioning) == expected
