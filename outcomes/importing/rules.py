"""The checks that need other rows or the database, as set-based SQL over the staging tables.

Each check inserts its problems into `imp_problems` and then marks the rows it
found as not valid, so later checks (and children) see only rows that will be
imported. Parents are checked before children: a child whose parent row was
rejected is told so, rather than "not found". Along the way every valid
staged row is given the id it will have (its existing row's, or a new one
from the table's sequence) and its parent's id.

Everything here runs inside the import's transaction on temporary tables.
"""

from psycopg import sql

from outcomes.importing.specs import (
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
    _check(
        cursor,
        spec,
        """
        SELECT s.row_no, 'ref' AS col, s.ref AS value,
               'Reference ' || s.ref || ' appears more than once in this file (rows '
               || array_to_string(d.rows[1:5], ', ') || ').' AS message
        FROM {stage} s
        JOIN (SELECT ref, array_agg(row_no ORDER BY row_no) AS rows FROM {stage}
              WHERE ref IS NOT NULL GROUP BY ref HAVING count(*) > 1) d USING (ref)
        """,
    )


def _allocate_ids(cursor, spec: FileSpec) -> None:
    """Existing rows keep their id; new valid rows draw one from the table's sequence now,
    so their children can point at them before anything is written."""
    table = stage_table(spec)
    cursor.execute(
        sql.SQL(
            "UPDATE {stage} s SET id = t.id, is_new = false FROM {target} t "
            "WHERE t.source_ref = s.ref AND s.valid"
        ).format(stage=table, target=sql.Identifier(spec.table))
    )
    cursor.execute(
        sql.SQL(
            "UPDATE {stage} SET id = nextval(pg_get_serial_sequence({target}, 'id')), "
            "is_new = true WHERE id IS NULL AND valid"
        ).format(stage=table, target=sql.Literal(spec.table))
    )


def _missing_parent(cursor, spec: FileSpec, parent: FileSpec, column: str, found: str) -> None:
    what = "person" if parent is SERVICE_USERS else "episode"
    _check(
        cursor,
        spec,
        """
        SELECT s.row_no, {column_name} AS col, s.{column} AS value,
               CASE WHEN EXISTS (SELECT 1 FROM {parent} p WHERE p.ref = s.{column})
                    THEN {what} || ' ' || s.{column} || ' is not imported: its row in '
                         || {parent_file} || ' has problems.'
                    ELSE {what} || ' ' || s.{column} || ' not found.' END AS message
        FROM {stage} s WHERE s.valid AND s.{column} IS NOT NULL AND s.{found} IS NULL
        """,
        column=sql.Identifier(column),
        column_name=sql.Literal(column),
        found=sql.Identifier(found),
        parent=stage_table(parent),
        parent_file=sql.Literal(parent.file_name),
        what=sql.Literal(what),
    )


def check_service_users(cursor) -> None:
    spec = SERVICE_USERS
    check_duplicate_refs(cursor, spec)
    _check(
        cursor,
        spec,
        """
        SELECT s.row_no, 'nhs_number' AS col, s.nhs_number AS value,
               'NHS number ' || s.nhs_number || ' is also given to ' || o.ref
               || ' in this file.' AS message
        FROM {stage} s
        JOIN LATERAL (SELECT o.ref FROM {stage} o WHERE o.valid AND o.nhs_number = s.nhs_number
                      AND o.ref IS DISTINCT FROM s.ref ORDER BY o.row_no LIMIT 1) o ON true
        WHERE s.valid AND s.nhs_number IS NOT NULL
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
        WHERE s.valid AND s.nhs_number IS NOT NULL AND t.source_ref IS DISTINCT FROM s.ref
        """,
    )
    _allocate_ids(cursor, spec)
    cursor.execute(
        """
        CREATE TEMP TABLE imp_person_map ON COMMIT DROP AS
        SELECT ref, id, team_id FROM imp_service_users WHERE valid
        UNION ALL
        SELECT t.source_ref, t.id, t.team_id FROM cases_serviceuser t
        WHERE t.source_ref IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM imp_service_users s WHERE s.valid AND s.ref = t.source_ref)
        """
    )
    cursor.execute("CREATE INDEX ON imp_person_map (ref)")
    cursor.execute("ANALYZE imp_person_map")


def resolve_people(cursor, spec: FileSpec) -> None:
    """Point each row at its person, by `person_ref`, in the files or in Lantern."""
    extra = ", team_id = COALESCE(s.team_id, m.team_id)" if spec is EPISODES else ""
    cursor.execute(
        sql.SQL(
            "UPDATE {stage} s SET service_user_id = m.id" + extra + " FROM imp_person_map m "
            "WHERE m.ref = s.person_ref AND s.valid"
        ).format(stage=stage_table(spec))
    )
    _missing_parent(cursor, spec, SERVICE_USERS, "person_ref", "service_user_id")


def check_episodes(cursor) -> None:
    spec = EPISODES
    check_duplicate_refs(cursor, spec)
    resolve_people(cursor, spec)
    _allocate_ids(cursor, spec)
    # One open episode per person, judged on what the person will have after the import.
    _check(
        cursor,
        spec,
        """
        WITH open AS (
            SELECT service_user_id, row_no FROM {stage} WHERE valid AND discharge_date IS NULL
            UNION ALL
            SELECT t.service_user_id, NULL FROM cases_treatmentepisode t
            WHERE t.discharge_date IS NULL
              AND t.service_user_id IN (SELECT service_user_id FROM {stage} WHERE valid)
              AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE s.valid AND s.id = t.id)
        ), crowded AS (SELECT service_user_id FROM open GROUP BY 1 HAVING count(*) > 1)
        SELECT s.row_no, 'discharge_date' AS col, '' AS value,
               'person ' || s.person_ref || ' would have more than one open episode: give '
               || 'every episode but the current one a discharge date.' AS message
        FROM {stage} s JOIN crowded c USING (service_user_id)
        WHERE s.valid AND s.discharge_date IS NULL
        """,
    )
    cursor.execute(
        """
        CREATE TEMP TABLE imp_episode_map ON COMMIT DROP AS
        SELECT ref, id, service_user_id, referral_date, discharge_date
        FROM imp_episodes WHERE valid
        UNION ALL
        SELECT t.source_ref, t.id, t.service_user_id, t.referral_date, t.discharge_date
        FROM cases_treatmentepisode t
        WHERE t.source_ref IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM imp_episodes s WHERE s.valid AND s.ref = t.source_ref)
        """
    )
    cursor.execute("CREATE INDEX ON imp_episode_map (ref)")
    cursor.execute("ANALYZE imp_episode_map")


def resolve_episodes(cursor, spec: FileSpec) -> None:
    """Point each row at its episode (and that episode's person and dates)."""
    cursor.execute(
        sql.SQL(
            "UPDATE {stage} s SET episode_id = m.id, service_user_id = m.service_user_id, "
            "episode_referral = m.referral_date, episode_discharge = m.discharge_date "
            "FROM imp_episode_map m WHERE m.ref = s.episode_ref AND s.valid"
        ).format(stage=stage_table(spec))
    )
    _missing_parent(cursor, spec, EPISODES, "episode_ref", "episode_id")


def check_person_children(cursor, spec: FileSpec) -> None:
    check_duplicate_refs(cursor, spec)
    resolve_people(cursor, spec)


def check_interventions(cursor, spec: FileSpec) -> None:
    check_duplicate_refs(cursor, spec)
    resolve_episodes(cursor, spec)
    _check(
        cursor,
        spec,
        """
        SELECT row_no, 'start_date' AS col, start_date::text AS value,
               CASE WHEN start_date < episode_referral
                    THEN 'Start date ' || start_date || ' is before episode ' || episode_ref
                         || '''s referral date ' || episode_referral || '.'
                    ELSE 'Start date ' || start_date || ' is after episode ' || episode_ref
                         || ' ended (' || episode_discharge || ').' END AS message
        FROM {stage}
        WHERE valid AND (start_date < episode_referral OR start_date > episode_discharge)
        """,
    )


def check_top_assessments(cursor) -> None:
    spec = TOP_ASSESSMENTS
    check_duplicate_refs(cursor, spec)
    resolve_episodes(cursor, spec)
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
        FROM {stage}
        WHERE valid AND (
            top_date < episode_referral
            OR (stage = 'P' AND (episode_discharge IS NULL OR top_date < episode_discharge))
            OR (stage <> 'P' AND top_date > episode_discharge))
        """,
    )
    # The stage rules, judged on the episode's TOPs after the import.
    cursor.execute(
        """
        CREATE TEMP TABLE imp_top_final ON COMMIT DROP AS
        SELECT episode_id, stage, top_date, row_no FROM imp_top_assessments WHERE valid
        UNION ALL
        SELECT t.episode_id, t.stage, t.top_date, NULL FROM outcomes_topassessment t
        WHERE t.episode_id IN (SELECT episode_id FROM imp_top_assessments WHERE valid)
          AND NOT EXISTS (SELECT 1 FROM imp_top_assessments s
                          WHERE s.valid AND s.ref = t.source_ref)
        """
    )
    cursor.execute("CREATE INDEX ON imp_top_final (episode_id)")
    cursor.execute("ANALYZE imp_top_final")
    for stage, name in (("S", "a start"), ("E", "an exit")):
        advice = " Record this one as a review (R)." if stage == "S" else ""
        _check(
            cursor,
            spec,
            """
            SELECT s.row_no, 'stage' AS col, s.stage AS value,
                   'Episode ' || s.episode_ref || ' already has ' || {name} || ' TOP ('
                   || min(o.top_date) || ').' || {advice} AS message
            FROM {stage} s JOIN imp_top_final o
              ON o.episode_id = s.episode_id AND o.stage = s.stage
             AND o.row_no IS DISTINCT FROM s.row_no
            WHERE s.valid AND s.stage = {code}
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
        FROM {stage} s
        LEFT JOIN LATERAL (SELECT min(o.top_date) AS top_date FROM imp_top_final o
                           WHERE o.episode_id = s.episode_id AND o.stage = 'S') st ON true
        WHERE s.valid AND s.stage = 'R' AND (st.top_date IS NULL OR s.top_date < st.top_date)
        """,
    )
