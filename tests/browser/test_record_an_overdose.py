"""Recording an overdose from the header, as a keyworker does from the field: find the
person, say what happened, save. One page and one submit, timed."""

import time

import pytest
from playwright.sync_api import expect

from cases.models import Event, EventKind, NaloxoneSupply, UnidentifiedPerson
from overdoses.models import FollowUp
from tests.browser.conftest import sign_in
from tests.factories import EpisodeFactory, NaloxoneSupplyFactory, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Seconds the journey may take from the header's button to the saved overdose: generous
# for a busy machine, but a page that needed a second form or a reload per field would
# not make it.
JOURNEY_SECONDS = 20


def test_a_keyworker_records_a_known_persons_overdose_from_the_header_in_one_submit(
    live_server, page, screenshot, alice, jo
):
    EpisodeFactory(service_user=jo, referral_date=days_ago(200))
    page.goto(f"{live_server.url}/")
    sign_in(page, "alice")
    expect(page.get_by_role("link", name="Record an overdose")).to_be_visible()

    started = time.monotonic()
    page.get_by_role("link", name="Record an overdose").click()
    expect(page.get_by_role("heading", name="Record an overdose")).to_be_visible()
    # The search box has the focus: type and press Enter.
    page.keyboard.type("Bloggs")
    page.keyboard.press("Enter")
    person = page.get_by_role("radio", name="Jo Bloggs")
    expect(person).to_be_checked()
    page.get_by_label("Told by").select_option("ambulance")
    page.get_by_label("Opioids", exact=True).check()
    page.get_by_label("Taken to hospital").select_option("true")
    screenshot("record-an-overdose")
    page.get_by_role("button", name="Save the overdose").click()
    page.wait_for_url(lambda url: "/overdoses/record/" not in url)
    elapsed = time.monotonic() - started
    expect(page.locator("body")).to_contain_text("Overdose recorded for Jo Bloggs")

    event = Event.objects.get(service_user=jo, kind=EventKind.NON_FATAL_OVERDOSE)
    assert event.taken_to_hospital is True
    follow_up = FollowUp.objects.get(overdose=event)
    assert follow_up.owner == alice
    assert follow_up.is_open
    print(f"Overdose recorded from the header in {elapsed:.1f} seconds")
    assert elapsed < JOURNEY_SECONDS

    # By the time the page after the save has loaded, the overdose has raised jo's flag (the
    # recompute ran as the save committed) and its follow-up heads alice's worklist.
    page.get_by_role("link", name="Outreach worklist").first.click()
    expect(page.get_by_role("heading", name="Outreach worklist")).to_be_visible()
    to_do = page.locator(".follow-ups-to-do")
    expect(to_do.get_by_role("link", name="Jo Bloggs").first).to_be_visible()
    flagged = page.get_by_role("listitem").filter(has_text="Overdose today")
    expect(flagged.filter(has_text="High").first).to_be_visible()


def test_someone_not_yet_known_is_recorded_and_listed_for_the_team(live_server, page, alice, tess):
    page.goto(f"{live_server.url}/overdoses/record/")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="Record an overdose")).to_be_visible()
    page.get_by_label("Not yet known to the service").check()
    page.get_by_label("Name or description").fill("Dave, red jacket, Station Road")
    page.get_by_label("Approximate age").fill("45")
    page.get_by_label("Told by").select_option("peer")
    page.get_by_role("button", name="Save the overdose").click()
    expect(page.locator("body")).to_contain_text("Overdose recorded for someone not yet known")

    someone = UnidentifiedPerson.objects.get()
    assert someone.approximate_age == 45
    assert FollowUp.objects.get(overdose__unidentified_person=someone).owner == tess
    page.goto(f"{live_server.url}/overdoses/not-yet-known/")
    expect(page.get_by_role("link", name="Dave, red jacket, Station Road")).to_be_visible()


def test_a_kit_to_hostel_staff_and_the_kits_to_renew(live_server, page, alice, north, jo):
    EpisodeFactory(service_user=jo)
    NaloxoneSupplyFactory(service_user=jo, supplied_on=days_ago(700), expiry_date=days_ago(5))

    page.goto(f"{live_server.url}/overdoses/naloxone/non-clients/")
    sign_in(page, "alice")
    expect(
        page.get_by_role("heading", name="Naloxone to people who are not clients")
    ).to_be_visible()
    page.get_by_label("Recipient").select_option("hostel_staff")
    page.get_by_label("Formulation").select_option("nasal")
    page.get_by_label("First or repeat").select_option("first")
    page.get_by_label("Batch number").fill("NX-2231")
    page.get_by_label("Kit expiry date").fill(days_ago(-700).strftime("%d/%m/%Y"))
    page.get_by_label("Supplied in").select_option("outreach")
    page.get_by_role("button", name="Save the supply").click()
    expect(page.locator("body")).to_contain_text("Naloxone supply recorded")
    expect(page.locator(".non-client-supplies")).to_contain_text("Hostel or housing staff")
    assert NaloxoneSupply.objects.get(team=north).recipient == "hostel_staff"

    page.get_by_role("link", name="Naloxone kits to renew").click()
    expect(page.get_by_role("link", name="Jo Bloggs")).to_be_visible()
    expect(page.locator(".renewals-table")).to_contain_text("Expired")
