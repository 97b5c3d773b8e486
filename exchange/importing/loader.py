"""Import a set of CSV files in one transaction, in constant memory.

The contract of `records_import`:

- Each file is read in chunks of `CHUNK_ROWS`; each chunk is checked with
  pandas (`validate`) and its rows spooled as COPY data (in memory up to
  `SPOOL_MEMORY_BYTES`, then on disk), so memory stays flat whatever the size
  of the files. This runs in a thread of its own, one file ahead of the
  database: while PostgreSQL takes in, checks and writes one file, Python
  checks the next, so the two cores work at once.
- Each file is COPYed into a temporary staging table, then the checks that
  need other rows or the database run in SQL over it (`rules`); references
  resolve against the files and the database. The files go in dependency
  order and a kind's checks look only at its own rows and its parents', so a
  kind is written (`writing`) as soon as it is checked.
- By default a file set with any problem imports nothing (once a problem is
  found nothing more is written, and what was is rolled back). With `partial`,
  the valid rows are imported and the rest reported. With `dry_run`,
  everything is checked and counted, then rolled back.
- Rows are matched on `source_ref` (the file's `ref`). A row whose values are
  all unchanged is not written, so importing the same files again changes
  nothing; a column left out of a file is left alone on existing records.
- It is all one transaction (taken under an advisory lock, so two imports
  never interleave): never half-imported. After commit
  `cases.signals.records_imported` is sent with the affected people's ids, or
  None if there are many.
"""

import datetime
import io
import logging
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from cases.models import DischargeReason, LocalAuthority, Role, Substance, Team, User
from cases.signals import records_imported
from exchange.importing import care_rules, rules
from exchange.importing.care_specs import CARE_SPECS
from exchange.importing.problems import ProblemLog
from exchange.importing.specs import (
    INTERVENTIONS,
    SPECS,
    SPECS_BY_KIND,
    FileSpec,
)
from exchange.importing.validate import Lookups, check_chunk
from exchange.importing.writing import FileCounts, RecordWriter
from exchange.ndtms.items import DATASET_VERSION
from exchange.ndtms.mapping import mappings_for

logger = logging.getLogger(__name__)

CHUNK_ROWS = 50_000
COPY_BLOCK_BYTES = 256 * 1024
# A checked file's COPY data is kept in memory up to this size, then on disk.
SPOOL_MEMORY_BYTES = 16 * 1024 * 1024
# The staging tables and maps are analysed only so the checks join them sensibly: a small
# sample tells the planner their size and that refs are unique, at a tenth of the cost.
STAGING_STATISTICS_TARGET = 10
IMPORT_LOCK = "lantern.records_import"

Progress = Callable[[float, str], None]
Source = Path | str | BinaryIO


class ImportRejected(Exception):
    """Raised inside the transaction to roll it back; never escapes `records_import`."""


@dataclass
class ImportResult:
    problems: ProblemLog
    counts: dict[str, FileCounts] = field(default_factory=dict)
    imported: bool = False
    dry_run: bool = False
    partial: bool = False
    seconds: float = 0.0
    service_user_ids: list[int] | None = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(counts.rows for counts in self.counts.values())

    def counts_dict(self) -> dict[str, dict[str, int]]:
        return {kind: counts.as_dict() for kind, counts in self.counts.items()}

    @property
    def affected_people(self) -> int | None:
        """How many people the import touched; None when too many were counted to list."""
        return None if self.service_user_ids is None else len(self.service_user_ids)


def kind_for_file_name(name: str) -> str | None:
    """The file kind a file name stands for (`episodes.csv` -> `episodes`), if any."""
    stem = Path(name).name.lower().removesuffix(".csv")
    return stem if stem in SPECS_BY_KIND else None


