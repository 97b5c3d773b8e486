"""The care files' checks that need other rows or the database, in SQL over the staging
tables, after the row rules (`care_rows`) have run in Python.

Each care file's rows are matched to their person as every other file's are (`person_ref`
through `imp_person_map`); goals and reviews to their plan through `imp_plan_map`, built
here like the person map: the valid plans of this import, then the plans imported before.
A row whose `ref` was imported before (`exchange_importedrecord`) is left as it is when
its values are the same, so importing the same file again changes nothing; a row that
changes one is refused, since a care record is changed in Lantern, where its history says
who changed it. New rows draw their ids from their table's sequence here, so children can
point at them before anything is written.
"""

import string

from psycopg import sql

from care.models import (
    DOSE_ALREADY_GIVEN,
    DOSE_BEFORE_PREVIOUS,
    DOSE_OUT_OF_ORDER,
    GOAL_CLOSED_BEFORE_PLAN,
    GOAL_DUE_BEFORE_PLAN,
    NSP_TEAM_NOT_THE_PERSONS,
    REVIEW_BEFORE_PLAN,
    SCHEDULE_CHANGED,
    VaccineSchedule,
)
from exchange.importing import rules
from exchange.importing.care_specs import CARE_SPECS_BY_KIND, CareFileSpec
from exchange.importing.specs import SERVICE_USERS


def value_expressions(spec: CareFileSpec) -> list[tuple[str, sql.Composable]]:
    """(database column, value over the staging row `s`) of each column a file fills, the
    same for writing and for comparing with what an earlier import wrote."""
    derived = dict(spec.derived)
    values: list[tuple[str, sql.Composable]] = []
    for column in spec.data_columns:
        assert column.field is not None
        if column.field in derived:
            value: sql.Composable = sql.SQL(derived.pop(column.field))
        elif column.empty == "NULL":
            value = sql.SQL("s.{}").format(sql.Identifier(column.field))
        else:
            value = sql.SQL("COALESCE(s.{}, {})").format(
                sql.Identifier(column.field), sql.SQL(column.empty)
            )
        values.append((column.field, value))
    values += [(name, sql.SQL(expression)) for name, expression in derived.items()]
    return values


def message_sql(template: str, **values: str | sql.Composable) -> sql.Composable:
    """A model's message with placeholders (`"Dose {number} is already recorded."`) as an
    SQL expression filling each placeholder from the SQL expression given for it, so the
    import says what the form says, word for word."""
    parts: list[sql.Composable] = []
    for text, name, _spec, _conversion in string.Formatter().parse(template):
        if text:
            parts.append(sql.Literal(text))
        if name:
            value = values[name]
            expression = sql.SQL(value) if isinstance(value, str) else value
            parts.append(sql.SQL("({})::text").format(expression))
    return sql.SQL(" || ").join(parts)


def check_care(cursor, spec: CareFileSpec) -> None:
    stage = rules.stage_table(spec)
    cursor.execute(
        sql.SQL("ALTER TABLE {} ADD COLUMN new_id bigint, ADD COLUMN known_id bigint").format(stage)
    )
    rules.check_duplicate_refs(cursor, spec)
    if spec.care_parent == "plan":
        _missing_plan(cursor, spec)
    else:
        rules._missing_parent(cursor, spec, SERVICE_USERS)
        for column in spec.columns:
            if column.type == "date":
                rules._date_before_birth(cursor, spec, column.name)
    _imported_before(cursor, spec)
    KIND_CHECKS.get(spec.kind, lambda _cursor, _spec: None)(cursor, spec)
    cursor.execute(
        sql.SQL("UPDATE {} SET new_id = nextval({}) WHERE valid AND known_id IS NULL").format(
            stage, rules._id_sequence(cursor, spec.table)
        )
    )
    if spec.kind == "care_plans":
        _plan_map(cursor)


def _imported_before(cursor, spec: CareFileSpec) -> None:
    stage = rules.stage_table(spec)
    cursor.execute(
        sql.SQL(
            "UPDATE {stage} s SET known_id = r.record_id FROM exchange_importedrecord r "
            "WHERE r.kind = {kind} AND r.source_ref = s.ref"
        ).format(stage=stage, kind=sql.Literal(spec.kind))
    )
    # What the file says, not what the record has moved on to since (a plan's next review).
    filled = {column.field for column in spec.data_columns}
    values = [(name, value) for name, value in value_expressions(spec) if name in filled]
    rules._check(
        cursor,
        spec,
        """
        SELECT s.row_no, 'ref' AS col, s.ref AS value,
               {what} || ' ' || s.ref || ' was imported before, and this row differs from it. '
               || 'An import does not change a care record: change it in Lantern, where its '
               || 'history says who changed it.' AS message
        FROM {stage} s JOIN {table} t ON t.{key} = s.known_id
        WHERE s.valid AND ({held}) IS DISTINCT FROM ({given})
        """,
        what=sql.Literal(spec.what[:1].upper() + spec.what[1:]),
        table=sql.Identifier(spec.table),
        key=sql.Identifier(spec.model._meta.pk.column if spec.model else "id"),
        held=sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(name)) for name, _ in values),
        given=sql.SQL(", ").join(value for _, value in values),
    )


