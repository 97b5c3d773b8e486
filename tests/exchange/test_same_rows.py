"""The importer writes exactly the rows, history and problems it wrote before it was made fast.

`reference/awkward.json` holds what the importer produced, before its fast path, for three
imports of awkward files (a byte-order mark, CRLF line ends, blank lines, quotes, commas and
new lines inside cells, unicode, every kind of problem, duplicates, references across files
and to an earlier import): every problem with its row, column, value and message, the
counts, the people the `records_imported` signal named, and every row of the seven tables
and their history, with ids replaced by the references they stand for. Any change to what the
import writes or reports fails here. To record a deliberate change of behaviour, run with
`LANTERN_RECORD_IMPORT_REFERENCE=1` and review the diff of the JSON file.
"""

import datetime
import json
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from cases.models import (
    Contact,
    DischargeReason,
    Event,
    Intervention,
    LocalAuthority,
    NaloxoneSupply,
    ServiceUser,
    Substance,
    Team,
    TreatmentEpisode,
    User,
)
from cases.signals import records_imported
from exchange.importing import writing
from exchange.importing.loader import records_import
from outcomes.models import TopAssessment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).parent / "reference" / "awkward.json"
TODAY = datetime.date(2026, 1, 15)
TRACKED = (
    ServiceUser,
    TreatmentEpisode,
    Intervention,
    Event,
    Contact,
    NaloxoneSupply,
    TopAssessment,
)
# Columns that differ between any two runs of the same import (surrogate keys and clocks).
VOLATILE = {"id", "external_id", "created_at", "updated_at", "client_ref", "pgh_id"}
VOLATILE_HISTORY = VOLATILE | {"pgh_created_at", "pgh_context"}
NATURAL_KEYS = {
    Team: "name",
    User: "username",
    LocalAuthority: "code",
    Substance: "code",
    DischargeReason: "code",
}

BOM = "\ufeff"

