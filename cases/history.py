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
"""

import pghistory


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
