"""Reference data every installation starts with, and the client-reference sequence.

Discharge reasons follow the current NDTMS groups (see the domain notes); a new
dataset version adds rows under its own `dataset_version` rather than editing these.
"""

from django.db import migrations

DATASET_VERSION = "current"

DISCHARGE_REASONS = [
    # code, label, group, successful completion, unplanned exit
    ("completed_drug_free", "Treatment completed: drug free", "completed", True, False),
    ("completed_alcohol_free", "Treatment completed: alcohol free", "completed", True, False),
    (
        "completed_occasional_user",
        "Treatment completed: occasional user (not opiates or crack)",
        "completed",
        True,
        False,
    ),
    ("transferred_not_custody", "Transferred: not in custody", "transferred", False, False),
    ("transferred_custody", "Transferred: in custody", "transferred", False, False),
    ("dropped_out", "Incomplete: dropped out", "incomplete", False, True),
    ("withdrawn_by_provider", "Incomplete: treatment withdrawn by provider", "incomplete", False, True),
    ("retained_in_custody", "Incomplete: retained in custody", "incomplete", False, False),
    ("commencement_declined", "Incomplete: treatment commencement declined", "incomplete", False, True),
    (
        "onward_referral_refused",
        "Incomplete: onward referral offered and refused",
        "incomplete",
        False,
        True,
    ),
    ("client_died", "Incomplete: client died", "incomplete", False, False),
]

SUBSTANCES = [
    ("heroin", "Heroin", "opioid"),
    ("methadone_illicit", "Methadone (not prescribed)", "opioid"),
    ("buprenorphine_illicit", "Buprenorphine (not prescribed)", "opioid"),
    ("other_opioid", "Other opioids (e.g. fentanyl, nitazenes)", "opioid"),
    ("crack", "Crack cocaine", "crack"),
    ("cocaine", "Powder cocaine", "cocaine"),
    ("amphetamine", "Amphetamines", "stimulant"),
    ("mephedrone", "Mephedrone", "stimulant"),
    ("cannabis", "Cannabis", "cannabis"),
    ("synthetic_cannabinoid", "Synthetic cannabinoids", "other"),
    ("alcohol", "Alcohol", "alcohol"),
    ("benzodiazepine", "Benzodiazepines", "benzodiazepine"),
    ("pregabalin", "Pregabalin", "gabapentinoid"),
    ("gabapentin", "Gabapentin", "gabapentinoid"),
    ("ketamine", "Ketamine", "other"),
    ("other", "Other substance", "other"),
]

LOCAL_AUTHORITIES = [
    ("E06000035", "Medway"),
    ("E10000016", "Kent"),
    ("E08000025", "Birmingham"),
    ("E08000003", "Manchester"),
    ("E06000023", "Bristol, City of"),
    ("E08000021", "Newcastle upon Tyne"),
    ("E09000028", "Southwark"),
    ("E06000018", "Nottingham"),
]


def load(apps, schema_editor):
    DischargeReason = apps.get_model("cases", "DischargeReason")
    Substance = apps.get_model("cases", "Substance")
    LocalAuthority = apps.get_model("cases", "LocalAuthority")
    for code, label, group, successful, unplanned in DISCHARGE_REASONS:
        DischargeReason.objects.get_or_create(
            dataset_version=DATASET_VERSION,
            code=code,
            defaults={
                "label": label,
                "group": group,
                "is_successful_completion": successful,
                "is_unplanned_exit": unplanned,
            },
        )
    for code, name, category in SUBSTANCES:
        Substance.objects.get_or_create(code=code, defaults={"name": name, "category": category})
    for code, name in LOCAL_AUTHORITIES:
        LocalAuthority.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS cases_client_ref_seq START 1",
            "DROP SEQUENCE IF EXISTS cases_client_ref_seq",
        ),
    ]
