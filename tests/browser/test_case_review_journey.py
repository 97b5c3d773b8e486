"""A team lead in a real browser schedules a case review of the people due one, and
records decisions, an action and the next review date for each of three."""

import pytest
from playwright.sync_api import expect

from casereviews.models import Meeting, ReviewAction
from tests.browser.conftest import sign_in
from tests.casereviews.conftest import make_flag
from tests.factories import ServiceUserFactory, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def three_due_people(north, alice) -> list:
    """Ash, Bo and Cam of North, alice's, each flagged very high long enough to be due."""
    people = [
        ServiceUserFactory(team=north, keyworker=alice, first_name=name, last_name="Due")
        for name in ("Ash", "Bo", "Cam")
    ]
    for ago, person in enumerate(people):
        make_flag(person, raised_on=days_ago(9 - 3 * ago))
    return people


def schedule_and_record(page, screenshot, people, alice, partners: dict | None = None) -> None:
    """As the team lead, signed in: schedule a meeting of the people due, record decisions,
    an action (owned by alice; assigned to the partner organisation `partners` names for a
    person, if any) and the next review date for each, and mark the meeting held."""
    partners = partners or {}
    page.get_by_role("link", name="Case reviews", exact=True).click()
    expect(page.get_by_role("heading", name="Case reviews", exact=True)).to_be_visible()
    expect(page.locator("table.due-reviews tbody tr")).to_have_count(3)
    screenshot("case-reviews-due")

    page.get_by_role("link", name="Schedule a meeting").click()
    page.locator("#id_meets_on").fill(days_ago(0).strftime("%d/%m/%Y"))
    page.locator("#id_meets_at").fill("10:00")
    page.locator("#id_place").fill("Team room")
    page.get_by_role("checkbox", name=alice.display_name).check()
    page.locator("#id_partners").fill("Sam Patel, Probation Service, probation officer")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("Meeting scheduled with 3 people")
    expect(page.locator("section.reviewed-person")).to_have_count(3)
    expect(page.get_by_text("Sam Patel (Probation Service, probation officer)")).to_be_visible()
    screenshot("case-review-meeting")

    for person in people:
        name = f"{person.first_name} {person.last_name}"
        page.get_by_role("link", name=f"Record decisions for {name}").click()
        page.locator("#id_decisions").fill(f"Daily contact for {person.first_name}.")
        page.locator("#id_next_review_on").fill(days_ago(-28).strftime("%d/%m/%Y"))
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("Decisions saved.")
        page.get_by_role("link", name=f"Add an action for {name}").click()
        page.locator("#id_description").fill("Offer a second naloxone kit")
        page.locator("#id_owner").select_option(label=alice.display_name)
        page.locator("#id_due_on").fill(days_ago(-7).strftime("%d/%m/%Y"))
        if person in partners:
            page.get_by_label("Assigned to a partner organisation").select_option(
                label=partners[person]
            )
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("Action added.")

    page.get_by_role("button", name="Mark the meeting held").click()
    expect(page.locator("#meeting-status")).to_have_text("Held")
    screenshot("case-review-held")


def test_a_team_lead_schedules_a_review_and_records_it_for_three_due_people(
    live_server, page, screenshot, tess, alice, north
):
    people = three_due_people(north, alice)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url)
    sign_in(page, "tess")
    schedule_and_record(page, screenshot, people, alice)
    # What was recorded, by whom, on the meeting's history page.
    page.get_by_role("link", name="History of this meeting").click()
    history = page.locator(".record-history")
    expect(history).to_contain_text("Daily contact for Ash.")
    expect(history).to_contain_text("Review action added by Tess")
    screenshot("case-review-history")

    meeting = Meeting.objects.get()
    assert meeting.is_held
    assert sorted(meeting.reviewed.values_list("decisions", flat=True)) == [
        "Daily contact for Ash.",
        "Daily contact for Bo.",
        "Daily contact for Cam.",
    ]
    assert ReviewAction.objects.filter(owner=alice).count() == 3
    assert errors == []
