# ImportJob now belongs to `exchange` (exchange 0001 took it over with its table):
# forget it here in state only, so the table and its rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('outcomes', '0004_import_job_blank_results'),
        ('exchange', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ImportJob'),
            ],
            database_operations=[],
        ),
    ]