FIRST = {
    # BOM, CRLF, a blank line, quotes, a comma and a line break inside cells, unicode,
    # an unknown column, and a problem of every kind a person's row can have.
    "service_users": BOM
    + "\r\n".join(
        [
            "ref,team,keyworker,first_name,last_name,preferred_name,date_of_birth,sex,"
            "ethnicity,nationality,local_authority,consent_to_ndtms,nhs_number,phone,"
            "address,postcode,lives_alone,shoe_size",
            'P-1,North,alice,Zoë,"O\'Brien, Jr",Zo,1980-05-01,M,A,,E06000035,yes,'
            '943 476 5919,07700 900123,"1 Rue ""Neuve""\nFlat 2",me44qu,N,9',
            "P-2,North,,Kerry,Stone,,1991-11-30,F,,NS,E10000016,not known,,,,, ,",
            "",
            "P-3,Nowhere,bob,Ann," + "y" * 81 + ",,2030-01-01,X,Q,,E99999999,maybe,1234567890,123,,"
            "ZZ,perhaps,",
            "P-4,North,,Amir,Khan,,1900-01-01,M,,,E06000035,,9434765919,,,,,",
            "P-4,North,,Dup,Licate,,1980-05-01,M,,,E06000035,,,,,,,",
            "P-5,North,,Łukasz,Żółć,,2020-01-01,M,,,E06000035,,,,,,,",
            "P-6,North,,Nadia,Ali,,1975-13-40,F,,,E06000035,,,,,,,",
            "P-7,North,alice,Xavier,Long,,1970-01-01,F,,,E06000035,,4010232137,+44 7700 900124,,SW1A 1AA,Y,",
            "P-8,,,,,,,,,,,,,,,,,",
        ]
    )
    + "\r\n",
    "episodes": "\n".join(
        [
            "ref,person_ref,team,referral_date,referral_source,triage_date,start_date,"
            "substance_1,substance_2,age_first_use,injecting_status,parental_status,"
            "children_living_with,discharge_date,discharge_reason",
            "E-1,P-1,,2025-01-10,self,2025-01-12,2025-01-20,heroin,crack,16,current,,,,",
            "E-2,P-2,North,2024-03-01,gp,2024-03-02,2024-03-10,alcohol,,x,never,N,2,"
            "2024-09-01,completed_alcohol_free",
            "E-3,P-3,,2025-01-10,self,,,heroin,,,,,,,",
            "E-4,P-404,,2025-01-10,self,,,heroin,,,,,,,",
            "E-5,P-1,,2025-02-10,self,2025-02-01,2025-01-01,glue,,150,sometimes,,,,",
            "E-6,P-2,,2024-10-01,gp,,,alcohol,,,,,,2024-09-30,",
            "E-7,P-2,,2024-10-01,gp,,,alcohol,,,,,,,dropped_out",
            "E-8,P-2,,1991-11-29,gp,,,alcohol,,,,,,2024-01-01,dropped_out",
            "E-1,P-2,,2024-01-01,gp,,,alcohol,,,,,,,",
            "E-9,P-7,,2025-03-01,probation,,2025-03-05,cocaine,,,,,,,",
            "",
        ]
    ),
    "interventions": "\n".join(
        [
            "ref,episode_ref,kind,setting,start_date,end_date,exit_status,intention,medicine,"
            "daily_dose_mg,supervised",
            "I-1,E-1,pharmacological,,2025-01-20,,,maintenance,methadone,60.5,Y",
            "I-2,E-2,psychosocial,residential,2024-03-10,2024-08-01,planned,,,,",
            "I-3,E-1,pharmacological,,2025-01-21,,,,,0,",
            "I-4,E-2,psychosocial,,2024-03-10,,planned,reduction,methadone,12,",
            "I-5,E-2,psychosocial,,2023-01-01,2022-01-01,,,,abc,",
            "I-6,E-3,psychosocial,,2025-01-20,,,,,,",
            "I-7,E-404,psychosocial,,2025-01-20,,,,,,",
            "I-8,E-2,psychosocial,,2024-10-01,,,,,,",
            "I-9,E-9,pharmacological,prison,2025-03-05,,,detox,buprenorphine,8,no",
        ]
    )
    + "\n",
    "events": "\n".join(
        [
            "ref,person_ref,kind,occurred_on,notes,occurred_at_time,place,"
            "substances_suspected,naloxone_given_by,naloxone_doses,responders,"
            "taken_to_hospital,information_source,followup_basis",
            'V-1,P-1,non_fatal_overdose,2025-06-01,"Found by a friend, ""unresponsive"";'
            ' called 999",21:15,Park,opioids; benzodiazepines,friend_family,2,ambulance;'
            "police,Y,ambulance,",
            "V-2,P-1,prison_release,2025-02-01,,,,,,,,,,",
            "V-3,P-1,prison_release,2025-02-01,,09:30,Park,opioids,,,,,,",
            "V-4,P-2,non_fatal_overdose,2025-06-01,,25:00,,glue,not_given,3,,maybe,,",
            "V-5,P-3,bereavement,2025-02-01,,,,,,,,,,",
            "V-6,P-1,non_fatal_overdose,2025-07-01,,07:05:09,,,unknown,,,not known,ambulance,",
            "V-7,P-2,non_fatal_overdose,2027-01-01,,,,,,,,,ambulance,",
            "V-8,P-1,hospital_discharge,1979-02-01,,,,,,,,,,",
        ]
    )
    + "\n",
    "contacts": "\n".join(
        [
            "ref,person_ref,staff,contact_date,contact_time,kind,status,notes",
            "C-1,P-1,alice,2025-02-03,10:00,appointment,attended,\"Said 'fine' — 😀\"",
            "C-2,P-1,,2025-02-03,,appointment,booked,",
            "C-3,P-2,nobody,2027-02-03,,phone,attended,",
            "C-4,P-2,,2027-02-03,,phone,booked,",
            "C-5,P-2,,1980-04-30,,phone,cancelled,",
            "C-6,P-7,,2025-02-03,9am,telepathy,,",
            "C-6,P-7,,2025-02-03,,phone,attended,",
        ]
    )
    + "\n",
    "naloxone_supplies": "\n".join(
        [
            "ref,person_ref,supplied_on,recipient,formulation,supply_type,repeat_reason,"
            "kit_used_on,batch_number,expiry_date,training_given,setting,supplied_by",
            "N-1,P-1,2025-01-20,,nasal,first,,,B123,2027-01-20,,service,alice",
            "N-2,P-1,2025-05-20,,nasal,repeat,used_self,2025-05-18,B124,2027-05-20,Y,service,",
            "N-3,P-1,2025-06-02,,nasal,repeat,used_self,,B125,2027-06-02,N,service,",
            "N-4,P-2,2025-05-20,,im,repeat,,2025-05-21,B126,2025-05-19,not known,service,",
            "N-5,P-2,2025-05-20,,im,first,lost,,B127,2027-05-19,,street,",
            "N-6,P-7,2025-05-20,friend,nasal,repeat,used_other,2025-05-01,B128,2027-05-19,,"
            "pharmacy,",
        ]
    )
    + "\n",
    "top_assessments": "\n".join(
        [
            "ref,episode_ref,stage,top_date,OPIUSE,CRAUSE,ALCUSE,OTDRGUSE,"
            "other_substance_name,PSYHSTAT,SHARING",
            "T-1,E-1,S,2025-01-20,20,4,0,,,8,N",
            "T-2,E-1,R,2025-07-20,2,,0,,,12,N",
            "T-3,E-1,S,2025-02-20,2,,0,,,12,N",
            "T-4,E-9,R,2025-04-20,2,,0,,,12,N",
            "T-5,E-2,P,2024-08-01,29,,,3,,21,X",
            "T-6,E-2,E,2024-08-31,1.5,,,,,-1,",
            "T-7,E-2,P,2024-10-01,0,,,2,ketamine,NK,",
            "T-8,E-9,S,2025-03-05,0,0,0,0,,10,Y",
            "T-9,E-3,S,2025-03-05,0,0,0,0,,10,Y",
        ]
    )
    + "\n",
}

