"""Bulk import: the whole file set, re-imports, all-or-nothing and the partial option."""

import textwrap

import pytest

from cases.models import (
    Contact,
    Event,
    Intervention,
    NaloxoneSupply,
    ServiceUser,
    TreatmentEpisode,
)
from cases.signals import records_imported
from exchange.importing.loader import records_import
from outcomes.models import TopAssessment
from tests.exchange.conftest import GOOD_FILES

pytestmark = pytest.mark.django_db

MODELS = (
    ServiceUser,
    TreatmentEpisode,
    Intervention,
    Event,
    Contact,
    NaloxoneSupply,
    TopAssessment,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def with_changes(kind: str, old: str, new: str) -> dict[str, str]:
    files = dict(GOOD_FILES)
    text = textwrap.dedent(files[kind])
    assert old in text
    files[kind] = text.replace(old, new)
    return files


def test_it_imports_every_kind_of_record(good_files, alice, north):
    result = records_import(files=good_files)

    assert result.imported, result.problems.kept
    assert not result.problems
    assert counts() == {
        "ServiceUser": 2,
        "TreatmentEpisode": 2,
        "Intervention": 2,
        "Event": 2,
        "Contact": 1,
        "NaloxoneSupply": 1,
        "TopAssessment": 2,
    }
    jamie = ServiceUser.objects.get(source_ref="P-1")
    assert jamie.client_ref.startswith("LAN-")
    assert jamie.keyworker == alice
    assert jamie.team == north
    assert jamie.postcode == "ME4 4QU"
    assert jamie.consent_to_ndtms is True
    assert jamie.nationality == "NS"  # an omitted column takes the model's default
    overdose = Event.objects.get(source_ref="V-1")
    assert overdose.substances_suspected == ["opioids", "benzodiazepines"]
    assert overdose.taken_to_hospital is True
    episode = TreatmentEpisode.objects.get(source_ref="E-1")
    assert episode.team == north  # from the person, as the file gives none
    review = TopAssessment.objects.get(source_ref="T-2")
    assert (review.opiuse, review.crause, review.service_user) == (2, None, jamie)
    assert Intervention.objects.get(source_ref="I-1").daily_dose_mg == 60


def test_it_tells_the_risk_engine_who_changed(good_files, django_capture_on_commit_callbacks):
    received = []

    def receiver(**kwargs):
        received.append(kwargs["service_user_ids"])

    records_imported.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            records_import(files=good_files)
    finally:
        records_imported.disconnect(receiver)

    assert received == [sorted(ServiceUser.objects.values_list("pk", flat=True))]


def test_importing_the_same_files_again_changes_nothing(
    good_files, django_capture_on_commit_callbacks
):
    records_import(files=good_files)
    before = {p.pk: (p.client_ref, p.updated_at) for p in ServiceUser.objects.all()}

    with django_capture_on_commit_callbacks() as callbacks:
        again = records_import(files=good_files)

    assert again.imported
    assert all(c.created == 0 and c.updated == 0 for c in again.counts.values())
    assert {p.pk: (p.client_ref, p.updated_at) for p in ServiceUser.objects.all()} == before
    assert callbacks == []  # nothing changed, so nobody is told to recompute


def test_an_updated_file_changes_only_the_rows_that_differ(write_files, north, alice):
    records_import(files=write_files(GOOD_FILES))
    kerry = ServiceUser.objects.get(source_ref="P-2")
    jamie_updated = ServiceUser.objects.get(source_ref="P-1").updated_at
    changed = with_changes("service_users", "Kerry,Stone", "Kerry,Stones")
    changed = {
        **changed,
        "top_assessments": GOOD_FILES["top_assessments"].replace(",2,,0,12,N", ",0,,0,14,N"),
    }

    result = records_import(files=write_files(changed, folder="updated"))

    assert result.counts["service_users"].as_dict() == {
        "rows": 2,
        "rejected": 0,
        "created": 0,
        "updated": 1,
        "unchanged": 1,
    }
    assert result.counts["top_assessments"].updated == 1
    assert result.counts["episodes"].updated == 0
    kerry.refresh_from_db()
    assert kerry.last_name == "Stones"
    assert ServiceUser.objects.get(source_ref="P-1").updated_at == jamie_updated
    assert TopAssessment.objects.get(source_ref="T-2").opiuse == 0
    assert result.service_user_ids == [ServiceUser.objects.get(source_ref="P-1").pk, kerry.pk]


def test_a_file_set_with_any_problem_imports_nothing(write_files, north, alice):
    files = write_files(
        with_changes("top_assessments", "T-2,E-1,R,2025-07-20,2", "T-2,E-1,R,2025-07-20,31")
    )

    result = records_import(files=files)

    assert not result.imported
    assert counts() == dict.fromkeys(counts(), 0)
    assert [p.message for p in result.problems.kept] == [
        "OPIUSE 31 is above 28: enter 0 to 28 days in the last 28."
    ]
    assert result.counts["top_assessments"].rejected == 1


def test_partial_imports_the_valid_rows_and_reports_the_rest(write_files, north, alice):
    files = write_files(
        with_changes(
            "service_users",
            "P-2,North,,Kerry,Stone,1991-11-30,F",
            "P-2,North,,Kerry,Stone,1991-11-31,F",
        )
    )

    result = records_import(files=files, partial=True)

    assert result.imported
    assert ServiceUser.objects.filter(source_ref="P-2").count() == 0
    assert ServiceUser.objects.filter(source_ref="P-1").count() == 1
    messages = [(p.file, p.row, p.message) for p in result.problems.kept]
    assert messages == [
        ("service_users.csv", 3, "Date of birth 1991-11-31 is not a date: write it as YYYY-MM-DD."),
        (
            "episodes.csv",
            3,
            "person P-2 is not imported: its row in service_users.csv has problems.",
        ),
        (
            "interventions.csv",
            3,
            "episode E-2 is not imported: its row in episodes.csv has problems.",
        ),
    ]
    assert result.counts["episodes"].as_dict()["created"] == 1


def test_a_dry_run_counts_but_imports_nothing(good_files):
    result = records_import(files=good_files, dry_run=True)

    assert not result.imported
    assert result.counts["service_users"].created == 2
    assert ServiceUser.objects.count() == 0


def test_rows_can_refer_to_records_imported_earlier(write_files, north, alice):
    records_import(files=write_files({"service_users": GOOD_FILES["service_users"]}))

    later = write_files({"episodes": GOOD_FILES["episodes"]}, folder="later")
    result = records_import(files=later)

    assert result.imported, result.problems.kept
    assert TreatmentEpisode.objects.get(source_ref="E-2").service_user.source_ref == "P-2"


def test_a_large_import_tells_the_risk_engine_to_recompute_everyone(
    good_files, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("exchange.importing.writing.AFFECTED_LIST_LIMIT", 3)
    received = []

    def receiver(**kwargs):
        received.append(kwargs["service_user_ids"])

    records_imported.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = records_import(files=good_files)
    finally:
        records_imported.disconnect(receiver)

    assert result.imported
    assert received == [None]
