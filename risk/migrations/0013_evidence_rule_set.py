"""Install rule set version 3 as a draft beside the active version, and write the alcohol
rule's drinking days into the versions installed before.

Version 3 (`risk.evidence_rule_set`) derives every weight from the evidence table and counts
each exposure once; governance activates it after its backtest, so nothing changes silently.
The drinking days that make alcohol a problem alongside opioids were a constant of the engine
(14) until the rule's count held them: the versions installed before get 14 written into
their `opioids_alcohol` rule, so they go on flagging exactly as they did. Reversing deletes
the draft, unless flags or runs already name it, and puts the count back to 1.
"""

from django.db import migrations, models

from risk.evidence_rule_set import NAME, NOTES, RULES, THRESHOLDS, evidence_text

ENGINE_ALCOHOL_DAYS = 14
# The rule fields a rule carries, as `risk.services.RULE_FIELDS` stood when this was written.
FIELDS = ("title", "looks_at", "window_from", "window_to", "weight", "reason")


def install(apps, schema_editor):
    RuleSet = apps.get_model("risk", "RuleSet")
    Rule = apps.get_model("risk", "Rule")
    Rule.objects.filter(check_name="opioids_with_alcohol", min_count=1).update(
        min_count=ENGINE_ALCOHOL_DAYS
    )
    latest = RuleSet.objects.order_by("-version").first()
    if latest is None:
        # A database with no rule set (a test's, emptied) has no versions to add to.
        return
    active = RuleSet.objects.filter(status="active").first()
    versions = {} if active is None else {r.code: r.version for r in active.rules.all()}
    draft = RuleSet.objects.create(
        version=latest.version + 1,
        name=NAME,
        notes=NOTES,
        status="draft",
        raised_threshold=THRESHOLDS["raised"],
        high_threshold=THRESHOLDS["high"],
        very_high_threshold=THRESHOLDS["very_high"],
    )
    Rule.objects.bulk_create(
        Rule(
            rule_set=draft,
            code=rule["code"],
            # Activation gives a rule whose settings changed its next version.
            version=versions.get(rule["code"], 1),
            check_name=rule["check"],
            evidence=evidence_text(rule),
            min_count=rule.get("min_count", 1),
            exclusive_group=rule.get("group", ""),
            min_tier=rule["min_tier"],
            enabled=True,
            **{field: rule.get(field) for field in FIELDS},
        )
        for rule in RULES
    )


def remove(apps, schema_editor):
    RuleSet = apps.get_model("risk", "RuleSet")
    Rule = apps.get_model("risk", "Rule")
    installed = RuleSet.objects.filter(name=NAME).order_by("-version").first()
    if installed is not None:
        if installed.flags.exists() or installed.runs.exists():
            raise RuntimeError(
                f"Rule set version {installed.version} has produced flags or runs, so it "
                "stays: activate another version in the admin instead of reversing this "
                "migration."
            )
        installed.delete()
    Rule.objects.filter(check_name="opioids_with_alcohol", min_count=ENGINE_ALCOHOL_DAYS).update(
        min_count=1
    )


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0012_pathway_minimum_tiers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rule",
            name="check_name",
            field=models.CharField(
                choices=[
                    ("prison_release", "prison release"),
                    ("hospital_discharge", "hospital discharge"),
                    ("non_fatal_overdose", "non fatal overdose"),
                    ("repeat_overdose", "repeat overdose"),
                    ("child_removed", "child removed"),
                    ("life_event", "life event"),
                    ("ost_started", "ost started"),
                    ("ost_stopped", "ost stopped"),
                    ("left_unplanned", "left unplanned"),
                    ("out_of_treatment", "out of treatment"),
                    ("tolerance_loss", "tolerance loss"),
                    ("injecting", "injecting"),
                    ("opioids_with_benzodiazepines", "opioids with benzodiazepines"),
                    ("opioids_with_gabapentinoids", "opioids with gabapentinoids"),
                    ("opioids_with_alcohol", "opioids with alcohol"),
                    ("no_fixed_abode", "no fixed abode"),
                    ("mental_health", "mental health"),
                    ("opiate_not_on_ost", "opiate not on ost"),
                    ("opioid_use", "opioid use"),
                    ("male", "male"),
                    ("age_band", "age band"),
                    ("lives_alone", "lives alone"),
                    ("no_naloxone", "no naloxone"),
                    ("missed_appointments", "missed appointments"),
                ],
                help_text="What the engine evaluates.",
                max_length=40,
                verbose_name="check",
            ),
        ),
        migrations.AlterField(
            model_name="rule",
            name="min_count",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="How many records it needs, for counting rules; for some checks a threshold, such as the TOP drinking days that make alcohol a problem.",
            ),
        ),
        migrations.AlterField(
            model_name="ruleevent",
            name="check_name",
            field=models.CharField(
                choices=[
                    ("prison_release", "prison release"),
                    ("hospital_discharge", "hospital discharge"),
                    ("non_fatal_overdose", "non fatal overdose"),
                    ("repeat_overdose", "repeat overdose"),
                    ("child_removed", "child removed"),
                    ("life_event", "life event"),
                    ("ost_started", "ost started"),
                    ("ost_stopped", "ost stopped"),
                    ("left_unplanned", "left unplanned"),
                    ("out_of_treatment", "out of treatment"),
                    ("tolerance_loss", "tolerance loss"),
                    ("injecting", "injecting"),
                    ("opioids_with_benzodiazepines", "opioids with benzodiazepines"),
                    ("opioids_with_gabapentinoids", "opioids with gabapentinoids"),
                    ("opioids_with_alcohol", "opioids with alcohol"),
                    ("no_fixed_abode", "no fixed abode"),
                    ("mental_health", "mental health"),
                    ("opiate_not_on_ost", "opiate not on ost"),
                    ("opioid_use", "opioid use"),
                    ("male", "male"),
                    ("age_band", "age band"),
                    ("lives_alone", "lives alone"),
                    ("no_naloxone", "no naloxone"),
                    ("missed_appointments", "missed appointments"),
                ],
                help_text="What the engine evaluates.",
                max_length=40,
                verbose_name="check",
            ),
        ),
        migrations.AlterField(
            model_name="ruleevent",
            name="min_count",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="How many records it needs, for counting rules; for some checks a threshold, such as the TOP drinking days that make alcohol a problem.",
            ),
        ),
        migrations.RunPython(install, remove),
    ]
