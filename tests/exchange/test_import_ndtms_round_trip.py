"""Records -> the NDTMS submission file -> its coded values imported back -> the same records.

Every coded item the import reads (`IMPORT_COLUMNS`) goes into the import files as the
submission wrote it, NDTMS code and all; only the items that are not codes (dates,
numbers, yes/no) have the file's `NA` turned into an empty cell, which is what the
import reads as not known. The imported records must then hold what the originals do.
"""

import csv
import io

import pytest

from cases.models import Intervention, ServiceUser, TreatmentEpisode
from exchange.importing.loader import records_import
from exchange.importing.ndtms_codes import IMPORT_COLUMNS, SUBINT
from exchange.models import NdtmsCode, NdtmsMapping
from exchange.ndtms import read_submission, submission_chunks
from exchange.ndtms.codes import CODE_LISTS
from exchange.ndtms.items import NOT_KNOWN
from outcomes.models import TopAssessment
from tests.factories import (
    EpisodeFactory,
    ServiceUserFactory,
    TopFactory,
    days_ago,
    discharge_reason,
    substance,
)

pytestmark = pytest.mark.django_db

START, END = days_ago(60), days_ago(1)

# The items that are not codes, by the import column they fill.
PLAIN = {
    "service_users": {
        "date_of_birth": "DOB",
        "local_authority": "LA",
        "gp_practice_code": "GPPTCE",
        "consent_to_ndtms": "CONSENT",
        "postcode": "PC",
    },
    "episodes": {
        "referral_date": "REFLD",
        "triage_date": "TRIAGED",
        "start_date": "CPLANDT",
        "previously_treated": "PREVTR",
        "age_first_use": "DRUG1AGE",
        "alcohol_days": "ALCDDAYS",
        "alcohol_units": "ALCUNITS",
        "hep_c_test_date": "HEPCTSTD",
        "hep_c_positive": "HEPCPOS",
        "dual_diagnosis": "DUALDIAG",
        "children_living_with": "CHILDWTH",
        "pregnant": "PREGNANT",
        "discharge_date": "DISD",
    },
    "interventions": {
        "referral_date": "REFMODDT",
        "first_offered_date": "FAOMODDT",
        "start_date": "MODST",
        "end_date": "MODEND",
    },
    "top_assessments": {"top_date": "TOPDATE"},
}
SUB_INTERVENTIONS = tuple(CODE_LISTS[SUBINT])


def _records():
    """One person with every coded item filled, each with a code no other value shares."""
    # Discharge destinations have no shipped codes: an administrator enters them.
    NdtmsCode.objects.create(dataset_version="K", code_list="DISDEST", code="2", label="GP")
    NdtmsMapping.objects.filter(
        dataset_version="K", code_list="DISDEST", lantern_value="primary_care"
    ).update(ndtms_code="2")
    person = ServiceUserFactory(
        first_name="Jo",
        last_name="Bloggs",
        sex="F",
        ethnicity="H",
        nationality="IRL",
        postcode="ME4 4QU",
        gp_practice_code="A81001",
        sexual_orientation="bisexual",
    )
    episode = EpisodeFactory(
        service_user=person,
        referral_date=days_ago(200),
        referral_source="probation",
        triage_date=days_ago(199),
        start_date=days_ago(190),
        previously_treated=True,
        substance_1=substance("crack"),
        substance_2=substance("alcohol"),
        substance_3=substance("heroin"),
        age_first_use=19,
        route="smoke",
        injecting_status="previous",
        accommodation_need="problem",
        dual_diagnosis=False,
        parental_status=False,
        children_living_with=0,
        pregnant=False,
        alcohol_days=12,
        alcohol_units=9,
        hep_c_intervention="accepted",
        hep_c_test_date=days_ago(180),
        hep_c_positive=False,
        hep_b_intervention="refused",
        hep_b_vaccinations="completed",
        employment_status="unemployed",
        discharge_date=days_ago(10),
        discharge_reason=discharge_reason("completed_drug_free"),
        discharge_destination_kind="primary_care",
    )
    Intervention.objects.create(
        episode=episode,
        kind="pharmacological",
        setting="primary_care",
        referral_date=days_ago(190),
        first_offered_date=days_ago(189),
        start_date=days_ago(188),
        end_date=days_ago(20),
        exit_status="planned",
        intention="withdrawal",
        medicine="methadone",
    )
    Intervention.objects.create(
        episode=episode,
        kind="recovery_support",
        setting="recovery",
        referral_date=days_ago(185),
        start_date=days_ago(180),
        end_date=days_ago(15),
        exit_status="unplanned",
        approach="housing",
    )
    TopFactory(episode=episode, stage="S", top_date=days_ago(185), opiuse=0, crause=12)
    TopFactory(episode=episode, stage="E", top_date=days_ago(12), opiuse=0, crause=2)
    return person, episode


