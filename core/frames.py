"""Set-based SQL into pandas frames, in bulk: the one reader the figures and the risk engine share.

Contract:

- A `FrameQuery` is one SELECT with its parameters, the names of its columns,
  the dtypes pandas is to give some of them (the others are inferred) and the
  columns that travel as day numbers (days since 1970-01-01: far cheaper to
  parse than text; `day_number` writes one), which come back as
  `datetime64[s]` (NaT for null).
- Whichever way a frame is read, it comes back the same: a whole-number column
  is `int64`, or `float64` (NaN) when it holds a null; any other number is
  `float64`; a text column given no dtype is pandas' `str`; an empty text reads
  as missing, like a null; a column named in `dtypes` takes that dtype. A
  statement with no rows gives an empty frame of the same columns (float64
  where no dtype is given). Yes/no answers travel as numbers (0/1, or bits
  packed into one), never as SQL booleans.
- `read_frames(queries, in_line=..., work_mem=...)` reads every query's frame,
  by name. Outside a transaction they are read over ADBC
  (`adbc-driver-postgresql`: PostgreSQL's binary COPY straight into Arrow
  columns, about twice as fast as CSV and half the memory), up to `LOAD_THREADS`
  connections side by side, so PostgreSQL produces one frame while another is
  converted; each such connection can be given a larger `work_mem`. A single
  query is read over ADBC too: opening its connection costs about 4 ms, where
  the CSV path spends a second in Python on every million rows. Inside a
  transaction (other connections would not see its rows) or when asked
  (`in_line`: a few rows, where 4 ms would count), they run one after another on
  the request's own connection, each streamed out with `COPY ... TO STDOUT` and
  parsed once by `pandas.read_csv` (`copy_frame`).
- Within `shared_reads()`, a query read once (the same statement, parameters, names
  and types) is not read again: each later caller gets the frame already read. Work
  that runs several readers of the same rows one after another (the commissioner
  dashboard's figure families) reads each set of rows once.
- `fetch_frames(queries)` reads a few rows per query (one person's records) on
  the request's own connection with plain fetches: no COPY, no CSV parser, the
  least fixed cost per statement.
"""

import contextlib
import contextvars
import io
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

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


def _empty_frame(query: FrameQuery) -> pd.DataFrame:
    """A statement's frame with no rows. Built once per shape: one person's recompute meets
    several a time, and building one costs more than fetching the rows that are there."""
    shape = (query.names, tuple(sorted(query.dtypes.items())), query.dates)
    frame = _empty_frames.get(shape)
    if frame is None:
        frame = pd.DataFrame(
            {name: pd.Series(dtype=query.dtypes.get(name, "float64")) for name in query.names}
        )
        for name in query.dates:
            frame[name] = days_to_dates(frame[name])
        _empty_frames[shape] = frame
    # A shallow copy: copy-on-write keeps the kept frame as it is whatever a caller does.
    return frame.copy(deep=False)


_empty_frames: dict[tuple, pd.DataFrame] = {}


def _inline_sql(query: FrameQuery) -> str:
    """The statement with its parameters quoted into the text (COPY takes no bound ones)."""
    connection.ensure_connection()
    return psycopg.ClientCursor(connection.connection).mogrify(query.sql, query.params)


def copy_out(
    cursor, statement: str, *, chunk_bytes: int, counted: list[int] | None = None
) -> Iterator[bytes]:
    """What a `COPY ... TO STDOUT` `statement` sends, on `cursor` (a psycopg cursor), in
    chunks of about `chunk_bytes`; `counted`, if given, gets the rows PostgreSQL reports.

    Each row is read from libpq with one call (`PGconn.get_copy_data`), without
    psycopg's per-row generator, which costs more than PostgreSQL takes to produce a
    row. psycopg's `copy()` still starts the COPY and, if the reader stops early,
    cancels it and drains the connection. The COPY's own result is read after its
    rows and raised if it is an error, before the last chunk is given.
    """
    pgconn = cursor.connection.pgconn
    buffer = bytearray()
    error = None
    rows = 0
    with cursor.copy(statement):
        while True:
            size, data = pgconn.get_copy_data(0)  # waits for the next row; -1 at the end
            if size < 0:
                break
            buffer += data
            if len(buffer) >= chunk_bytes:
                yield bytes(buffer)
                buffer.clear()
        # The COPY's own result follows its rows: read it before anything else is sent.
        while (result := pgconn.get_result()) is not None:
            if result.status != psycopg.pq.ExecStatus.COMMAND_OK and error is None:
                error = psycopg.errors.error_from_result(
                    result, encoding=cursor.connection.info.encoding
                )
            rows = result.command_tuples or 0
    # Raised once the COPY is over: raised inside it, psycopg would try to cancel it.
    if error is not None:
        raise error
    if counted is not None:
        counted.append(rows)
    if buffer:
        yield bytes(buffer)


