"""A keyworker's first journey, in a real browser: sign in, caseload, a person, a TOP."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import EpisodeFactory, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_keyworker_records_a_top_fixes_a_wrong_value_and_sees_the_chart(
    live_server, page, screenshot, alice, jo
):
    EpisodeFactory(service_user=jo, referral_date=days_ago(200))

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in to Lantern")).to_be_visible()
    sign_in(page, "alice")

    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    screenshot("caseload")
    page.get_by_role("link", name="Jo Bloggs").click()

    expect(page.get_by_role("heading", name="Jo Bloggs")).to_be_visible()
    expect(page.get_by_text("No TOP assessments recorded yet.")).to_be_visible()
    page.get_by_role("link", name="TOP", exact=True).click()

    expect(page.get_by_role("heading", name="Record a TOP assessment")).to_be_visible()
    page.get_by_label("Stage").select_option("S")
    page.get_by_label("Date of interview").fill(f"{days_ago(190):%d/%m/%Y}")
    page.get_by_label("OPIUSE: Days used illicit opioids").fill("31")
    page.get_by_label("PSYHSTAT: Psychological health (0 poor to 20 good)").fill("7")
    page.get_by_role("button", name="Save TOP").click()

    # The input carries its range: the page says what is wrong before anything is sent.
    field_error = page.locator("#error_1_id_opiuse, .invalid-feedback").filter(
        has_text="OPIUSE is above 28: enter 0 to 28 days in the last 28."
    )
    expect(field_error.first).to_be_visible()
    expect(page.locator('#form-errors a[href="#id_opiuse"]')).to_contain_text(
        "Days used illicit opioids: OPIUSE is above 28"
    )
    expect(page.get_by_label("PSYHSTAT: Psychological health (0 poor to 20 good)")).to_have_value(
        "7"
    )
    screenshot("top-form-error")

    page.get_by_label("OPIUSE: Days used illicit opioids").fill("12")
    page.get_by_role("button", name="Save TOP").click()

    expect(page.get_by_text("TOP assessment recorded.")).to_be_visible()
    chart = page.locator("#top-use-chart")
    expect(chart).to_be_visible()
    # The canvas shows before Chart.js (a deferred script) has drawn on it: wait for the chart.
    drawn = page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('top-use-chart'))"
        "?.data.datasets[0].data"
    ).json_value()
    assert drawn == [12]
    row = page.get_by_role("row", name="OPIUSE: Days used illicit opioids")
    expect(row).to_contain_text("12")
    screenshot("person-record")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Lantern")).to_be_visible()