def records_import(
    *,
    files: Mapping[str, Source],
    partial: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    problems: ProblemLog | None = None,
    today: datetime.date | None = None,
) -> ImportResult:
    """Import `files` (kind -> path or binary file) as one transaction; see the module doc."""
    unknown = sorted(set(files) - set(SPECS_BY_KIND))
    if unknown:
        raise ValueError(f"Unknown file kinds: {', '.join(unknown)}")
    started = time.monotonic()
    result = ImportResult(
        problems=problems if problems is not None else ProblemLog(),
        dry_run=dry_run,
        partial=partial,
    )
    report = progress or (lambda _share, _stage: None)
    today = today or timezone.localdate()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            affected = _run(cursor, files, result, report, today)
            # Inside an enclosing transaction (tests, callers' atomic blocks) ON COMMIT
            # comes too late for the next import in the same transaction.
            _drop_staging(cursor)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            if dry_run or (result.problems and not partial):
                raise ImportRejected
            result.imported = True
            result.service_user_ids = ids = affected
            if ids != []:  # nothing changed, nothing to recompute
                transaction.on_commit(
                    lambda: records_imported.send(sender=ImportResult, service_user_ids=ids)
                )
    except ImportRejected:
        result.imported = False
    result.seconds = time.monotonic() - started
    report(1.0, "Finished")
    return result


def _run(cursor, files, result: ImportResult, report: Progress, today) -> list[int] | None:
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [IMPORT_LOCK])
    cursor.execute("SET LOCAL work_mem = '128MB'")
    # Each index is rebuilt with one parallel worker beside this backend. The backend is the
    # import's bottleneck: checking the next file in Python keeps the other core busy for
    # only a quarter of the time (process 4 s of CPU, backend 14 s, at 100,000 people).
    # One worker took the import from 16.6-18.0 s to 15.3-16.1 s; two gained no more.
    cursor.execute("SET LOCAL max_parallel_maintenance_workers = 1")
    # Foreign keys are checked as rows arrive rather than at commit: a table with
    # pending checks could not have its indexes dropped for a bulk insert.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _create_staging(cursor)
    given = [spec for spec in SPECS if spec.kind in files]
    for spec in given:
        result.counts[spec.kind] = FileCounts()
    checked = _CheckedFiles(given, files, _lookups(), today, result.problems, result.counts)
    writer = RecordWriter()
    try:
        # Every kind is checked, in dependency order, even without a file: its checks
        # build the maps of references (from earlier imports) that its children need.
        for spec in SPECS:
            present = _stage_and_check(cursor, spec, checked, result, report)
            # A kind's checks look only at its own rows and its parents', so once they are
            # done its rows can be written while the next file is still being checked.
            # A file set that is to be refused is not written further.
            if present and (result.partial or not (result.problems or _sql_problems(cursor))):
                report(checked.share(), f"Writing {spec.title.lower()}")
                writer.write(cursor, spec, present, result.counts[spec.kind])
    finally:
        checked.close()
    _collect_sql_problems(cursor, result)
    if result.problems and not result.partial:
        for counts in result.counts.values():
            counts.created = counts.updated = counts.overdoses_recorded = 0
        return None
    return writer.affected(cursor)


def _stage_and_check(cursor, spec: FileSpec, checked, result: ImportResult, report) -> set[str]:
    """COPY `spec`'s checked file (if given) into its staging table and run its checks in
    SQL; the columns the file has (none when absent or refused at its header)."""
    present: set[str] = set()
    if spec.kind in checked.kinds:
        present, spool = checked.next(report)
        with spool:
            if present:
                _copy_spool(cursor, spec, spool)
    with _small_samples(cursor):
        if present:
            cursor.execute(sql.SQL("ANALYZE {}").format(rules.stage_table(spec)))
        CHECKS[spec.kind](cursor)
    if present:
        cursor.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE NOT valid").format(rules.stage_table(spec))
        )
        result.counts[spec.kind].rejected = cursor.fetchone()[0]
    return present


def _sql_problems(cursor) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM imp_problems)")
    return cursor.fetchone()[0]


# --- staging -------------------------------------------------------------------------------


