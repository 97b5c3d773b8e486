"""The set-based file and checks give the same bytes and the same problems as the old way.

`reference.py` keeps the writer as it was (a dict per row) and checks its file the old
way (parsed back into `Episode` objects by `exchange.ndtms.validation`); a small service with every kind of record and problem
is written and checked both ways, and the two must agree byte for byte and problem for
problem, in order.
"""

import datetime
import io

import pyarrow as pa
import pytest

from cases.models import Intervention
from exchange.models import NdtmsMapping
from exchange.ndtms import submission_chunks
from exchange.ndtms.codes import DATASET_VERSION
from exchange.ndtms.frames import TEAM, FrameChecks
from exchange.ndtms.items import NAMES
from exchange.ndtms.mapping import mappings_for
from exchange.ndtms.validation import validate
from exchange.selectors import write_service_file
from outcomes.models import Stage
from tests.exchange.ndtms.reference import reference_file, reference_problems
from tests.exchange.ndtms.test_validation import CODES, END, row
from tests.factories import (
    EpisodeFactory,
    ServiceUserFactory,
    TeamFactory,
    TopFactory,
    days_ago,
    discharge_reason,
    substance,
)

START, FINISH = days_ago(60), days_ago(1)


def _modality(episode, days: int, **fields) -> Intervention:
    return Intervention.objects.create(
        episode=episode,
        kind=fields.pop("kind", "psychosocial"),
        setting="community",
        referral_date=days_ago(days + 2),
        first_offered_date=days_ago(days + 1),
        start_date=days_ago(days),
        **fields,
    )


@pytest.fixture
def service_records(jo):
    """A service holding every shape of record the file and the checks treat apart."""
    east = TeamFactory(service=jo.team.service, name="East")
    # jo: three modalities and one TOP (three rows), a quote and a comma in the postcode.
    jo.postcode = 'M"4 4Q,U'
    jo.save()
    treated = EpisodeFactory(
        service_user=jo,
        referral_date=days_ago(300),
        triage_date=days_ago(299),
        start_date=days_ago(290),
        substance_1=substance("crack"),
        substance_2=substance("alcohol"),
        route="smoke",
        parental_status=True,
        children_living_with=0,
        pregnant=False,
        dual_diagnosis=True,
        discharge_date=days_ago(15),
        discharge_reason=discharge_reason("completed_drug_free"),
    )
    _modality(treated, 288, kind="pharmacological", intention="withdrawal", end_date=days_ago(20))
    _modality(treated, 200, approach="cognitive")
    _modality(treated, 100, exit_status="planned")
    TopFactory(episode=treated, top_date=days_ago(289))
    # A TOP before its modality's start, on a second episode: more TOPs than modalities.
    second = EpisodeFactory(
        service_user=jo, referral_date=days_ago(40), triage_date=days_ago(39), start_date=None
    )
    TopFactory(episode=second, top_date=days_ago(45))
    TopFactory(episode=second, top_date=days_ago(30), stage=Stage.REVIEW)
    # Without consent, and with consent not recorded: reduced rows.
    for consent in (False, None):
        person = ServiceUserFactory(team=east, consent_to_ndtms=consent)
        EpisodeFactory(service_user=person, referral_date=days_ago(50))
    # Under 18 at referral, born after it, discharged, with a discharge reason.
    young = ServiceUserFactory(team=east, sex="F", date_of_birth=days_ago(365 * 16))
    EpisodeFactory(
        service_user=young,
        referral_date=days_ago(30),
        discharge_date=days_ago(5),
        discharge_reason=discharge_reason("completed_drug_free"),
    )
    unborn = ServiceUserFactory(team=east, date_of_birth=days_ago(10))
    EpisodeFactory(service_user=unborn, referral_date=days_ago(20))
    # The same initials, date of birth and sex under two client references.
    for _ in range(2):
        twin = ServiceUserFactory(
            team=jo.team,
            first_name="Sam",
            last_name="Hill",
            date_of_birth=datetime.date(1980, 1, 1),
        )
        EpisodeFactory(service_user=twin, referral_date=days_ago(35), start_date=days_ago(33))
    # In treatment, never triaged, no modality, no TOP: start TOP overdue.
    lost = ServiceUserFactory(team=jo.team)
    EpisodeFactory(
        service_user=lost, referral_date=days_ago(200), triage_date=None, start_date=days_ago(190)
    )
    # Discharged before the period: not sent.
    EpisodeFactory(
        service_user=lost,
        referral_date=days_ago(400),
        discharge_date=days_ago(300),
        discharge_reason=discharge_reason("completed_drug_free"),
    )
    # A value mapped to a code not in its list, and one mapped to no code.
    NdtmsMapping.objects.filter(dataset_version=DATASET_VERSION, code_list="ROUTE").update(
        ndtms_code="77"
    )
    NdtmsMapping.objects.filter(
        dataset_version=DATASET_VERSION, code_list="SEX", lantern_value="F"
    ).update(ndtms_code="")
    return jo.team.service