# Updates to earlier rows, new children of earlier parents, and clashes with earlier rows.
SECOND = {
    "service_users": "\n".join(
        [
            "ref,team,first_name,last_name,date_of_birth,sex,local_authority,nhs_number",
            "P-1,South,Zoë,O'Brien,1980-05-01,M,E06000035,943 476 5919",
            "P-2,North,Kerry,Stone,1991-11-30,F,E10000016,",
            "P-9,North,Sam,New,1990-01-01,F,E06000035,4010232137",
        ]
    )
    + "\n",
    "episodes": "\n".join(
        [
            "ref,person_ref,referral_date,referral_source,substance_1,discharge_date,"
            "discharge_reason",
            "E-1,P-1,2025-01-10,self,heroin,2025-08-01,dropped_out",
            "E-20,P-1,2025-09-01,gp,alcohol,,",
            "E-21,P-7,2025-09-01,gp,alcohol,,",
        ]
    )
    + "\n",
    "events": "\n".join(
        [
            "ref,person_ref,kind,occurred_on",
            "V-2,P-1,prison_release,2025-02-02",
            "V-20,P-7,housing_lost,2025-02-02",
            "V-21,P-9,housing_found,2025-02-02",
        ]
    )
    + "\n",
    "top_assessments": "\n".join(
        [
            "ref,episode_ref,stage,top_date,OPIUSE",
            "T-20,E-1,S,2025-03-01,1",
            "T-21,E-1,E,2025-08-01,1",
            "T-22,E-20,S,2025-09-02,1",
        ]
    )
    + "\n",
}

# Files that cannot be read: a missing required column, a duplicated column, text that is
# not UTF-8 part-way, and an empty file.
UNREADABLE = {
    "service_users": "ref,team,first_name\nP-30,North,Al\n",
    "episodes": "ref,person_ref,referral_date,referral_source,substance_1,ref\n",
    "events": (
        b"ref,person_ref,kind,occurred_on\nV-30,P-1,bereavement,2025-01-01\n"
        + b"V-31,P-1,bereavement,2025-01-01,caf\xe9\n"
    ),
    "contacts": "",
}


def _write(folder: Path, files: dict) -> dict[str, Path]:
    folder.mkdir()
    paths = {}
    for kind, text in files.items():
        path = folder / f"{kind}.csv"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        paths[kind] = path
    return paths


