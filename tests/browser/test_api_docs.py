"""The self-hosted API documentation in a real browser: a commissioner can open an operation
in Swagger UI, try it and read the answer, and every state the page passes through is checked
by axe-core (see the conftest) like any other page."""

import pytest
from playwright.sync_api import expect

from commissioning.models import ApiClient
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_tries_the_teams_list_in_swagger_ui(live_server, page, cora, north):
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save()

    page.goto(f"{live_server.url}/accounts/login/?next=/api/v1/docs/")
    sign_in(page, "cora")

    operation = page.locator("#operations-reference-teams")
    summary = operation.locator(".opblock-summary-control")
    expect(summary).to_have_attribute("aria-expanded", "false")
    summary.click()
    expect(summary).to_have_attribute("aria-expanded", "true")

    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()

    answer = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(answer).to_have_text("200")
    expect(operation.locator(".live-responses-table .microlight").first).to_contain_text(north.name)
    page.axe.check()


def test_a_commissioner_opens_the_authorize_dialog_to_enter_a_token(live_server, page, cora):
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save()

    page.goto(f"{live_server.url}/accounts/login/?next=/api/v1/docs/")
    sign_in(page, "cora")

    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".dialog-ux .modal-ux")
    expect(dialog).to_be_visible()
    bearer = dialog.locator(".auth-container").filter(has_text="Bearer")
    bearer.locator("input").fill("a-token")
    bearer.get_by_role("button", name="Authorize", exact=True).click()
    expect(bearer.get_by_role("button", name="Logout", exact=True)).to_be_visible()
    page.axe.check()

    # The icon button in the corner, named for screen readers by static/js/api-docs.js.
    dialog.locator(".modal-ux-header").get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
