"""schemathesis over every operation of the served schema, in-process through the WSGI app.

The schema is the one the API serves (from the same generator). A commissioner
with a token calls each operation with generated parameters,
valid and invalid. No answer may be a server error or break the schema: an
undocumented status, content type or header, or a body unlike its schema.
Invalid input must be refused with a 4xx.

One check is left out, with its reason: `positive_data_acceptance` expects any
schema-valid value to be accepted, but filters name things that must exist (a
team id, an ONS code, a cursor from an earlier page), which a schema cannot
say; those get a 400 naming the parameter, as they should.

The run is bounded (`MAX_EXAMPLES` per operation, no shrinking of passing runs)
to keep `make test` quick.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.commissioning.conftest import full_history

MAX_EXAMPLES = 50


@pytest.fixture
def keep_the_test_connection():
    # The WSGI handler closes database connections around each request; the test's
    # connection holds its transaction. Django's own test client disconnects the same.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def cora_with_records(
    db, keep_the_test_connection, settings_override, cora_token, jo, alice, bob, south
):
    from tests.factories import ServiceUserFactory

    full_history(jo, recorded_by=alice)
    full_history(ServiceUserFactory(team=south, keyworker=bob), recorded_by=bob)
    return cora_token[1]


@pytest.fixture
def settings_override(settings):
    # Throttling is tested on its own; here it would only answer 429 to the fuzzer.
    settings.LANTERN_API_RATE = "100000/minute"
    settings.LANTERN_API_EXPORT_RATE = "100000/minute"
    settings.LANTERN_API_FIGURE_RATE = "100000/minute"


def served_schema() -> dict:
    """The schema /api/v1/schema/ serves, from the same generator (it needs no database)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(served_schema())
schema.app = get_wsgi_application()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_errors_or_breaks_its_schema(case, cora_with_records):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {cora_with_records}"},
        excluded_checks=[positive_data_acceptance],
    )
