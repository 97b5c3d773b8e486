"""Production settings keep each request's fixed cost down.

Templates are parsed once per process (Django's cached loader), and each process
keeps its database connection between requests (CONN_MAX_AGE), checking it is
still usable before reusing it so a restarted database costs no failed page.
"""

import json
import os
import subprocess
import sys

from tests.config.test_settings import PRODUCTION, ROOT

REPORT = """
import json, django
django.setup()
from django.conf import settings
from django.template import engines
database = settings.DATABASES["default"]
print(json.dumps({
    "loaders": engines["django"].engine.loaders,
    "conn_max_age": database["CONN_MAX_AGE"],
    "conn_health_checks": database["CONN_HEALTH_CHECKS"],
}))
"""


def production_settings() -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    done = subprocess.run(
        [sys.executable, "-c", REPORT],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_parses_each_template_once_per_process():
    [(loader, wrapped)] = production_settings()["loaders"]

    assert loader == "django.template.loaders.cached.Loader"
    assert "django.template.loaders.app_directories.Loader" in wrapped


def test_production_keeps_its_database_connection_between_requests():
    settings = production_settings()

    assert settings["conn_max_age"] >= 60
    assert settings["conn_health_checks"] is True
