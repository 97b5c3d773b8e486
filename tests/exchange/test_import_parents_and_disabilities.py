"""The import's columns for whether all a parent's children live with them, and for
disabilities: what the form and the database refuse is refused at the cell, never by the
database at the end of a job."""

import pytest

from cases.models import ServiceUser, TreatmentEpisode
from exchange.importing.loader import records_import
from tests.exchange.test_import_ndtms import changed, problems

pytestmark = pytest.mark.django_db

PARENT_COLUMNS = (
    "episodes",
    "discharge_date,discharge_reason",
    "discharge_date,discharge_reason,parental_status,children_living_with,all_children_live_with",
)


def test_a_parent_with_children_at_home_says_whether_all_of_them_are(write_files, north, alice):
    files = changed(
        PARENT_COLUMNS,
        ("episodes", "current,,", "current,,,Y,2,N"),
        ("episodes", "completed_alcohol_free", "completed_alcohol_free,N,0,"),
        ("service_users", "consent_to_ndtms,", "consent_to_ndtms,disabilities,"),
        ("service_users", "A,E06000035,Y,", "A,E06000035,Y,sight; hearing,"),
        ("service_users", ",E10000016,N,", ",E10000016,N,none,"),
    )
    result = records_import(files=write_files(files))

    assert result.imported, problems(result)
    assert TreatmentEpisode.objects.get(source_ref="E-1").all_children_live_with is False
    assert TreatmentEpisode.objects.get(source_ref="E-2").all_children_live_with is None
    assert ServiceUser.objects.get(source_ref="P-1").disabilities == ["sight", "hearing"]
    assert ServiceUser.objects.get(source_ref="P-2").disabilities == ["none"]


def test_whether_all_children_live_with_them_is_refused_for_someone_with_none_at_home(
    write_files, north, alice
):
    files = changed(
        PARENT_COLUMNS,
        ("episodes", "current,,", "current,,,Y,2,Y"),
        ("episodes", "completed_alcohol_free", "completed_alcohol_free,Y,0,Y"),
    )
    result = records_import(files=write_files(files))

    assert not result.imported
    # Besides the rows that name the refused episode.
    ((file, row, _column, _value, message),) = [
        p for p in problems(result) if p[2] == "all_children_live_with"
    ]
    assert (file, row) == ("episodes.csv", 3)
    assert "goes only with a parent who has children living with them" in message
    assert not TreatmentEpisode.objects.exists()


def test_no_disability_is_refused_beside_another(write_files, north, alice):
    files = changed(
        ("service_users", "consent_to_ndtms,", "consent_to_ndtms,disabilities,"),
        ("service_users", "A,E06000035,Y,", "A,E06000035,Y,none;sight,"),
        ("service_users", ",E10000016,N,", ",E10000016,N,,"),
    )
    result = records_import(files=write_files(files))

    assert not result.imported
    ((file, row, _column, value, message),) = [
        p for p in problems(result) if p[2] == "disabilities"
    ]
    assert (file, row, value) == ("service_users.csv", 2, "none;sight")
    assert "none and not_stated are answers on their own" in message
    assert not ServiceUser.objects.exists()
