"""The submission file: its layout, a round trip through it, and consent reduction.

The round trip fills every item Lantern holds, writes the file, reads it back and
turns each value into Lantern's terms through the mapping tables: every item must
come back as the record holds it.
"""

import datetime
import io

import pytest
from django.core.management import call_command

from cases.models import Intervention, ServiceUser
from exchange.ndtms import read_submission, submission_chunks, submission_file_name, validation
from exchange.ndtms.items import ITEMS, ITEMS_BY_NAME, NAMES, NOT_KNOWN, WITHOUT_CONSENT
from exchange.ndtms.links import problem_links
from exchange.ndtms.mapping import mappings_for
from exchange.ndtms.writer import lantern_value
from outcomes.top_items import TOP_ITEMS
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


def submitted(**kwargs) -> list[dict[str, str]]:
    text = b"".join(submission_chunks(start=START, end=END, **kwargs)).decode()
    return read_submission(text)


def _person(**fields) -> ServiceUser:
    return ServiceUserFactory(
        first_name="jo",
        last_name="Bloggs",
        sex="F",
        ethnicity="H",
        nationality="IRL",
        postcode="ME4 4QU",
        gp_practice_code="A81001",
        sexual_orientation="bisexual",
        **fields,
    )


def _full_episode(person: ServiceUser):
    return EpisodeFactory(
        service_user=person,
        referral_date=days_ago(200),
        referral_source="probation",
        triage_date=days_ago(199),
        start_date=days_ago(190),
        previously_treated=True,
        substance_1=substance("crack"),
        substance_2=substance("alcohol"),
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
        hep_b_intervention="accepted",
        hep_b_vaccinations="2",
        employment_status="unemployed",
        discharge_date=days_ago(10),
        discharge_reason=discharge_reason("completed_drug_free"),
        discharge_destination_kind="primary_care",
    )


