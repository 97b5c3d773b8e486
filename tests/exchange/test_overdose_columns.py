"""The overdose pathway's columns: "not known" accepted, who gave naloxone, the basis for
follow-up, a used kit recorded as the client's overdose, and the follow-up an imported
overdose gets from the sweep."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Event, InformationSource, NaloxoneSupply
from exchange.importing.loader import records_import
from overdoses.models import FollowUp

pytestmark = pytest.mark.django_db

PERSON = """
    ref,team,keyworker,first_name,last_name,date_of_birth,sex,local_authority
    P-1,North,alice,Jamie,Rivers,1980-05-01,M,E06000035
"""


def ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def events(*rows: str) -> str:
    header = (
        "ref,person_ref,kind,occurred_on,naloxone_given_by,naloxone_doses,taken_to_hospital,"
        "information_source,followup_basis"
    )
    return "\n".join([header, *rows])


def supplies(*rows: str) -> str:
    header = (
        "ref,person_ref,supplied_on,formulation,supply_type,repeat_reason,kit_used_on,"
        "batch_number,expiry_date,setting"
    )
    return "\n".join([header, *rows])


def problems(result) -> list[tuple]:
    return [(p.file, p.row, p.column, p.value, p.message) for p in result.problems.kept]


@pytest.fixture
def import_files(write_files, north, alice):
    def run(**files: str):
        return records_import(files=write_files({"service_users": PERSON, **files}))

    return run


@pytest.mark.parametrize("written", ["", "not known", "Unknown", "NK"])
def test_an_overdose_whose_hospital_nobody_knows_is_imported_as_not_known(import_files, written):
    result = import_files(
        events=events(f"V-1,P-1,non_fatal_overdose,2025-06-01,peer,1,{written},ambulance,consent")
    )

    assert result.imported, problems(result)
    overdose = Event.objects.get(source_ref="V-1")
    assert overdose.taken_to_hospital is None
    assert overdose.naloxone_given_by == "peer"
    assert overdose.followup_basis == "consent"
    overdose.full_clean()


def test_a_yes_no_column_that_empty_makes_no_refuses_not_known(import_files):
    result = import_files(
        naloxone_supplies=(
            "ref,person_ref,supplied_on,formulation,supply_type,batch_number,expiry_date,"
            "setting,training_given\n"
            "N-1,P-1,2025-01-20,nasal,first,B1,2027-01-20,service,not known"
        )
    )

    assert problems(result) == [
        (
            "naloxone_supplies.csv",
            2,
            "training_given",
            "not known",
            "Training given not known is not Y or N.",
        )
    ]


def test_doses_of_naloxone_nobody_gave_are_refused_at_the_doses(import_files):
    result = import_files(
        events=events("V-1,P-1,non_fatal_overdose,2025-06-01,not_given,2,Y,ambulance,")
    )

    assert problems(result) == [
        (
            "events.csv",
            2,
            "naloxone_doses",
            "2",
            "Naloxone doses are recorded only when naloxone was given, and naloxone_given_by "
            "says not_given: say who gave it, or leave the doses empty.",
        )
    ]
    assert not Event.objects.exists()


def test_the_pathway_columns_are_only_for_an_overdose(import_files):
    result = import_files(events=events("V-1,P-1,prison_release,2025-06-01,,,,,consent"))

    assert problems(result) == [
        (
            "events.csv",
            2,
            "followup_basis",
            "consent",
            "Basis for follow-up is only recorded for a non_fatal_overdose.",
        )
    ]


def test_an_unknown_basis_for_follow_up_is_named_with_the_codes(import_files):
    result = import_files(events=events("V-1,P-1,non_fatal_overdose,2025-06-01,,,,ambulance,asked"))

    assert problems(result) == [
        (
            "events.csv",
            2,
            "followup_basis",
            "asked",
            "Basis for follow-up asked is not one of: consent, direct_care, vital_interests, "
            "safeguarding, not_yet_sought, declined.",
        )
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "N-1,P-1,2025-03-01,nasal,repeat,lost,2025-02-20,B1,2027-01-20,service",
            "Date the previous kit was used goes only with repeat reason used_self or used_other.",
        ),
        (
            "N-1,P-1,2025-03-01,nasal,repeat,used_other,2025-03-02,B1,2027-01-20,service",
            "Date the previous kit was used 2025-03-02 is after the supply date: the kit was "
            "used before this one was supplied.",
        ),
    ],
)
def test_the_date_a_kit_was_used_is_checked(import_files, row, message):
    result = import_files(naloxone_supplies=supplies(row))

    assert [p[-1] for p in problems(result)] == [message]
    assert not NaloxoneSupply.objects.exists()


def test_a_kit_used_on_the_client_records_their_overdose_once(import_files):
    files = {
        "naloxone_supplies": supplies(
            "N-1,P-1,2025-01-20,nasal,first,,,B1,2027-01-20,service",
            "N-2,P-1,2025-03-01,nasal,repeat,used_self,2025-02-26,B2,2027-03-01,outreach",
            "N-3,P-1,2025-04-01,nasal,repeat,used_other,2025-03-30,B3,2027-04-01,outreach",
        )
    }

    result = import_files(**files)

    assert result.imported, problems(result)
    assert result.counts["naloxone_supplies"].overdoses_recorded == 1
    supply = NaloxoneSupply.objects.get(source_ref="N-2")
    assert supply.kit_used_on == datetime.date(2025, 2, 26)
    (overdose,) = Event.objects.all()
    assert overdose.source_supply == supply
    assert overdose.service_user == supply.service_user
    assert overdose.occurred_on == datetime.date(2025, 2, 26)
    assert overdose.information_source == InformationSource.NALOXONE_KIT
    assert overdose.naloxone_given_by == "not_known"
    assert overdose.taken_to_hospital is None
    overdose.full_clean()

    again = import_files(**files)
    assert again.counts["naloxone_supplies"].overdoses_recorded == 0
    assert Event.objects.count() == 1


def test_a_used_kit_whose_overdose_the_events_file_carries_records_no_second_one(import_files):
    result = import_files(
        events=events("V-1,P-1,non_fatal_overdose,2025-02-26,peer,1,N,peer,consent"),
        naloxone_supplies=supplies(
            "N-1,P-1,2025-01-20,nasal,first,,,B1,2027-01-20,service",
            "N-2,P-1,2025-03-01,nasal,repeat,used_self,2025-02-26,B2,2027-03-01,outreach",
        ),
    )

    assert result.imported, problems(result)
    assert list(Event.objects.values_list("source_ref", flat=True)) == ["V-1"]


def test_a_recent_imported_overdose_gets_its_follow_up_from_the_sweep(
    import_files, alice, django_capture_on_commit_callbacks
):
    # records_imported queues the sweep after commit; Celery runs it at once in tests.
    with django_capture_on_commit_callbacks(execute=True):
        result = import_files(
            events=events(f"V-1,P-1,non_fatal_overdose,{ago(1)},ambulance,2,,ambulance,")
        )

    assert result.imported, problems(result)
    follow_up = FollowUp.objects.get(overdose__source_ref="V-1")
    assert follow_up.owner == alice
    assert follow_up.is_open


def test_an_old_imported_overdose_opens_no_follow_up(
    import_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_files(events=events("V-1,P-1,non_fatal_overdose,2025-06-01,,,,ambulance,"))

    assert Event.objects.filter(source_ref="V-1").exists()
    assert not FollowUp.objects.exists()


def test_the_command_says_how_many_overdoses_used_kits_recorded(write_files, north, alice):
    paths = write_files(
        {
            "service_users": PERSON,
            "naloxone_supplies": supplies(
                "N-1,P-1,2025-01-20,nasal,first,,,B1,2027-01-20,service",
                "N-2,P-1,2025-03-01,nasal,repeat,used_self,,B2,2027-03-01,outreach",
            ),
        }
    )
    out = io.StringIO()

    call_command("import_records", str(paths["service_users"].parent), stdout=out)

    assert "Overdoses recorded from repeat kits used on the client: 1 " in out.getvalue()
    assert Event.objects.get().occurred_on == datetime.date(2025, 3, 1)  # the supply date