@contextmanager
def _small_samples(cursor) -> Iterator[None]:
    """ANALYZE the temporary tables with `STAGING_STATISTICS_TARGET`; Lantern's own tables,
    analysed later in the transaction, keep the usual target."""
    cursor.execute("SELECT current_setting('default_statistics_target')")
    usual = cursor.fetchone()[0]
    cursor.execute(
        "SELECT set_config('default_statistics_target', %s, true)",
        [str(STAGING_STATISTICS_TARGET)],
    )
    yield
    cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [usual])


def _stage_columns(spec: FileSpec) -> list[tuple[str, str]]:
    columns = [("row_no", "integer"), ("valid", "boolean")]
    columns += [(column.field or column.name, column.sql_type) for column in spec.columns]
    # The `external_id` a new record gets (see `_external_ids`).
    return [*columns, ("external_id", "uuid")]


def _create_staging(cursor) -> None:
    # Every kind gets a table, empty if its file is absent, so the SQL checks need no cases.
    for spec in SPECS:
        columns = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind))
            for name, kind in _stage_columns(spec)
        )
        cursor.execute(
            sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(
                rules.stage_table(spec), columns
            )
        )
    cursor.execute(
        "CREATE TEMP TABLE imp_problems (file text, row_no integer, col text, value text, "
        "message text) ON COMMIT DROP"
    )
    cursor.execute("CREATE TEMP TABLE imp_affected (service_user_id bigint) ON COMMIT DROP")


def _drop_staging(cursor) -> None:
    tables = [rules.stage_table(spec) for spec in SPECS] + [
        sql.Identifier(name)
        for name in (
            "imp_problems",
            "imp_affected",
            "imp_person_map",
            "imp_episode_map",
            "imp_top_final",
            "imp_plan_map",
            "imp_doses",
        )
    ]
    cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.SQL(", ").join(tables)))


def _lookups() -> Lookups:
    reasons = DischargeReason.objects.filter(active=True).order_by("id")
    found = Lookups(
        team=dict(Team.objects.order_by("id").values_list("name", "id")),
        keyworker=dict(
            User.objects.filter(role__in=[Role.KEYWORKER, Role.TEAM_LEAD]).values_list(
                "username", "id"
            )
        ),
        staff=dict(User.objects.values_list("username", "id")),
        local_authority=dict(LocalAuthority.objects.values_list("code", "id")),
        substance=dict(Substance.objects.values_list("code", "id")),
        discharge_reason=dict(reasons.values_list("code", "id")),
    )
    # The mapping tables the submission is written through, once per import.
    found.read_ndtms(mappings_for(DATASET_VERSION).to_ndtms)
    return found


def _size(source: Source) -> int:
    if isinstance(source, (str, Path)):
        return Path(source).stat().st_size
    position = source.tell()
    size = source.seek(0, io.SEEK_END)
    source.seek(position)
    return size - position


def _open(source: Source) -> tuple[BinaryIO, bool]:
    if isinstance(source, (str, Path)):
        return open(source, "rb"), True
    return source, False


def _check_file(
    spec, source, lookups, today, log: ProblemLog, counts: FileCounts, spool, on_chunk
) -> set[str]:
    """Check `source` chunk by chunk and write the rows to stage into `spool` as COPY data.

    Returns the names of the columns the file has (a column a file leaves out is
    left alone on existing records); none if the file is refused at its header.
    """
    handle, owned = _open(source)
    start = handle.tell()
    try:
        header = _check_header(spec, handle, log)
        handle.seek(start)
        if header is None:
            counts.rows = counts.rejected = max(0, sum(1 for _ in handle) - 1)
            return set()
        reader = pd.read_csv(
            handle,
            dtype=object,
            keep_default_na=False,
            chunksize=CHUNK_ROWS,
            encoding="utf-8-sig",
            skipinitialspace=True,
        )
        first_row = 2
        for chunk in _chunks(reader, spec, log, counts):
            chunk.columns = [name.strip() for name in chunk.columns]
            chunk = chunk[[name for name in chunk.columns if name in spec.by_name]]
            staged = check_chunk(
                spec, chunk, first_row=first_row, lookups=lookups, today=today, log=log
            )
            spool.write(_copy_block(staged))
            first_row += len(chunk)
            counts.rows += len(chunk)
            on_chunk(handle.tell() - start)
    finally:
        if owned:
            handle.close()
    return set(header)