def _natural(value: models.Model) -> str:
    for model, key in NATURAL_KEYS.items():
        if isinstance(value, model):
            return getattr(value, key)
    source_ref = getattr(value, "source_ref", None)
    if source_ref is not None:
        return f"{type(value).__name__}:{source_ref}"
    return f"{type(value).__name__}:?"


def _row(obj: models.Model, volatile: set[str]) -> dict:
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in volatile:
            continue
        if isinstance(field, models.ForeignKey):
            target = getattr(obj, field.name)
            row[field.name] = None if target is None else _natural(target)
        else:
            value = getattr(obj, field.attname)
            row[field.name] = value if isinstance(value, (int, bool, type(None))) else str(value)
    return row


def _history_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models():
        names = {field.name for field in model._meta.fields}
        if "pgh_obj" in names and model._meta.get_field("pgh_obj").related_model in TRACKED:
            found.append(model)
    return sorted(found, key=lambda model: model._meta.label)


def _snapshot() -> dict:
    tables = {}
    for model in TRACKED:
        rows = [_row(obj, VOLATILE) for obj in model.objects.all()]
        tables[model.__name__] = sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))
    for model in _history_models():
        rows = []
        for event in model.objects.select_related("pgh_context"):
            row = _row(event, VOLATILE_HISTORY)
            context = event.pgh_context.metadata if event.pgh_context_id else None
            row["pgh_context"] = context
            rows.append(row)
        tables[model.__name__] = sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))
    return tables


def _outcome(result, signalled: list) -> dict:
    people = dict(ServiceUser.objects.values_list("id", "source_ref"))
    return {
        "imported": result.imported,
        "counts": result.counts_dict(),
        "problem_count": result.problems.count,
        "problems": [
            [problem.file, problem.row, problem.column, problem.value, problem.message]
            for problem in result.problems.kept
        ],
        "signalled": [None if ids is None else sorted(people[i] for i in ids) for ids in signalled],
        "tables": _snapshot(),
    }


def _import(files, signalled, capture, **options):
    with capture(execute=True):
        return records_import(files=files, today=TODAY, **options)


@pytest.fixture
def cast(north, south, alice, bob):
    UserFactory(username="nurse", role="keyworker", team=north)


@pytest.fixture
def signalled():
    seen: list = []

    def receiver(sender, service_user_ids, **kwargs):
        seen.append(service_user_ids)

    records_imported.connect(receiver, dispatch_uid="test_same_rows")
    yield seen
    records_imported.disconnect(dispatch_uid="test_same_rows")


# 1: every table is written through the bulk path (indexes dropped and rebuilt).
@pytest.mark.parametrize("bulk_rows", [writing.BULK_ROWS, 1], ids=["row_by_row", "bulk"])
def test_the_import_writes_and_reports_exactly_what_it_did_before(
    cast, tmp_path, signalled, django_capture_on_commit_callbacks, monkeypatch, bulk_rows
):
    monkeypatch.setattr(writing, "BULK_ROWS", bulk_rows)
    outcomes = {}
    import pghistory

    with pghistory.context(user=None, import_job="reference"):
        steps = (
            ("all_or_nothing", FIRST, {}),
            ("partial", FIRST, {"partial": True}),
            ("again_unchanged", FIRST, {"partial": True}),
            ("dry_run", SECOND, {"dry_run": True}),
            ("second", SECOND, {"partial": True}),
            ("unreadable", UNREADABLE, {"partial": True}),
        )
        for name, files, options in steps:
            signalled.clear()
            result = _import(
                _write(tmp_path / name, files),
                signalled,
                django_capture_on_commit_callbacks,
                **options,
            )
            outcomes[name] = _outcome(result, list(signalled))

    produced = json.loads(json.dumps(outcomes, ensure_ascii=False))
    if os.environ.get("LANTERN_RECORD_IMPORT_REFERENCE"):
        REFERENCE.write_text(json.dumps(produced, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(REFERENCE.read_text())
    for name in expected:
        for key in expected[name]:
            assert produced[name][key] == expected[name][key], (name, key)
    assert produced == expected
