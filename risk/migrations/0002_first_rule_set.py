"""Install and activate rule set version 1, built from the evidence table."""

from django.db import migrations
from django.utils import timezone

from risk.first_rule_set import RULES, THRESHOLDS


def install(apps, schema_editor):
    RuleSet = apps.get_model("risk", "RuleSet")
    Rule = apps.get_model("risk", "Rule")
    rule_set = RuleSet.objects.create(
        version=1,
        name="First rule set from the evidence table",
        notes="Windows and weights from the domain notes' evidence table and starting rule set.",
        status="active",
        raised_threshold=THRESHOLDS["raised"],
        high_threshold=THRESHOLDS["high"],
        very_high_threshold=THRESHOLDS["very_high"],
        activated_at=timezone.now(),
    )
    Rule.objects.bulk_create(
        Rule(
            rule_set=rule_set,
            version=1,
            check_name=rule["check"],
            # Groups came with migration 0006.
            **{key: value for key, value in rule.items() if key not in ("check", "group")},
        )
        for rule in RULES
    )


def remove(apps, schema_editor):
    apps.get_model("risk", "RuleSet").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
