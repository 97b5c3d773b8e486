"""The learning themes and partner agencies every installation starts with, and the
sequence that numbers reviews.

Administrators rename, add or retire these in the Django admin; reviews keep
pointing at the rows they used.
"""

from django.db import migrations

LEARNING_THEMES = [
    ("Loss of tolerance after prison release", "Death or overdose soon after leaving prison."),
    ("Loss of tolerance after detox or residential treatment", ""),
    ("Leaving or starting opioid substitution treatment", "The weeks after OST stops or starts."),
    ("Opioids with benzodiazepines or gabapentinoids", "Co-exposure, prescribed or illicit."),
    ("Opioids with alcohol", ""),
    ("Naloxone not present or not used", ""),
    ("Using alone", "Nobody there to respond."),
    ("Housing instability or homelessness", ""),
    ("Mental health need not met", "Co-existing mental health need without joint care."),
    ("Missed appointments not followed up", ""),
    ("Hospital discharge without handover", ""),
    ("Transition between services", "Information or care lost at a hand-over."),
    ("Bereavement or other loss", ""),
    ("Risk flag not acted on", "A flag was raised but outreach did not reach the person."),
    ("Information sharing between agencies", ""),
]

PARTNER_AGENCIES = [
    ("GP practice", "gp"),
    ("Acute hospital trust", "hospital"),
    ("Ambulance service", "ambulance"),
    ("Mental health trust", "mental_health"),
    ("Prison healthcare", "prison"),
    ("Probation service", "probation"),
    ("Police", "police"),
    ("Local authority housing", "housing"),
    ("Adult social care", "social_care"),
    ("Community pharmacy", "pharmacy"),
    ("HM Coroner", "coroner"),
]


def load(apps, schema_editor):
    LearningTheme = apps.get_model("deathreviews", "LearningTheme")
    PartnerAgency = apps.get_model("deathreviews", "PartnerAgency")
    for name, description in LEARNING_THEMES:
        LearningTheme.objects.get_or_create(name=name, defaults={"description": description})
    for name, kind in PARTNER_AGENCIES:
        PartnerAgency.objects.get_or_create(name=name, defaults={"kind": kind})


class Migration(migrations.Migration):
    dependencies = [("deathreviews", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS deathreviews_reference_seq START 1",
            "DROP SEQUENCE IF EXISTS deathreviews_reference_seq",
        ),
    ]
