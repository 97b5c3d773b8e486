"""History of every write on the clinical models: `tracked()`, the one way to turn it on.

django-pghistory installs database triggers that copy every inserted, updated
and deleted row into the model's event table (`<Model>Event`), so a queryset
`.update()`, a bulk import's COPY or raw SQL leaves history just as a form does.
The triggers are statement-level: one INSERT ... SELECT from the statement's
transition table, whatever the number of rows, which keeps bulk writes (the
nightly flag publish, imports) cheap. Who made a change comes from
`pgh_context` (the request middleware, or `pghistory.context(user=...)`).

The event tables are append-only (`PGHISTORY_APPEND_ONLY`): a trigger refuses
UPDATE and DELETE on them. TRUNCATE, which only test teardown and the demo
seed's reset use, is not refused.

Statements composed with psycopg's `sql` module (the import's staging tables, the
NDTMS extract) are rendered to text before pghistory sees them: its context
wrapper, active inside a request or a `pghistory.context`, only reads strings.
`statements_as_text` is installed on every connection as it opens, outside
every other execute wrapper.
"""

from typing import Any

import pghistory
import pgtrigger
from psycopg import sql


def tracked(*, wording_only: tuple[str, ...] = (), **options):
    """Decorate a model so every insert, update and delete of its rows is kept.

    `wording_only` names columns whose change alone is not worth an event: an
    update that changes only those (a flag's summary, whose "3 days ago" moves
    on every night) leaves no row; one that changes anything else keeps the
    whole row, those columns included.
    """
    update = (
        pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude=list(wording_only)))
        if wording_only
        else pghistory.UpdateEvent()
    )
    return pghistory.track(
        pghistory.InsertEvent(),
        update,
        pghistory.DeleteEvent(),
        level=pghistory.Statement,
        # `person.history`, not pghistory's `events`, which would clash with a
        # person's clinical events.
        obj_field=pghistory.ObjForeignKey(related_name="history"),
        **options,
    )


def never_deleted(table: str) -> pgtrigger.Trigger:
    """A trigger refusing DELETE of a row of `table`, whoever asks: the app, the admin or
    SQL. The history keeps every change; the row itself is kept. TRUNCATE (test teardown,
    the demo seed's reset) is not a row trigger's business."""
    return pgtrigger.Trigger(
        name="never_deleted",
        when=pgtrigger.Before,
        operation=pgtrigger.Delete,
        func=f"""
        RAISE EXCEPTION '{table} is never deleted: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        """,
    )


def statements_as_text(execute, statement, params, many: bool, context: dict[str, Any]):
    """Render a composed statement to the text psycopg would send, for the wrappers inside.

    A statement without parameters gets an empty tuple and its `%` doubled, so that
    adding parameters later (pghistory's context values) cannot make a literal `%`
    read as a placeholder.
    """
    if isinstance(statement, sql.Composable):
        statement = statement.as_string(context["cursor"].cursor)
        if params is None and not many:
            statement, params = statement.replace("%", "%%"), ()
    return execute(statement, params, many, context)


def install_statements_as_text(sender, connection, **kwargs) -> None:
    """Put `statements_as_text` outermost on `connection` (once, whatever reconnects).
    A `connection_created` receiver, connected in `CasesConfig.ready`."""
    if statements_as_text not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, statements_as_text)