def _interventions(episode) -> list[Intervention]:
    prescribing = Intervention.objects.create(
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
    talking = Intervention.objects.create(
        episode=episode,
        kind="psychosocial",
        setting="community",
        referral_date=days_ago(185),
        start_date=days_ago(180),
        approach="cognitive",
    )
    return [prescribing, talking]


def _expected(person, episode, modality, top) -> dict[str, object]:
    """Each item's source as the records hold it (what the file must give back)."""
    values: dict[str, object] = {
        "svc.code": person.team.service.code,
        "su.client_ref": person.client_ref,
        "su.first_initial": "J",
        "su.last_initial": "B",
        "su.date_of_birth": person.date_of_birth,
        "su.sex": person.sex,
        "su.ethnicity": person.ethnicity,
        "su.nationality": person.nationality,
        "su.postcode": person.postcode,
        "su.gp_practice_code": person.gp_practice_code,
        "su.sexual_orientation": person.sexual_orientation,
        "su.consent_to_ndtms": True,
        "la.code": person.local_authority.code,
        "ep.external_id": str(episode.external_id),
        "ep.prntstat": "14",
        "s1.code": episode.substance_1.code,
        "s2.code": episode.substance_2.code,
        "s3.code": None,
        "dr.code": episode.discharge_reason.code,
    }
    for name in [
        "referral_date",
        "referral_source",
        "triage_date",
        "start_date",
        "previously_treated",
        "age_first_use",
        "route",
        "injecting_status",
        "accommodation_need",
        "children_living_with",
        "pregnant",
        "alcohol_days",
        "alcohol_units",
        "dual_diagnosis",
        "hep_c_test_date",
        "hep_c_intervention",
        "hep_c_positive",
        "hep_b_vaccinations",
        "hep_b_intervention",
        "employment_status",
        "discharge_date",
        "discharge_destination_kind",
    ]:
        values[f"ep.{name}"] = getattr(episode, name)
    if modality is not None:
        for name in [
            "kind",
            "referral_date",
            "first_offered_date",
            "start_date",
            "end_date",
            "exit_status",
            "setting",
        ]:
            values[f"iv.{name}"] = getattr(modality, name) or None
        values["iv.external_id"] = values["iv.sub_id"] = str(modality.external_id)
        values["iv.sub_date"] = modality.start_date
        values["iv.subint"] = modality.intention or modality.approach
    if top is not None:
        values.update(
            {
                "tp.external_id": str(top.external_id),
                "tp.top_date": top.top_date,
                "tp.stage": top.stage,
            }
        )
        for item in TOP_ITEMS:
            values[f"tp.{item.field}"] = getattr(top, item.field)
    return values


def test_every_item_comes_back_as_the_records_hold_it():
    person = _person()
    episode = _full_episode(person)
    modalities = _interventions(episode)
    top = TopFactory(episode=episode, top_date=days_ago(185), opiuse=0, crause=12, sharing=False)
    mappings = mappings_for("K")

    rows = submitted()

    assert len(rows) == 2
    for row, modality, top_on_row in zip(rows, modalities, [top, None], strict=True):
        expected = _expected(person, episode, modality, top_on_row)
        for item in ITEMS:
            if item.source is None:
                assert row[item.name] == NOT_KNOWN
                continue
            held = expected.get(item.source)
            if item.kind == "code" and held is not None and not mappings.code(item.codes, held):
                held = None  # no code in the list yet: written as not known
            back = lantern_value(item, row[item.name], mappings)
            if item.kind == "flag":
                here = held is not None and mappings.code("SUBINT", str(held)) == item.name
                assert (back is not None) == here, item.name
                assert back is None or held in back, item.name
            elif item.kind == "code":
                assert (held is None and back is None) or held in (back or ()), (item.name, held)
            else:
                assert back == held, item.name


def test_the_codes_written_are_ndtms_codes_not_lanterns_own():
    person = _person()
    episode = _full_episode(person)
    _interventions(episode)

    first, second = submitted()

    assert (first["SEX"], first["ETHNIC"], first["NATION"]) == ("F", "H", "IRL")
    assert (first["RFLS"], first["DRUG1"], first["DRUG2"], first["DRUG3"]) == (
        "8",
        "3201",
        "7000",
        "9997",
    )
    assert (first["ROUTE"], first["INJSTAT"], first["ACCMNEED"], first["PRNTSTAT"]) == (
        "3",
        "P",
        "2",
        "14",
    )
    assert (first["EMPSTAT"], first["SEXUAL"], first["HEPCSTAT"], first["HEPBVAC"]) == (
        "12",
        "B",
        "A",
        "2",
    )
    assert (first["DISRSN"], first["DISDEST"], first["CONSENT"], first["PREVTR"]) == (
        "1",
        NOT_KNOWN,
        "Y",
        "Y",
    )
    assert (first["MODAL"], first["MODSET"], first["MODEXIT"], first["PHWTH"]) == (
        "94",
        "1",
        "A",
        "Y",
    )
    assert (second["MODAL"], second["MODSET"], second["MODEXIT"], second["PSYCGBH"]) == (
        "95",
        "6",
        NOT_KNOWN,
        "Y",
    )
    assert first["PSYCGBH"] == second["PHWTH"] == NOT_KNOWN
    assert (first["FINITIAL"], first["SINITIAL"], first["REFLD"]) == (
        "J",
        "B",
        days_ago(200).isoformat(),
    )
    assert first["TOPID"] == NOT_KNOWN


def test_a_corrected_mapping_is_what_the_next_file_says():
    from exchange.models import NdtmsMapping

    episode = _full_episode(_person())
    NdtmsMapping.objects.filter(code_list="EMPSTAT", lantern_value="unemployed").update(
        ndtms_code="13"
    )

    (row,) = submitted()

    assert row["EMPSTAT"] == "13"
    assert episode.employment_status == "unemployed"


def test_an_episode_has_a_row_for_each_modality_or_top_whichever_are_more():
    episode = EpisodeFactory(service_user=_person(), referral_date=days_ago(300))
    first = TopFactory(episode=episode, top_date=days_ago(290))
    second = TopFactory(episode=episode, stage="R", top_date=days_ago(110))
    third = TopFactory(episode=episode, stage="R", top_date=days_ago(5))
    TopFactory(episode=episode, stage="R", top_date=days_ago(0))  # after the period
    Intervention.objects.create(episode=episode, kind="residential", start_date=days_ago(280))

    rows = submitted()

    assert [row["TOPID"] for row in rows] == [str(t.external_id) for t in (first, second, third)]
    assert [row["MODAL"] for row in rows] == ["6", NOT_KNOWN, NOT_KNOWN]
    assert {row["EPISODID"] for row in rows} == {str(episode.external_id)}
    assert {row["DOB"] for row in rows} == {episode.service_user.date_of_birth.isoformat()}


def test_an_episode_with_nothing_yet_has_one_row_and_not_known_items():
    person = _person()
    EpisodeFactory(service_user=person, triage_date=None, start_date=None)

    (row,) = submitted()

    assert (row["TRIAGED"], row["CPLANDT"], row["MODAL"], row["TOPDATE"]) == (NOT_KNOWN,) * 4
    assert (row["DRUG2"], row["DRUG3"]) == ("9996", "9997")


@pytest.mark.parametrize("consent", [False, None])
def test_without_consent_only_the_allowed_items_are_sent(consent):
    person = _person(consent_to_ndtms=consent)
    episode = _full_episode(person)
    _interventions(episode)
    TopFactory(episode=episode, top_date=days_ago(185))

    (row,) = submitted()

    assert WITHOUT_CONSENT == ("AGNCY", "CLIENTID", "CONSENT")
    assert (row["AGNCY"], row["CLIENTID"], row["CONSENT"]) == (
        person.team.service.code,
        person.client_ref,
        "N",
    )
    assert {name for name, value in row.items() if value != ""} == set(WITHOUT_CONSENT)


def test_the_file_has_the_items_as_its_header_and_every_value_quoted():
    _full_episode(_person())

    text = b"".join(submission_chunks(start=START, end=END)).decode()

    header, first, *_ = text.split("\n")
    assert header == ",".join(f'"{name}"' for name in NAMES)
    assert first.startswith('"J","B",')
    assert "Bloggs" not in text
    assert "jo" not in text


def test_episodes_outside_the_period_and_other_agencies_are_not_sent():
    EpisodeFactory(
        service_user=_person(),
        referral_date=days_ago(900),
        discharge_date=days_ago(800),
        discharge_reason=discharge_reason("dropped_out"),
    )
    kept = EpisodeFactory(service_user=_person())

    assert [row["EPISODID"] for row in submitted()] == [str(kept.external_id)]
    assert submitted(agency="ELSEWHERE") == []
    assert len(submitted(agency=kept.service_user.team.service.code)) == 1


def test_the_file_name_carries_the_agency_the_period_and_the_dataset_version():
    name = submission_file_name(
        agency="N0852", start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31)
    )

    assert name == "N0852-20261001-20261031-TREAT-IN-K.csv"


