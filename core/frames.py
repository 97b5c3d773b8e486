"""Set-based SQL into pandas frames, in bulk: the one reader the figures and the risk engine share.

Contract:

- A `FrameQuery` is one SELECT with its parameters, the names of its columns,
  the dtypes pandas is to give some of them (the others are inferred) and the
  columns that travel as day numbers (days since 1970-01-01: far cheaper to
  parse than text; `day_number` writes one), which come back as
  `datetime64[s]` (NaT for null).
- `copy_frame(cursor, query)` streams the statement out with
  `COPY ... TO STDOUT` into one buffer and parses it once with
  `pandas.read_csv`, the fast path measured in the platform notes; nothing is
  read a row at a time. A statement with no rows gives an empty frame of the
  same columns (float64 where no dtype is given).
- `read_frames(queries, in_line=..., work_mem=...)` reads every query's frame,
  by name. Outside a transaction, `LOAD_THREADS` run side by side on
  connections of their own, so PostgreSQL produces one frame while pandas
  parses another; each such connection can be given a larger `work_mem` and is
  closed when its frame is read. Inside a transaction (other connections would
  not see its rows), for a single query, or when asked (`in_line`, e.g. one
  person's records, where a second connection costs more than it saves), they
  run one after another on the request's own connection.
"""

import io
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import psycopg
from django.db import connection

LOAD_THREADS = 2


@dataclass(frozen=True)
class FrameQuery:
    sql: str
    names: tuple[str, ...]
    params: Mapping[str, object] = field(default_factory=dict)
    # read_csv dtypes by column name; a column not named here is inferred.
    dtypes: Mapping[str, str] = field(default_factory=dict)
    # Columns selected as day numbers, turned into dates.
    dates: tuple[str, ...] = ()


def day_number(expression: str) -> str:
    """SQL for a date column as days since 1970-01-01 (NULL stays NULL): a `dates` column."""
    return f"({expression} - DATE '1970-01-01')"


def days_to_dates(days: pd.Series) -> pd.Series:
    """Day numbers (float, NaN for null) as `datetime64[s]` dates (NaT for null)."""
    values = days.to_numpy(dtype="float64", na_value=np.nan)
    missing = np.isnan(values)
    out = np.where(missing, 0, values).astype("int64").astype("datetime64[D]").astype("M8[s]")
    out[missing] = np.datetime64("NaT")
    return pd.Series(out, index=days.index)


def copy_frame(cursor, query: FrameQuery) -> pd.DataFrame:
    """Run one query through COPY on `cursor` (a psycopg cursor) and parse it into a frame."""
    # COPY takes no bound parameters, so the values are quoted into the text.
    sql = psycopg.ClientCursor(cursor.connection).mogrify(query.sql, query.params)
    buffer = io.BytesIO()
    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    if buffer.getbuffer().nbytes == 0:
        frame = pd.DataFrame(
            {name: pd.Series(dtype=query.dtypes.get(name, "float64")) for name in query.names}
        )
    else:
        buffer.seek(0)
        frame = pd.read_csv(
            buffer,
            header=None,
            names=list(query.names),
            dtype=dict(query.dtypes),
            na_values=[""],
            keep_default_na=False,
        )
    for name in query.dates:
        frame[name] = days_to_dates(frame[name])
    return frame


def read_frames(
    queries: Mapping[str, FrameQuery], *, in_line: bool = False, work_mem: str | None = None
) -> dict[str, pd.DataFrame]:
    """Every query's frame, by name (see the module docstring for when they run side by side)."""
    if in_line or connection.in_atomic_block or len(queries) < 2:
        with connection.cursor() as cursor:
            return {name: copy_frame(cursor.cursor, query) for name, query in queries.items()}
    with ThreadPoolExecutor(max_workers=LOAD_THREADS) as pool:
        futures = {
            name: pool.submit(_read_in_thread, query, work_mem) for name, query in queries.items()
        }
        return {name: future.result() for name, future in futures.items()}


def _read_in_thread(query: FrameQuery, work_mem: str | None) -> pd.DataFrame:
    # Django gives each thread its own connection; close it when done (which
    # also ends the session's larger work_mem).
    try:
        with connection.cursor() as cursor:
            if work_mem is not None:
                cursor.execute("SELECT set_config('work_mem', %s, false)", [work_mem])
            return copy_frame(cursor.cursor, query)
    finally:
        connection.close()
