"""A team lead in a real browser: caseload sizes against the cap, and a reassignment
that changes them (confirming when it takes a keyworker over the cap)."""

import pytest
from playwright.sync_api import expect

from cases.models import Role
from tests.browser.conftest import sign_in
from tests.factories import EpisodeFactory, ServiceUserFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def size_of(page, username):
    return page.locator(f'tr[data-keyworker="{username}"] [data-size]')


def test_a_team_lead_reassigns_a_person_and_sees_the_sizes_change(
    live_server, page, screenshot, tess, alice, north, jo
):
    north.caseload_cap = 2
    north.save()
    carl = UserFactory(username="carl", first_name="Carl", role=Role.KEYWORKER, team=north)
    EpisodeFactory(service_user=jo)
    for _ in range(2):
        EpisodeFactory(service_user=ServiceUserFactory(team=north, keyworker=carl))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url)
    sign_in(page, "tess")
    page.get_by_role("link", name="Caseload sizes").click()
    expect(page.get_by_role("heading", name="Caseload sizes")).to_be_visible()
    expect(size_of(page, "alice")).to_have_text("1")
    expect(size_of(page, "carl")).to_have_text("2")
    expect(page.locator('tr[data-keyworker="carl"]')).to_contain_text("At the cap")
    screenshot("team-caseloads")

    page.get_by_role("link", name="Team caseload", exact=True).click()
    page.get_by_role("link", name=jo.display_name).click()
    page.get_by_role("link", name=f"Reassign {jo.display_name}").click()
    expect(page.get_by_text("Not flagged: no open risk flag.")).to_be_visible()
    page.get_by_label("New keyworker").select_option(
        label="Carl Worker" + carl.last_name[6:] + " (2 of 2, at the cap)"
    )
    page.get_by_label("Why they are moving").fill("Balancing the team's caseloads.")
    page.get_by_label("Handover note").fill("Prefers texts to calls.")
    page.get_by_role("button", name=f"Reassign {jo.display_name}").click()

    expect(page.locator("#form-errors")).to_contain_text("over the team's cap of 2")
    page.get_by_label("Yes, reassign them even though it goes over the cap").check()
    page.get_by_role("button", name=f"Reassign {jo.display_name}").click()

    expect(page.get_by_role("status")).to_contain_text(f"{jo.display_name} is now on")
    expect(size_of(page, "alice")).to_have_text("0")
    expect(size_of(page, "carl")).to_have_text("3")
    expect(page.locator('tr[data-keyworker="carl"]')).to_contain_text("Over the cap by 1")
    screenshot("team-caseloads-after-reassignment")
    jo.refresh_from_db()
    assert jo.keyworker == carl
    assert errors == []
