"""The container files: docker-compose.yml, the Dockerfile and .dockerignore.

There is no Docker engine where the tests run. These tests read the files and
check how the services are wired together: which service waits for which, that
every app service runs the same image with the same environment, and what each
one runs. They interpolate ${VAR} references the way docker compose does.
None of them touches the database.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"

APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING_APP_SERVICES = ("web", "worker", "beat")

# What a user would put in .env.
USER_ENV = {
    "SECRET_KEY": "a-long-random-secret-for-the-tests",
    "LANTERN_PSEUDONYM_KEY": "another-long-random-secret-for-the-tests",
    "ALLOWED_HOSTS": "lantern.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://lantern.example.org",
    "POSTGRES_PASSWORD": "s3cretpassw0rd",
}


class MissingVariable(Exception):
    """A ${VAR:?message} reference whose variable is unset or empty."""


_REFERENCE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(value, env):
    """Substitute $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err} and $$."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match):
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        op, arg = match["op"], match["arg"]
        current = env.get(name)
        # The colon forms treat an empty value like an unset one.
        missing = not current if op in (":-", ":?") else current is None
        if op and op.endswith("?") and missing:
            raise MissingVariable(f"{name}: {arg}")
        if op and op.endswith("-") and missing:
            return arg
        return current or ""

    return _REFERENCE.sub(substitute, value)


def load_compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services():
    return load_compose()["services"]


def resolved_services(env=None):
    return interpolate(services(), USER_ENV if env is None else env)


def command_words(service):
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def environment(service):
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return env


def dockerfile_instructions():
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, arguments = full.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


# --- docker-compose.yml: the services ---------------------------------------------------------