def _missing_plan(cursor, spec: CareFileSpec) -> None:
    rules._check(
        cursor,
        spec,
        """
        SELECT s.row_no, 'plan_ref' AS col, s.plan_ref AS value,
               CASE WHEN EXISTS (SELECT 1 FROM imp_care_plans p WHERE p.ref = s.plan_ref)
                    THEN 'care plan ' || s.plan_ref || ' is not imported: its row in '
                         || 'care_plans.csv has problems.'
                    ELSE 'care plan ' || s.plan_ref || ' not found.' END AS message
        FROM {stage} s
        WHERE s.valid AND NOT EXISTS (SELECT 1 FROM imp_plan_map m WHERE m.ref = s.plan_ref)
        """,
    )


def _plan_map(cursor) -> None:
    cursor.execute(
        """
        CREATE TEMP TABLE imp_plan_map ON COMMIT DROP AS
        SELECT s.ref, COALESCE(s.known_id, s.new_id) AS id, p.id AS service_user_id,
               s.agreed_on, true AS staged
        FROM imp_care_plans s JOIN imp_person_map p ON p.ref = s.person_ref
        WHERE s.valid
        UNION ALL
        SELECT r.source_ref, t.id, t.service_user_id, t.agreed_on, false
        FROM exchange_importedrecord r JOIN care_careplan t ON t.id = r.record_id
        WHERE r.kind = 'care_plans'
          AND NOT EXISTS (SELECT 1 FROM imp_care_plans s WHERE s.valid AND s.ref = r.source_ref)
        """
    )
    rules._index_and_analyse(cursor, "imp_plan_map")


def _before_plan(cursor, spec: CareFileSpec, column: str, message: str) -> None:
    rules._check(
        cursor,
        spec,
        """
        SELECT s.row_no, {name} AS col, s.{column}::text AS value, {message} AS message
        FROM {stage} s JOIN imp_plan_map m ON m.ref = s.plan_ref
        WHERE s.valid AND s.{column} < m.agreed_on
        """,
        name=sql.Literal(column),
        column=sql.Identifier(column),
        message=sql.Literal(message),
    )


def _goals(cursor, spec: CareFileSpec) -> None:
    _before_plan(cursor, spec, "by_when", GOAL_DUE_BEFORE_PLAN)
    _before_plan(cursor, spec, "state_on", GOAL_CLOSED_BEFORE_PLAN)


def _reviews(cursor, spec: CareFileSpec) -> None:
    _before_plan(cursor, spec, "reviewed_on", REVIEW_BEFORE_PLAN)


def _nsp(cursor, spec: CareFileSpec) -> None:
    rules._check(
        cursor,
        spec,
        """
        SELECT s.row_no, 'team' AS col, s.person_ref AS value, {message} AS message
        FROM {stage} s JOIN imp_person_map p ON p.ref = s.person_ref
        WHERE s.valid AND s.team_id IS DISTINCT FROM p.team_id
        """,
        message=sql.Literal(NSP_TEAM_NOT_THE_PERSONS),
    )


