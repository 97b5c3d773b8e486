"""Small import files written by hand, a helper to write variations of them, and a Celery
worker on a real Redis for the pages that hand work to one."""

import os
import sys
import textwrap

import pytest

from config.celery import app as celery_app
from tests.processes import RedisServer, start, stop, wait_until
from tests.risk.conftest import database_url

GOOD_FILES = {
    "service_users": """
        ref,team,keyworker,first_name,last_name,date_of_birth,sex,ethnicity,local_authority,consent_to_ndtms,nhs_number,postcode
        P-1,North,alice,Jamie,Rivers,1980-05-01,M,A,E06000035,Y,9434765919,me4 4qu
        P-2,North,,Kerry,Stone,1991-11-30,F,,E10000016,N,,
    """,
    "episodes": """
        ref,person_ref,referral_date,referral_source,triage_date,start_date,substance_1,substance_2,injecting_status,discharge_date,discharge_reason
        E-1,P-1,2025-01-10,self,2025-01-12,2025-01-20,heroin,crack,current,,
        E-2,P-2,2024-03-01,gp,2024-03-02,2024-03-10,alcohol,,never,2024-09-01,completed_alcohol_free
    """,
    "interventions": """
        ref,episode_ref,kind,start_date,intention,medicine,daily_dose_mg,supervised
        I-1,E-1,pharmacological,2025-01-20,maintenance,methadone,60,Y
        I-2,E-2,psychosocial,2024-03-10,,,,
    """,
    "events": """
        ref,person_ref,kind,occurred_on,substances_suspected,responders,taken_to_hospital,information_source
        V-1,P-1,non_fatal_overdose,2025-06-01,opioids;benzodiazepines,ambulance,Y,ambulance
        V-2,P-1,prison_release,2025-02-01,,,,
    """,
    "contacts": """
        ref,person_ref,contact_date,kind,status
        C-1,P-1,2025-02-03,appointment,attended
    """,
    "naloxone_supplies": """
        ref,person_ref,supplied_on,formulation,supply_type,repeat_reason,batch_number,expiry_date,setting
        N-1,P-1,2025-01-20,nasal,first,,B123,2027-01-20,service
    """,
    "top_assessments": """
        ref,episode_ref,stage,top_date,OPIUSE,CRAUSE,ALCUSE,PSYHSTAT,SHARING
        T-1,E-1,S,2025-01-20,20,4,0,8,N
        T-2,E-1,R,2025-07-20,2,,0,12,N
    """,
}


@pytest.fixture
def write_files(tmp_path):
    """Write {kind: csv text} as <kind>.csv files; returns {kind: path} for records_import."""

    def write(contents: dict[str, str], folder: str = "files") -> dict:
        directory = tmp_path / folder
        directory.mkdir(exist_ok=True)
        paths = {}
        for kind, text in contents.items():
            path = directory / f"{kind}.csv"
            path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
            paths[kind] = path
        return paths

    return write


@pytest.fixture
def good_files(write_files, north, alice):
    return write_files(GOOD_FILES)


@pytest.fixture
def exchange_worker(tmp_path, settings):
    """A real Redis and one Celery worker on the test database, reading the upload folder
    (`LANTERN_IMPORT_DIR`, set by the test) and sharing the cache through the same Redis;
    this process sends its tasks there instead of running them itself. Yields the worker's log."""
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
        "REDIS_URL": redis_server.url,
        "LANTERN_IMPORT_DIR": getattr(settings, "LANTERN_IMPORT_DIR", ""),
    }
    log = tmp_path / "worker.log"
    worker = start(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-l", "info"],
        log,
        env,
    )
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "lantern",
        }
    }
    try:
        wait_until(lambda: worker.poll() is None and " ready." in log.read_text(), "the worker")
        celery_app.conf.update(task_always_eager=False, broker_url=redis_server.url)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        yield log
    finally:
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        stop(worker)
        redis_server.stop()
