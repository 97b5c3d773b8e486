"""Backups of Lantern's database that are proven to restore.

`backup_create` writes a pg_dump custom-format file named with the UTC time
(`lantern-20261201T033000Z.dump`) into the backup directory, beside a manifest
(`....dump.json`) of every table's row count and checksum. The manifest is
computed inside the very snapshot pg_dump exports, so it describes exactly
what the dump holds even while people keep working. Only the newest `keep`
backups are kept. A dump is written under a temporary name and renamed when
complete, so a half-written file is never taken for the latest backup.

`restore_check` restores a backup (the latest by default) into a scratch
database that it creates and always drops, computes the same figures there and
compares them with the manifest. Every mismatch names its table; a table the
manifest lists but the restore lacks is a mismatch too.

pg_dump and pg_restore refuse a server newer than themselves, so the tools are
chosen to match the server's major version: `LANTERN_PG_BIN_DIR` if set, then
the binaries in the pgserver wheel (the embedded database), then Debian's
`/usr/lib/postgresql/<major>/bin`, then PATH.
"""

import datetime
import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.apps import AppConfig, apps
from django.conf import settings
from django.db import connection
from psycopg import sql

BACKUP_PREFIX = "lantern-"
BACKUP_SUFFIX = ".dump"
MANIFEST_SUFFIX = ".json"
_NAME = re.compile(r"^lantern-\d{8}T\d{6}Z\.dump$")

# Every ordinary table in the public schema: Lantern's apps, Django's own and the audit
# tables of whichever apps add them, so a new table is covered without editing a list.
TABLES_SQL = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname
"""
# Order-independent, streamed (no row list held in memory): the sum of the first
# 60 bits of each row's md5. Any changed, missing or extra row changes it.
FIGURES_SQL = (
    "SELECT count(*), coalesce(sum(('x' || left(md5(t::text), 15))::bit(60)::bigint), 0)::text "
    "FROM {table} AS t"
)


class BackupError(RuntimeError):
    """A backup could not be made or checked; the message says why."""


@dataclass(frozen=True)
class TableMismatch:
    table: str
    problem: str

    def __str__(self) -> str:
        return f"{self.table}: {self.problem}"


@dataclass(frozen=True)
class RestoreCheck:
    backup: Path
    tables: int
    rows: int
    mismatches: list[TableMismatch]

    @property
    def passed(self) -> bool:
        return not self.mismatches


# Connections and tools ----------------------------------------------------


def _conninfo(dbname: str | None = None) -> dict[str, str]:
    """libpq keywords for the default database (or another database on its server),
    read from the open connection so a socket directory given in OPTIONS is included."""
    connection.ensure_connection()
    live = connection.connection.info
    info = {
        "dbname": dbname or live.dbname,
        "host": live.host,
        "port": str(live.port),
        "user": live.user,
        "password": live.password,
    }
    return {key: value for key, value in info.items() if value}


def _libpq_env(info: dict[str, str]) -> dict[str, str]:
    names = {"dbname": "PGDATABASE", "host": "PGHOST", "port": "PGPORT", "user": "PGUSER"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({names[key]: value for key, value in info.items() if key in names})
    if "password" in info:
        env["PGPASSWORD"] = info["password"]
    return env


def server_major_version() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _tool_major(path: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def postgres_tool(name: str, server_major: int) -> Path:
    """The `name` binary (pg_dump, pg_restore) of the server's major version, or a newer one."""
    candidates: list[Path] = []
    if configured := getattr(settings, "LANTERN_PG_BIN_DIR", None):
        candidates.append(Path(configured) / name)
    try:
        import pgserver

        candidates.append(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    candidates += Path("/usr/lib/postgresql").glob(f"*/bin/{name}")
    if on_path := shutil.which(name):
        candidates.append(Path(on_path))
    versions = {path: _tool_major(path) for path in candidates if path.exists()}
    exact = [path for path, major in versions.items() if major == server_major]
    if exact:
        return exact[0]
    newer = sorted(
        (major, str(path)) for path, major in versions.items() if major and major > server_major
    )
    if newer:
        return Path(newer[0][1])
    raise BackupError(
        f"No {name} for PostgreSQL {server_major} was found; install it or set LANTERN_PG_BIN_DIR."
    )


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def lantern_apps() -> list[AppConfig]:
    """Lantern's own apps: those whose code is in this repository, not an installed library.
    Read from INSTALLED_APPS, so an app added (or a model moved to a new app) is covered."""
    base = Path(settings.BASE_DIR)
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base) and "site-packages" not in Path(config.path).parts
    ]


