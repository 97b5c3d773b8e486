"""Work that takes a while shows that it is happening: the NDTMS check and download, an
import, and a recompute started from the admin."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exchange.models import ImportJob
from risk.models import RecomputeRun, RuleSet
from tests.browser.conftest import sign_in
from tests.factories import EpisodeFactory, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_BUSY = """link => {
  window.busyStates = [];
  new MutationObserver(() => window.busyStates.push(
    [link.getAttribute("aria-busy"), link.textContent.trim()]
  )).observe(link, {attributes: true, childList: true, subtree: true});
}"""


def test_the_ndtms_download_shows_it_is_being_prepared_until_it_starts(live_server, page, tess, jo):
    EpisodeFactory(service_user=jo, referral_date=days_ago(40))
    page.goto(f"{live_server.url}/data/ndtms/")
    sign_in(page, "tess")
    page.get_by_label("From").fill(f"{days_ago(60):%d/%m/%Y}")
    page.get_by_label("To").fill(f"{days_ago(1):%d/%m/%Y}")
    page.get_by_role("button", name="Check the period").click()

    link = page.get_by_role("link", name="Download the extract (CSV)")
    link.evaluate(RECORD_BUSY)
    with page.expect_download() as started:
        link.click()
    # Named as NDTMS names a submission: agency, period, dataset version.
    assert started.value.suggested_filename == (
        f"{jo.team.service.code}-{days_ago(60):%Y%m%d}-{days_ago(1):%Y%m%d}-TREAT-IN-K.csv"
    )

    expect(page.locator("#busy-status")).to_have_text("The download has started.")
    expect(link).not_to_have_attribute("aria-busy", "true")
    states = page.evaluate("window.busyStates")
    assert ["true", "Preparing the extract…"] in states


def test_the_period_check_button_says_it_is_working_once_sent(live_server, page, tess):
    page.goto(f"{live_server.url}/data/ndtms/")
    sign_in(page, "tess")
    page.get_by_label("From").fill(f"{days_ago(60):%d/%m/%Y}")
    page.get_by_label("To").fill(f"{days_ago(1):%d/%m/%Y}")
    # Hold the response so the busy state can be seen before the next page arrives.
    held = []
    page.route("**/data/ndtms/?*", lambda route: held.append(route))
    # Sent and read from script in one step: Playwright's own locators wait for the
    # held navigation to finish.
    state = page.get_by_role("button", name="Check the period").evaluate(
        """async b => {
          b.form.requestSubmit(b);
          await new Promise(done => setTimeout(done, 100));
          return [b.disabled, b.getAttribute("aria-busy"), b.textContent.trim()];
        }"""
    )

    assert state == [True, "true", "Checking the period…"]
    held[0].continue_()
    # The checked period's page (its download link) is the page left for the axe check.
    expect(page.get_by_role("link", name="Download the extract (CSV)")).to_be_visible()


def test_the_recompute_progress_page_follows_the_run_until_it_is_published(live_server, page, adam):
    run = RecomputeRun.objects.create(
        as_of=timezone.localdate(),
        rule_set=RuleSet.objects.get(status=RuleSet.Status.ACTIVE),
        started_at=timezone.now(),
    )
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/risk/recomputerun/progress/")
    sign_in(page, "adam")
    stage = page.get_by_role("status")
    bar = page.get_by_role("progressbar")
    expect(stage).to_have_text("Reading everyone's records")

    RecomputeRun.objects.filter(pk=run.pk).update(steps_done=1)
    expect(stage).to_have_text("Checking the rules")
    expect(bar).to_have_attribute("value", "25")

    RecomputeRun.objects.filter(pk=run.pk).update(
        status=RecomputeRun.Status.PUBLISHED,
        steps_done=4,
        finished_at=timezone.now(),
        population=3,
        flagged=1,
        counts_by_tier={"very_high": 0, "high": 1, "raised": 0},
    )
    # The page reloads itself with the run's results.
    expect(page.get_by_text("3 people checked; 1 flagged: 0 very high, 1 high")).to_be_visible()
    expect(stage).to_have_text("Published")
    expect(bar).to_have_attribute("value", "100")


def test_the_import_page_follows_the_job_until_it_finishes(live_server, page, adam):
    job = ImportJob.objects.create(
        created_by=adam,
        file_names=["contacts: contacts.csv"],
        status=ImportJob.Status.RUNNING,
        progress=10,
        stage="Reading contacts.csv",
    )
    page.goto(f"{live_server.url}/data/import/{job.external_id}/")
    sign_in(page, "adam")
    bar = page.get_by_role("progressbar")
    expect(page.locator("#import-stage")).to_have_text("Reading contacts.csv")

    ImportJob.objects.filter(pk=job.pk).update(progress=60, stage="Saving contacts.csv")
    expect(page.locator("#import-stage")).to_have_text("Saving contacts.csv")
    expect(bar).to_have_attribute("value", "60")

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.SUCCEEDED,
        progress=100,
        stage="Finished",
        finished_at=timezone.now(),
        counts={"contacts": {"rows": 3, "rejected": 0, "created": 3, "updated": 0, "unchanged": 0}},
    )
    # The page reloads itself with the counts.
    expect(page.get_by_role("cell", name="contacts.csv")).to_be_visible()
    expect(page.locator("#import-status")).to_have_text("Imported")
    expect(bar).to_have_attribute("value", "100")
