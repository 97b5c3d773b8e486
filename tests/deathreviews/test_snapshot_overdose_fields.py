"""The snapshot carries the overdose pathway's fields, "not known" included, in words."""

import json

import pytest

from cases.models import Event, NaloxoneSupply
from deathreviews.snapshot import snapshot_data
from tests.factories import NaloxoneSupplyFactory, days_ago

pytestmark = pytest.mark.django_db


def test_an_overdose_and_a_used_kit_are_snapshotted_with_what_was_not_known(jo):
    Event.objects.create(
        service_user=jo,
        kind="non_fatal_overdose",
        occurred_on=days_ago(20),
        naloxone_given_by="not_known",
        taken_to_hospital=None,
        information_source="naloxone_kit",
        followup_basis="vital_interests",
    )
    NaloxoneSupplyFactory(
        service_user=jo,
        supplied_on=days_ago(10),
        supply_type=NaloxoneSupply.SupplyType.REPEAT,
        repeat_reason=NaloxoneSupply.RepeatReason.USED_ON_OTHER,
        kit_used_on=days_ago(12),
    )

    data = snapshot_data(jo, days_ago(0))

    (overdose,) = data["events"]
    assert overdose["taken_to_hospital"] is None
    assert overdose["naloxone_given_by_label"] == "Given, by someone not known"
    assert overdose["followup_basis_label"] == "Vital interests: life at risk"
    assert overdose["information_source_label"] == "Naloxone kit reported used"
    (kit,) = data["naloxone"]
    assert kit["kit_used_on"] == days_ago(12).isoformat()
    json.dumps(data)  # stored as JSON