def _as_tuples(problems) -> list[tuple[str, ...]]:
    return [tuple(vars(problem).values()) for problem in problems]


def test_the_file_and_its_problems_are_those_of_the_old_way(service_records):
    sink = io.BytesIO()
    prepared = write_service_file(service_records, START, FINISH, sink)
    old = reference_file(start=START, end=FINISH, agency=service_records.code)

    assert sink.getvalue() == old
    expected = reference_problems(old, codes=mappings_for(DATASET_VERSION).codes, end=FINISH)
    assert {p.rule for p in expected} >= {"required", "code", "dates", "age", "TOP", "duplicate"}
    assert _as_tuples(prepared.checks.problems()) == _as_tuples(expected)
    assert prepared.rows == old.count(b"\n") - 1


def test_a_teams_extract_is_the_old_ways_bytes(service_records, jo):
    kwargs = {"start": START, "end": FINISH, "team_ids": [jo.team_id]}

    assert b"".join(submission_chunks(**kwargs)) == reference_file(**kwargs)


def test_a_file_spread_over_several_blocks_is_the_same(service_records, monkeypatch):
    monkeypatch.setattr("exchange.ndtms.writer.CHUNK_PEOPLE", 2)
    sink = io.BytesIO()
    prepared = write_service_file(service_records, START, FINISH, sink)
    old = reference_file(start=START, end=FINISH, agency=service_records.code)

    assert sink.getvalue() == old
    expected = reference_problems(old, codes=mappings_for(DATASET_VERSION).codes, end=FINISH)
    assert _as_tuples(prepared.checks.problems()) == _as_tuples(expected)


def _frame(*rows: dict[str, str]) -> pa.Table:
    return pa.table({name: [r[name] for r in rows] for name in NAMES} | {TEAM: ["1"] * len(rows)})


BROKEN = [
    [row()],
    [row(CONSENT="N", EPISODID="")],
    [row(DOB="2010-01-01")],
    [row(REFLD="2026-09-20", TRIAGED="2026-09-02", MODST="2026-08-01"), row(MODST="2026-08-01")],
    [row(SEX="X", ROUTE="0", DRUG2="9996", DRUG3="1")],
    [row(TRIAGED="NA", MODID="NA", TOPID="NA", TOPDATE="NA", MODAL="NA")],
    [row(TOPDATE="2026-01-01"), row(TOPDATE="2026-02-01", TOPID="T2", MODID="NA")],
    [row(DISD="2026-09-05", DISRSN="NA"), row(CLIENTID="C2", EPISODID="E2", REFLD="bad")],
    # A TOP due on the day and the day after: 28 days from treatment, 182 from the last.
    [
        row(CPLANDT="2026-10-03", TOPID="NA", TOPDATE="NA"),
        row(EPISODID="E2", CPLANDT="2026-10-02", TOPID="NA", TOPDATE="NA"),
    ],
    [row(TOPDATE="2026-05-02"), row(EPISODID="E2", TOPDATE="2026-05-01")],
    # One person under three client identifiers, one of them without consent.
    [row(), row(CLIENTID="C2", EPISODID="E2"), row(CLIENTID="C3", EPISODID="", CONSENT="N")],
]


@pytest.mark.parametrize("rows", BROKEN)
def test_the_checks_on_frames_find_what_the_row_checks_find(rows):
    checks = FrameChecks(codes=CODES, end=END)
    checks.check(_frame(*rows))
    checks.finish()

    expected = validate(rows, codes=CODES, end=END)
    assert _as_tuples(checks.problems()) == _as_tuples(expected)
