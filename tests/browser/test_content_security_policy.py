"""The content security policy in a real browser: pages that run script still work,
and the browser reports no refused script or style."""

import pytest
from playwright.sync_api import expect

from commissioning.models import ApiClient
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_for_refusals(page) -> list[str]:
    refusals: list[str] = []
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refusals


def test_a_commissioner_reads_the_api_docs_with_nothing_refused(live_server, page, cora):
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save()
    refusals = watch_for_refusals(page)

    page.goto(f"{live_server.url}/accounts/login/?next=/api/v1/docs/")
    sign_in(page, "cora")

    expect(page.get_by_text("Lantern commissioner API").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert refusals == []

    page.goto(f"{live_server.url}/api/v1/docs/redoc/")
    expect(page.get_by_role("heading", name="Lantern commissioner API").first).to_be_visible()
    # ReDoc's footer asks for its logo from its makers' CDN: the policy rightly refuses it.
    assert [r for r in refusals if "cdn.redoc.ly" not in r] == []


def test_the_sign_in_steps_run_with_nothing_refused(live_server, page, alice):
    refusals = watch_for_refusals(page)

    page.goto(f"{live_server.url}/")
    sign_in(page, "alice")

    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    assert refusals == []
