"""An administrator activates a new rule set version in the Django admin and recomputes the
flags now, following the run's progress; a keyworker signs out and presses Back and sees no
personal data."""

import pytest
from playwright.sync_api import expect

from risk.models import RecomputeRun, RuleSet
from tests.browser.conftest import sign_in
from tests.risk.conftest import neutral_person, released

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run_admin_action(page, version: int, action: str) -> None:
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=str(version), exact=True)
    )
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_an_administrator_copies_changes_and_activates_a_rule_set_version(
    live_server, page, screenshot, adam
):
    released(neutral_person(), days=5)
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/risk/ruleset/")
    sign_in(page, "adam")
    expect(page.get_by_role("heading", name="Select rule set to change")).to_be_visible()

    # Version 3, the evidence-based draft, is installed beside the active version 2.
    run_admin_action(page, 2, "Copy as a new draft")
    expect(page.get_by_text("Version 4 is a new draft copied from version 2.")).to_be_visible()
    page.get_by_label("Name:", exact=True).fill("Version 4: earlier high tier")
    page.get_by_label("Notes:", exact=True).fill(
        "High from 2.8, after the panel's review of lead times."
    )
    page.get_by_label("High from:", exact=True).fill("2.8")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("was changed successfully")).to_be_visible()
    # Without a backtest the draft cannot be activated, and the page says what to do.
    run_admin_action(page, 4, "Activate (make this draft the rules in use)")
    expect(
        page.get_by_text("Version 4 has no backtest of its rules as they now stand")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Yes, activate version 4")).to_have_count(0)
    page.goto(f"{live_server.url}/admin/risk/ruleset/")
    run_admin_action(page, 4, "Backtest against the active version")
    expect(
        page.get_by_role(
            "heading", name="Share of the population in each tier (mean over the dates)"
        )
    ).to_be_visible()
    shares = page.locator("table", has=page.get_by_text("People (mean)"))
    expect(shares.locator("thead th")).to_have_text(["", "Version 4", "Version 2"])

    page.goto(f"{live_server.url}/admin/risk/ruleset/")
    run_admin_action(page, 4, "Activate (make this draft the rules in use)")
    expect(page.get_by_role("heading", name="Activate rule set version 4?")).to_be_visible()
    expect(page.get_by_text("High from: 3.00 → 2.80")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Deaths in the following 90 days, by tier beforehand")
    ).to_be_visible()
    screenshot("admin-activate-confirmation")
    page.get_by_role("button", name="Yes, activate version 4").click()

    expect(
        page.get_by_text("Version 4 is now active; the previous version is retired.")
    ).to_be_visible()
    statuses = {
        version: page.get_by_role("row")
        .filter(has=page.get_by_role("link", name=str(version), exact=True))
        .locator("td.field-status")
        for version in (2, 4)
    }
    expect(statuses[4]).to_have_text("Active")
    expect(statuses[2]).to_have_text("Retired")
    active = RuleSet.objects.get(status=RuleSet.Status.ACTIVE)
    assert (active.version, str(active.high_threshold)) == (4, "2.80")

    # Flags follow the new version at once if asked, and the run's progress is shown.
    page.get_by_role("link", name="recompute them now").click()
    expect(page.get_by_role("heading", name="Recompute everyone's flags now?")).to_be_visible()
    expect(page.get_by_text("version 4 (“Version 4: earlier high tier”)")).to_be_visible()
    page.get_by_role("button", name="Yes, recompute everyone's flags now").click()
    expect(page.get_by_role("heading", name="Recompute progress")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Published")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    expect(page.get_by_text("1 person checked; 1 flagged")).to_be_visible()
    run = RecomputeRun.objects.get()
    assert (run.rule_set.version, run.status) == (4, RecomputeRun.Status.PUBLISHED)


def test_after_signing_out_back_shows_no_personal_data(live_server, page, alice, jo):
    jo.nhs_number = "9434765919"
    jo.save()
    page.goto(f"{live_server.url}/people/{jo.external_id}/")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="Jo Bloggs", level=1)).to_be_visible()
    expect(page.get_by_text("943 476 5919").or_(page.get_by_text("9434765919"))).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Lantern")).to_be_visible()
    page.go_back()

    expect(page.get_by_role("heading", name="Sign in to Lantern")).to_be_visible()
    expect(page.get_by_text("Jo Bloggs")).to_have_count(0)
    body = page.inner_text("body")
    assert "Bloggs" not in body
    assert "9434765919" not in body.replace(" ", "")
