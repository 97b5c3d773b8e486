"""Rows into pandas for the figures: one set-based statement per table, in bulk.

Each statement reads only the columns a figure family needs, already cut in
SQL to the filters (teams, local authorities, the caller's scope) and to the
dates the two periods can see. `core.frames` streams it out with `COPY ...
TO STDOUT` and parses it once with pandas; nothing is read a person at a time.
Dates travel as day numbers and yes/no answers as 0/1, which parse far faster
than text.

Outside a transaction, the statements of one family run on two connections
side by side, so PostgreSQL produces one frame while pandas parses another.
"""

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from core import frames
from core.frames import day_number
from outcomes.figures.filters import FigureFilters

# Each statement joins and sorts up to a few million rows: enough memory keeps
# its hashes and sorts off disk (PostgreSQL's default is 4 MB).
STATEMENT_WORK_MEM = "128MB"

Kind = Literal["int", "number", "date", "text"]
# How each kind is parsed: dates arrive as day numbers (`frames.days_to_dates`).
PARSE_DTYPES = {"int": "int64", "number": "float64", "date": "float64", "text": "str"}


@dataclass(frozen=True)
class Column:
    """One selected column: `int` (never null), `number` (may be null: float),
    `date` (a day number: datetime64, NaT for null) or `text`."""

    name: str
    kind: Kind


@dataclass(frozen=True)
class Statement:
    sql: str
    columns: tuple[Column, ...]
    params: dict = field(default_factory=dict)

    def query(self) -> frames.FrameQuery:
        """The statement for the shared reader: every column typed, dates as day numbers."""
        return frames.FrameQuery(
            sql=self.sql,
            names=tuple(c.name for c in self.columns),
            params=self.params,
            dtypes={c.name: PARSE_DTYPES[c.kind] for c in self.columns},
            dates=tuple(c.name for c in self.columns if c.kind == "date"),
        )


@dataclass(frozen=True)
class PersonFilter:
    """The filters as a SQL condition on the person row `p`, with its parameters.

    When nothing filters people (the whole service, unsplit), statements skip
    the join to the person table altogether.
    """

    where: str
    params: dict

    @property
    def needed(self) -> bool:
        return self.where != "TRUE"

    def join(self, person_column: str) -> str:
        if not self.needed:
            return ""
        return f"JOIN cases_serviceuser p ON p.id = {person_column}"


def person_filter(filters: FigureFilters) -> PersonFilter:
    clauses = []
    params: dict = {}
    if filters.teams is not None:
        clauses.append("p.team_id = ANY(%(filter_teams)s::bigint[])")
        params["filter_teams"] = sorted(filters.teams)
    if filters.local_authority_ids is not None:
        clauses.append("p.local_authority_id = ANY(%(filter_authorities)s::bigint[])")
        params["filter_authorities"] = sorted(filters.local_authority_ids)
    return PersonFilter(where=" AND ".join(clauses) or "TRUE", params=params)


def without_a_person(filters: FigureFilters, team_column: str) -> str:
    """The filters as a SQL condition on a row with no person (an overdose of someone not
    yet known, a kit to someone who is not a client), held by the team in `team_column`.

    Such a row has no local authority: it is kept only when none is asked for. Its team
    stands for the person's team in the team filter and the caller's scope; the
    parameter is the one `person_filter` gives.
    """
    if filters.local_authority_ids is not None:
        return "FALSE"
    if filters.teams is not None:
        return f"{team_column} = ANY(%(filter_teams)s::bigint[])"
    return "TRUE"


def lookup(keys: pd.Series | pd.Index, mapping: pd.Series) -> pd.Series:
    """`mapping`'s value for each key (missing where it has none), indexed like `keys`.

    `Series.map` would do, but casts an empty mapping to float and fails on dates.
    """
    values = mapping.reindex(np.asarray(keys)).to_numpy()
    index = keys if isinstance(keys, pd.Index) else keys.index
    return pd.Series(values, index=index)


def months_after(dates: pd.Series, months: int) -> pd.Series:
    """Each date `months` calendar months later (the month's last day when it is shorter)."""
    return dates + pd.DateOffset(months=months)


def read_frames(statements: dict[str, Statement]) -> dict[str, pd.DataFrame]:
    """Every statement's frame, by name; two at a time outside a transaction."""
    return frames.read_frames(
        {name: s.query() for name, s in statements.items()}, work_mem=STATEMENT_WORK_MEM
    )


# A person who has not been asked (an empty answer) is a value of its own, so a split
# by an equality question always adds up to everyone.
NOT_RECORDED = "not_recorded"
# Any kind of disability, or several: one value, so each person is in one group.
DISABLED = "disabled"


def _recorded(column: str) -> str:
    return f"COALESCE(NULLIF({column}, ''), '{NOT_RECORDED}')"


# Each person is in one disability group: the answers that stand alone ("No disability",
# "Prefers not to say") as they are, any kind of disability as one group, or not asked.
DISABILITY_GROUP = f"""CASE
    WHEN COALESCE(cardinality(p.disabilities), 0) = 0 THEN '{NOT_RECORDED}'
    WHEN 'none' = ANY(p.disabilities) THEN 'none'
    WHEN 'not_stated' = ANY(p.disabilities) THEN 'not_stated'
    ELSE '{DISABLED}' END"""

# The column of the person row each segment reads.
SEGMENT_COLUMNS = {
    "team": ("p.team_id", "int"),
    "local_authority": ("p.local_authority_id", "int"),
    "sex": ("p.sex", "text"),
    "ethnicity": ("p.ethnicity", "text"),
    "age_band": (day_number("p.date_of_birth"), "date"),
    "disability": (DISABILITY_GROUP, "text"),
    "sexual_orientation": (_recorded("p.sexual_orientation"), "text"),
    "religion": (_recorded("p.religion"), "text"),
}


def people_statement(filters: FigureFilters, population_sql: str, params: dict) -> Statement:
    """The segment attribute of the people in `population_sql` (a query of person ids).

    Only needed when figures are split: unsplit figures read no person rows at all.
    """
    assert filters.segment is not None
    expression, kind = SEGMENT_COLUMNS[filters.segment]
    where = person_filter(filters)
    return Statement(
        sql=f"SELECT p.id, {expression} FROM cases_serviceuser p "
        f"WHERE {where.where} AND p.id IN ({population_sql})",
        columns=(Column("person_id", "int"), Column("attribute", kind)),
        params={**params, **where.params},
    )
