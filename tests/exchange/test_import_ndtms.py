"""The import's NDTMS columns, and the NDTMS codes it reads besides Lantern's own values."""

import textwrap

import pytest

from cases.models import Intervention, ServiceUser, TreatmentEpisode
from exchange.importing.loader import records_import
from exchange.importing.ndtms_codes import IMPORT_COLUMNS, column_codes
from exchange.importing.specs import SPECS_BY_KIND
from exchange.models import NdtmsMapping
from exchange.ndtms.codes import MAPPINGS
from exchange.ndtms.items import ITEMS
from outcomes.models import TopAssessment
from tests.exchange.conftest import GOOD_FILES

pytestmark = pytest.mark.django_db


def changed(*changes: tuple[str, str, str]) -> dict[str, str]:
    files = {kind: textwrap.dedent(text) for kind, text in GOOD_FILES.items()}
    for kind, old, new in changes:
        assert old in files[kind], old
        files[kind] = files[kind].replace(old, new)
    return files


def problems(result) -> list[tuple]:
    return [(p.file, p.row, p.column, p.value, p.message) for p in result.problems.kept]


# The NDTMS items of the records, as columns.
WITH_ITEMS = (
    (
        "service_users",
        "local_authority,consent_to_ndtms",
        "local_authority,gp_practice_code,sexual_orientation,consent_to_ndtms",
    ),
    ("service_users", "A,E06000035,Y", "A,E06000035, a81 001 ,bisexual,Y"),
    ("service_users", ",E10000016,N", ",E10000016,,,N"),
    (
        "episodes",
        "discharge_date,discharge_reason",
        "discharge_date,discharge_reason,alcohol_days,alcohol_units,hep_c_intervention,"
        "hep_c_test_date,hep_c_positive,hep_b_intervention,hep_b_vaccinations,"
        "discharge_destination_kind",
    ),
    ("episodes", "current,,", "current,,,12,9,accepted,2025-01-15,N,accepted,2,"),
    (
        "episodes",
        "never,2024-09-01,completed_alcohol_free",
        "never,2024-09-01,completed_alcohol_free,0,,refused,,,immunised,,primary_care",
    ),
    ("interventions", "daily_dose_mg,supervised", "daily_dose_mg,supervised,approach"),
    ("interventions", "60,Y", "60,Y,"),
    ("interventions", "2024-03-10,,,,", "2024-03-10,,,,,cognitive"),
)


def test_the_ndtms_items_of_the_records_are_imported(write_files, north, alice):
    result = records_import(files=write_files(changed(*WITH_ITEMS)))

    assert result.imported, problems(result)
    jamie = ServiceUser.objects.get(source_ref="P-1")
    assert (jamie.gp_practice_code, jamie.sexual_orientation) == ("A81001", "bisexual")
    kerry = ServiceUser.objects.get(source_ref="P-2")
    assert (kerry.gp_practice_code, kerry.sexual_orientation) == ("", "")
    current = TreatmentEpisode.objects.get(source_ref="E-1")
    assert (current.alcohol_days, current.alcohol_units) == (12, 9)
    assert (current.hep_c_intervention, str(current.hep_c_test_date)) == ("accepted", "2025-01-15")
    assert current.hep_c_positive is False
    assert (current.hep_b_intervention, current.hep_b_vaccinations) == ("accepted", "2")
    assert current.discharge_destination_kind == ""
    ended = TreatmentEpisode.objects.get(source_ref="E-2")
    assert (ended.alcohol_days, ended.alcohol_units, ended.hep_c_positive) == (0, None, None)
    assert (ended.hep_b_intervention, ended.discharge_destination_kind) == (
        "immunised",
        "primary_care",
    )
    assert Intervention.objects.get(source_ref="I-2").approach == "cognitive"
    assert Intervention.objects.get(source_ref="I-1").approach == ""


def test_a_hepatitis_c_result_not_known_needs_no_test_date(write_files, north, alice):
    result = records_import(
        files=write_files(
            changed(*WITH_ITEMS, ("episodes", "accepted,2025-01-15,N", "accepted,,not known"))
        )
    )

    assert result.imported, problems(result)
    assert TreatmentEpisode.objects.get(source_ref="E-1").hep_c_positive is None


