"""The checks that need other rows or the database, as set-based SQL over the staging tables.

Each check inserts its problems into `imp_problems` and then marks the rows it
found as not valid, so later checks (and children) see only rows that will be
imported. Parents are checked before children: a child whose parent row was
rejected is told so, rather than "not found". Along the way the map tables
`imp_person_map` and `imp_episode_map` are built: every reference a file may
use (the valid rows of this import, then records imported before), with the
id the record has or will have (new ones draw theirs from the table's sequence
up front, so children can point at them before anything is written) and what
the children's checks need of it. Maps are built with CREATE TABLE AS rather
than by updating the staging tables, which at a million rows is several times
faster.

Everything here runs inside the import's transaction on temporary tables.
"""

from psycopg import sql

from exchange.importing.specs import (
    EPISODES,
    SERVICE_USERS,
    TOP_ASSESSMENTS,
    FileSpec,
)


def stage_table(spec: FileSpec) -> sql.Identifier:
    return sql.Identifier(f"imp_{spec.kind}")


def _check(cursor, spec: FileSpec, query: str, **params) -> int:
    """Record the problems `query` selects (row_no, col, value, message); reject those rows."""
    table = stage_table(spec)
    statement = sql.SQL(
        "INSERT INTO imp_problems (file, row_no, col, value, message) "
        "SELECT {file}, q.row_no, q.col, q.value, q.message FROM ({query}) q"
    ).format(
        file=sql.Literal(spec.file_name),
        query=sql.SQL(query).format(stage=table, **params),
    )
    cursor.execute(statement)
    found = cursor.rowcount
    if found:
        cursor.execute(
            sql.SQL(
                "UPDATE {stage} s SET valid = false FROM imp_problems p "
                "WHERE p.file = {file} AND p.row_no = s.row_no AND s.valid"
            ).format(stage=table, file=sql.Literal(spec.file_name))
        )
    return found


def check_duplicate_refs(cursor, spec: FileSpec) -> None:
    # The repeated refs are found by hashing first: sorting every ref to list the rows of
    # the few repeated ones took most of the check.
    _check(
        cursor,
        spec,
        """
        SELECT s.row_no, 'ref' AS col, s.ref AS value,
               'Reference ' || s.ref || ' appears more than once in this file (rows '
               || array_to_string(d.rows[1:5], ', ') || ').' AS message
        FROM {stage} s
        JOIN (SELECT ref, array_agg(row_no ORDER BY row_no) AS rows FROM {stage}
              WHERE ref IN (SELECT ref FROM {stage} WHERE ref IS NOT NULL
                            GROUP BY ref HAVING count(*) > 1)
              GROUP BY ref) d USING (ref)
        WHERE s.valid
        """,
    )


def _missing_parent(cursor, spec: FileSpec, parent: FileSpec) -> None:
    what, column, mapping = (
        ("person", "person_ref", "imp_person_map")
        if parent is SERVICE_USERS
        else ("episode", "episode_ref", "imp_episode_map")
    )
    _check(
        cursor,
        spec,
        """
        SELECT s.row_no, {column_name} AS col, s.{column} AS value,
               CASE WHEN EXISTS (SELECT 1 FROM {parent} p WHERE p.ref = s.{column})
                    THEN {what} || ' ' || s.{column} || ' is not imported: its row in '
                         || {parent_file} || ' has problems.'
                    ELSE {what} || ' ' || s.{column} || ' not found.' END AS message
        FROM {stage} s
        WHERE s.valid AND s.{column} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {mapping} m WHERE m.ref = s.{column})
        """,
        column=sql.Identifier(column),
        column_name=sql.Literal(column),
        parent=stage_table(parent),
        parent_file=sql.Literal(parent.file_name),
        what=sql.Literal(what),
        mapping=sql.Identifier(mapping),
    )


