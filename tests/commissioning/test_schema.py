"""The OpenAPI schema: every extract's response holds its allow-list and no identifier.

Checked from the schema the API serves (the same generator as the docs pages),
so a field added to an extract without care fails here; the real responses are
checked in test_extracts.
"""

import re

import pytest
from django.urls import reverse

from commissioning.urls import EXTRACTS
from tests.commissioning.conftest import extract_url

pytestmark = pytest.mark.django_db

# Words that name a direct identifier, in any field name or description of a response.
IDENTIFIER = re.compile(
    r"first_?name|last_?name|surname|forename|initial|nhs|client[_ ]?ref|birth|dob\b|address|"
    r"postcode|phone|email|external_id|notes|free.?text|\bname\b",
    re.IGNORECASE,
)


@pytest.fixture
def schema(cora_api):
    response = cora_api.get(reverse("api_schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].split("/")[-1]]
    return node


def row_schema(schema: dict, path: str) -> dict:
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    page = resolve(schema, content["application/json"]["schema"])
    return resolve(schema, page["properties"]["results"]["items"])


def test_every_extract_is_in_the_schema_with_json_and_csv(schema):
    for extract in EXTRACTS:
        content = schema["paths"][extract_url(extract.name)]["get"]["responses"]["200"]["content"]
        assert set(content) == {"application/json", "text/csv"}, extract.name


@pytest.mark.parametrize("extract", EXTRACTS, ids=lambda e: e.name)
def test_an_extracts_response_fields_are_exactly_its_allow_list(schema, extract):
    row = row_schema(schema, extract_url(extract.name))

    assert list(row["properties"]) == extract.field_names
    assert set(row["required"]) == set(extract.field_names)


@pytest.mark.parametrize("extract", EXTRACTS, ids=lambda e: e.name)
def test_no_response_field_of_an_extract_is_an_identifier(schema, extract):
    row = row_schema(schema, extract_url(extract.name))

    for name, field in row["properties"].items():
        assert not IDENTIFIER.search(name), name
        # The field's own words (an enum's value list follows a blank line).
        described = field.get("description", "").split("\n\n")[0]
        assert not IDENTIFIER.search(described), (name, described)


def test_the_identifier_check_would_catch_one():
    assert IDENTIFIER.search("nhs_number")
    assert IDENTIFIER.search("date_of_birth")
    assert IDENTIFIER.search("Client reference")
    assert IDENTIFIER.search("postcode")


@pytest.mark.parametrize("extract", EXTRACTS, ids=lambda e: e.name)
def test_every_record_id_in_an_extract_is_a_pseudonym(extract):
    for field in extract.fields:
        if "external_id" in field.sql:
            assert field.pseudonym, (extract.name, field.name)


def test_every_operation_documents_its_refusals(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "429"} <= set(operation["responses"]), (path, method)


def test_the_schema_and_docs_need_authentication(client):
    for name in ("api_schema", "api_docs", "api_redoc"):
        assert client.get(reverse(name)).status_code == 401


def test_the_docs_pages_load_nothing_from_another_site(api_as, alice):
    client = api_as(alice)
    for name in ("api_docs", "api_redoc"):
        page = client.get(reverse(name)).content.decode()
        for forbidden in ("http://", "https://", "<style", "<script>"):
            assert forbidden not in page, (name, forbidden)
        for src in re.findall(r'src="([^"]+)"', page):
            assert src.startswith(("/static/", reverse("api_docs"))), src
    script = client.get(reverse("api_docs"), {"script": ""})
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_commissioner_home_page_points_to_the_api_docs(client_as, cora):
    page = client_as(cora).get(reverse("home")).content.decode()

    assert reverse("api_docs") in page


def test_every_figure_is_documented_by_the_one_schema_its_results_are_held_to(schema):
    from commissioning.urls import FIGURES
    from outcomes.figures import RESULT_SCHEMA
    from risk.fairness import FAIRNESS_SCHEMA

    # The fairness report has a shape of its own (rows by characteristic, no previous period).
    own = {"fairness": FAIRNESS_SCHEMA}
    for view in FIGURES:
        name = view.figure_name
        held_to = own.get(name, RESULT_SCHEMA)
        path = reverse(f"api_figure_{name}")
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        result = resolve(schema, content["application/json"]["schema"])
        row = result["properties"]["figures"]["items"]
        assert result["required"] == held_to["required"], name
        assert result["additionalProperties"] is False, name
        assert row["required"] == held_to["properties"]["figures"]["items"]["required"]
        assert row["properties"]["numerator"] == {
            "type": "integer",
            "minimum": 0,
            "nullable": True,
        }


def test_a_json_schemas_null_becomes_openapi_30s_nullable():
    from commissioning.api import openapi_schema

    assert openapi_schema(
        {
            "type": "object",
            "properties": {
                "count": {"type": ["integer", "null"], "minimum": 0},
                "group": {"enum": [None, "opiate", "alcohol"]},
                "unit": {"enum": ["percent", "count"]},
            },
        }
    ) == {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 0, "nullable": True},
            "group": {"enum": [None, "opiate", "alcohol"], "type": "string", "nullable": True},
            "unit": {"enum": ["percent", "count"], "type": "string"},
        },
    }


def test_the_redoc_page_and_its_script_fetch_nothing_from_another_site(api_as, alice):
    client = api_as(alice)
    page = client.get(reverse("api_redoc")).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', page)

    assert scripts
    for src in scripts:
        response = client.get(src)
        assert response.status_code == 200, src
        body = response.content.decode()
        # A link to Redocly's site is fine; an image or script loaded from one is not.
        assert not re.search(r"https?://cdn\.", body), src
        assert not re.search(r"""src\s*:\s*["']https?://""", body), src
