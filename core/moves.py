"""Moving a model to another app while its table stays as it is: the step its migration shares.

A moved model keeps its table (`Meta.db_table`) and is moved in Django's state only
(`SeparateDatabaseAndState`). Its content type is the one row that must follow it:
admin history and permission grants point at a content type by id, and without the
move `post_migrate` would add a new one for the new app and leave them behind.
"""

from django.db import migrations


def content_types_move(
    *, source: str, target: str, models: tuple[str, ...]
) -> migrations.RunPython:
    """A reversible migration step that relabels the content types of `models` (lower-case
    model names) from app `source` to app `target`.

    A content type already under `target` (a database where `post_migrate` ran before
    the move was written down) is left as it is, and the old one with it.
    """

    def relabel(apps, schema_editor, from_app: str, to_app: str) -> None:
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        for model in models:
            if not content_types.filter(app_label=to_app, model=model).exists():
                content_types.filter(app_label=from_app, model=model).update(app_label=to_app)

    return migrations.RunPython(
        lambda apps, schema_editor: relabel(apps, schema_editor, source, target),
        lambda apps, schema_editor: relabel(apps, schema_editor, target, source),
    )
