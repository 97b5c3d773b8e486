"""Every coded item's mapping: each of Lantern's own values maps to a code of its list.

The lists Lantern chooses from are named here beside the NDTMS code list they are
written in; a choice added to a Lantern list without a mapping fails here, naming
it. An empty mapping (no code: written as not known) is allowed only for a list
whose gap is stated in `codes.UNCONFIRMED`.
"""

import pytest
from django.core.exceptions import ValidationError

from cases.models import (
    AccommodationNeed,
    BbvIntervention,
    DischargeDestination,
    DischargeReason,
    EmploymentStatus,
    Ethnicity,
    HepBVaccinations,
    InjectingStatus,
    Intervention,
    InterventionType,
    Nationality,
    ReferralSource,
    Route,
    Sex,
    SexualOrientation,
    Substance,
)
from exchange.models import NdtmsCode, NdtmsMapping
from exchange.ndtms import codes
from exchange.ndtms.items import ITEMS
from exchange.ndtms.mapping import mappings_for
from outcomes.models import Stage

IMMUNE = {BbvIntervention.IMMUNISED, BbvIntervention.ACQUIRED_IMMUNITY}

# NDTMS code list -> the values Lantern records for it.
LANTERN_VALUES = {
    "SEX": set(Sex.values),
    "ETHNIC": set(Ethnicity.values),
    "NATION": set(Nationality.values),
    "RFLS": set(ReferralSource.values),
    "ROUTE": set(Route.values),
    "INJSTAT": set(InjectingStatus.values),
    "ACCMNEED": set(AccommodationNeed.values),
    "EMPSTAT": set(EmploymentStatus.values),
    "SEXUAL": set(SexualOrientation.values),
    # There is no hepatitis C vaccine: the episode refuses "immune" for it.
    "HEPCSTAT": set(BbvIntervention.values) - IMMUNE,
    "HEPBSTAT": set(BbvIntervention.values),
    "HEPBVAC": set(HepBVaccinations.values),
    "MODAL": set(InterventionType.values),
    "MODSET": set(Intervention.Setting.values),
    "MODEXIT": set(Intervention.ExitStatus.values),
    "DISDEST": set(DischargeDestination.values),
    "TRSTAGE": set(Stage.values),
    "SUBINT": set(Intervention.Intention.values) | set(Intervention.Approach.values),
}
# Reference rows every installation starts with (an administrator may add more).
REFERENCE_VALUES = {
    "DRUG": lambda: set(Substance.objects.values_list("code", flat=True)),
    "DISRSN": lambda: set(
        DischargeReason.objects.filter(dataset_version="current").values_list("code", flat=True)
    ),
}


def test_every_coded_item_names_a_list_lantern_maps_to():
    coded = {item.codes for item in ITEMS if item.kind == "code"}

    assert coded <= set(LANTERN_VALUES) | set(REFERENCE_VALUES)
    assert set(codes.MAPPINGS) - {"SUBINT"} <= coded | {"DRUG"}


@pytest.mark.parametrize("code_list", sorted(LANTERN_VALUES))
def test_each_lantern_choice_maps_to_a_code_of_its_list(code_list):
    mapping = codes.MAPPINGS[code_list]

    assert set(mapping) == LANTERN_VALUES[code_list]
    for value, code in mapping.items():
        if code == "":
            assert code_list in codes.UNCONFIRMED, f"{code_list} {value} has no code"
        else:
            assert code in codes.CODE_LISTS[code_list], f"{code_list} {value} -> {code}"


@pytest.mark.django_db
@pytest.mark.parametrize("code_list", sorted(REFERENCE_VALUES))
def test_each_reference_row_maps_to_a_code_of_its_list(code_list):
    mapping = codes.MAPPINGS[code_list]

    assert set(mapping) == REFERENCE_VALUES[code_list]()
    assert set(mapping.values()) <= set(codes.CODE_LISTS[code_list])


def test_each_sub_intervention_maps_to_an_item_of_the_file():
    names = {item.name for item in ITEMS if item.kind == "flag"}

    assert set(codes.MAPPINGS["SUBINT"].values()) <= names
    assert names == set(codes.CODE_LISTS["SUBINT"])


@pytest.mark.django_db
def test_the_tables_hold_the_shipped_lists_and_mappings():
    tables = mappings_for(codes.DATASET_VERSION)

    assert tables.to_ndtms == codes.MAPPINGS
    assert tables.codes == {
        name: set(values) for name, values in codes.CODE_LISTS.items() if values
    }


@pytest.mark.django_db
def test_a_mapping_to_a_code_not_in_its_list_is_refused_at_the_field():
    mapping = NdtmsMapping.objects.get(
        dataset_version=codes.DATASET_VERSION, code_list="ROUTE", lantern_value="inject"
    )
    mapping.ndtms_code = "77"

    with pytest.raises(ValidationError) as refused:
        mapping.full_clean()

    assert "77 is not a code of ROUTE" in str(refused.value.message_dict["ndtms_code"])


@pytest.mark.django_db
def test_an_administrator_corrects_a_mapping_in_the_admin(client_as, adam):
    mapping = NdtmsMapping.objects.get(
        dataset_version=codes.DATASET_VERSION, code_list="EMPSTAT", lantern_value="not_seeking"
    )
    client = client_as(adam)
    url = f"/admin/exchange/ndtmsmapping/{mapping.pk}/change/"

    page = client.get(url)
    saved = client.post(
        url,
        {
            "dataset_version": mapping.dataset_version,
            "code_list": "EMPSTAT",
            "lantern_value": "not_seeking",
            "ndtms_code": "10",
        },
    )

    assert page.status_code == 200
    assert saved.status_code == 302
    mapping.refresh_from_db()
    assert mapping.ndtms_code == "10"
    assert NdtmsCode.objects.filter(code_list="EMPSTAT", code="10").exists()
