"""Problems show at the field as the keyworker leaves it, and a form with problems is
not sent; the message is the server's own and the server still checks."""

import pytest
from playwright.sync_api import expect

from cases.forms import DATE_INVALID
from cases.models import Event
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_keyworker_sees_problems_at_the_field_before_sending(live_server, page, alice, jo):
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.goto(f"{live_server.url}/people/{jo.external_id}/events/new/")
    sign_in(page, "alice")
    posts.clear()

    date = page.locator("#id_occurred_on")
    date.fill("31/02/2026")
    date.press("Tab")
    expect(page.locator("#div_id_occurred_on")).to_contain_text(DATE_INVALID)
    expect(date).to_have_attribute("aria-invalid", "true")

    doses = page.locator("#id_naloxone_doses")
    doses.fill("-1")
    doses.press("Tab")
    expect(page.locator("#div_id_naloxone_doses")).to_contain_text(
        "Ensure this value is greater than or equal to 0."
    )

    page.get_by_role("button", name="Save").click()
    expect(page.locator("#div_id_kind")).to_contain_text("Choose the kind.")
    expect(page.locator("#id_kind")).to_be_focused()
    assert posts == []
    # The summary names each problem by its field and takes the cursor to it.
    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("Please correct these 3 problems:")
    expect(summary.locator('a[href="#id_kind"]')).to_have_text("Kind: Choose the kind.")
    expect(summary.locator('a[href="#id_occurred_on"]')).to_have_text(f"Date: {DATE_INVALID}")
    summary.locator('a[href="#id_naloxone_doses"]').click()
    expect(doses).to_be_focused()

    page.locator("#id_kind").select_option(index=1)
    date.fill("1/2/2026")
    date.press("Tab")
    expect(page.locator("#div_id_occurred_on")).not_to_contain_text(DATE_INVALID)
    doses.fill("")  # doses belong to overdoses only
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Event recorded.")).to_be_visible()
    assert len(posts) == 1
    assert Event.objects.get(service_user=jo).occurred_on.isoformat() == "2026-02-01"