def test_compose_file_defines_postgres_redis_migrate_web_worker_and_beat():
    assert set(services()) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_postgres_uses_the_postgres_16_image_with_a_pg_isready_healthcheck():
    postgres = services()["postgres"]
    assert postgres["image"].split(":")[0] == "postgres"
    assert postgres["image"].split(":")[1].startswith("16")
    test = postgres["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))


def test_postgres_keeps_its_data_in_a_named_volume_declared_at_top_level():
    compose = load_compose()
    mounts = compose["services"]["postgres"]["volumes"]
    data_mounts = [m for m in mounts if m.split(":")[1] == "/var/lib/postgresql/data"]
    assert len(data_mounts) == 1
    volume_name = data_mounts[0].split(":")[0]
    assert not volume_name.startswith((".", "/", "~")), "the data should be in a named volume"
    assert volume_name in compose["volumes"]


def test_postgres_database_user_and_password_come_from_the_environment():
    postgres_env = environment(services()["postgres"])
    assert set(postgres_env) >= {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}
    assert postgres_env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_redis_uses_the_redis_7_image_with_a_redis_cli_ping_healthcheck():
    redis = services()["redis"]
    assert redis["image"].split(":")[0] == "redis"
    assert redis["image"].split(":")[1].startswith("7")
    test = redis["healthcheck"]["test"]
    assert "redis-cli ping" in (test if isinstance(test, str) else " ".join(test))


def test_migrate_runs_migrate_once_and_does_not_restart():
    migrate = services()["migrate"]
    assert command_words(migrate)[:3] == ["python", "manage.py", "migrate"]
    assert "--noinput" in command_words(migrate)
    # Quoted in the YAML: an unquoted `no` would load as the boolean False.
    assert migrate["restart"] == "no"


def test_migrate_waits_for_a_healthy_postgres():
    assert services()["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_web_worker_beat_and_migrate_share_one_image():
    app = [services()[name] for name in APP_SERVICES]
    images = {service.get("image") for service in app}
    builds = {json.dumps(service.get("build"), sort_keys=True) for service in app}
    assert len(images) == 1
    assert None not in images
    assert len(builds) == 1


def test_the_shared_image_is_built_from_the_dockerfile_at_the_repo_root():
    build = services()["web"]["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (REPO / context / dockerfile).resolve() == DOCKERFILE


def test_postgres_and_redis_use_stock_images_not_the_app_image():
    app_image = services()["web"]["image"]
    for name in ("postgres", "redis"):
        assert "build" not in services()[name]
        assert services()[name]["image"] != app_image


@pytest.mark.parametrize("name", LONG_RUNNING_APP_SERVICES)
def test_web_worker_and_beat_wait_for_migrate_to_complete_successfully(name):
    depends_on = services()[name]["depends_on"]
    assert depends_on["migrate"] == {"condition": "service_completed_successfully"}


@pytest.mark.parametrize("name", LONG_RUNNING_APP_SERVICES)
def test_web_worker_and_beat_wait_for_a_healthy_redis(name):
    assert services()[name]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_web_runs_gunicorn_with_the_config_wsgi_application_on_port_8000():
    web = services()["web"]
    words = command_words(web)
    assert words[0] == "gunicorn"
    assert "config.wsgi:application" in words
    assert "0.0.0.0:8000" in words
    assert "8000:8000" in [str(port) for port in web["ports"]]


def test_worker_runs_a_celery_worker_for_the_config_app():
    assert command_words(services()["worker"])[:4] == ["celery", "-A", "config", "worker"]


def test_beat_runs_celery_beat_for_the_config_app():
    assert command_words(services()["beat"])[:4] == ["celery", "-A", "config", "beat"]


def test_only_web_publishes_a_port():
    published = {name for name, service in services().items() if service.get("ports")}
    assert published == {"web"}


# --- docker-compose.yml: the shared environment --------------------------------------------


def test_app_services_share_one_environment():
    envs = [environment(services()[name]) for name in APP_SERVICES]
    assert all(env == envs[0] for env in envs)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_in_production_mode(name):
    assert environment(services()[name])["LANTERN_ENV"] == "production"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_reach_postgres_and_redis_by_service_name(name):
    env = environment(resolved_services()[name])
    database = urlsplit(env["DATABASE_URL"])
    assert database.scheme in {"postgres", "postgresql"}
    assert database.hostname == "postgres"
    assert database.port in {None, 5432}
    redis = urlsplit(env["REDIS_URL"])
    assert redis.scheme == "redis"
    assert redis.hostname == "redis"
    assert redis.port in {None, 6379}


def test_database_url_uses_the_credentials_the_postgres_service_is_created_with():
    resolved = resolved_services()
    postgres_env = environment(resolved["postgres"])
    database = urlsplit(environment(resolved["web"])["DATABASE_URL"])
    assert database.username == postgres_env["POSTGRES_USER"]
    assert database.password == postgres_env["POSTGRES_PASSWORD"] == USER_ENV["POSTGRES_PASSWORD"]
    assert database.path.lstrip("/") == postgres_env["POSTGRES_DB"]


@pytest.mark.parametrize("variable", ["SECRET_KEY", "LANTERN_PSEUDONYM_KEY", "ALLOWED_HOSTS"])
def test_secret_key_and_allowed_hosts_are_required_from_the_users_environment(variable):
    raw = environment(services()["web"])[variable]
    assert raw.startswith("${" + variable + ":?"), "use ${VAR:?message} so compose refuses to start"
    resolved = environment(resolved_services()["web"])
    assert resolved[variable] == USER_ENV[variable]


@pytest.mark.parametrize(
    "variable", ["SECRET_KEY", "LANTERN_PSEUDONYM_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"]
)
def test_compose_refuses_to_start_when_a_required_variable_is_missing(variable):
    env = {key: value for key, value in USER_ENV.items() if key != variable}
    with pytest.raises(MissingVariable, match=variable):
        resolved_services(env)


def test_csrf_trusted_origins_is_passed_through_from_the_users_environment():
    resolved = environment(resolved_services()["web"])
    assert resolved["CSRF_TRUSTED_ORIGINS"] == USER_ENV["CSRF_TRUSTED_ORIGINS"]


def test_production_settings_accept_the_compose_environment():
    """Load config.settings in a new interpreter with web's environment, as the container does."""
    child_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LANTERN_", "DATABASE_", "REDIS_", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    child_env.update(
        {key: str(value) for key, value in environment(resolved_services()["web"]).items()}
    )
    probe = (
        "import json; from config import settings as s; "
        "print(json.dumps({'host': s.DATABASES['default']['HOST'], 'debug': s.DEBUG, "
        "'broker': s.CELERY_BROKER_URL, 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
        "'hosts': s.ALLOWED_HOSTS, 'csrf': s.CSRF_TRUSTED_ORIGINS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "host": "postgres",
        "debug": False,
        "broker": "redis://redis:6379/0",
        "eager": False,
        "hosts": [USER_ENV["ALLOWED_HOSTS"]],
        "csrf": [USER_ENV["CSRF_TRUSTED_ORIGINS"]],
    }


def test_the_compose_environment_passes_the_deployment_checklist():
    """`check --deploy` with web's environment, as the container would run it: no warning."""
    child_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LANTERN_", "DATABASE_", "REDIS_", "SECRET_KEY", "ALLOWED_HOSTS"))
        and key not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    # A key as long and random as the compose file's comment tells a user to make.
    user_env = {**USER_ENV, "SECRET_KEY": "k3y-" + "x7Yq" * 15}
    web = environment(resolved_services(user_env)["web"])
    child_env.update({key: str(value) for key, value in web.items()})

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_client_address_header_is_passed_through_for_the_lockout():
    resolved = environment(
        resolved_services({**USER_ENV, "LANTERN_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR"})["web"]
    )
    assert resolved["LANTERN_CLIENT_IP_HEADER"] == "HTTP_X_FORWARDED_FOR"


# --- Dockerfile and .dockerignore ------------------------------------------------------------


def test_dockerfile_builds_from_python_3_11_slim():
    froms = [args for keyword, args in dockerfile_instructions() if keyword == "FROM"]
    assert froms
    assert froms[-1].split()[0].startswith("python:3.11-slim")


def test_dockerfile_installs_the_project_from_pyproject_with_pip():
    runs = [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]
    assert any(re.search(r"\bpip install\b.*\s\.(\s|$)", run) for run in runs)


def test_dockerfile_collects_static_files_at_build_time_with_production_settings():
    runs = [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]
    collect = [run for run in runs if "collectstatic" in run]
    assert len(collect) == 1
    assert "LANTERN_ENV=production" in collect[0]
    # A DATABASE_URL stops the settings from starting the embedded PostgreSQL during the build.
    assert "DATABASE_URL=" in collect[0]


def test_dockerfile_does_not_run_as_root():
    instructions = dockerfile_instructions()
    users = [
        (index, args) for index, (keyword, args) in enumerate(instructions) if keyword == "USER"
    ]
    assert users, "the Dockerfile needs a USER line"
    last_index, last_user = users[-1]
    assert last_user.split(":")[0] not in {"root", "0"}
    cmd_index = max(index for index, (keyword, _) in enumerate(instructions) if keyword == "CMD")
    assert last_index < cmd_index


def test_dockerfile_cmd_runs_gunicorn_with_the_config_wsgi_application():
    cmds = [args for keyword, args in dockerfile_instructions() if keyword == "CMD"]
    cmd = cmds[-1]
    words = json.loads(cmd) if cmd.startswith("[") else shlex.split(cmd)
    assert words[0] == "gunicorn"
    assert "config.wsgi:application" in words
    assert "0.0.0.0:8000" in words


@pytest.mark.parametrize(
    "pattern", [".venv", ".lantern", ".git", "staticfiles", "node_modules", ".env"]
)
def test_dockerignore_keeps_local_state_and_secrets_out_of_the_build_context(pattern):
    lines = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    assert pattern in lines


def test_redis_keeps_its_queue_across_a_restart():
    command = services()["redis"]["command"]
    assert command[:1] == ["redis-server"]
    assert command[command.index("--appendonly") + 1] == "yes"