def test_files_without_the_ndtms_columns_leave_them_alone_on_a_reimport(write_files, north, alice):
    assert records_import(files=write_files(changed(*WITH_ITEMS), "first")).imported

    again = records_import(files=write_files(GOOD_FILES, "again"))

    assert again.imported, problems(again)
    assert ServiceUser.objects.get(source_ref="P-1").gp_practice_code == "A81001"
    assert TreatmentEpisode.objects.get(source_ref="E-1").alcohol_days == 12
    assert Intervention.objects.get(source_ref="I-2").approach == "cognitive"


# One bad value in the good files with the items: (kind, old, new), then the problem.
BAD_ITEMS = [
    (
        ("service_users", " a81 001 ", "A8100"),
        (
            "service_users.csv",
            2,
            "gp_practice_code",
            "A8100",
            "GP practice code A8100 is not a practice code: a letter and five digits, e.g. A81001.",
        ),
    ),
    (
        ("service_users", ",bisexual,", ",straight,"),
        (
            "service_users.csv",
            2,
            "sexual_orientation",
            "straight",
            "Sexual orientation straight is not one of: heterosexual, gay_lesbian, bisexual, "
            "other, not_stated. NDTMS SEXUAL codes are read too: B, G, H, R, Z.",
        ),
    ),
    (
        ("episodes", "current,,,12,9", "current,,,29,9"),
        ("episodes.csv", 2, "alcohol_days", "29", "Days drinking 29 is above 28."),
    ),
    (
        ("episodes", "current,,,12,9", "current,,,0,9"),
        (
            "episodes.csv",
            2,
            "alcohol_units",
            "9",
            "Units on a typical drinking day are recorded but days drinking is 0.",
        ),
    ),
    (
        ("episodes", "12,9,accepted,", "12,9,immunised,"),
        (
            "episodes.csv",
            2,
            "hep_c_intervention",
            "immunised",
            "Hepatitis C test immunised is not one of: accepted, refused, not_offered. "
            "NDTMS HEPCSTAT codes are read too: A, B, D.",
        ),
    ),
    (
        ("episodes", "accepted,2025-01-15,N", "accepted,,Y"),
        (
            "episodes.csv",
            2,
            "hep_c_test_date",
            "",
            "Latest hepatitis C test is required with the test's result (hep_c_positive).",
        ),
    ),
    (
        ("episodes", "accepted,2025-01-15,N", "accepted,1979-01-15,N"),
        (
            "episodes.csv",
            2,
            "hep_c_test_date",
            "1979-01-15",
            "Date 1979-01-15 is before the date of birth of person P-1 (1980-05-01).",
        ),
    ),
    (
        ("episodes", ",immunised,,primary_care", ",immunised,3,primary_care"),
        (
            "episodes.csv",
            3,
            "hep_b_vaccinations",
            "3",
            "Hepatitis B vaccinations are recorded but the person is immune "
            "(hep_b_intervention immunised): leave them empty.",
        ),
    ),
    (
        ("episodes", "N,accepted,2,", "N,accepted,2,none"),
        (
            "episodes.csv",
            2,
            "discharge_destination_kind",
            "none",
            "Where they went on discharge goes only with a discharge date.",
        ),
    ),
    (
        ("interventions", "60,Y,", "60,Y,cognitive"),
        (
            "interventions.csv",
            2,
            "approach",
            "cognitive",
            "What it consists of cognitive is not an approach of a pharmacological "
            "intervention: only psychosocial and recovery support interventions have one, "
            "from their own part of the list.",
        ),
    ),
    (
        ("interventions", ",,,,cognitive", ",,,,peer"),
        (
            "interventions.csv",
            3,
            "approach",
            "peer",
            "What it consists of peer is not an approach of a psychosocial intervention: "
            "only psychosocial and recovery support interventions have one, from their own "
            "part of the list.",
        ),
    ),
]


@pytest.mark.parametrize(("change", "expected"), BAD_ITEMS, ids=lambda v: str(v[2]))
def test_a_bad_ndtms_item_is_refused_at_its_column(write_files, north, alice, change, expected):
    result = records_import(files=write_files(changed(*WITH_ITEMS, change)))

    assert not result.imported
    assert problems(result)[0] == expected


# --- NDTMS codes ---------------------------------------------------------------------------

