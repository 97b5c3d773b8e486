"""Every validation message, each from one change to the good hand-written files."""

import textwrap

import pytest

from cases.models import ServiceUser
from exchange.importing.loader import records_import
from tests.exchange.conftest import GOOD_FILES
from tests.factories import EpisodeFactory, ServiceUserFactory

pytestmark = pytest.mark.django_db


def problems_after(write_files, kind: str, old: str, new: str) -> list[tuple]:
    files = dict(GOOD_FILES)
    text = textwrap.dedent(files[kind])
    assert old in text, old
    files[kind] = text.replace(old, new)
    result = records_import(files=write_files(files))
    assert not result.imported
    return [(p.file, p.row, p.column, p.value, p.message) for p in result.problems.kept]


CASES = [
    # kind, old text, new text, (file, row, column, value, message)
    (
        "events",
        "V-2,P-1,prison_release,2025-02-01",
        "V-2,P-1,prison_release,1979-02-01",
        (
            "events.csv",
            3,
            "occurred_on",
            "1979-02-01",
            "Date 1979-02-01 is before the date of birth of person P-1 (1980-05-01).",
        ),
    ),
    (
        "contacts",
        "C-1,P-1,2025-02-03",
        "C-1,P-1,1980-04-30",
        (
            "contacts.csv",
            2,
            "contact_date",
            "1980-04-30",
            "Date 1980-04-30 is before the date of birth of person P-1 (1980-05-01).",
        ),
    ),
    (
        "episodes",
        "E-2,P-2,2024-03-01",
        "E-2,P-2,1991-11-29",
        (
            "episodes.csv",
            3,
            "referral_date",
            "1991-11-29",
            "Date 1991-11-29 is before the date of birth of person P-2 (1991-11-30).",
        ),
    ),
    (
        "top_assessments",
        "T-1,E-1,S,2025-01-20",
        "T-1,E-1,S,2026-13-01",
        (
            "top_assessments.csv",
            2,
            "top_date",
            "2026-13-01",
            "TOP date 2026-13-01 is not a date: write it as YYYY-MM-DD.",
        ),
    ),
    (
        "top_assessments",
        "T-1,E-1,S,2025-01-20,20",
        "T-1,E-1,S,2025-01-20,31",
        (
            "top_assessments.csv",
            2,
            "OPIUSE",
            "31",
            "OPIUSE 31 is above 28: enter 0 to 28 days in the last 28.",
        ),
    ),
    (
        "top_assessments",
        "T-1,E-1,S,2025-01-20,20,4,0,8",
        "T-1,E-1,S,2025-01-20,20,4,0,21",
        (
            "top_assessments.csv",
            2,
            "PSYHSTAT",
            "21",
            "PSYHSTAT 21 is above 20: enter a score from 0 to 20.",
        ),
    ),
    (
        "top_assessments",
        "T-2,E-1,R,2025-07-20,2",
        "T-2,E-1,R,2025-07-20,two",
        ("top_assessments.csv", 3, "OPIUSE", "two", "OPIUSE two is not a whole number."),
    ),
    (
        "top_assessments",
        "T-1,E-1,S",
        "T-1,REF-9,S",
        ("top_assessments.csv", 2, "episode_ref", "REF-9", "episode REF-9 not found."),
    ),
    (
        "service_users",
        "Jamie,Rivers",
        "Jamie,",
        ("service_users.csv", 2, "last_name", "", "Last name is required."),
    ),
    (
        "service_users",
        "1980-05-01,M",
        "1980-05-01,X",
        ("service_users.csv", 2, "sex", "X", "Sex X is not one of: M, F, I, U."),
    ),
    (
        "service_users",
        "P-2,North",
        "P-2,Nowhere",
        ("service_users.csv", 3, "team", "Nowhere", "Team Nowhere not found."),
    ),
    (
        "service_users",
        "E06000035,Y",
        "E06000035,maybe",
        (
            "service_users.csv",
            2,
            "consent_to_ndtms",
            "maybe",
            "Consent to NDTMS maybe is not Y, N or not known.",
        ),
    ),
    (
        "service_users",
        "1980-05-01",
        "1900-05-01",
        (
            "service_users.csv",
            2,
            "date_of_birth",
            "1900-05-01",
            "Date of birth 1900-05-01 makes the person 126; check the year (it must be within the last 110 years).",
        ),
    ),
    (
        "service_users",
        "9434765919",
        "9434765918",
        (
            "service_users.csv",
            2,
            "nhs_number",
            "9434765918",
            "NHS number 9434765918 is not valid: its check digit does not match.",
        ),
    ),
    (
        "service_users",
        "me4 4qu",
        "ME4",
        ("service_users.csv", 2, "postcode", "ME4", "Postcode ME4 is not a UK postcode."),
    ),
    (
        "service_users",
        "P-2,North,,Kerry,Stone,1991-11-30,F,,E10000016,N,,",
        "P-2,North,,Kerry,Stone,1991-11-30,F,,E10000016,N,9434765919,",
        (
            "service_users.csv",
            2,
            "nhs_number",
            "9434765919",
            "NHS number 9434765919 is also given to P-2 in this file.",
        ),
    ),
    (
        "service_users",
        "P-2,North",
        "P-1,North",
        (
            "service_users.csv",
            2,
            "ref",
            "P-1",
            "Reference P-1 appears more than once in this file (rows 2, 3).",
        ),
    ),
    (
        "episodes",
        "2025-01-10,self,2025-01-12",
        "2025-01-10,self,2025-01-09",
        (
            "episodes.csv",
            2,
            "triage_date",
            "2025-01-09",
            "Triage date 2025-01-09 is before the referral date 2025-01-10.",
        ),
    ),
    (
        "episodes",
        "2025-01-10,self",
        "2099-01-10,self",
        (
            "episodes.csv",
            2,
            "referral_date",
            "2099-01-10",
            "Referral date 2099-01-10 is in the future.",
        ),
    ),
    (
        "episodes",
        "2024-09-01,completed_alcohol_free",
        ",completed_alcohol_free",
        (
            "episodes.csv",
            3,
            "discharge_date",
            "",
            "Discharge date is required with a discharge reason.",
        ),
    ),
    (
        "episodes",
        "2024-09-01,completed_alcohol_free",
        "2024-09-01,",
        (
            "episodes.csv",
            3,
            "discharge_reason",
            "",
            "Discharge reason is required with a discharge date.",
        ),
    ),
    (
        "episodes",
        "heroin,crack",
        "heroin,crak",
        (
            "episodes.csv",
            2,
            "substance_2",
            "crak",
            "Second problem substance crak not found. It is not an NDTMS DRUG code either.",
        ),
    ),
    (
        "episodes",
        "E-2,P-2,2024-03-01,gp,2024-03-02,2024-03-10,alcohol,,never,2024-09-01,completed_alcohol_free",
        "E-2,P-1,2024-03-01,gp,2024-03-02,2024-03-10,alcohol,,never,,",
        (
            "episodes.csv",
            2,
            "discharge_date",
            "",
            "person P-1 would have more than one open episode: give every episode but the current one a discharge date.",
        ),
    ),
    (
        "episodes",
        "E-2,P-2",
        "E-2,P-9",
        ("episodes.csv", 3, "person_ref", "P-9", "person P-9 not found."),
    ),
    (
        "interventions",
        "I-1,E-1,pharmacological,2025-01-20,maintenance,methadone",
        "I-1,E-1,pharmacological,2025-01-20,maintenance,",
        (
            "interventions.csv",
            2,
            "medicine",
            "",
            "OST medicine is required for a prescribing intervention.",
        ),
    ),
    (
        "interventions",
        "I-2,E-2,psychosocial,2024-03-10",
        "I-2,E-2,psychosocial,2024-02-10",
        (
            "interventions.csv",
            3,
            "start_date",
            "2024-02-10",
            "Start date 2024-02-10 is before episode E-2's referral date 2024-03-01.",
        ),
    ),
    (
        "events",
        "V-2,P-1,prison_release,2025-02-01,,,,",
        "V-2,P-1,prison_release,2025-02-01,,,Y,",
        (
            "events.csv",
            3,
            "taken_to_hospital",
            "Y",
            "Taken to hospital is only recorded for a non_fatal_overdose.",
        ),
    ),
    (
        "events",
        "ambulance,Y,ambulance",
        "ambulance,perhaps,ambulance",
        (
            "events.csv",
            2,
            "taken_to_hospital",
            "perhaps",
            "Taken to hospital perhaps is not Y, N or not known.",
        ),
    ),
    (
        "events",
        "ambulance,Y,ambulance",
        "ambulance,Y,friend",
        (
            "events.csv",
            2,
            "information_source",
            "friend",
            "Information source friend is not one of: ambulance, emergency_dept, police, peer, "
            "person, naloxone_kit, other.",
        ),
    ),
    (
        "events",
        "opioids;benzodiazepines",
        "opioids;spice",
        (
            "events.csv",
            2,
            "substances_suspected",
            "opioids;spice",
            "Substances suspected opioids;spice has a value that is not one of: opioids, benzodiazepines, gabapentinoids, alcohol, cocaine, stimulants, synthetic, other, unknown (separate values with semicolons).",
        ),
    ),
    (
        "contacts",
        "2025-02-03,appointment,attended",
        "2025-02-03,appointment,booked",
        (
            "contacts.csv",
            2,
            "status",
            "booked",
            "Contact on 2025-02-03 is in the past but still booked: record attended, dna or cancelled.",
        ),
    ),
    (
        "naloxone_supplies",
        "B123,2027-01-20",
        "B123,2025-01-19",
        (
            "naloxone_supplies.csv",
            2,
            "expiry_date",
            "2025-01-19",
            "Kit expiry date 2025-01-19 is not after the supply date.",
        ),
    ),
    (
        "naloxone_supplies",
        "nasal,first,,",
        "nasal,repeat,,",
        (
            "naloxone_supplies.csv",
            2,
            "repeat_reason",
            "",
            "Repeat reason is required for a repeat supply.",
        ),
    ),
    (
        "top_assessments",
        "T-2,E-1,R",
        "T-2,E-1,S",
        (
            "top_assessments.csv",
            2,
            "stage",
            "S",
            "Episode E-1 already has a start TOP (2025-07-20). Record this one as a review (R).",
        ),
    ),
    (
        "top_assessments",
        "T-1,E-1,S",
        "T-1,E-1,E",
        (
            "top_assessments.csv",
            3,
            "stage",
            "R",
            "A review TOP needs a start TOP for episode E-1 first.",
        ),
    ),
    (
        "top_assessments",
        "T-1,E-1,S,2025-01-20",
        "T-1,E-1,P,2025-01-20",
        (
            "top_assessments.csv",
            2,
            "stage",
            "P",
            "A post-exit TOP is for someone who has left: episode E-1 is still open.",
        ),
    ),
    (
        "top_assessments",
        "T-1,E-1,S,2025-01-20",
        "T-1,E-1,S,2024-12-20",
        (
            "top_assessments.csv",
            2,
            "top_date",
            "2024-12-20",
            "TOP date 2024-12-20 is before episode E-1's referral date 2025-01-10.",
        ),
    ),
    (
        "top_assessments",
        "ref,episode_ref,stage,top_date",
        "ref,episode_ref,stage,TOPDATE",
        ("top_assessments.csv", 1, "top_date", "", "Column top_date is missing: it is required."),
    ),
]