def _plain(text: str) -> str:
    return "" if text == NOT_KNOWN else text


def _import_files(rows: list[dict[str, str]], person: ServiceUser) -> dict[str, io.BytesIO]:
    """The submission's rows as the seven import files' four that hold NDTMS items."""
    first = rows[0]
    files: dict[str, list[dict[str, str]]] = {
        "service_users": [
            {
                "ref": "P-RT",
                "team": person.team.name,
                "first_name": person.first_name,
                "last_name": person.last_name,
            }
        ],
        "episodes": [{"ref": "E-RT", "person_ref": "P-RT"}],
        "interventions": [],
        "top_assessments": [],
    }
    for kind in ("service_users", "episodes"):
        row = files[kind][0]
        row.update({column: _plain(first[item]) for column, item in PLAIN[kind].items()})
        for coded in IMPORT_COLUMNS:
            if coded.file == kind:
                row[coded.column] = first[coded.item]  # the code exactly as written
    for row in rows:
        if row["MODID"] != NOT_KNOWN:
            modality = {"ref": row["MODID"], "episode_ref": "E-RT"}
            modality.update({c: _plain(row[item]) for c, item in PLAIN["interventions"].items()})
            for coded in IMPORT_COLUMNS:
                if coded.file == "interventions" and coded.code_list != SUBINT:
                    modality[coded.column] = row[coded.item]
            # The sub-intervention item flagged Y names what the intervention consists of.
            (flagged,) = [name for name in SUB_INTERVENTIONS if row[name] == "Y"]
            prescribing = flagged.startswith("PH")
            modality["intention"] = flagged if prescribing else ""
            modality["approach"] = "" if prescribing else flagged
            modality["medicine"] = "methadone" if prescribing else ""
            files["interventions"].append(modality)
        if row["TOPID"] != NOT_KNOWN:
            top = {"ref": row["TOPID"], "episode_ref": "E-RT", "OPIUSE": row["OPIUSE"]}
            top.update({c: _plain(row[item]) for c, item in PLAIN["top_assessments"].items()})
            top.update({"stage": row["TRSTAGE"], "CRAUSE": row["CRAUSE"]})
            files["top_assessments"].append(top)
    return {kind: _csv(found) for kind, found in files.items()}


def _csv(rows: list[dict[str, str]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())


def _fields(record, names) -> dict[str, object]:
    return {name: getattr(record, name) for name in names}


PERSON_ITEMS = ("sex", "ethnicity", "nationality", "sexual_orientation", "gp_practice_code")
PERSON_ITEMS += ("date_of_birth", "local_authority", "postcode", "consent_to_ndtms")
EPISODE_ITEMS = tuple(
    {coded.column for coded in IMPORT_COLUMNS if coded.file == "episodes"} | set(PLAIN["episodes"])
)
INTERVENTION_ITEMS = ("kind", "setting", "exit_status", "intention", "approach")
INTERVENTION_ITEMS += tuple(PLAIN["interventions"])


def _tops(episode) -> list[tuple]:
    return list(
        TopAssessment.objects.filter(episode=episode)
        .order_by("top_date")
        .values_list("stage", "top_date", "opiuse", "crause")
    )


def test_the_submissions_coded_values_import_back_as_the_records_hold_them():
    person, episode = _records()
    text = b"".join(submission_chunks(start=START, end=END)).decode()
    rows = read_submission(text)
    assert len(rows) == 2
    # What is imported is NDTMS's codes, not Lantern's values.
    assert (rows[0]["RFLS"], rows[0]["DRUG1"], rows[0]["MODAL"], rows[1]["MODSET"]) == (
        "8",
        "3201",
        "94",
        "7",
    )

    result = records_import(files=_import_files(rows, person))

    assert result.imported, [(p.file, p.column, p.value, p.message) for p in result.problems.kept]
    back = ServiceUser.objects.get(source_ref="P-RT")
    assert _fields(back, PERSON_ITEMS) == _fields(person, PERSON_ITEMS)
    back_episode = TreatmentEpisode.objects.get(source_ref="E-RT")
    assert _fields(back_episode, EPISODE_ITEMS) == _fields(episode, EPISODE_ITEMS)
    originals = episode.interventions.order_by("start_date")
    imported = back_episode.interventions.order_by("start_date")
    assert [_fields(i, INTERVENTION_ITEMS) for i in imported] == [
        _fields(i, INTERVENTION_ITEMS) for i in originals
    ]
    assert _tops(back_episode) == _tops(episode)


def test_every_coded_column_the_import_reads_is_in_the_round_trip():
    covered = {
        *(("episodes", c) for c in EPISODE_ITEMS),
        *(("service_users", c) for c in PERSON_ITEMS),
        *(("interventions", c) for c in INTERVENTION_ITEMS),
        ("top_assessments", "stage"),
    }
    assert {(coded.file, coded.column) for coded in IMPORT_COLUMNS} <= covered
