"""A team lead in a real browser invites a partner organisation to a meeting already
scheduled, from the meeting page: a choice made wrongly is said at the field, the one made
rightly names the organisation among those contributing, and the form offers no one more."""

import pytest
from playwright.sync_api import expect

from partners.models import PartnerOrganisation
from tests.browser.conftest import sign_in
from tests.casereviews.conftest import scheduled_meeting
from tests.factories import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_lead_invites_a_partner_organisation_after_scheduling(
    live_server, page, screenshot, tess, north
):
    PartnerOrganisation.objects.create(name="County Ambulance", kind="ambulance")
    meeting = scheduled_meeting(north, tess, [], days_ago(-2))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url)
    sign_in(page, "tess")
    page.goto(f"{live_server.url}/case-reviews/meetings/{meeting.external_id}/")
    invite = page.locator("#invite-organisations")
    expect(invite.get_by_role("checkbox", name="County Ambulance")).to_be_visible()
    screenshot("case-review-invite")

    # Nothing ticked: refused, saying what to do.
    invite.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Choose at least one partner organisation to invite."
    )
    page.get_by_role("checkbox", name="County Ambulance").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Invited to contribute in Lantern: County Ambulance."
    )
    expect(page.locator("#invited-organisations")).to_contain_text("County Ambulance")
    expect(page.locator("#invite-organisations")).to_have_count(0)
    assert list(meeting.invited.values_list("organisation__name", flat=True)) == [
        "County Ambulance"
    ]
    assert errors == []
