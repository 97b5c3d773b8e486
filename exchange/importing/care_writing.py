"""Write the checked rows of a care file: one INSERT ... SELECT of its new rows, set-based.

A care record is never changed by an import (`care_rules` refuses a changed row; an
unchanged one is left alone), so a care file only adds records. Each new row takes the id
drawn for it while checking; the statement also remembers which record each `ref` became
(`exchange_importedrecord`) and notes the people it touched. The history triggers are
statement-level, so the one INSERT leaves one history row per record, as the other files'
writes do. A first load of many rows drops and rebuilds the table's indexes as the other
files' does (`writing.BULK_ROWS`).

Care plans keep one current plan a person, as `care.services.care_plan_start` does: the
person's current plan in Lantern is superseded, and of the file's new plans for a person
the latest agreed (the last such row on a tie) is current, the others superseded. A plan
with reviews imported has its next review moved to its interval after the latest review.
"""

from contextlib import nullcontext

from django.db import models
from psycopg import sql

from exchange.importing import writing
from exchange.importing.care_rules import value_expressions
from exchange.importing.care_specs import CareFileSpec
from exchange.importing.rules import stage_table

# Columns a record fills that its file does not: who and when, which the statement names.
_STATEMENT_FILLS = ("service_user_id", "plan_id", "superseded_at")


def _source(spec: CareFileSpec) -> tuple[sql.Composable, list[tuple[str, str]]]:
    stage = stage_table(spec)
    if spec.care_parent == "plan":
        return sql.SQL("{} s JOIN imp_plan_map m ON m.ref = s.plan_ref").format(stage), [
            ("plan_id", "m.id")
        ]
    join = "LEFT JOIN" if spec.care_parent == "maybe_person" else "JOIN"
    return sql.SQL("{} s {} imp_person_map p ON p.ref = s.person_ref").format(
        stage, sql.SQL(join)
    ), [("service_user_id", "p.id")]


def _filled(spec: CareFileSpec, named: set[str]) -> list[tuple[str, str]]:
    """The model's other NOT NULL columns: its external id and its timestamps."""
    assert spec.model is not None
    filled = []
    for field in spec.model._meta.concrete_fields:
        column = field.column
        if column in named or field.primary_key or field.null or column in _STATEMENT_FILLS:
            continue
        if field.name == "external_id":
            filled.append((column, "s.external_id"))
        elif isinstance(field, models.DateTimeField):
            filled.append((column, "now()"))
        else:  # pragma: no cover - a new required field must be given a column
            raise LookupError(f"{spec.kind}: nothing fills {column}")
    return filled


def _current_plan(cursor, spec: CareFileSpec) -> list[tuple[str, str]]:
    """Mark each person's latest new plan in the file (by date agreed, then row): it is
    written current, the others superseded."""
    if spec.kind != "care_plans":
        return []
    cursor.execute("ALTER TABLE imp_care_plans ADD COLUMN latest boolean")
    cursor.execute(
        """
        UPDATE imp_care_plans s SET latest = r.n = 1
        FROM (SELECT row_no, row_number() OVER (
                  PARTITION BY person_ref ORDER BY agreed_on DESC, row_no DESC) AS n
              FROM imp_care_plans WHERE valid AND new_id IS NOT NULL) r
        WHERE r.row_no = s.row_no
        """
    )
    return [("superseded_at", "CASE WHEN s.latest THEN NULL ELSE now() END")]


def _supersede_current_plans(cursor) -> None:
    cursor.execute(
        """
        UPDATE care_careplan t SET superseded_at = now()
        WHERE t.superseded_at IS NULL AND t.service_user_id IN (
            SELECT p.id FROM imp_care_plans s JOIN imp_person_map p ON p.ref = s.person_ref
            WHERE s.valid AND s.new_id IS NOT NULL)
        """
    )


def _reviews_move_plans_on(cursor) -> None:
    cursor.execute(
        """
        UPDATE care_careplan t SET review_due_on = r.latest + 7 * t.review_every_weeks
        FROM (SELECT plan_id, max(reviewed_on) AS latest FROM care_planreview
              WHERE plan_id IN (SELECT m.id FROM imp_plan_reviews s
                                JOIN imp_plan_map m ON m.ref = s.plan_ref
                                WHERE s.valid AND s.new_id IS NOT NULL)
              GROUP BY plan_id) r
        WHERE t.id = r.plan_id AND t.review_due_on <> r.latest + 7 * t.review_every_weeks
        """
    )


def _new_rows(cursor, spec: CareFileSpec) -> int:
    cursor.execute(
        sql.SQL("SELECT count(*) FROM {} WHERE valid AND new_id IS NOT NULL").format(
            stage_table(spec)
        )
    )
    return cursor.fetchone()[0]


def write_care(cursor, spec: CareFileSpec, *, track: bool) -> int:
    """Insert the file's new records; how many."""
    joins, parents = _source(spec)
    values: list[tuple[str, sql.Composable]] = [("id", sql.SQL("s.new_id"))]
    values += [(name, sql.SQL(expression)) for name, expression in parents]
    values += value_expressions(spec)
    values += [(name, sql.SQL(expression)) for name, expression in _current_plan(cursor, spec)]
    values += [(name, sql.SQL(e)) for name, e in _filled(spec, {name for name, _ in values})]
    if spec.kind == "care_plans":
        _supersede_current_plans(cursor)
    person = (
        sql.SQL("SELECT c.service_user_id FROM w JOIN care_careplan c ON c.id = w.plan_id")
        if spec.care_parent == "plan"
        else sql.SQL("SELECT service_user_id FROM w WHERE service_user_id IS NOT NULL")
    )
    statement = sql.SQL(
        """
        WITH w AS (
            INSERT INTO {table} AS t ({columns})
            SELECT {values} FROM {joins} WHERE s.valid AND s.new_id IS NOT NULL
            RETURNING t.{returning}),
        r AS (INSERT INTO exchange_importedrecord (kind, source_ref, record_id, imported_at)
              SELECT {kind}, s.ref, w.id, now() FROM w JOIN {stage} s ON s.new_id = w.id),
        a AS (INSERT INTO imp_affected {affected})
        SELECT count(*) FROM w
        """
    ).format(
        table=sql.Identifier(spec.table),
        columns=sql.SQL(", ").join(sql.Identifier(name) for name, _ in values),
        values=sql.SQL(", ").join(value for _, value in values),
        joins=joins,
        returning=sql.SQL("id, plan_id" if spec.care_parent == "plan" else "id, service_user_id"),
        kind=sql.Literal(spec.kind),
        stage=stage_table(spec),
        affected=person if track else sql.SQL("SELECT NULL::bigint WHERE false"),
    )
    new = _new_rows(cursor, spec)
    bulk = new >= writing.BULK_ROWS and new >= writing._table_rows(cursor, spec.table)
    with writing._bulk_loading(cursor, spec) if bulk else nullcontext():
        cursor.execute(statement)
        created = cursor.fetchone()[0]
    if spec.kind == "plan_reviews" and created:
        _reviews_move_plans_on(cursor)
    return created
