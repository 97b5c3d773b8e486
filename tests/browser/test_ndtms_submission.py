"""A team lead sends a month's NDTMS file in a real browser: prepares it, reads its checks,
follows a problem to the field that fixes it, downloads the file, records it as
submitted and reads the data quality page against it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from exchange.models import NdtmsSubmission
from tests.browser.conftest import sign_in
from tests.factories import EpisodeFactory, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_lead_prepares_checks_downloads_and_records_the_months_file(
    live_server, page, screenshot, tess, jo
):
    # In treatment since long before last month, its housing need never recorded.
    EpisodeFactory(service_user=jo, referral_date=days_ago(200), accommodation_need="")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url)
    sign_in(page, "tess")
    page.get_by_role("link", name="NDTMS submissions").click()
    expect(page.get_by_role("heading", name="NDTMS submissions")).to_be_visible()
    expect(page.get_by_text("No file prepared yet.")).to_be_visible()
    page.get_by_label("Service (NDTMS agency)").select_option(index=1)
    page.get_by_role("button", name="Prepare the file").click()

    expect(
        page.get_by_role("heading", name="Problems the national system would find")
    ).to_be_visible()
    submission = NdtmsSubmission.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(submission.file_name)
    problems = page.get_by_role("table")
    expect(problems).to_contain_text(jo.client_ref)
    expect(problems).to_contain_text("ACCMNEED")
    screenshot("ndtms-submission-checks")

    page.get_by_role("link", name="ACCMNEED", exact=True).click()
    expect(page).to_have_url(re.compile(r"#id_accommodation_need$"))
    housing = page.locator("#id_accommodation_need")
    expect(housing).to_be_visible()
    housing.select_option(label="No housing problem")
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_role("status")).to_contain_text("Episode saved.")
    assert jo.episodes.get().accommodation_need == "none"

    page.get_by_role("link", name="NDTMS submissions").click()
    page.get_by_role("link", name=submission.file_name).click()
    # The kept file is the one prepared: a record fixed changes the next file, not this one.
    expect(page.get_by_role("table")).to_contain_text("ACCMNEED")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the file (CSV)").click()
    download = downloading.value
    assert download.suggested_filename == submission.file_name
    assert Path(download.path()).read_text(encoding="utf-8") == submission.content

    page.get_by_label("I have uploaded this file to NDTMS").check()
    page.get_by_role("button", name="Record as submitted").click()
    expect(page.locator("dl")).to_contain_text("by Tess")
    expect(page.get_by_role("button", name="Record as submitted")).to_have_count(0)
    submission.refresh_from_db()
    assert submission.submitted_by == tess

    page.get_by_role("link", name="NDTMS data quality").click()
    expect(page.get_by_role("heading", name="NDTMS data quality")).to_be_visible()
    expect(page.get_by_text(f"Compared with {submission.file_name}")).to_be_visible()
    expect(page.get_by_role("rowheader", name=jo.team.name)).to_be_visible()
    screenshot("ndtms-data-quality")
    assert errors == []