def _copy_spool(cursor, spec: FileSpec, spool: BinaryIO) -> None:
    names = [column.field or column.name for column in spec.columns]
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        rules.stage_table(spec),
        sql.SQL(", ").join(
            sql.Identifier(name) for name in ["row_no", "valid", *names, "external_id"]
        ),
    )
    spool.seek(0)
    with cursor.cursor.copy(copy_sql) as copy:
        while block := spool.read(COPY_BLOCK_BYTES):
            copy.write(block)


class _Cancelled(Exception):
    pass


class _CheckedFiles:
    """Checks the files in a thread of its own, in dependency order, each into a spool file of
    COPY data, so that checking the next file in Python overlaps with the database checking
    and writing the one before. It runs at most one file ahead of the database, and a spool
    holds only `SPOOL_MEMORY_BYTES` in memory before it moves to disk, so memory stays flat.
    Problems it finds go into the log in file order, as before."""

    def __init__(self, specs, files, lookups, today, log: ProblemLog, counts) -> None:
        self.specs = list(specs)
        self.kinds = {spec.kind for spec in self.specs}
        self.files, self.lookups, self.today, self.log, self.counts = (
            files,
            lookups,
            today,
            log,
            counts,
        )
        self.sizes = {spec.kind: _size(files[spec.kind]) for spec in self.specs}
        self.total = sum(self.sizes.values()) or 1
        self.read = 0  # bytes of the files checked so far
        self.ready: queue.Queue = queue.Queue()
        # Released as the database takes each file: the thread checks the next meanwhile.
        self.turn = threading.Semaphore(1)
        self.cancelled = False
        self.thread = threading.Thread(target=self._run, name="import-check", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            done = 0
            for spec in self.specs:
                self.turn.acquire()
                if self.cancelled:
                    return
                # Handed to the importing thread, which closes it.
                spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115

                def on_chunk(read: int, done=done) -> None:
                    if self.cancelled:
                        raise _Cancelled
                    self.read = done + read

                try:
                    present = _check_file(
                        spec,
                        self.files[spec.kind],
                        self.lookups,
                        self.today,
                        self.log,
                        self.counts[spec.kind],
                        spool,
                        on_chunk,
                    )
                except BaseException:
                    spool.close()
                    raise
                done += self.sizes[spec.kind]
                self.read = done
                self.ready.put((present, spool))
        except _Cancelled:
            return
        except BaseException as error:  # re-raised in the importing thread
            self.ready.put(error)

    def next(self, report: Progress) -> tuple[set[str], BinaryIO]:
        """The next file's columns and spool, once checked; reports progress meanwhile."""
        while True:
            try:
                item = self.ready.get(timeout=0.5)
            except queue.Empty:
                report(self.share(), "Checking the files")
                continue
            if isinstance(item, BaseException):
                raise item
            self.turn.release()
            return item

    def share(self) -> float:
        return 0.95 * self.read / self.total

    def close(self) -> None:
        self.cancelled = True
        self.turn.release()
        self.thread.join()
        while not self.ready.empty():
            item = self.ready.get()
            if not isinstance(item, BaseException):
                item[1].close()


# Nulls are written as nothing and every string is quoted, so COPY's CSV format reads an
# empty cell as NULL and a quoted one as the text it holds.
_COPY_OPTIONS = pa_csv.WriteOptions(include_header=False, quoting_style="needed")


def _copy_block(staged: pd.DataFrame) -> bytes:
    """The staged rows, each with a new external id, as COPY's CSV: Arrow's writer, several
    times faster than pandas'."""
    table = pa.Table.from_pandas(staged, preserve_index=False)
    table = table.append_column("external_id", _external_ids(len(staged)))
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table, sink, _COPY_OPTIONS)
    return sink.getvalue().to_pybytes()


