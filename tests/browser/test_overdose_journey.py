"""A keyworker works an overdose follow-up in a real browser: from the top of the worklist,
an unanswered call, then the close with treatment restarted and a naloxone kit supplied;
the worklist no longer shows it. The journey is timed in the output; the test asserts what
happened, not how long it took."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services as cases_services
from cases.models import EventKind, InformationSource, NaloxoneGiver
from overdoses.models import FollowUp, FollowUpAttempt, Outcome
from tests.browser.conftest import sign_in
from tests.factories import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_keyworker_follows_up_an_overdose_and_closes_it_with_treatment_restarted(
    live_server, page, screenshot, alice, jo
):
    overdose = cases_services.event_create(
        service_user=jo,
        recorded_by=alice,
        kind=EventKind.NON_FATAL_OVERDOSE,
        occurred_on=days_ago(1),
        information_source=InformationSource.AMBULANCE,
        naloxone_given_by=NaloxoneGiver.AMBULANCE,
        naloxone_doses=1,
        taken_to_hospital=True,
        place="Hostel on Mill Street",
    )
    follow_up = FollowUp.objects.get(overdose=overdose)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/outreach/")
    sign_in(page, "alice")
    started = time.monotonic()

    expect(page.get_by_role("heading", name="Outreach worklist")).to_be_visible()
    to_do = page.locator(".follow-ups-to-do")
    expect(to_do.get_by_role("heading", name="Overdose follow-ups")).to_be_visible()
    screenshot("overdose-worklist-top")
    to_do.get_by_role("link", name="Jo Bloggs").click()

    expect(page.get_by_role("heading", name="Overdose follow-up")).to_be_visible()
    expect(page.get_by_text("Hostel on Mill Street")).to_be_visible()
    attempt_form = page.locator(".follow-up-attempt-form")
    attempt_form.get_by_label("Phone").check()
    attempt_form.get_by_label("No, not reached").check()
    attempt_form.get_by_label("Notes (optional)").fill("No answer; voicemail left.")
    attempt_form.get_by_role("button", name="Save attempt").click()

    expect(page.get_by_text("Attempt recorded: phone, did not reach them.")).to_be_visible()
    expect(page.get_by_text("No answer; voicemail left.")).to_be_visible()
    close_form = page.locator(".follow-up-close-form")
    close_form.get_by_label(Outcome.MAT_RESTARTED.label).check()
    now = timezone.localtime()
    close_form.get_by_label("Date you reached them").fill(f"{now:%d/%m/%Y}")
    close_form.get_by_label("Time you reached them").fill(f"{now:%H:%M}")
    close_form.get_by_label("Home or street visit").check()
    close_form.get_by_label("Naloxone kit supplied").check()
    close_form.get_by_label("Adult protection").check()
    close_form.get_by_label("No", exact=True).check()
    screenshot("overdose-close-form")
    close_form.get_by_role("button", name="Close the follow-up").click()

    expect(
        page.get_by_text("Follow-up closed: Contacted: restarted treatment (MAT).")
    ).to_be_visible()
    page.get_by_role("link", name="Outreach worklist").first.click()
    expect(page.get_by_role("heading", name="Outreach worklist")).to_be_visible()
    expect(page.get_by_text("No overdose follow-up is waiting for you.")).to_be_visible()
    elapsed = time.monotonic() - started
    print(f"Overdose follow-up journey, worklist to closed: {elapsed:.1f} seconds")

    follow_up.refresh_from_db()
    assert (follow_up.outcome, follow_up.naloxone_supplied, follow_up.referrals) == (
        Outcome.MAT_RESTARTED,
        True,
        ["adult_protection"],
    )
    assert sorted(FollowUpAttempt.objects.values_list("reached", flat=True)) == [False, True]
    assert errors == []
