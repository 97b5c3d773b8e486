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

`history_entries` turns those rows into the history people read on a record's
page (a death review's, a case review meeting's): who changed what, when, from
what to what, with field names, choice labels, names for ids and UK dates. A
fixed number of queries: the events, then one per kind of id they mention.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pghistory
import pgtrigger
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from pghistory.models import Events
from psycopg import sql

from cases.wording import uk_date, uk_moment, uk_time, words


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


# --- the history as people read it ---------------------------------------------------------

# Bookkeeping columns every save changes; the entry's who and when already say it.
HIDDEN = {"id", "external_id", "version", "updated_at", "updated_by", "created_at", "created_by"}
VERBS = {"insert": "added", "update": "changed", "delete": "removed"}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    verb: str
    changes: list[Change] = field(default_factory=list)


def _fields_by_column(model: type[models.Model]) -> dict[str, models.Field]:
    return {
        f.column: f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN and not f.name.startswith("pgh_")
    }


def _words(value: Any, model_field: models.Field, names: dict) -> str:
    """A value as the event row keeps it (JSON: ids, ISO dates, times and timestamps), in
    words."""
    if value is not None and model_field.is_relation:
        value = names.get((model_field.related_model, value), f"#{value}")
    elif isinstance(model_field, models.DateTimeField):
        return uk_moment(value)
    elif isinstance(model_field, models.DateField):
        return uk_date(value)
    elif isinstance(model_field, models.TimeField):
        return uk_time(value)
    return words(value, model_field)


def history_entries(
    events: Iterable[Events],
    *,
    within: type[models.Model],
    known: Mapping[tuple[type[models.Model], Any], str] | None = None,
) -> list[HistoryEntry]:
    """`events` (`pghistory.models.Events` rows, in the order to show) as entries people
    read. `within` is the record whose page shows them: a column linking a part to it is
    left out, as the page already says whose parts they are.

    Ids are named by the model they point at (a person by `display_name`), so the caller
    passes only events whose records the reader may see, and of people they may see.
    `known` names ids the caller has already read, by (model, id), where the model's own
    name would take a query per row (a place on a meeting's list, named by its person).
    """
    events = list(events)
    User = get_user_model()
    tracked = {e.pgh_obj_model: apps.get_model(e.pgh_obj_model) for e in events}
    columns = {label: _fields_by_column(model) for label, model in tracked.items()}
    # Every id the events mention, by the model it points at, named in one query each.
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for event in events:
        if event.pgh_context and event.pgh_context.get("user"):
            wanted[User].add(event.pgh_context["user"])
        for column, value in (event.pgh_data or {}).items():
            model_field = columns[event.pgh_obj_model].get(column)
            if model_field is not None and model_field.is_relation and value is not None:
                wanted[model_field.related_model].add(value)
        for column, (before, _) in (event.pgh_diff or {}).items():
            model_field = columns[event.pgh_obj_model].get(column)
            if model_field is not None and model_field.is_relation and before is not None:
                wanted[model_field.related_model].add(before)
    names: dict[tuple, str] = dict(known or {})
    for model, ids in wanted.items():
        ids = {pk for pk in ids if (model, pk) not in names}
        if not ids:
            continue
        for pk, obj in model._default_manager.in_bulk(list(ids)).items():
            names[(model, pk)] = getattr(obj, "display_name", None) or str(obj)

    entries = []
    for event in events:
        fields_here = columns[event.pgh_obj_model]
        user_id = (event.pgh_context or {}).get("user")
        entry = HistoryEntry(
            when=timezone.localtime(event.pgh_created_at),
            who=names.get((User, user_id), "the system") if user_id else "the system",
            what=capfirst(tracked[event.pgh_obj_model]._meta.verbose_name),
            verb=VERBS.get(event.pgh_label, event.pgh_label),
        )
        if event.pgh_label == "update":
            pairs = {
                column: (before, after)
                for column, (before, after) in (event.pgh_diff or {}).items()
                if column in fields_here
            }
        else:
            pairs = {
                column: (None, value)
                for column, value in (event.pgh_data or {}).items()
                if column in fields_here and value not in (None, "", False)
            }
        # In the order the fields appear on the form, not the order JSON keeps them.
        for column, model_field in fields_here.items():
            if column not in pairs:
                continue
            before, after = pairs[column]
            if model_field.is_relation and model_field.related_model is within:
                continue
            entry.changes.append(
                Change(
                    label=str(model_field.verbose_name).capitalize(),
                    before=_words(before, model_field, names),
                    after=_words(after, model_field, names),
                )
            )
        if entry.changes or event.pgh_label != "update":
            entries.append(entry)
    return entries
