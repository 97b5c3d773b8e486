"""A review's history, as people read it: who changed what, when, from what to what.

The rows come from django-pghistory's event tables, written by database
triggers on the review and every part that refers to it (so a bulk or raw
update is there too); `pgh_context` holds the user the services and the
request middleware attached. This module turns those rows into entries with
field names, choice labels, names for ids and UK dates. A fixed number of
queries: the events, then one per kind of id they mention.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from pghistory.models import Events

from cases.models import User
from deathreviews.models import Review
from deathreviews.wording import uk_date, words

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
    """A value as the event row keeps it (JSON: ids, ISO dates), in words."""
    if value is not None and model_field.is_relation:
        value = names.get((model_field.related_model, value), f"#{value}")
    elif isinstance(model_field, models.DateField) and not isinstance(
        model_field, models.DateTimeField
    ):
        return uk_date(value)
    return words(value, model_field)


def review_history(review: Review) -> list[HistoryEntry]:
    """Every change to `review` and its parts, newest first."""
    events = list(Events.objects.references(review).order_by("-pgh_created_at", "-pgh_id"))
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
    names: dict[tuple, str] = {}
    for model, ids in wanted.items():
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
            if model_field.is_relation and model_field.related_model is Review:
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
