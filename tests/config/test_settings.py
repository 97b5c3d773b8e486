"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "LANTERN_ENV",
            "LANTERN_PSEUDONYM_KEY",
        }
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['HOST'], settings.CELERY_TASK_ALWAYS_EAGER, settings.DEBUG)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "LANTERN_ENV": "production",
    "SECRET_KEY": "x" * 50,
    "LANTERN_PSEUDONYM_KEY": "p" * 40,
    "ALLOWED_HOSTS": "lantern.example.org",
    "DATABASE_URL": "postgresql://lantern:secret@db.example.org/lantern",
}


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "LANTERN_PSEUDONYM_KEY", "ALLOWED_HOSTS", "DATABASE_URL"]
)
def test_production_refuses_to_start_without_a_required_setting(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = load_settings(**env)

    assert result.returncode != 0
    assert f"{missing} must" in result.stderr


def test_production_starts_with_its_settings_and_debug_off():
    result = load_settings(**PRODUCTION, REDIS_URL="redis://redis.example.org:6379/0")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["db.example.org", "False", "False"]


def test_an_unknown_environment_name_is_refused():
    result = load_settings(LANTERN_ENV="staging")

    assert result.returncode != 0
    assert "LANTERN_ENV must be development or production" in result.stderr


def test_a_malformed_boolean_names_the_variable():
    result = load_settings(DEBUG="maybe", DATABASE_URL="postgresql://x@localhost/x")

    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_without_redis_celery_runs_tasks_eagerly():
    from django.conf import settings

    if os.environ.get("REDIS_URL"):
        pytest.skip("this run configures Redis")
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_without_database_url_the_embedded_postgresql_is_used():
    from django.conf import settings

    if os.environ.get("DATABASE_URL"):
        pytest.skip("this run uses an external PostgreSQL")
    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["OPTIONS"]["host"] == str(settings.DATA_DIR / "pgdata")


def test_the_production_settings_pass_the_deployment_checklist():
    # As a production host would have it: none of the test run's own switches.
    test_only = {"REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    env = {**clean, **PRODUCTION, "SECRET_KEY": "k3y-" + "x7Yq" * 15}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_short_pseudonym_key():
    result = load_settings(**{**PRODUCTION, "LANTERN_PSEUDONYM_KEY": "too-short"})

    assert result.returncode != 0
    assert "LANTERN_PSEUDONYM_KEY must be at least 32 characters" in result.stderr


def test_a_malformed_throttle_rate_names_the_variable():
    result = load_settings(LANTERN_API_RATE="lots", DATABASE_URL="postgresql://x@localhost/x")

    assert result.returncode != 0
    assert "LANTERN_API_RATE must be a number of requests per" in result.stderr


def probe_cache_backend(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "LANTERN_ENV"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_with_redis_the_throttles_count_in_a_cache_every_process_shares():
    backend = probe_cache_backend(
        REDIS_URL="redis://redis.example.org:6379/0", DATABASE_URL="postgresql://x@localhost/x"
    )

    assert backend == "django.core.cache.backends.redis.RedisCache"


def test_without_redis_the_cache_is_the_process_memory():
    backend = probe_cache_backend(DATABASE_URL="postgresql://x@localhost/x")

    assert backend == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize("value", ["0", "29", "-3", "nine", "9.5"])
def test_a_reliable_change_threshold_outside_1_to_28_days_stops_the_start(value):
    result = load_settings(
        LANTERN_RELIABLE_CHANGE_COCAUSE=value, DATABASE_URL="postgresql://x@localhost/x"
    )

    assert result.returncode != 0
    assert (
        f"LANTERN_RELIABLE_CHANGE_COCAUSE must be a whole number from 1 to 28, not {value!r}"
        in result.stderr
    )
