"""The OpenAPI document is the API's contract with commissioners: it changes only on purpose.

`docs/openapi.yaml` is the document as committed; this test builds it afresh
from the code and compares. Moving or renaming code must leave it as it is.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"

REGENERATE = (
    "The API's OpenAPI document differs from docs/openapi.yaml. If the API changed on "
    "purpose, regenerate it with `python manage.py spectacular --file docs/openapi.yaml` "
    "and commit it with the change; if not, the change altered the API by accident."
)


def test_the_openapi_document_is_the_committed_one():
    built = io.StringIO()
    call_command("spectacular", stdout=built)

    assert built.getvalue() == COMMITTED.read_text(encoding="utf-8"), REGENERATE
