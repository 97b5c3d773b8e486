"""A governance user files a death review in a real browser: notifies the death of a person
with flags, sees what Lantern knew, adds toxicology and an action, tries to sign off early
and sees what is missing, completes the review, signs it off and approves its learning for
the bulletin."""

import pytest
from playwright.sync_api import expect

from deathreviews.models import Review, ReviewStatus
from tests.browser.conftest import field, sign_in
from tests.factories import EpisodeFactory, days_ago
from tests.risk.ui.conftest import make_flag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save(page):
    page.get_by_role("button", name="Save").click()


def test_governance_files_a_review_from_notification_to_sign_off(
    live_server, page, screenshot, gina, alice, jo
):
    EpisodeFactory(service_user=jo, referral_date=days_ago(300))
    make_flag(jo, tier="very_high", raised_on=days_ago(12))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/reviews/new/")
    sign_in(page, "gina")

    expect(
        page.get_by_role("heading", name="Notify a death or near-fatal overdose")
    ).to_be_visible()
    page.get_by_label("Type of review").select_option(label="Drug-related death")
    page.get_by_label("Client reference or NHS number").fill(jo.client_ref)
    page.get_by_label("Date of death or overdose").fill(f"{days_ago(4):%d/%m/%Y}")
    page.get_by_label("Date notified").fill(f"{days_ago(2):%d/%m/%Y}")
    field(page, "Notified by").select_option(label="Coroner")
    page.get_by_role("button", name="File the review").click()

    # What Lantern knew, frozen: the very high flag raised 8 days before the death.
    snapshot = page.locator("#snapshot")
    expect(snapshot.get_by_text("What Lantern knew")).to_be_visible()
    expect(snapshot.locator(".track-record").get_by_text("Very high").first).to_be_visible()
    expect(snapshot.get_by_text(f"{days_ago(12):%d/%m/%Y} (8 days before)")).to_be_visible()
    screenshot("review-notified")
    page.get_by_role("link", name="See everything in the snapshot").click()
    expect(
        page.get_by_role("heading", name="Risk flags and outreach in the 90 days before")
    ).to_be_visible()
    expect(page.get_by_text("prison_release_2w v2")).to_be_visible()
    page.go_back()

    page.get_by_role("link", name="Add a substance found").click()
    field(page, "Substance").select_option(label="Heroin or morphine")
    page.get_by_label("Implicated in the death or overdose").check()
    save(page)
    expect(
        page.locator("#toxicology").get_by_role("cell", name="Heroin or morphine", exact=True)
    ).to_be_visible()
    page.get_by_role("link", name="Edit toxicology").click()
    page.get_by_label("Toxicology status").select_option(label="Results available")
    save(page)

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Description").fill("Offer naloxone at every contact after a release.")
    field(page, "Owner").select_option(label=f"{alice.display_name} (keyworker)")
    page.get_by_label("Due on").fill(f"{days_ago(-30):%d/%m/%Y}")
    save(page)
    expect(page.locator("#actions").get_by_text("Offer naloxone at every contact")).to_be_visible()

    page.get_by_role("button", name="Start gathering information").click()
    expect(page.get_by_text("is now gathering information")).to_be_visible()
    page.get_by_role("link", name="Edit circumstances").click()
    field(page, "Place").select_option(label="Their own home")
    page.get_by_label("Found by").select_option(label="Family member")
    save(page)
    page.get_by_role("button", name="Ready for panel").click()
    expect(page.get_by_text("is now ready for panel")).to_be_visible()
    page.get_by_role("link", name="Edit panel findings").click()
    page.get_by_label("Panel date").fill(f"{days_ago(0):%d/%m/%Y}")
    page.get_by_label("Panel members").fill("Gina (chair), pharmacist, GP, probation")
    save(page)
    page.get_by_role("button", name="Record that the panel met").click()
    expect(page.get_by_text("is now panel held")).to_be_visible()

    # Too early: the findings are not written yet.
    page.get_by_role("link", name="Sign off").click()
    missing = page.locator("#missing")
    expect(missing.get_by_text("It still needs")).to_be_visible()
    expect(
        missing.get_by_role("link", name="Record whether it was judged preventable.")
    ).to_be_visible()
    expect(missing.get_by_role("link", name="Record the cause of death.")).to_be_visible()
    screenshot("review-sign-off-refused")
    assert Review.objects.get().status == ReviewStatus.PANEL_HELD

    missing.get_by_role("link", name="Record whether it was judged preventable.").click()
    page.get_by_label("Modifiable factors").fill("Used alone; no naloxone kit at home.")
    page.get_by_label("Judged preventable").select_option(label="Potentially preventable")
    page.get_by_label("Missed opportunities").fill("No naloxone at the last contact.")
    field(page, "Learning").fill("Offer naloxone after every risky event.")
    page.get_by_label("Learning to share").fill(
        "After a prison release, offer naloxone at every contact in the weeks that follow."
    )
    save(page)
    page.get_by_role("link", name="Edit cause of death and inquest").click()
    page.get_by_label("Cause of death").fill("1a Heroin toxicity")
    save(page)

    page.get_by_role("link", name="Sign off").click()
    expect(page.get_by_text("This step cannot be taken back")).to_be_visible()
    page.get_by_role("button", name="Yes, sign off").click()
    expect(page.get_by_text("is now signed off")).to_be_visible()
    expect(page.get_by_text(f"by {gina.display_name}").first).to_be_visible()
    screenshot("review-signed-off")
    assert Review.objects.get().status == ReviewStatus.SIGNED_OFF

    # Nothing is shared until governance approves it, each text checked again.
    page.get_by_role("link", name="Learning bulletin").click()
    expect(page.get_by_text("offer naloxone at every contact in the weeks")).to_have_count(0)
    page.get_by_role("link", name="Approve for the bulletin").click()
    learning = page.locator(".bulletin-pending").filter(has_text="Learning to share")
    learning.get_by_label("Text the bulletin will show").fill(
        "After a prison release, offer naloxone at every contact in the weeks that follow. "
        "Ring the family on 07700 900123."
    )
    learning.get_by_role("button", name="Approve for the bulletin").click()
    expect(page.get_by_text("a phone number (07700 900123)").first).to_be_visible()
    screenshot("bulletin-approval-refused")
    learning = page.locator(".bulletin-pending").filter(has_text="Learning to share")
    learning.get_by_label("Text the bulletin will show").fill(
        "After a prison release, offer naloxone at every contact in the weeks that follow."
    )
    learning.get_by_role("button", name="Approve for the bulletin").click()
    expect(page.get_by_text("it now appears on the learning bulletin")).to_be_visible()
    page.get_by_role("link", name="Learning bulletin").first.click()
    expect(page.get_by_text("offer naloxone at every contact in the weeks")).to_be_visible()
    expect(page.get_by_text("Bloggs")).to_have_count(0)
    assert errors == []
