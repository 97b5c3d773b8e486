"""The named cast used across the suite.

- alice: keyworker on the North team, holding the people on her caseload
- tess: team lead of North
- bob: keyworker on the South team (must never see North's people)
- gina: clinical governance (reads everyone)
- cora: commissioner (no identifiable page at all)
- adam: administrator
"""

import functools
from collections import Counter
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations import RunPython
from django.db.migrations.executor import MigrationExecutor
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import LocalAuthority, Role
from config.celery import app as celery_app
from tests.factories import ServiceUserFactory, TeamFactory, UserFactory
from tests.processes import free_port
from web.signin import second_factor_clocks_start


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production hashing is deliberately slow; the cast is created for every test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rows_by_model() -> Counter[str]:
    """How many rows each model's table holds, by model label (`app.model`)."""
    return Counter(
        {
            model._meta.label_lower: model._base_manager.count()
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy
        }
    )


# The rows each table held when `migrate` had made the test database: what a test that
# commits its data must find again (tests/config/test_migration_data_reinstalled.py).
MIGRATED_ROWS: Counter[str] = Counter()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        MIGRATED_ROWS.update(rows_by_model())


@functools.cache
def migration_data_steps() -> tuple[Callable, ...]:
    """Every data step (`RunPython`) of the migrations, in the order `migrate` runs them."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    return tuple(
        operation.code
        for migration, _backwards in plan
        for operation in migration.operations
        if isinstance(operation, RunPython)
    )


def reinstall_migration_data() -> None:
    """Write again every row the migrations write, step by step as `migrate` does. Each
    step is given today's models: the tables have today's columns, which a step's own
    historical models would leave out."""
    with connection.schema_editor(atomic=True) as schema_editor:
        for code in migration_data_steps():
            code(apps, schema_editor)


@pytest.fixture(autouse=True)
def reference_data_in_committed_tests(request):
    """Put back what migrations install before a test that commits its data.

    A transactional test ends by emptying every table, reference data and the
    rule sets included; the next one would find no local authorities,
    substances, learning themes, rule set versions or NDTMS code lists. Every data
    step of the migrations runs again, in order (`reinstall_migration_data`), so a
    step added by a new migration comes back without a line here.
    """
    marker = request.node.get_closest_marker("django_db")
    committed = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if not committed:
        return
    request.getfixturevalue("transactional_db")
    if not LocalAuthority.objects.exists():
        reinstall_migration_data()


@pytest.fixture
def north(db):
    return TeamFactory(name="North")


@pytest.fixture
def south(db):
    return TeamFactory(name="South")


@pytest.fixture
def alice(north):
    return UserFactory(username="alice", first_name="Alice", role=Role.KEYWORKER, team=north)


@pytest.fixture
def tess(north):
    return UserFactory(username="tess", first_name="Tess", role=Role.TEAM_LEAD, team=north)


@pytest.fixture
def bob(south):
    return UserFactory(username="bob", first_name="Bob", role=Role.KEYWORKER, team=south)


@pytest.fixture
def gina(db):
    return UserFactory(username="gina", first_name="Gina", role=Role.GOVERNANCE)


@pytest.fixture
def cora(db):
    return UserFactory(username="cora", first_name="Cora", role=Role.COMMISSIONER)


@pytest.fixture
def adam(db):
    return UserFactory(
        username="adam",
        first_name="Adam",
        role=Role.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def authorities(db):
    """Every local authority, by ONS code."""
    return list(LocalAuthority.objects.order_by("code"))


@pytest.fixture
def jo(north, alice):
    """A person on alice's caseload in the North team."""
    return ServiceUserFactory(team=north, keyworker=alice, first_name="Jo", last_name="Bloggs")


def sign_in_verified(client, user):
    """Sign `user` in on `client` and pass the second factor the way a sign-in does.

    The password step is Django's login; the second factor is django-otp's
    `login` with the user's confirmed authenticator app (made here if they have none),
    which records the device in the session exactly as the code page does.
    """
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    second_factor_clocks_start(session)
    session.save()
    return client


@pytest.fixture
def client_as(client):
    def sign_in(user):
        return sign_in_verified(client, user)

    return sign_in


# What `redis_away` changes in Celery's configuration, and puts back.
CELERY_AWAY_SETTINGS = ("task_always_eager", "broker_url", "task_publish_retry_policy")


@pytest.fixture
def redis_away():
    """Celery sending to a Redis that is not there (a port nobody listens on)."""
    port = free_port()
    saved = {key: celery_app.conf[key] for key in CELERY_AWAY_SETTINGS}
    celery_app.conf.update(
        task_always_eager=False,
        broker_url=f"redis://127.0.0.1:{port}/0",
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0},
    )
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


@pytest.fixture
def refuse():
    """refuse("INSERT", "table"): make the database refuse that write from now on."""

    def install(operation: str, table: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                CREATE OR REPLACE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'; END $$
                """
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_write BEFORE {operation} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_write()"
            )

    return install
