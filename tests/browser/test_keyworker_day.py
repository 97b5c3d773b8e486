"""A keyworker's day in a real browser: the outreach worklist, a flagged person, an overdose
that raises the flag, naloxone that mitigates it, and a TOP.

The flags are computed by the real engine. In the browser, each saved record queues the
person's recompute through `record_changed` and the Celery task; without `REDIS_URL` the
tests run Celery eagerly (`CELERY_TASK_ALWAYS_EAGER`, see config/settings.py), so the task
runs in the live server right after the save commits, as the README describes.
"""

import pytest
from playwright.sync_api import expect

from cases.models import EventKind
from risk.models import Flag, OutreachAttempt
from risk.services import flags_recompute_person
from tests.browser.conftest import field, sign_in
from tests.factories import EpisodeFactory, EventFactory, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def jo_released_from_prison(jo):
    """Jo: on heroin, not on OST, no naloxone kit, released from prison 5 days ago."""
    EpisodeFactory(service_user=jo, referral_date=days_ago(200))
    EventFactory(service_user=jo, kind=EventKind.PRISON_RELEASE, occurred_on=days_ago(5))
    flag = flags_recompute_person(person_id=jo.pk)
    assert flag is not None
    assert flag.tier == "high"
    return jo


def test_a_keyworker_works_the_worklist_then_sees_an_overdose_raise_a_flag_and_naloxone_mitigate_it(
    live_server, page, screenshot, alice, jo_released_from_prison
):
    jo = jo_released_from_prison
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The day starts at the outreach worklist.
    page.goto(f"{live_server.url}/outreach/")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="Outreach worklist")).to_be_visible()
    page.evaluate("window.stayedOnPage = true")
    row = page.locator(f"#entry-{jo.external_id}")
    expect(row.locator(".tier-badge")).to_have_text("High")
    row.get_by_text("Record an attempt").click()
    row.get_by_text("Phone", exact=True).click()
    row.get_by_text("Not contactable", exact=True).click()
    row.get_by_role("button", name="Save attempt").click()
    expect(row.get_by_role("status")).to_contain_text("Recorded for Jo Bloggs: Not contactable")
    assert page.evaluate("window.stayedOnPage") is True  # no page load: the row was swapped
    assert OutreachAttempt.objects.get().outcome == "not_contactable"
    screenshot("keyworker-worklist-attempt")

    # Jo's record says why they are flagged.
    page.locator(f"#entry-{jo.external_id}").get_by_role("link", name="Jo Bloggs").click()
    expect(page.get_by_role("heading", name="Jo Bloggs", level=1)).to_be_visible()
    flag_section = page.locator("section", has=page.get_by_role("heading", name="Risk flag"))
    expect(flag_section.locator(".card .tier-badge")).to_have_text("High")
    reasons = flag_section.locator(".flag-reasons")
    expect(reasons).to_contain_text("Released from prison 5 days ago")
    expect(reasons).to_contain_text("No naloxone kit on record")
    expect(reasons).to_contain_text("rule prison_release_2w v2")
    mitigations = flag_section.locator(".mitigations")
    expect(mitigations).to_contain_text("Naloxone")
    screenshot("keyworker-flagged-person")

    # A non-fatal overdose last night: the flag rises to very high.
    page.get_by_role("link", name="Event or overdose").click()
    expect(page.get_by_role("heading", name="Record an event")).to_be_visible()
    field(page, "Kind").select_option(label="Non-fatal overdose")
    field(page, "Date").fill(days_ago(1).isoformat())
    page.get_by_label("Opioids", exact=True).check()
    page.get_by_label("Ambulance", exact=True).check()
    field(page, "Taken to hospital").select_option(label="Yes")
    field(page, "Told by").select_option(label="Ambulance service")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Jo Bloggs", level=1)).to_be_visible()
    expect(flag_section.locator(".card .tier-badge")).to_have_text("Very high")
    expect(reasons).to_contain_text("Overdose yesterday")
    assert Flag.objects.get(service_user=jo, ended_on__isnull=True).tier == "very_high"
    screenshot("keyworker-flag-raised")

    # A naloxone kit handed over: the reason goes and the mitigation shows.
    page.get_by_role("link", name="Naloxone", exact=True).click()
    field(page, "Date supplied").fill(days_ago(0).isoformat())
    field(page, "Formulation").select_option(label="Nasal spray")
    field(page, "First or repeat").select_option(label="First supply")
    field(page, "Batch number").fill("NX-2026-114")
    field(page, "Kit expiry date").fill(days_ago(-700).isoformat())
    field(page, "Supplied in").select_option(label="Treatment service")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Jo Bloggs", level=1)).to_be_visible()
    expect(reasons).not_to_contain_text("No naloxone kit on record")
    naloxone = mitigations.locator("li", has_text="Naloxone")
    expect(naloxone).to_contain_text(f"In place: Naloxone: Supplied {days_ago(0):%d/%m/%Y}")
    screenshot("keyworker-naloxone-mitigation")

    # And the start TOP, in the same visit.
    page.get_by_role("link", name="TOP", exact=True).click()
    expect(page.get_by_role("heading", name="Record a TOP assessment")).to_be_visible()
    page.get_by_label("Stage").select_option("S")
    page.get_by_label("Date of interview").fill(days_ago(0).isoformat())
    page.get_by_label("OPIUSE: Days used illicit opioids").fill("9")
    page.get_by_role("button", name="Save TOP").click()
    expect(page.get_by_text("TOP assessment recorded.")).to_be_visible()
    expect(page.get_by_role("row", name="OPIUSE: Days used illicit opioids")).to_contain_text("9")
    assert errors == []
