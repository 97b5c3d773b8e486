"""The embedded PostgreSQL used when no DATABASE_URL is configured.

`pgserver` ships the PostgreSQL server binaries in a wheel. The first call
initialises a data directory (about a second) and starts a server listening on
a Unix socket inside it; later calls attach to the running server. The server
stops when the last process that attached to it exits cleanly; a process killed
without its exit handlers (SIGTERM, SIGKILL) leaves its handle behind, and the
server then runs on. `embedded_server_stop` stops it regardless: the demo calls it
when its web server stops.
"""

import atexit
import os
from pathlib import Path

DEFAULT_DATABASE = "lantern"


def embedded_database_url(data_dir: Path, database: str = DEFAULT_DATABASE) -> str:
    """Start (or attach to) the server in `data_dir` and return a URL for `database`."""
    import logging
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (always so under root); harmless here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver
    import psycopg

    # pgserver logs every attach at INFO; the demo and the tests have no use for it.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    return server.get_uri(database)


def embedded_server_stop(data_dir: Path) -> None:
    """Stop the embedded server in `data_dir` now, whatever other processes attached to it."""
    import pgserver

    # pgserver makes one function per PostgreSQL binary at import, which mypy cannot see.
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    if not (data_dir / "postmaster.pid").exists():
        return
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
    # Stopped: pgserver's own exit handler would only try again and report a failure.
    atexit.unregister(server._cleanup)
    server.global_process_id_list.get_and_remove(os.getpid())
