"""Rule set version 3 as its migration installs it: a draft beside the active version 2, every
weight with its derivation, and the alcohol rule's drinking days written into versions 1 and 2."""

import importlib
import math

import pytest
from django.apps import apps

from risk import evidence_rule_set
from risk.models import RuleSet
from risk.services import active_rule_set

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("risk.migrations.0013_evidence_rule_set")


def test_version_3_is_a_draft_and_version_2_stays_active():
    draft = RuleSet.objects.get(version=3)

    assert draft.status == RuleSet.Status.DRAFT
    assert draft.activated_at is None
    assert draft.name == evidence_rule_set.NAME
    assert active_rule_set().version == 2
    assert [
        float(draft.raised_threshold),
        float(draft.high_threshold),
        float(draft.very_high_threshold),
    ] == [3.6, 4.6, 5.6]


def test_version_3_holds_the_rules_as_written_with_each_derivation_beside_its_weight():
    rules = {rule.code: rule for rule in RuleSet.objects.get(version=3).rules.all()}

    assert rules.keys() == {rule["code"] for rule in evidence_rule_set.RULES}
    for written in evidence_rule_set.RULES:
        rule = rules[written["code"]]
        assert float(rule.weight) == written["weight"] == round(math.log(written["ratio"]), 1)
        assert rule.check_name == written["check"]
        assert rule.exclusive_group == written.get("group", "")
        assert rule.min_tier == written["min_tier"]
        assert rule.min_count == written.get("min_count", 1)
        assert written["derivation"] in rule.evidence
        assert f"Weight {written['weight']} = ln " in rule.evidence
    assert rules["opioids_alcohol"].min_count == 8
    # A rule kept from version 2 keeps its rule version until activation says it changed.
    previous = {rule.code: rule.version for rule in RuleSet.objects.get(version=2).rules.all()}
    assert rules["overdose_90d"].version == previous["overdose_90d"]
    assert rules["opioid_use"].version == 1


def test_the_versions_before_count_fourteen_drinking_days_as_the_engine_did():
    for version in (1, 2):
        rule = RuleSet.objects.get(version=version).rules.get(code="opioids_alcohol")
        assert rule.min_count == MIGRATION.ENGINE_ALCOHOL_DAYS == 14


def test_reversing_the_migration_deletes_the_draft_and_puts_the_count_back():
    MIGRATION.remove(apps, None)

    assert not RuleSet.objects.filter(version=3).exists()
    assert RuleSet.objects.get(version=2).rules.get(code="opioids_alcohol").min_count == 1

    MIGRATION.install(apps, None)

    assert RuleSet.objects.get(version=3).status == RuleSet.Status.DRAFT
    assert RuleSet.objects.get(version=2).rules.get(code="opioids_alcohol").min_count == 14
