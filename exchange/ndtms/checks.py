"""The checks to run before submitting to NDTMS, for a period.

`ndtms_problems` lists what a provider must fix first, one problem per record
with the person's page to fix it on: initials, date of birth and sex present;
date of birth before referral; triage on or after referral; a discharge reason
with every discharge date (and a date with every reason); TOP values in range;
consent to NDTMS sharing recorded.

It reads with set-based SQL, so it runs over a whole service in seconds.
`team_ids` limits it to some teams' people (a team lead's check); None means
everyone.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.urls import reverse
from psycopg import sql

from outcomes.top_items import NUMERIC_ITEMS

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
