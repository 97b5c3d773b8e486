"""The NDTMS submission extract for a period, and the checks to run before submitting it.

`ndtms_problems` lists what a provider must fix first, one problem per record
with the person's page to fix it on: initials, date of birth and sex present;
date of birth before referral; triage on or after referral; a discharge reason
with every discharge date (and a date with every reason); TOP values in range;
consent to NDTMS sharing recorded.

`ndtms_extract_chunks` streams the CSV: one `EPI` row per episode open at any
time in the period and one `TOP` row per TOP interview in the period on those
episodes. People who have not consented (or whose consent is not recorded) are
reduced to the minimal fields: no initials, date of birth, ethnicity or
nationality, only the client reference, sex, local authority and the treatment
data. Names, NHS numbers and addresses never leave. Column names follow the
NDTMS item names where there is one; check them against the current NDTMS
dataset specification before the first submission (see docs/import-format.md).

Both read with set-based SQL (the extract with `COPY ... TO STDOUT`), so they
run over a whole service in seconds and in constant memory. `team_ids` limits
them to some teams' people (a team lead's extract); None means everyone.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.urls import reverse
from psycopg import sql

from outcomes.top_items import NUMERIC_ITEMS, TOP_ITEMS

PROBLEM_LIMIT = 2000


@dataclass(frozen=True)
class ExtractProblem:
    check: str
    message: str
    client_ref: str
    external_id: str

    @property
    def url(self) -> str:
        return reverse("person_detail", args=[self.external_id])


@dataclass
class ExtractCheck:
    problems: list[ExtractProblem]
    problem_count: int
    episodes: int
    people: int
    tops: int


def _scope(start: datetime.date, end: datetime.date, team_ids: list[int] | None) -> sql.Composable:
    """The episodes open at any time in the period, as a FROM clause (ep, su)."""
    teams = (
        sql.SQL("AND su.team_id = ANY({})").format(sql.Literal(list(team_ids)))
        if team_ids is not None
        else sql.SQL("")
    )
    return sql.SQL(
        "cases_treatmentepisode ep JOIN cases_serviceuser su ON su.id = ep.service_user_id "
        "WHERE ep.referral_date <= {end} "
        "AND (ep.discharge_date IS NULL OR ep.discharge_date >= {start}) {teams}"
    ).format(start=sql.Literal(start), end=sql.Literal(end), teams=teams)


def _checks(scope: sql.Composable, start, end) -> sql.Composable:
    """(check, message, client_ref, external_id) for every problem, as one query."""
    person = sql.SQL("su.client_ref, su.external_id::text FROM {}").format(scope)
    parts = [
        sql.SQL(
            "SELECT DISTINCT 'Initials', 'First or last name is missing, so the initials are.', "
            "{} AND (btrim(su.first_name) = '' OR btrim(su.last_name) = '')"
        ).format(person),
        sql.SQL(
            "SELECT DISTINCT 'Date of birth', 'Date of birth is missing.', {} "
            "AND su.date_of_birth IS NULL"
        ).format(person),
        sql.SQL(
            "SELECT DISTINCT 'Sex', 'Sex is missing.', {} AND coalesce(su.sex, '') = ''"
        ).format(person),
        sql.SQL(
            "SELECT DISTINCT 'Consent', 'Consent to NDTMS sharing is not recorded: ask, then "
            "record it (until then only the minimal fields are sent).', {} "
            "AND su.consent_to_ndtms IS NULL"
        ).format(person),
        sql.SQL(
            "SELECT 'Date of birth', 'Date of birth ' || to_char(su.date_of_birth, 'DD/MM/YYYY') "
            "|| ' is not before the referral on ' || to_char(ep.referral_date, 'DD/MM/YYYY') "
            "|| '.', {} AND su.date_of_birth >= ep.referral_date"
        ).format(person),
        sql.SQL(
            "SELECT 'Triage date', 'Triage on ' || to_char(ep.triage_date, 'DD/MM/YYYY') "
            "|| ' is before the referral on ' || to_char(ep.referral_date, 'DD/MM/YYYY') || '.', "
            "{} AND ep.triage_date < ep.referral_date"
        ).format(person),
        sql.SQL(
            "SELECT 'Discharge', 'The episode discharged on ' "
            "|| to_char(ep.discharge_date, 'DD/MM/YYYY') || ' has no discharge reason.', "
            "{} AND ep.discharge_date IS NOT NULL AND ep.discharge_reason_id IS NULL"
        ).format(person),
        sql.SQL(
            "SELECT 'Discharge', 'The episode referred on ' "
            "|| to_char(ep.referral_date, 'DD/MM/YYYY') "
            "|| ' has a discharge reason but no discharge date.', "
            "{} AND ep.discharge_date IS NULL AND ep.discharge_reason_id IS NOT NULL"
        ).format(person),
    ]
    for item in NUMERIC_ITEMS:
        low, high = item.bounds or (0, 0)
        column = sql.Identifier(item.field)
        parts.append(
            sql.SQL(
                "SELECT 'TOP values', {code} || ' ' || tp.{column} || ' on the TOP of ' "
                "|| to_char(tp.top_date, 'DD/MM/YYYY') || ' is outside ' || {low} || ' to ' "
                "|| {high} || '.', su.client_ref, su.external_id::text FROM {scope}"
            ).format(
                code=sql.Literal(item.code),
                column=column,
                low=sql.Literal(str(low)),
                high=sql.Literal(str(high)),
                scope=sql.SQL(
                    "outcomes_topassessment tp JOIN ({inner}) s ON s.ep_id = tp.episode_id "
                    "JOIN cases_serviceuser su ON su.id = tp.service_user_id "
                    "WHERE tp.top_date BETWEEN {start} AND {end} "
                    "AND (tp.{column} < {lo} OR tp.{column} > {hi})"
                ).format(
                    inner=sql.SQL("SELECT ep.id AS ep_id FROM {}").format(scope),
                    start=sql.Literal(start),
                    end=sql.Literal(end),
                    column=column,
                    lo=sql.Literal(low),
                    hi=sql.Literal(high),
                ),
            )
        )
    return sql.SQL(" UNION ALL ").join(parts)


def ndtms_problems(
    *, start: datetime.date, end: datetime.date, team_ids: list[int] | None = None
) -> ExtractCheck:
    """Every pre-submission problem in the period (the first `PROBLEM_LIMIT` of them kept)."""
    scope = _scope(start, end, team_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT count(*), count(DISTINCT su.id) FROM {}")
            .format(scope)
            .as_string(cursor.connection)
        )
        episodes, people = cursor.fetchone()
        cursor.execute(
            sql.SQL(
                "SELECT count(*) FROM outcomes_topassessment tp "
                "WHERE tp.top_date BETWEEN {start} AND {end} "
                "AND tp.episode_id IN (SELECT ep.id FROM {scope})"
            )
            .format(start=sql.Literal(start), end=sql.Literal(end), scope=scope)
            .as_string(cursor.connection)
        )
        (tops,) = cursor.fetchone()
        checks = _checks(scope, start, end)
        cursor.execute(
            sql.SQL("SELECT count(*) FROM ({}) c").format(checks).as_string(cursor.connection)
        )
        (count,) = cursor.fetchone()
        cursor.execute(
            sql.SQL("SELECT * FROM ({}) c ORDER BY 3, 1, 2 LIMIT {}")
            .format(checks, sql.Literal(PROBLEM_LIMIT))
            .as_string(cursor.connection)
        )
        problems = [ExtractProblem(*row) for row in cursor.fetchall()]
    return ExtractCheck(
        problems=problems, problem_count=count, episodes=episodes, people=people, tops=tops
    )


# Identifying fields, sent only for people who have consented.
def _consented(expression: str) -> sql.Composable:
    return sql.SQL("CASE WHEN su.consent_to_ndtms THEN {} END").format(sql.SQL(expression))


def extract_query(
    *, start: datetime.date, end: datetime.date, team_ids: list[int] | None = None
) -> sql.Composable:
    scope = _scope(start, end, team_ids)
    client = [
        ("CLIENTREF", sql.SQL("su.client_ref")),
        ("FINITIAL", _consented("upper(left(btrim(su.first_name), 1))")),
        ("SINITIAL", _consented("upper(left(btrim(su.last_name), 1))")),
        ("DOB", _consented("to_char(su.date_of_birth, 'YYYY-MM-DD')")),
        ("SEX", sql.SQL("su.sex")),
        ("ETHNIC", _consented("su.ethnicity")),
        ("NATION", _consented("su.nationality")),
        ("LA", sql.SQL("la.code")),
        (
            "CONSENT",
            sql.SQL("CASE su.consent_to_ndtms WHEN true THEN 'Y' WHEN false THEN 'N' END"),
        ),
        ("EPISODEID", sql.SQL("ep.external_id::text")),
    ]
    episode = [
        ("REFLDATE", sql.SQL("ep.referral_date")),
        ("REFSRC", sql.SQL("ep.referral_source")),
        ("TRIAGED", sql.SQL("ep.triage_date")),
        ("CPLANDT", sql.SQL("ep.start_date")),
        ("DRUG1", sql.SQL("s1.code")),
        ("DRUG2", sql.SQL("s2.code")),
        ("DRUG3", sql.SQL("s3.code")),
        ("ROUTE", sql.SQL("nullif(ep.route, '')")),
        ("INJSTAT", sql.SQL("nullif(ep.injecting_status, '')")),
        ("ACCMNEED", sql.SQL("nullif(ep.accommodation_need, '')")),
        ("DUALDIAG", sql.SQL("CASE ep.dual_diagnosis WHEN true THEN 'Y' WHEN false THEN 'N' END")),
        ("DISD", sql.SQL("ep.discharge_date")),
        ("DISRSN", sql.SQL("dr.code")),
    ]
    top = [("TOPDATE", sql.SQL("tp.top_date")), ("TRSTAGE", sql.SQL("tp.stage"))]
    for item in TOP_ITEMS:
        column = sql.Identifier(item.field)
        if item.kind == "yesno":
            value = sql.SQL("CASE tp.{c} WHEN true THEN 'Y' WHEN false THEN 'N' END").format(
                c=column
            )
        else:
            value = sql.SQL("tp.{}").format(column)
        top.append((item.code, value))

    def select(rectype: str, with_top: bool) -> sql.Composable:
        columns = [
            sql.SQL("{}::text AS {}").format(sql.Literal(rectype), sql.Identifier("RECTYPE"))
        ]
        for name, value in client + episode:
            columns.append(sql.SQL("{} AS {}").format(value, sql.Identifier(name)))
        for name, value in top:
            chosen = value if with_top else sql.SQL("NULL")
            columns.append(sql.SQL("{}::text AS {}").format(chosen, sql.Identifier(name)))
        return sql.SQL(", ").join(columns)

    joins = sql.SQL(
        "JOIN cases_localauthority la ON la.id = su.local_authority_id "
        "JOIN cases_substance s1 ON s1.id = ep.substance_1_id "
        "LEFT JOIN cases_substance s2 ON s2.id = ep.substance_2_id "
        "LEFT JOIN cases_substance s3 ON s3.id = ep.substance_3_id "
        "LEFT JOIN cases_dischargereason dr ON dr.id = ep.discharge_reason_id "
    )
    episodes = sql.SQL(
        "SELECT {columns}, su.client_ref AS sort_ref, ep.referral_date AS sort_date, 0 AS sort_kind "
        "FROM cases_treatmentepisode ep JOIN cases_serviceuser su ON su.id = ep.service_user_id "
        "{joins} WHERE ep.id IN (SELECT ep.id FROM {scope})"
    ).format(columns=select("EPI", False), joins=joins, scope=scope)
    tops = sql.SQL(
        "SELECT {columns}, su.client_ref, tp.top_date, 1 "
        "FROM outcomes_topassessment tp "
        "JOIN cases_treatmentepisode ep ON ep.id = tp.episode_id "
        "JOIN cases_serviceuser su ON su.id = ep.service_user_id "
        "{joins} WHERE ep.id IN (SELECT ep.id FROM {scope}) "
        "AND tp.top_date BETWEEN {start} AND {end}"
    ).format(
        columns=select("TOP", True),
        joins=joins,
        scope=scope,
        start=sql.Literal(start),
        end=sql.Literal(end),
    )
    names = ["RECTYPE"] + [name for name, _ in client + episode + top]
    return sql.SQL(
        "SELECT {names} FROM ({episodes} UNION ALL {tops}) x "
        "ORDER BY sort_ref, sort_kind, sort_date"
    ).format(
        names=sql.SQL(", ").join(sql.Identifier(name) for name in names),
        episodes=episodes,
        tops=tops,
    )


def ndtms_extract_chunks(
    *,
    start: datetime.date,
    end: datetime.date,
    team_ids: list[int] | None = None,
    finished: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The extract as CSV (header first), in blocks straight from PostgreSQL's COPY.

    `finished(rows)` is called once when the stream ends or is cut off, with the
    data rows sent (counted by line: no cell holds a line break).
    """
    query = extract_query(start=start, end=end, team_ids=team_ids)
    connection.ensure_connection()
    raw = connection.connection
    lines = 0
    try:
        with raw.cursor() as cursor:
            copy_sql = sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER)").format(query)
            with cursor.copy(copy_sql) as copy:
                for block in copy:
                    data = bytes(block)
                    lines += data.count(b"\n")
                    yield data
    finally:
        if finished is not None:
            finished(max(lines - 1, 0))
