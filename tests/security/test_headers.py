"""Response headers: a content security policy with no inline script, on every page."""

import pytest

from commissioning.models import ApiClient

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_the_sign_in_page_has_a_strict_content_security_policy(client):
    policy = directives(client.get("/accounts/login/"))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_a_signed_in_page_allows_no_inline_script(client_as, alice, jo):
    response = client_as(alice).get(f"/people/{jo.external_id}/")
    policy = directives(response)

    assert response.status_code == 200
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]


def test_the_api_docs_allow_no_inline_script(client_as, cora):
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save()

    response = client_as(cora).get("/api/v1/docs/")

    assert response.status_code == 200
    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_only_the_redoc_page_lets_inline_styles_through_and_never_scripts(client_as, cora):
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save()
    client = client_as(cora)

    redoc = directives(client.get("/api/v1/docs/redoc/"))
    swagger = directives(client.get("/api/v1/docs/"))

    assert "'unsafe-inline'" in redoc["style-src"]
    assert redoc["script-src"] == ["'self'"]
    assert swagger["style-src"] == ["'self'"]