def copy_frame(cursor, query: FrameQuery) -> pd.DataFrame:
    """Run one query through COPY on `cursor` (a psycopg cursor) and parse it into a frame."""
    # COPY takes no bound parameters, so the values are quoted into the text.
    sql = psycopg.ClientCursor(cursor.connection).mogrify(query.sql, query.params)
    buffer = io.BytesIO()
    for chunk in copy_out(cursor, f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", chunk_bytes=1 << 20):
        buffer.write(chunk)
    if buffer.getbuffer().nbytes == 0:
        return _empty_frame(query)
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


# The frames read within `shared_reads()`, by what was asked for; None outside it.
_shared_frames: contextvars.ContextVar[dict[tuple, pd.DataFrame] | None] = contextvars.ContextVar(
    "shared_frames", default=None
)


@contextlib.contextmanager
def shared_reads() -> Iterator[None]:
    """Within, `read_frames` reads a query asked for before only once (see the module
    docstring). The frames are held until the outermost such block ends."""
    outer = _shared_frames.get()
    token = _shared_frames.set({} if outer is None else outer)
    try:
        yield
    finally:
        _shared_frames.reset(token)


def read_frames(
    queries: Mapping[str, FrameQuery], *, in_line: bool = False, work_mem: str | None = None
) -> dict[str, pd.DataFrame]:
    """Every query's frame, by name (see the module docstring for how they are read)."""
    shared = _shared_frames.get()
    if shared is None:
        return _read_frames(queries, in_line=in_line, work_mem=work_mem)
    keys = {name: _shared_key(query) for name, query in queries.items()}
    missing = {name: query for name, query in queries.items() if keys[name] not in shared}
    for name, frame in _read_frames(missing, in_line=in_line, work_mem=work_mem).items():
        shared[keys[name]] = frame
    # Shallow copies: copy-on-write keeps the shared frame as it is whatever a caller does.
    return {name: shared[keys[name]].copy(deep=False) for name in queries}


def _shared_key(query: FrameQuery) -> tuple:
    return (_inline_sql(query), query.names, tuple(sorted(query.dtypes.items())), query.dates)


def _read_frames(
    queries: Mapping[str, FrameQuery], *, in_line: bool, work_mem: str | None
) -> dict[str, pd.DataFrame]:
    if not queries:
        return {}
    if in_line or connection.in_atomic_block:
        with connection.cursor() as cursor:
            return {name: copy_frame(cursor.cursor, query) for name, query in queries.items()}
    return _read_over_adbc(queries, work_mem)


# One person's records -------------------------------------------------------


def fetch_frames(queries: Mapping[str, FrameQuery]) -> dict[str, pd.DataFrame]:
    """Every query's frame, fetched row by row on the request's connection: for few rows."""
    with connection.cursor() as cursor:
        frames = {}
        for name, query in queries.items():
            cursor.execute(query.sql, dict(query.params))  # type: ignore[arg-type]
            frames[name] = rows_frame(cursor.fetchall(), query)
        return frames


def rows_frame(rows: Sequence[Sequence[Any]], query: FrameQuery) -> pd.DataFrame:
    """Fetched rows as the frame `copy_frame` would give for the same statement."""
    if not rows:
        return _empty_frame(query)
    data = {}
    for index, name in enumerate(query.names):
        data[name] = _column_from_values([row[index] for row in rows], query, name)
    return pd.DataFrame(data)


def _column_from_values(values: list, query: FrameQuery, name: str) -> pd.Series:
    present = [value for value in values if value is not None]
    if name in query.dates:
        days = [np.nan if value is None else value for value in values]
        return days_to_dates(pd.Series(days, dtype="float64"))
    dtype = query.dtypes.get(name)
    if present and isinstance(present[0], str):
        # Read as CSV, an empty text cannot be told from a null.
        values = [np.nan if value is None or value == "" else value for value in values]
        return pd.Series(values, dtype=pd.api.types.pandas_dtype(dtype or "str"))
    if present and isinstance(present[0], (bool, np.bool_)):
        raise TypeError(f"{name}: yes/no answers travel as numbers, not SQL booleans.")
    if present and isinstance(present[0], int) and len(present) == len(values):
        series = pd.Series(values, dtype="int64")
    else:
        series = pd.Series(
            [np.nan if value is None else float(value) for value in values], dtype="float64"
        )
    return series.astype(pd.api.types.pandas_dtype(dtype)) if dtype else series


# Over ADBC ------------------------------------------------------------------

_adbc_lock = threading.Lock()
_adbc_databases: dict[tuple[int, str], Any] = {}


def _conninfo() -> str:
    """libpq connection settings of Django's default database, for ADBC."""
    params = connection.get_connection_params()
    keep = {
        key: str(value)
        for key, value in params.items()
        if isinstance(value, (str, int)) and key not in ("prepare_threshold", "client_encoding")
    }
    return psycopg.conninfo.make_conninfo(**keep)


def _adbc_database():
    """This process's ADBC database handle: opened once (it reads the server's type
    catalogue, a few hundred milliseconds), then shared by every connection."""
    import adbc_driver_postgresql  # type: ignore[import-untyped]

    key = (os.getpid(), _conninfo())
    with _adbc_lock:
        database = _adbc_databases.get(key)
        if database is None:
            database = adbc_driver_postgresql.connect(key[1])
            _adbc_databases[key] = database
        return database


def _read_over_adbc(
    queries: Mapping[str, FrameQuery], work_mem: str | None
) -> dict[str, pd.DataFrame]:
    import adbc_driver_manager

    database = _adbc_database()
    pending = [(name, _inline_sql(query), query) for name, query in queries.items()]
    frames: dict[str, pd.DataFrame] = {}
    lock = threading.Lock()

    def work() -> None:
        # The database handle counts its open connections without a lock of its own:
        # opened or closed from two threads at once, the count underflows and the close
        # fails. Opening and closing take the process's lock; the reads run side by side.
        with _adbc_lock:
            conn = adbc_driver_manager.AdbcConnection(database)
        try:
            if work_mem is not None:
                _adbc_run(conn, f"SET work_mem = '{work_mem}'")
            while True:
                with lock:
                    if not pending:
                        return
                    name, sql, query = pending.pop(0)
                frame = _arrow_frame(_adbc_query(conn, sql), query)
                with lock:
                    frames[name] = frame
        finally:
            with _adbc_lock:
                conn.close()

    with ThreadPoolExecutor(max_workers=LOAD_THREADS) as pool:
        for future in [pool.submit(work) for _ in range(min(LOAD_THREADS, len(pending)))]:
            future.result()
    return {name: frames[name] for name in queries}


def _adbc_run(conn, sql: str) -> None:
    import adbc_driver_manager

    with adbc_driver_manager.AdbcStatement(conn) as statement:
        statement.set_sql_query(sql)
        statement.execute_update()


def _adbc_query(conn, sql: str):
    import adbc_driver_manager
    import pyarrow  # type: ignore[import-untyped]

    with adbc_driver_manager.AdbcStatement(conn) as statement:
        statement.set_sql_query(sql)
        stream, _ = statement.execute_query()
        return pyarrow.RecordBatchReader._import_from_c(stream.address).read_all()


def _arrow_frame(table, query: FrameQuery) -> pd.DataFrame:
    """An Arrow table as the frame `copy_frame` would give for the same statement."""
    if table.num_rows == 0:
        return _empty_frame(query)
    data = {}
    for index, name in enumerate(query.names):
        data[name] = _arrow_column(table.column(index), query, name)
    # Each column kept as its own array: gathering them into one block per dtype copies
    # them all, which for a few million rows costs more than converting them.
    return pd.DataFrame(data, copy=False)


def _arrow_column(column, query: FrameQuery, name: str) -> pd.Series:
    import pyarrow
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    kind = column.type
    if isinstance(kind, pyarrow.BaseExtensionType):
        # PostgreSQL's numeric arrives as its text.
        storage = pyarrow.chunked_array(
            [chunk.storage for chunk in column.chunks], type=kind.storage_type
        )
        column = pc.cast(storage, pyarrow.float64())
        kind = column.type
    if name in query.dates:
        return days_to_dates(pd.Series(column.to_numpy(zero_copy_only=False), dtype="float64"))
    dtype = query.dtypes.get(name)
    if pyarrow.types.is_string(kind) or pyarrow.types.is_large_string(kind):
        # Read as CSV, an empty text cannot be told from a null.
        column = pc.if_else(pc.equal(column, ""), pyarrow.scalar(None, kind), column)
        return column.to_pandas().astype(pd.api.types.pandas_dtype(dtype or "str"))
    if pyarrow.types.is_boolean(kind):
        raise TypeError(f"{name}: yes/no answers travel as numbers, not SQL booleans.")
    if pyarrow.types.is_integer(kind) and column.null_count == 0:
        series = pd.Series(column.to_numpy(), dtype="int64")
    else:
        series = pd.Series(column.to_numpy(zero_copy_only=False), dtype="float64")
    return series.astype(pd.api.types.pandas_dtype(dtype)) if dtype else series