IN_NDTMS_CODES = (
    ("service_users", "1980-05-01,M,A,", "1980-05-01,F,H,"),
    ("service_users", "sex,ethnicity,", "sex,ethnicity,nationality,sexual_orientation,"),
    ("service_users", "F,H,E06000035", "F,H,IRL,B,E06000035"),
    ("service_users", "F,,E10000016", "F,NA,GBR,NA,E10000016"),
    (
        "episodes",
        "injecting_status,discharge_date,discharge_reason",
        "injecting_status,route,accommodation_need,employment_status,hep_c_intervention,"
        "hep_b_intervention,hep_b_vaccinations,discharge_date,discharge_reason",
    ),
    (
        "episodes",
        "2025-01-10,self,2025-01-12,2025-01-20,heroin,crack,current,,",
        "2025-01-10,8,2025-01-12,2025-01-20,1011,3201,C,3,2,12,A,A,C,,",
    ),
    (
        "episodes",
        "2024-03-01,gp,2024-03-02,2024-03-10,alcohol,,never,2024-09-01,completed_alcohol_free",
        "2024-03-01,3,2024-03-02,2024-03-10,7000,9996,N,NA,1,5,D,C,,2024-09-01,1",
    ),
    (
        "interventions",
        "kind,start_date,intention",
        "kind,setting,exit_status,end_date,start_date,intention",
    ),
    ("interventions", "pharmacological,2025-01-20,maintenance", "94,1,,,2025-01-20,PHMAIN"),
    ("interventions", "psychosocial,2024-03-10,,", "95,6,A,2024-08-01,2024-03-10,,"),
    ("interventions", "supervised\n", "supervised,approach\n"),
    ("interventions", "60,Y\n", "60,Y,\n"),
    ("interventions", ",,,\n", ",,,,PSYCGBH\n"),
)


def test_a_file_in_ndtms_codes_imports_as_lanterns_own_values(write_files, north, alice):
    result = records_import(files=write_files(changed(*IN_NDTMS_CODES)))

    assert result.imported, problems(result)
    jamie = ServiceUser.objects.get(source_ref="P-1")
    assert (jamie.sex, jamie.ethnicity, jamie.nationality, jamie.sexual_orientation) == (
        "F",
        "H",
        "IRL",
        "bisexual",
    )
    kerry = ServiceUser.objects.get(source_ref="P-2")
    # NA is the file's "not known": the column's empty value.
    assert (kerry.ethnicity, kerry.nationality, kerry.sexual_orientation) == ("Z", "GBR", "")
    current = TreatmentEpisode.objects.get(source_ref="E-1")
    assert (current.referral_source, current.substance_1.code, current.substance_2.code) == (
        "probation",
        "heroin",
        "crack",
    )
    assert (current.injecting_status, current.route, current.accommodation_need) == (
        "current",
        "smoke",
        "problem",
    )
    assert (current.employment_status, current.hep_c_intervention) == ("unemployed", "accepted")
    assert (current.hep_b_intervention, current.hep_b_vaccinations) == ("accepted", "completed")
    ended = TreatmentEpisode.objects.get(source_ref="E-2")
    assert (ended.referral_source, ended.substance_1.code, ended.substance_2) == (
        "gp",
        "alcohol",
        None,  # 9996: no second problem substance
    )
    assert (ended.injecting_status, ended.route, ended.accommodation_need) == (
        "never",
        "",
        "urgent",
    )
    assert (ended.employment_status, ended.hep_c_intervention, ended.hep_b_intervention) == (
        "not_seeking",
        "not_offered",
        "immunised",
    )
    assert ended.discharge_reason.code == "completed_drug_free"
    prescribing = Intervention.objects.get(source_ref="I-1")
    assert (prescribing.kind, prescribing.setting, prescribing.intention) == (
        "pharmacological",
        "primary_care",
        "maintenance",
    )
    talking = Intervention.objects.get(source_ref="I-2")
    assert (talking.kind, talking.setting, talking.exit_status, talking.approach) == (
        "psychosocial",
        "community",
        "planned",
        "cognitive",
    )
    assert TopAssessment.objects.get(source_ref="T-1").stage == "S"


def test_an_unknown_ndtms_code_is_refused_naming_the_codes_the_column_reads(
    write_files, north, alice
):
    result = records_import(
        files=write_files(changed(("episodes", "2025-01-10,self,", "2025-01-10,99,")))
    )

    assert not result.imported
    assert problems(result)[0] == (
        "episodes.csv",
        2,
        "referral_source",
        "99",
        "Referral source 99 is not one of: self, gp, hospital, prison, probation, police, "
        "social_care, mental_health, other. NDTMS RFLS codes are read too: 3, 4, 5, 8, 9, 11, "
        "13, 15, 19.",
    )