def _doses(cursor, spec: CareFileSpec) -> None:
    """Each dose once a person, in order, each after the one before, on the first dose's
    schedule, counting the doses Lantern holds, as the form's `_clean_course` does."""
    cursor.execute(
        """
        CREATE TEMP TABLE imp_doses ON COMMIT DROP AS
        SELECT p.id AS service_user_id, s.dose_number, s.schedule, s.given_on, s.row_no
        FROM imp_hep_b_vaccinations s JOIN imp_person_map p ON p.ref = s.person_ref
        WHERE s.valid AND s.kind = 'dose'
        UNION ALL
        SELECT t.service_user_id, t.dose_number, t.schedule, t.given_on, NULL
        FROM care_hepatitisbvaccination t
        WHERE t.kind = 'dose'
          AND t.service_user_id IN (SELECT p.id FROM imp_hep_b_vaccinations s
                                    JOIN imp_person_map p ON p.ref = s.person_ref)
          AND NOT EXISTS (SELECT 1 FROM imp_hep_b_vaccinations s WHERE s.known_id = t.id)
        """
    )
    cursor.execute("CREATE INDEX ON imp_doses (service_user_id, dose_number)")
    cursor.execute("ANALYZE imp_doses")
    rules._check(
        cursor,
        spec,
        """
        SELECT d.row_no, 'dose_number' AS col, d.dose_number::text AS value, {message} AS message
        FROM imp_doses d
        WHERE d.row_no IS NOT NULL AND EXISTS (
            SELECT 1 FROM imp_doses o
            WHERE o.service_user_id = d.service_user_id AND o.dose_number = d.dose_number
              AND (o.row_no IS NULL OR o.row_no < d.row_no))
        """,
        message=message_sql(DOSE_ALREADY_GIVEN, number="d.dose_number"),
    )
    rules._check(
        cursor,
        spec,
        """
        SELECT m.row_no, 'dose_number' AS col, m.dose_number::text AS value, {message} AS message
        FROM (SELECT d.row_no, d.dose_number,
                     (SELECT min(g) FROM generate_series(1, d.dose_number - 1) g
                      WHERE NOT EXISTS (SELECT 1 FROM imp_doses o
                                        WHERE o.service_user_id = d.service_user_id
                                          AND o.dose_number = g)) AS missing
              FROM imp_doses d WHERE d.row_no IS NOT NULL) m
        WHERE m.missing IS NOT NULL
        """,
        message=message_sql(DOSE_OUT_OF_ORDER, missing="m.missing"),
    )
    # The schedule's name as the form words it: its label up to the bracket, in lower case.
    names = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(
            sql.Literal(value), sql.Literal(str(label).split(" (")[0].lower())
        )
        for value, label in VaccineSchedule.choices
    )
    rules._check(
        cursor,
        spec,
        """
        SELECT d.row_no, 'schedule' AS col, d.schedule AS value, {message} AS message
        FROM imp_doses d JOIN imp_doses f
          ON f.service_user_id = d.service_user_id AND f.dose_number = 1
        WHERE d.row_no IS NOT NULL AND d.dose_number > 1 AND d.schedule <> f.schedule
        """,
        message=message_sql(
            SCHEDULE_CHANGED, schedule=sql.SQL("CASE f.schedule {} END").format(names)
        ),
    )
    rules._check(
        cursor,
        spec,
        """
        SELECT d.row_no, 'given_on' AS col, d.given_on::text AS value, {message} AS message
        FROM imp_doses d JOIN imp_doses o
          ON o.service_user_id = d.service_user_id AND o.dose_number = d.dose_number - 1
        WHERE d.row_no IS NOT NULL AND d.given_on < o.given_on
        """,
        message=message_sql(
            DOSE_BEFORE_PREVIOUS, previous="o.dose_number", on="to_char(o.given_on, 'DD/MM/YYYY')"
        ),
    )


def _safe_storage(cursor, spec: CareFileSpec) -> None:
    rules._check(
        cursor,
        spec,
        """
        SELECT s.row_no, 'person_ref' AS col, s.person_ref AS value,
               CASE WHEN t.service_user_id IS NOT NULL
                    THEN 'Lantern already holds safe storage for person ' || s.person_ref
                         || ': change it in Lantern.'
                    ELSE 'Person ' || s.person_ref || ' has more than one row: safe storage '
                         || 'is one record a person.' END AS message
        FROM {stage} s JOIN imp_person_map p ON p.ref = s.person_ref
        LEFT JOIN care_safestorage t ON t.service_user_id = p.id
             AND t.id IS DISTINCT FROM s.known_id
        JOIN (SELECT row_no, row_number() OVER (PARTITION BY person_ref ORDER BY row_no) AS n
              FROM {stage}) o ON o.row_no = s.row_no
        WHERE s.valid AND (t.service_user_id IS NOT NULL OR o.n > 1)
        """,
    )


KIND_CHECKS = {
    "plan_goals": _goals,
    "plan_reviews": _reviews,
    "nsp_contacts": _nsp,
    "hep_b_vaccinations": _doses,
    "safe_storage": _safe_storage,
}


def check(kind: str):
    """The SQL checks of the care file `kind`, for the loader's table of checks."""
    spec = CARE_SPECS_BY_KIND[kind]

    def run(cursor) -> None:
        check_care(cursor, spec)

    return run
