"""Recording outreach from the worklist in a real browser: fields appear with the
outcome, errors land in the row, and a saved attempt swaps the row in place."""

import pytest
from playwright.sync_api import expect

from risk.models import OutreachAttempt
from tests.browser.conftest import sign_in
from tests.factories import days_ago
from tests.risk.ui.conftest import make_flag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_keyworker_snoozes_a_person_without_leaving_the_worklist(
    live_server, page, screenshot, alice, jo
):
    make_flag(jo)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/outreach/")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="Outreach worklist")).to_be_visible()
    page.evaluate("window.stayedOnPage = true")

    row = page.locator(f"#entry-{jo.external_id}")
    row.get_by_text("Record an attempt").click()
    remind_on = row.get_by_label("Remind me on", exact=True)
    expect(remind_on).to_be_hidden()
    row.get_by_text("Phone", exact=True).click()
    row.get_by_text("Remind me on a date", exact=True).click()
    expect(remind_on).to_be_visible()
    expect(row.get_by_text("Reason for removal")).to_be_hidden()
    row.get_by_role("button", name="Save attempt").click()

    row = page.locator(f"#entry-{jo.external_id}")
    expect(row.get_by_text("Choose the date to be reminded.", exact=True)).to_be_visible()
    # The row's own summary names the problem and links to the field.
    expect(row.locator('[data-form-errors] a[href$="-remind_on"]')).to_have_text(
        "Remind me on: Choose the date to be reminded."
    )
    screenshot("worklist-attempt-error")
    row.get_by_label("Remind me on", exact=True).fill(f"{days_ago(-3):%d/%m/%Y}")
    row.get_by_role("button", name="Save attempt").click()

    expect(
        page.get_by_role("status").get_by_text(f"Off the list until {days_ago(-3):%d/%m/%Y}")
    ).to_be_visible()
    assert page.evaluate("window.stayedOnPage") is True
    assert OutreachAttempt.objects.get().remind_on == days_ago(-3)
    assert errors == []
    screenshot("worklist-attempt-saved")