def _id_sequence(cursor, table: str) -> sql.Composable:
    """The sequence `table`'s ids come from, named once: looked up afresh for every row (as
    `nextval(pg_get_serial_sequence(...))` does) it cost more than the rest of the map."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return sql.SQL("{}::regclass").format(sql.Literal(cursor.fetchone()[0]))


def _index_and_analyse(cursor, table: str, column: str = "ref") -> None:
    cursor.execute(
        sql.SQL("CREATE INDEX ON {} ({})").format(sql.Identifier(table), sql.Identifier(column))
    )
    cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))


def check_service_users(cursor) -> None:
    spec = SERVICE_USERS
    check_duplicate_refs(cursor, spec)
    _check(
        cursor,
        spec,
        """
        SELECT s.row_no, 'nhs_number' AS col, s.nhs_number AS value,
               'NHS number ' || s.nhs_number || ' is also given to '
               || array_to_string((array_remove(d.refs, s.ref))[1:3], ', ')
               || ' in this file.' AS message
        FROM {stage} s
        JOIN (SELECT nhs_number, array_agg(ref ORDER BY row_no) AS refs FROM {stage}
              WHERE valid AND nhs_number IN (SELECT nhs_number FROM {stage}
                                             WHERE valid AND nhs_number IS NOT NULL
                                             GROUP BY nhs_number HAVING count(*) > 1)
              GROUP BY nhs_number HAVING count(DISTINCT ref) > 1) d USING (nhs_number)
        WHERE s.valid
        """,
    )
    _check(
        cursor,
        spec,
        """
        SELECT s.row_no, 'nhs_number' AS col, s.nhs_number AS value,
               'NHS number ' || s.nhs_number || ' is already recorded for another person in Lantern.'
               AS message
        FROM {stage} s JOIN cases_serviceuser t ON t.nhs_number = s.nhs_number
        WHERE s.valid AND s.nhs_number IS NOT NULL AND t.nhs_number <> ''
          AND t.source_ref IS DISTINCT FROM s.ref
        """,
    )
    cursor.execute(
        sql.SQL(
            """
        CREATE TEMP TABLE imp_person_map ON COMMIT DROP AS
        SELECT s.ref,
               COALESCE(t.id, nextval({sequence})) AS id,
               t.id IS NULL AS is_new, s.team_id, s.date_of_birth, true AS staged
        FROM imp_service_users s LEFT JOIN cases_serviceuser t ON t.source_ref = s.ref
        WHERE s.valid
        UNION ALL
        SELECT t.source_ref, t.id, false, t.team_id, t.date_of_birth, false
        FROM cases_serviceuser t
        WHERE t.source_ref IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM imp_service_users s WHERE s.valid AND s.ref = t.source_ref)
        """
        ).format(sequence=_id_sequence(cursor, "cases_serviceuser"))
    )
    _index_and_analyse(cursor, "imp_person_map")


def check_episodes(cursor) -> None:
    spec = EPISODES
    check_duplicate_refs(cursor, spec)
    _missing_parent(cursor, spec, SERVICE_USERS)
    _before_birth(cursor, spec)
    # One open episode per person, judged on what the person will have after the import.
    _check(
        cursor,
        spec,
        """
        WITH staged AS (
            SELECT s.row_no, s.ref, s.person_ref, s.discharge_date, p.id AS service_user_id
            FROM {stage} s JOIN imp_person_map p ON p.ref = s.person_ref WHERE s.valid
        ), open AS (
            SELECT service_user_id FROM staged WHERE discharge_date IS NULL
            UNION ALL
            SELECT t.service_user_id FROM cases_treatmentepisode t
            WHERE t.discharge_date IS NULL
              AND t.service_user_id IN (SELECT service_user_id FROM staged)
              AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.ref = t.source_ref)
        ), crowded AS (SELECT service_user_id FROM open GROUP BY 1 HAVING count(*) > 1)
        SELECT s.row_no, 'discharge_date' AS col, '' AS value,
               'person ' || s.person_ref || ' would have more than one open episode: give '
               || 'every episode but the current one a discharge date.' AS message
        FROM staged s JOIN crowded c USING (service_user_id)
        WHERE s.discharge_date IS NULL
        """,
    )
    cursor.execute(
        sql.SQL(
            """
        CREATE TEMP TABLE imp_episode_map ON COMMIT DROP AS
        SELECT s.ref,
               COALESCE(t.id, nextval({sequence})) AS id,
               t.id IS NULL AS is_new, p.id AS service_user_id,
               COALESCE(s.team_id, p.team_id) AS team_id,
               s.referral_date, s.discharge_date, true AS staged
        FROM imp_episodes s
        JOIN imp_person_map p ON p.ref = s.person_ref
        LEFT JOIN cases_treatmentepisode t ON t.source_ref = s.ref
        WHERE s.valid
        UNION ALL
        SELECT t.source_ref, t.id, false, t.service_user_id, t.team_id, t.referral_date,
               t.discharge_date, false
        FROM cases_treatmentepisode t
        WHERE t.source_ref IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM imp_episodes s WHERE s.valid AND s.ref = t.source_ref)
        """
        ).format(sequence=_id_sequence(cursor, "cases_treatmentepisode"))
    )
    _index_and_analyse(cursor, "imp_episode_map")


def check_person_children(cursor, spec: FileSpec) -> None:
    check_duplicate_refs(cursor, spec)
    _missing_parent(cursor, spec, SERVICE_USERS)
    _before_birth(cursor, spec)


# The date of each file's rows that is checked against the person's birth, as the forms do
# (`cases.models.DatedFromBirth`); interventions and TOPs follow from their episode's referral.
DATED_FROM_BIRTH = {
    "episodes": ("referral_date", "hep_c_test_date"),
    "events": ("occurred_on",),
    "contacts": ("contact_date",),
    "naloxone_supplies": ("supplied_on", "kit_used_on"),
}


def _before_birth(cursor, spec: FileSpec) -> None:
    for column in DATED_FROM_BIRTH[spec.kind]:
        _date_before_birth(cursor, spec, column)


def _date_before_birth(cursor, spec: FileSpec, column: str) -> None:
    _check(
        cursor,
        spec,
        """
        SELECT s.row_no, {column_name} AS col, s.{column}::text AS value,
               'Date ' || s.{column} || ' is before the date of birth of person '
               || s.person_ref || ' (' || p.date_of_birth || ').' AS message
        FROM {stage} s JOIN imp_person_map p ON p.ref = s.person_ref
        WHERE s.valid AND s.{column} < p.date_of_birth
        """,
        column=sql.Identifier(column),
        column_name=sql.Literal(column),
    )


def check_interventions(cursor, spec: FileSpec) -> None:
    check_duplicate_refs(cursor, spec)
    _missing_parent(cursor, spec, EPISODES)
    _check(
        cursor,
        spec,
        """
        SELECT s.row_no, 'start_date' AS col, s.start_date::text AS value,
               CASE WHEN s.start_date < m.referral_date
                    THEN 'Start date ' || s.start_date || ' is before episode ' || s.episode_ref
                         || '''s referral date ' || m.referral_date || '.'
                    ELSE 'Start date ' || s.start_date || ' is after episode ' || s.episode_ref
                         || ' ended (' || m.discharge_date || ').' END AS message
        FROM {stage} s JOIN imp_episode_map m ON m.ref = s.episode_ref
        WHERE s.valid AND (s.start_date < m.referral_date OR s.start_date > m.discharge_date)
        """,
    )


def check_top_assessments(cursor) -> None:
    spec = TOP_ASSESSMENTS
    check_duplicate_refs(cursor, spec)
    _missing_parent(cursor, spec, EPISODES)
    # The interview date against the episode, as the TOP form checks it.
    _check(
        cursor,
        spec,
        """
        SELECT row_no, CASE WHEN stage = 'P' AND episode_discharge IS NULL THEN 'stage'
                            ELSE 'top_date' END AS col,
               CASE WHEN stage = 'P' AND episode_discharge IS NULL THEN stage
                    ELSE top_date::text END AS value,
               CASE
                 WHEN top_date < episode_referral
                   THEN 'TOP date ' || top_date || ' is before episode ' || episode_ref
                        || '''s referral date ' || episode_referral || '.'
                 WHEN stage = 'P' AND episode_discharge IS NULL
                   THEN 'A post-exit TOP is for someone who has left: episode ' || episode_ref
                        || ' is still open.'
                 WHEN stage = 'P'
                   THEN 'TOP date ' || top_date || ' is before episode ' || episode_ref
                        || ' ended (' || episode_discharge || '): a post-exit TOP comes after.'
                 ELSE 'TOP date ' || top_date || ' is after episode ' || episode_ref
                      || ' ended (' || episode_discharge || '): record a post-exit TOP (P) instead.'
               END AS message
        FROM (SELECT s.row_no, s.stage, s.top_date, s.episode_ref,
                     m.referral_date AS episode_referral, m.discharge_date AS episode_discharge
              FROM {stage} s JOIN imp_episode_map m ON m.ref = s.episode_ref WHERE s.valid) s
        WHERE top_date < episode_referral
           OR (stage = 'P' AND (episode_discharge IS NULL OR top_date < episode_discharge))
           OR (stage <> 'P' AND top_date > episode_discharge)
        """,
    )
    # The stage rules, judged on each episode's TOPs as they will be after the import.
    cursor.execute(
        """
        CREATE TEMP TABLE imp_top_final ON COMMIT DROP AS
        SELECT m.id AS episode_id, s.stage, s.top_date, s.row_no, s.episode_ref
        FROM imp_top_assessments s JOIN imp_episode_map m ON m.ref = s.episode_ref
        WHERE s.valid
        UNION ALL
        SELECT t.episode_id, t.stage, t.top_date, NULL, NULL FROM outcomes_topassessment t
        WHERE t.episode_id IN (SELECT m.id FROM imp_top_assessments s
                               JOIN imp_episode_map m ON m.ref = s.episode_ref WHERE s.valid)
          AND NOT EXISTS (SELECT 1 FROM imp_top_assessments s
                          WHERE s.valid AND s.ref = t.source_ref)
        """
    )
    _index_and_analyse(cursor, "imp_top_final", "episode_id")
    for stage, name in (("S", "a start"), ("E", "an exit")):
        advice = " Record this one as a review (R)." if stage == "S" else ""
        _check(
            cursor,
            spec,
            """
            SELECT s.row_no, 'stage' AS col, s.stage AS value,
                   'Episode ' || s.episode_ref || ' already has ' || {name} || ' TOP ('
                   || min(o.top_date) || ').' || {advice} AS message
            FROM imp_top_final s JOIN imp_top_final o
              ON o.episode_id = s.episode_id AND o.stage = s.stage
             AND o.row_no IS DISTINCT FROM s.row_no
            WHERE s.row_no IS NOT NULL AND s.stage = {code}
            GROUP BY s.row_no, s.stage, s.episode_ref
            """,
            name=sql.Literal(name),
            advice=sql.Literal(advice),
            code=sql.Literal(stage),
        )
    _check(
        cursor,
        spec,
        """
        SELECT s.row_no, CASE WHEN st.top_date IS NULL THEN 'stage' ELSE 'top_date' END AS col,
               CASE WHEN st.top_date IS NULL THEN s.stage ELSE s.top_date::text END AS value,
               CASE WHEN st.top_date IS NULL
                    THEN 'A review TOP needs a start TOP for episode ' || s.episode_ref || ' first.'
                    ELSE 'TOP date ' || s.top_date || ' is before the start TOP ('
                         || st.top_date || '): a review comes after it.' END AS message
        FROM imp_top_final s
        LEFT JOIN LATERAL (SELECT min(o.top_date) AS top_date FROM imp_top_final o
                           WHERE o.episode_id = s.episode_id AND o.stage = 'S') st ON true
        WHERE s.row_no IS NOT NULL AND s.stage = 'R'
          AND (st.top_date IS NULL OR s.top_date < st.top_date)
        """,
    )
