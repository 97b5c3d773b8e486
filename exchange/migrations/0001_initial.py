# ImportJob moved here from `outcomes` with its table: state only, the database is untouched
# but for its content type, which moves with it so that admin history and permission grants
# (which point at the content type by id) still find it.

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

from core.moves import content_types_move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The table was created (and last altered) by outcomes 0002 and 0004.
        ('outcomes', '0004_import_job_blank_results'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('external_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('file_names', models.JSONField(default=list)),
                        ('partial', models.BooleanField(default=False, help_text='Import the valid rows and report the rest.', verbose_name='import valid rows')),
                        ('dry_run', models.BooleanField(default=False, help_text='Check the files; import nothing.')),
                        ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'Running'), ('succeeded', 'Imported'), ('checked', 'Checked (dry run): nothing imported'), ('rejected', 'Not imported: the files have problems'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('progress', models.PositiveSmallIntegerField(default=0, help_text='Percent done.')),
                        ('stage', models.CharField(blank=True, max_length=120)),
                        ('counts', models.JSONField(blank=True, default=dict)),
                        ('problems', models.JSONField(blank=True, default=list)),
                        ('problem_count', models.PositiveIntegerField(default=0)),
                        ('error', models.TextField(blank=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'outcomes_importjob',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_move(source="outcomes", target="exchange", models=("importjob",)),
    ]