# Each byte as its two lower-case hex digits, read as one 16-bit number, for turning random
# bytes into UUID text a whole array at a time.
_HEX_PAIRS = np.frombuffer(b"".join(b"%02x" % byte for byte in range(256)), dtype="<u2")


def _external_ids(n: int) -> pa.Array:
    """`n` random (version 4) UUIDs as 32 hex digits, made as `uuid.uuid4()` makes them, from
    the operating system's random source, but a block at a time. PostgreSQL's
    `gen_random_uuid()` reads that source once a row where it is built without OpenSSL (as
    the embedded server is): 8 us a row, three quarters of the cost of writing the rows."""
    raw = np.frombuffer(os.urandom(16 * n), dtype="u1").reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # the RFC 4122 variant
    offsets = np.arange(0, 32 * (n + 1), 32, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(_HEX_PAIRS[raw]))


def _chunks(reader, spec: FileSpec, log: ProblemLog, counts: FileCounts):
    """The reader's chunks; a file that stops being readable CSV part-way (often a
    spreadsheet's own encoding rather than UTF-8) is reported, and its rest skipped."""
    try:
        yield from reader
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        row = counts.rows + 2
        log.add(
            spec.file_name,
            row,
            "",
            "",
            f"The file cannot be read from about row {row} on: {_unreadable(error)}.",
        )


def _unreadable(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "it is not UTF-8 text; save it as CSV UTF-8"
    return f"it is not well-formed CSV ({error})"


def _check_header(spec: FileSpec, handle: BinaryIO, log: ProblemLog) -> list[str] | None:
    """Report unknown, duplicated and missing columns; None if the rows cannot be read."""
    try:
        names = list(pd.read_csv(handle, nrows=0, encoding="utf-8-sig", dtype=object).columns)
    except pd.errors.EmptyDataError:
        log.add(spec.file_name, 1, "", "", "The file is empty: it needs at least its header row.")
        return None
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        log.add(spec.file_name, 1, "", "", f"The file cannot be read: {_unreadable(error)}.")
        return None
    names = [str(name).strip() for name in names]
    for name in names:
        if name not in spec.by_name:
            log.add(
                spec.file_name,
                1,
                name,
                name,
                f"Column {name} is not part of the {spec.file_name} format; it was ignored.",
            )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            log.add(spec.file_name, 1, name, name, f"Column {name} appears more than once.")
        seen.add(name)
    missing = [name for name in spec.required_names if name not in names]
    for name in missing:
        log.add(spec.file_name, 1, name, "", f"Column {name} is missing: it is required.")
    if missing or len(seen) != len(names):
        return None
    return [name for name in names if name in spec.by_name]


# Each kind's checks in SQL, run in `SPECS` order (parents first).
CHECKS: dict[str, Callable[..., None]] = {
    "service_users": rules.check_service_users,
    "episodes": rules.check_episodes,
    "interventions": lambda cursor: rules.check_interventions(cursor, INTERVENTIONS),
    "events": lambda cursor: rules.check_person_children(cursor, SPECS_BY_KIND["events"]),
    "contacts": lambda cursor: rules.check_person_children(cursor, SPECS_BY_KIND["contacts"]),
    "naloxone_supplies": lambda cursor: rules.check_person_children(
        cursor, SPECS_BY_KIND["naloxone_supplies"]
    ),
    "top_assessments": rules.check_top_assessments,
    **{spec.kind: care_rules.check(spec.kind) for spec in CARE_SPECS},
}


def _collect_sql_problems(cursor, result: ImportResult) -> None:
    order = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(spec.file_name), sql.Literal(position))
        for position, spec in enumerate(SPECS)
    )
    cursor.execute(
        sql.SQL(
            "SELECT file, row_no, col, value, message FROM imp_problems "
            "ORDER BY CASE file {} END, row_no"
        ).format(order)
    )
    while batch := cursor.fetchmany(5000):
        for file, row, column, value, message in batch:
            result.problems.add(file, row, column, value or "", message)
