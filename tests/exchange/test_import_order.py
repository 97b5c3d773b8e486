"""The importer writes each kind as soon as it is checked, while the next file is still being
checked: a problem found only in the last file must still leave nothing written and report
nothing created, and the ids it draws for new records must be as random as a form's."""

import uuid

import pytest

from exchange.importing.loader import records_import
from tests.exchange.test_import import MODELS, counts, with_changes

pytestmark = pytest.mark.django_db


def test_a_problem_only_the_last_file_has_leaves_the_files_before_it_unwritten(
    write_files, north, alice
):
    # Found in SQL, after every other kind was checked (and written).
    files = write_files(with_changes("top_assessments", "T-2,E-1,R", "T-2,E-404,R"))

    result = records_import(files=files)

    assert not result.imported
    assert counts() == dict.fromkeys(counts(), 0)
    assert [p.message for p in result.problems.kept] == ["episode E-404 not found."]
    assert {kind: c.created + c.updated for kind, c in result.counts.items()} == dict.fromkeys(
        result.counts, 0
    )
    assert result.counts["service_users"].unchanged == 2


def test_new_records_get_distinct_random_external_ids(good_files, north, alice):
    records_import(files=good_files)

    ids = [
        external_id
        for model in MODELS
        for external_id in model.objects.values_list("external_id", flat=True)
    ]
    assert len(ids) == 12
    assert len(set(ids)) == len(ids)
    assert {uuid.UUID(str(external_id)).version for external_id in ids} == {4}
