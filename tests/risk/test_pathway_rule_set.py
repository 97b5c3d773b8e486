"""Rule set version 2, as migration 0012 installs it: version 1 with the overdose pathway's
minimum tiers, active, and version 1 retired; and a rule's minimum tier as the model checks it."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from risk.first_rule_set import PATHWAY_MINIMUM_TIERS
from risk.models import Rule, RuleSet
from risk.services import RULE_FIELDS, active_rule_set

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("risk.migrations.0012_pathway_minimum_tiers")
THRESHOLDS = ("raised_threshold", "high_threshold", "very_high_threshold")


def test_version_2_is_active_and_version_1_retired():
    first, pathway = RuleSet.objects.get(version=1), RuleSet.objects.get(version=2)

    assert pathway.status == RuleSet.Status.ACTIVE
    assert pathway.activated_at is not None
    assert pathway.name == "Version 1 with the overdose pathway's minimum tiers"
    assert first.status == RuleSet.Status.RETIRED
    assert active_rule_set() == pathway
    assert [getattr(pathway, t) for t in THRESHOLDS] == [getattr(first, t) for t in THRESHOLDS]


def test_version_2_has_the_three_minimums_and_every_other_rule_as_version_1_has_it():
    first = {rule.code: rule for rule in RuleSet.objects.get(version=1).rules.all()}
    pathway = {rule.code: rule for rule in RuleSet.objects.get(version=2).rules.all()}

    assert pathway.keys() == first.keys()
    assert {code: r.min_tier for code, r in pathway.items() if r.min_tier} == {
        "overdose_90d": "high",
        "prison_release_2w": "high",
        "ost_stopped_4w": "high",
    }
    assert PATHWAY_MINIMUM_TIERS.keys() == {"overdose_90d", "prison_release_2w", "ost_stopped_4w"}
    assert not any(rule.min_tier for rule in first.values())
    assert first["ost_stopped_4w"].exclusive_group == "not_on_ost"
    for code, rule in pathway.items():
        before = first[code]
        for field in RULE_FIELDS:
            if field != "min_tier":
                assert getattr(rule, field) == getattr(before, field), (code, field)
        # A rule whose settings changed takes the next rule version, as activating a draft does.
        assert rule.version == before.version + (code in PATHWAY_MINIMUM_TIERS), code


def test_the_engine_takes_the_minimums_from_the_active_rule_set():
    spec = active_rule_set().spec()

    assert spec.version == 2
    assert {r.code: r.min_tier for r in spec.rules if r.min_tier} == PATHWAY_MINIMUM_TIERS


def test_reversing_the_migration_deletes_version_2_and_reactivates_version_1():
    # Reversed, later migrations go first: version 3's draft with them.
    RuleSet.objects.filter(status=RuleSet.Status.DRAFT).delete()
    MIGRATION.remove(apps, None)

    assert not RuleSet.objects.filter(version=2).exists()
    assert RuleSet.objects.get(version=1).status == RuleSet.Status.ACTIVE

    MIGRATION.install(apps, None)

    assert active_rule_set().version == 2
    assert RuleSet.objects.get(version=1).status == RuleSet.Status.RETIRED


def test_the_migration_builds_on_whichever_version_is_active():
    # A site whose administrators made their own version since keeps it, minimums added
    # (reversed, later migrations go first: version 3's draft with them).
    RuleSet.objects.filter(status=RuleSet.Status.DRAFT).delete()
    MIGRATION.remove(apps, None)
    first = RuleSet.objects.get(version=1)
    first.status = RuleSet.Status.RETIRED
    first.save()
    own = RuleSet.objects.create(
        version=2, name="Local", status="active", **{t: getattr(first, t) for t in THRESHOLDS}
    )
    Rule.objects.bulk_create(
        Rule(
            rule_set=own, code=r.code, version=r.version, **{f: getattr(r, f) for f in RULE_FIELDS}
        )
        for r in first.rules.all()
    )
    own.rules.filter(code="male").update(weight="0.40")

    MIGRATION.install(apps, None)

    installed = active_rule_set()
    assert (installed.version, installed.name) == (
        3,
        "Version 2 with the overdose pathway's minimum tiers",
    )
    assert str(installed.rules.get(code="male").weight) == "0.40"
    assert installed.rules.get(code="overdose_90d").min_tier == "high"
    assert RuleSet.objects.get(version=2).status == RuleSet.Status.RETIRED


@pytest.mark.parametrize("tier", ["extreme", "High", "moderate"])
def test_a_rule_refuses_a_minimum_that_is_not_a_tier_at_the_field(tier):
    rule = RuleSet.objects.get(version=2).rules.get(code="overdose_90d")
    rule.min_tier = tier

    with pytest.raises(ValidationError) as refused:
        rule.full_clean()

    assert list(refused.value.message_dict) == ["min_tier"]
    assert refused.value.message_dict["min_tier"] == [
        f"{tier!r} is not a tier: choose one from the list, or leave it empty for no minimum."
    ]


def test_a_rule_takes_any_tier_or_none_as_its_minimum():
    rule = RuleSet.objects.get(version=2).rules.get(code="male")
    for tier in ("", "raised", "high", "very_high"):
        rule.min_tier = tier
        rule.full_clean()