def test_a_file_of_another_layout_is_refused():
    with pytest.raises(ValueError, match="not a dataset K submission"):
        read_submission('"RECTYPE","CLIENTREF"\n"EPI","X"\n')


def test_the_command_names_the_file_as_ndtms_does(tmp_path):
    person = _person()
    _full_episode(person)
    err = io.StringIO()

    # The episode is in treatment with no modality: the file's validation says so.
    with pytest.raises(SystemExit):
        call_command(
            "ndtms_extract",
            "--start",
            START.isoformat(),
            "--end",
            END.isoformat(),
            "--output-dir",
            str(tmp_path),
            stderr=err,
        )
    assert "[modality] MODAL" in err.getvalue()

    code = person.team.service.code
    (written,) = tmp_path.iterdir()
    assert written.name == f"{code}-{START:%Y%m%d}-{END:%Y%m%d}-TREAT-IN-K.csv"
    assert read_submission(written.read_text())[0]["CLIENTID"] == person.client_ref


def test_the_command_validates_the_file_it_wrote(tmp_path):
    person = _person()
    EpisodeFactory(service_user=person, triage_date=None)
    err = io.StringIO()

    with pytest.raises(SystemExit):
        call_command(
            "ndtms_extract",
            "--start",
            START.isoformat(),
            "--end",
            END.isoformat(),
            "--output",
            str(tmp_path / "file.csv"),
            stderr=err,
        )

    episode = person.episodes.get()
    edit = f"/people/{person.external_id}/episodes/{episode.external_id}/edit/"
    assert (
        f"{person.client_ref} episode {episode.external_id} [triage] TRIAGED: The episode is in "
        f"treatment but has no triage date. {edit}#id_triage_date"
    ) in err.getvalue()


def test_each_problem_links_to_the_form_and_field_that_fixes_it():
    person = _person()
    episode = EpisodeFactory(service_user=person)
    problems = [
        validation.Problem("required", person.client_ref, str(episode.external_id), item, "")
        for item in ("DRUG1AGE", "DRUG2", "SINITIAL", "GPPTCE", "MODAL", "AGNCY")
    ]
    problems.append(validation.Problem("duplicate", "NO-SUCH-REF", "", "CLIENTID", ""))

    links = problem_links(problems)

    edit_episode = f"/people/{person.external_id}/episodes/{episode.external_id}/edit/"
    edit_person = f"/people/{person.external_id}/edit/"
    assert links == [
        f"{edit_episode}#id_age_first_use",
        f"{edit_episode}#id_substance_2",
        f"{edit_person}#id_last_name",
        f"{edit_person}#id_gp_practice_code",
        f"/people/{person.external_id}/",
        f"/people/{person.external_id}/",
        "",
    ]


def test_every_item_is_declared_once_with_its_source_or_a_reason():
    assert len(set(NAMES)) == len(NAMES)
    for item in ITEMS:
        assert item.source is not None or item.lantern.startswith("Not held"), item.name
    assert ITEMS_BY_NAME["DRUG2"].absent == "9996"
