"""The commissioner API's models now live in `commissioning` (its 0001), with the same tables.

State only: they leave `cases`' state, and the user's link to an API client
points at the moved model. Nothing changes in the database here.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_transfer_request_duplicate'),
        ('commissioning', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='user',
                    name='api_client',
                    field=models.ForeignKey(blank=True, help_text='For a commissioner: the organisation whose extracts they may pull.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='commissioners', to='commissioning.apiclient', verbose_name='API client'),
                ),
                migrations.RemoveField(model_name='apiclient', name='local_authorities'),
                migrations.RemoveField(model_name='apirequestlog', name='client'),
                migrations.RemoveField(model_name='apirequestlog', name='token'),
                migrations.RemoveField(model_name='apirequestlog', name='user'),
                migrations.RemoveField(model_name='apitoken', name='client'),
                migrations.RemoveField(model_name='apitoken', name='created_by'),
                migrations.RemoveField(model_name='apitoken', name='revoked_by'),
                migrations.RemoveField(model_name='apitoken', name='user'),
                migrations.DeleteModel(name='ApiRequestLog'),
                migrations.DeleteModel(name='ApiToken'),
                migrations.DeleteModel(name='ApiClient'),
            ],
            database_operations=[],
        ),
    ]
