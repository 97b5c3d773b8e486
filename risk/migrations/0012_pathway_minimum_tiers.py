"""Install and activate the next rule set version: the active one with the overdose
pathway's minimum tiers (`risk.first_rule_set.PATHWAY_MINIMUM_TIERS`).

An active version is never edited, so every flag already raised keeps saying which rules
produced it: this copies the active version (version 1 on a new install) rule for rule,
gives the pathway's rules their minimum tier, and retires the version it copied. A rule
whose minimum changes takes the next rule version, as activating a draft in the admin
does (`risk.services.rule_set_activate`). Reversing deletes the new version and
reactivates the one it copied, unless flags or runs already name the new version.
"""

from django.db import migrations
from django.utils import timezone

from risk.first_rule_set import PATHWAY_MINIMUM_TIERS

SUFFIX = " with the overdose pathway's minimum tiers"
NAME = "Version {version}" + SUFFIX
# The rule fields a copy carries, as `risk.services.RULE_FIELDS` stood when this was written.
COPIED = (
    "check_name",
    "title",
    "looks_at",
    "evidence",
    "window_from",
    "window_to",
    "min_count",
    "weight",
    "reason",
    "enabled",
    "exclusive_group",
    "min_tier",
)


def install(apps, schema_editor):
    RuleSet = apps.get_model("risk", "RuleSet")
    Rule = apps.get_model("risk", "Rule")
    current = RuleSet.objects.filter(status="active").first()
    if current is None:
        # A database with no rule set in use (a test's, emptied) has nothing to build on.
        return
    latest = RuleSet.objects.order_by("-version").first()
    current.status = "retired"
    current.save(update_fields=["status"])
    rule_set = RuleSet.objects.create(
        version=latest.version + 1,
        name=NAME.format(version=current.version),
        notes=(
            f"Version {current.version}'s rules, with a minimum tier while the window holds on "
            + ", ".join(f"{code} ({tier})" for code, tier in PATHWAY_MINIMUM_TIERS.items())
            + ": a recent overdose, a release from prison or a stopped OST prescription is "
            "flagged at least that high however little else fires (the overdose pathway, "
            "MAT standard 3)."
        ),
        status="active",
        raised_threshold=current.raised_threshold,
        high_threshold=current.high_threshold,
        very_high_threshold=current.very_high_threshold,
        activated_at=timezone.now(),
    )
    rules = []
    for rule in current.rules.all():
        fields = {field: getattr(rule, field) for field in COPIED}
        fields["min_tier"] = PATHWAY_MINIMUM_TIERS.get(rule.code, rule.min_tier)
        changed = fields["min_tier"] != rule.min_tier
        rules.append(
            Rule(
                rule_set=rule_set,
                code=rule.code,
                version=rule.version + 1 if changed else rule.version,
                **fields,
            )
        )
    Rule.objects.bulk_create(rules)


def remove(apps, schema_editor):
    RuleSet = apps.get_model("risk", "RuleSet")
    installed = (
        RuleSet.objects.filter(name__endswith=SUFFIX)
        .order_by("-version")
        .first()
    )
    if installed is None:
        return
    if installed.flags.exists() or installed.runs.exists():
        raise RuntimeError(
            f"Rule set version {installed.version} has produced flags or runs, so it stays: "
            "activate another version in the admin instead of reversing this migration."
        )
    was_active = installed.status == "active"
    installed.delete()
    if was_active:
        previous = (
            RuleSet.objects.filter(status="retired", version__lt=installed.version)
            .order_by("-version")
            .first()
        )
        if previous is not None:
            previous.status = "active"
            previous.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [("risk", "0011_rule_min_tier")]

    operations = [migrations.RunPython(install, remove)]