def test_an_unknown_substance_code_is_not_found(write_files, north, alice):
    result = records_import(
        files=write_files(changed(("episodes", "2025-01-10,self,", "2025-01-10,4,")))
    )
    assert result.imported, problems(result)

    result = records_import(
        files=write_files(changed(("episodes", "heroin,crack", "1011,9999")), "again")
    )

    assert not result.imported
    assert problems(result)[0][2:] == (
        "substance_2",
        "9999",
        "Second problem substance 9999 not found. It is not an NDTMS DRUG code either.",
    )


def test_a_code_that_stands_for_several_lantern_values_is_refused(write_files, north, alice):
    result = records_import(files=write_files(changed(("episodes", "heroin,crack", "heroin,8799"))))

    assert not result.imported
    assert problems(result)[0] == (
        "episodes.csv",
        2,
        "substance_2",
        "8799",
        "Second problem substance 8799 is an NDTMS DRUG code that stands for several of "
        "Lantern's values (ketamine, mephedrone, other, synthetic_cannabinoid): write the "
        "one meant instead.",
    )
    assert [p for p in problems(result) if p[2] == "substance_2"] == problems(result)[:1]


def test_not_known_in_a_required_column_is_refused_as_missing(write_files, north, alice):
    result = records_import(
        files=write_files(changed(("episodes", "2025-01-10,self,", "2025-01-10,NA,")))
    )

    assert not result.imported
    assert problems(result)[0][2:] == (
        "referral_source",
        "NA",
        "Referral source is required: NA says it is not known.",
    )


def test_an_administrators_correction_of_a_mapping_applies_to_the_import(write_files, north, alice):
    NdtmsMapping.objects.filter(
        dataset_version="K", code_list="RFLS", lantern_value="hospital"
    ).update(ndtms_code="22")

    corrected = records_import(
        files=write_files(changed(("episodes", "2025-01-10,self,", "2025-01-10,22,")))
    )
    old_code = records_import(
        files=write_files(changed(("episodes", "2025-01-10,self,", "2025-01-10,9,")), "old")
    )

    assert corrected.imported, problems(corrected)
    assert TreatmentEpisode.objects.get(source_ref="E-1").referral_source == "hospital"
    assert not old_code.imported
    assert problems(old_code)[0][2:4] == ("referral_source", "9")


# --- the translation itself, without a database ------------------------------------------


def test_every_coded_item_with_a_column_of_its_own_is_read_by_the_import():
    read = {column.item for column in IMPORT_COLUMNS}
    coded = {item.name for item in ITEMS if item.kind in ("code", "derived")}
    # PRNTSTAT is derived from two columns (is a parent, children living with them).
    assert coded - read == {"PRNTSTAT"}
    for column in IMPORT_COLUMNS:
        assert column.column in SPECS_BY_KIND[column.file].by_name, column


def _accepted() -> dict[tuple[str, str], set[str]]:
    found = {}
    for coded in IMPORT_COLUMNS:
        column = SPECS_BY_KIND[coded.file].by_name[coded.column]
        found[coded.file, coded.column] = set(column.choices) or set(MAPPINGS[coded.code_list])
    return found


def test_each_shipped_code_reads_back_as_the_one_value_written_as_it_or_is_refused():
    accepted = _accepted()
    codes = column_codes(MAPPINGS, accepted)
    for coded in IMPORT_COLUMNS:
        reading = codes[coded.file, coded.column]
        for value, code in MAPPINGS[coded.code_list].items():
            if not code or value not in accepted[coded.file, coded.column]:
                continue
            sharing = sorted(
                v
                for v, c in MAPPINGS[coded.code_list].items()
                if c == code and v in accepted[coded.file, coded.column]
            )
            if code in accepted[coded.file, coded.column]:
                assert code == value or code not in reading.to_lantern, (coded, code)
            elif len(sharing) == 1:
                assert reading.to_lantern[code] == value, (coded, code)
            else:
                assert reading.ambiguous[code] == ", ".join(sharing), (coded, code)


def test_a_value_valid_as_lanterns_own_keeps_its_lantern_meaning():
    codes = column_codes(
        {"ROUTE": {"inject": "oral", "oral": "4"}},
        {**_accepted(), ("episodes", "route"): {"inject", "oral"}},
    )[("episodes", "route")]

    # "oral" is Lantern's oral, never the NDTMS code "oral" an odd mapping gives inject.
    assert codes.to_lantern == {"4": "oral"}
    assert codes.empty == {"NA"}
