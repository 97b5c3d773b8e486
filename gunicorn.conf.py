"""Gunicorn's settings for Lantern's web process.

Gunicorn reads `gunicorn.conf.py` from its working directory on its own (`/app` in
the image, the checkout otherwise); options on its command line and in
GUNICORN_CMD_ARGS still override these.

- `workers`: WEB_CONCURRENCY if set, otherwise two sync processes per core the
  process may run on (4 on a 2-core machine). A page is mostly Python on the CPU
  (the ORM and templates, about 30-40 ms) with a few ms waiting for PostgreSQL, so
  a second process per core keeps the core busy while the first waits; more only
  queue for the same cores. Threads would not help: the interpreter lock runs one
  thread's Python at a time, and that is most of a page.
- LANTERN_DB_PARALLEL_WORKERS defaults to 0 here: no PostgreSQL parallel workers for
  a page's small queries (config/settings.py says why).
- `timeout`: a worker busy with one request for 60 s is killed and replaced
  (gunicorn's default is 30 s). The longest response, the commissioners' CSV
  extract of 1,000,000 people, takes about 7 s (`make bench-export`).
"""

import os


def default_workers() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return int(os.environ.get("WEB_CONCURRENCY") or 2 * (cores or 1))


os.environ.setdefault("LANTERN_DB_PARALLEL_WORKERS", "0")
workers = default_workers()
worker_class = "sync"
timeout = 60
