"""Naloxone kits given to people who are not clients never reach a person-keyed extract."""

import pytest

from cases.models import NaloxoneSupply
from tests.commissioning.conftest import csv_rows, json_rows
from tests.factories import NaloxoneSupplyFactory

pytestmark = pytest.mark.django_db


def test_a_kit_given_to_a_non_client_is_in_no_naloxone_extract(cora_api, records, north):
    NaloxoneSupplyFactory(
        service_user=None,
        team=north,
        recipient=NaloxoneSupply.Recipient.HOSTEL_STAFF,
        setting=NaloxoneSupply.Setting.HOSPITAL,
    )

    from_json = json_rows(cora_api, "naloxone_supplies")
    from_csv = csv_rows(cora_api, "naloxone_supplies")

    # The three clients' kits only: the source joins each supply to its person.
    assert len(from_json) == len(from_csv) == 3
    assert all(row["person"] for row in from_json)
    assert "hostel_staff" not in {row["recipient"] for row in from_json}
