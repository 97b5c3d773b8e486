"""The commissioner API's models, moved from `cases` with their tables.

The tables, their columns, indexes, constraints and rows stay as they are:
the models are created here in Django's state only, and `cases` 0017 deletes
them from its own state.

The one change in the database is the append-only trigger of the request log.
django-pgtrigger names a trigger (and its function) after a hash of
"<app label>.<model>:<trigger name>", so the same trigger on the moved model has
a new name, and pgtrigger would otherwise not recognise the installed one
(`pgtrigger ls` would call it orphaned, and the new one would be missing). The old
trigger and its function are dropped and the same trigger is installed under
its new name, in one transaction, so the log is never left writable.

The models' content types move with them, so that admin history and permission grants,
which point at a content type by id, still find them.
"""

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
import uuid
from django.conf import settings
from django.db import migrations, models

from core.moves import content_types_move

# As installed by cases 0008, for the model's old label "cases.ApiRequestLog".
OLD_TRIGGER = pgtrigger.compiler.Trigger(name='append_only_but_finish_stream', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n                IF TG_OP = 'UPDATE' AND NOT OLD.complete AND OLD.duration_ms IS NULL\n                   AND NEW.duration_ms IS NOT NULL\n                   AND to_jsonb(NEW) - ARRAY['rows', 'complete', 'duration_ms']\n                       = to_jsonb(OLD) - ARRAY['rows', 'complete', 'duration_ms']\n                THEN\n                    RETURN NEW;\n                END IF;\n                RAISE EXCEPTION 'cases_apirequestlog is append-only: % refused', TG_OP\n                    USING ERRCODE = 'insufficient_privilege';\n                ", hash='3b3e501b7a6144eae0005c88ded9223f9fa8d0c8', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_but_finish_stream_667e5', table='cases_apirequestlog', when='BEFORE'))

# The same trigger for the model's label "commissioning.ApiRequestLog".
NEW_TRIGGER = pgtrigger.compiler.Trigger(name='append_only_but_finish_stream', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n                IF TG_OP = 'UPDATE' AND NOT OLD.complete AND OLD.duration_ms IS NULL\n                   AND NEW.duration_ms IS NOT NULL\n                   AND to_jsonb(NEW) - ARRAY['rows', 'complete', 'duration_ms']\n                       = to_jsonb(OLD) - ARRAY['rows', 'complete', 'duration_ms']\n                THEN\n                    RETURN NEW;\n                END IF;\n                RAISE EXCEPTION 'cases_apirequestlog is append-only: % refused', TG_OP\n                    USING ERRCODE = 'insufficient_privilege';\n                ", hash='b4678c63756307f5d2f056037507c65afd5b7694', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_but_finish_stream_ec442', table='cases_apirequestlog', when='BEFORE'))


def drop_function_sql(trigger):
    return f"DROP FUNCTION IF EXISTS {trigger.sql.pgid}();"


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0016_transfer_request_duplicate'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApiClient',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('external_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=120, unique=True)),
                        ('own_pseudonyms', models.BooleanField(default=True, help_text='Give this client pseudonyms no other client can match with its own.', verbose_name='pseudonyms of its own')),
                        ('is_active', models.BooleanField(default=True, help_text="An inactive client's tokens stop working.", verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('local_authorities', models.ManyToManyField(blank=True, db_table='cases_apiclient_local_authorities', help_text="Limit the client's extracts to people living in these local authorities. Leave empty for the whole service.", related_name='+', to='cases.localauthority')),
                    ],
                    options={
                        'verbose_name': 'API client',
                        'db_table': 'cases_apiclient',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='What it is for, e.g. “quarterly returns”.', max_length=120)),
                        ('prefix', models.CharField(editable=False, max_length=16, unique=True)),
                        ('key_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tokens', to='commissioning.apiclient')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('revoked_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(help_text='The commissioner who uses it: requests are recorded as theirs.', limit_choices_to={'role': 'commissioner'}, on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'API token',
                        'db_table': 'cases_apitoken',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ApiRequestLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('username', models.CharField(blank=True, max_length=150)),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when (UTC)')),
                        ('method', models.CharField(max_length=10)),
                        ('path', models.CharField(max_length=500)),
                        ('extract', models.CharField(blank=True, help_text='The extract or figure asked for.', max_length=60)),
                        ('query', models.JSONField(blank=True, default=dict, help_text='The query parameters given.')),
                        ('format', models.CharField(blank=True, max_length=10)),
                        ('rows', models.PositiveIntegerField(blank=True, null=True)),
                        ('status', models.PositiveSmallIntegerField()),
                        ('duration_ms', models.PositiveIntegerField(blank=True, null=True)),
                        ('complete', models.BooleanField(default=True, help_text='False while a CSV is streaming, or when its stream was cut off.')),
                        ('request_id', models.CharField(blank=True, max_length=64)),
                        ('remote_addr', models.GenericIPAddressField(blank=True, null=True, verbose_name='from address')),
                        ('client', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commissioning.apiclient')),
                        ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('token', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commissioning.apitoken')),
                    ],
                    options={
                        'verbose_name': 'API request',
                        'db_table': 'cases_apirequestlog',
                        'ordering': ['-at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='apitoken',
                    constraint=models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='api_token_expires_after_created'),
                ),
                migrations.AddIndex(
                    model_name='apirequestlog',
                    index=models.Index(fields=['client', '-at'], name='cases_apire_client__deb62c_idx'),
                ),
                migrations.AddIndex(
                    model_name='apirequestlog',
                    index=models.Index(fields=['user', '-at'], name='cases_apire_user_id_f9b8f4_idx'),
                ),
            ],
            database_operations=[],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                pgtrigger.migrations.AddTrigger(model_name='apirequestlog', trigger=NEW_TRIGGER),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=[
                        OLD_TRIGGER.uninstall_sql,
                        drop_function_sql(OLD_TRIGGER),
                        NEW_TRIGGER.install_sql,
                    ],
                    reverse_sql=[
                        NEW_TRIGGER.uninstall_sql,
                        drop_function_sql(NEW_TRIGGER),
                        OLD_TRIGGER.install_sql,
                    ],
                ),
            ],
        ),
        content_types_move(source="cases", target="commissioning", models=("apiclient", "apitoken", "apirequestlog")),
    ]