def lantern_tables() -> set[str]:
    """The tables of Lantern's own apps: a backup without any of them is incomplete."""
    return {
        model._meta.db_table
        for config in lantern_apps()
        for model in config.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


# Figures -----------------------------------------------------------------


def table_figures(conn: psycopg.Connection) -> dict[str, dict[str, int | str]]:
    """Each table's row count and checksum, as one connection sees the database."""
    figures: dict[str, dict[str, int | str]] = {}
    for (table,) in conn.execute(TABLES_SQL).fetchall():
        query = sql.SQL(FIGURES_SQL).format(table=sql.Identifier(table))
        rows, checksum = conn.execute(query).fetchone()
        figures[table] = {"rows": rows, "checksum": checksum}
    return figures


def compare_figures(
    expected: dict[str, dict[str, int | str]], restored: dict[str, dict[str, int | str]]
) -> list[TableMismatch]:
    mismatches = []
    unlisted = lantern_tables() - set(expected)
    for table in sorted(unlisted):
        mismatches.append(TableMismatch(table, "Lantern's table is not in the backup"))
    for table, want in expected.items():
        got = restored.get(table)
        if got is None:
            mismatches.append(TableMismatch(table, "missing from the restored database"))
        elif got["rows"] != want["rows"]:
            mismatches.append(
                TableMismatch(table, f"{got['rows']} rows restored, {want['rows']} backed up")
            )
        elif got["checksum"] != want["checksum"]:
            mismatches.append(TableMismatch(table, "the restored rows differ from the backup"))
    for table in sorted(set(restored) - set(expected) - unlisted):
        mismatches.append(TableMismatch(table, "restored but not in the backup's manifest"))
    return mismatches


# Backup ------------------------------------------------------------------


def backup_directory() -> Path:
    return Path(settings.LANTERN_BACKUP_DIR)


def backups_in(directory: Path) -> list[Path]:
    """Complete backups (dump and manifest), oldest first."""
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if _NAME.match(path.name) and manifest_path(path).exists()
    )


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def backup_create(*, directory: Path | None = None, keep: int | None = None) -> Path:
    """Dump the database with its manifest into `directory`; keep the newest `keep` backups."""
    directory = directory or backup_directory()
    keep = settings.LANTERN_BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise BackupError("Keep at least one backup.")
    directory.mkdir(parents=True, exist_ok=True)
    taken = datetime.datetime.now(datetime.UTC)
    target = directory / f"{BACKUP_PREFIX}{taken:%Y%m%dT%H%M%SZ}{BACKUP_SUFFIX}"
    if target.exists():
        raise BackupError(f"{target.name} already exists; wait a second and try again.")
    partial = target.with_name(target.name + ".partial")
    info = _conninfo()
    pg_dump = postgres_tool("pg_dump", server_major_version())
    with psycopg.connect(**info) as conn:
        # One snapshot for the manifest and the dump: both see the same rows.
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        (snapshot,) = conn.execute("SELECT pg_export_snapshot()").fetchone()
        figures = table_figures(conn)
        try:
            _run(
                [str(pg_dump), "--format=custom", f"--snapshot={snapshot}", f"--file={partial}"],
                _libpq_env(info),
            )
        except BackupError:
            partial.unlink(missing_ok=True)
            raise
    manifest = {
        "taken_at": taken.isoformat(),
        "database": info["dbname"],
        "server_major_version": server_major_version(),
        "tables": figures,
    }
    manifest_path(target).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    partial.rename(target)
    for old in backups_in(directory)[:-keep]:
        old.unlink()
        manifest_path(old).unlink(missing_ok=True)
    return target


# Restore check -------------------------------------------------------------


def restore_check(
    *,
    backup: Path | None = None,
    directory: Path | None = None,
    before_compare: Callable[[dict[str, str]], None] | None = None,
) -> RestoreCheck:
    """Restore `backup` (default: the latest in `directory`) into a scratch database and
    compare every table with the backup's manifest. The scratch database is always dropped.

    `before_compare` is called with the scratch database's libpq keywords once the
    restore has finished (a test uses it to damage the copy and see the check fail).
    """
    if backup is None:
        found = backups_in(directory or backup_directory())
        if not found:
            raise BackupError(f"No backup in {directory or backup_directory()}.")
        backup = found[-1]
    if not manifest_path(backup).exists():
        raise BackupError(f"{backup.name} has no manifest ({manifest_path(backup).name}).")
    expected = json.loads(manifest_path(backup).read_text())["tables"]
    pg_restore = postgres_tool("pg_restore", server_major_version())
    scratch = f"lantern_restore_check_{secrets.token_hex(6)}"
    admin = _conninfo("postgres")
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    try:
        info = _conninfo(scratch)
        _run(
            [
                str(pg_restore),
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                f"--dbname={scratch}",
                str(backup),
            ],
            _libpq_env(info),
        )
        if before_compare is not None:
            before_compare(info)
        with psycopg.connect(**info) as conn:
            restored = table_figures(conn)
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch))
            )
    return RestoreCheck(
        backup=backup,
        tables=len(expected),
        rows=sum(int(figures["rows"]) for figures in expected.values()),
        mismatches=compare_figures(expected, restored),
    )