@pytest.mark.parametrize(("kind", "old", "new", "expected"), CASES)
def test_each_problem_is_reported_with_a_plain_message(
    write_files, north, alice, kind, old, new, expected
):
    assert expected in problems_after(write_files, kind, old, new)


def test_an_unknown_column_is_reported_and_ignored(write_files, north, alice):
    files = dict(GOOD_FILES)
    files["contacts"] = textwrap.dedent(files["contacts"]).replace("status\n", "status,mood\n")
    files["contacts"] = files["contacts"].replace("attended\n", "attended,fine\n")

    result = records_import(files=write_files(files))

    assert [p.message for p in result.problems.kept] == [
        "Column mood is not part of the contacts.csv format; it was ignored."
    ]


def test_an_nhs_number_held_by_someone_else_is_refused(write_files, north, alice):
    ServiceUserFactory(nhs_number="9434765919")

    problems = problems_after(write_files, "service_users", "P-1", "P-1")

    assert (
        "service_users.csv",
        2,
        "nhs_number",
        "9434765919",
        "NHS number 9434765919 is already recorded for another person in Lantern.",
    ) in problems


def test_a_second_open_episode_is_refused_against_the_database(write_files, north, alice):
    records_import(files=write_files({"service_users": GOOD_FILES["service_users"]}))
    person = ServiceUser.objects.get(source_ref="P-1")
    EpisodeFactory(service_user=person)  # open, entered in Lantern itself

    result = records_import(
        files=write_files({"episodes": GOOD_FILES["episodes"]}, folder="episodes")
    )

    assert [p.message for p in result.problems.kept] == [
        "person P-1 would have more than one open episode: give every episode but the current one a discharge date."
    ]


def test_a_file_that_is_not_utf8_is_reported_not_crashed_on(write_files, north, alice, tmp_path):
    paths = write_files({"service_users": GOOD_FILES["service_users"]})
    text = paths["service_users"].read_text().replace("Rivers", "Riv\u00e9rs")
    paths["service_users"].write_bytes(text.encode("cp1252"))

    result = records_import(files=paths)

    assert not result.imported
    assert [p.message for p in result.problems.kept] == [
        "The file cannot be read: it is not UTF-8 text; save it as CSV UTF-8."
    ]
