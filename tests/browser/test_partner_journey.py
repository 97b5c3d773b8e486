"""A partner agency in a real browser. The team lead reviews three due people and assigns one
action to Northshire Police (tests/browser/test_case_review_journey.py's steps); then pat of
Northshire Police signs in with a password and the second factor, as staff do, answers the
request for information a death review sent the police, writes the police's section of that
joint review and their contribution to the team's next case review, and reaches nothing
else: their home lists only Northshire's items, and a person page, the caseload and its
search are not found. Axe checks every page (the page fixture fails the test on a serious
or critical violation)."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from casereviews import services as case_review_services
from casereviews.models import PartnerContribution
from casereviews.models import ReviewAction as CaseReviewAction
from deathreviews.models import InformationRequest, JointReviewSection, PartnerAgency
from partners.services import consent_record
from tests.browser.conftest import sign_in
from tests.browser.test_case_review_journey import schedule_and_record, three_due_people
from tests.deathreviews.conftest import add_request, notify, update
from tests.factories import ServiceUserFactory, days_ago
from tests.partners.world import organisation_with_agreement, partner_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def consent(person, organisation, recorded_by):
    return consent_record(
        service_user=person,
        recorded_by=recorded_by,
        organisation=organisation,
        given_on=days_ago(20),
        how="in_person",
        scope="Contacts and risk, for reviews.",
    )


def test_a_partner_answers_a_request_writes_their_section_and_sees_nothing_else(
    live_server, page, screenshot, tess, alice, gina, north
):
    police = organisation_with_agreement("Northshire Police", "police")
    ambulance = organisation_with_agreement("County Ambulance", "ambulance")
    pat = partner_user(police, "pat")
    police_agency = PartnerAgency.objects.create(
        name="Northshire Police", kind="police", organisation=police
    )
    ambulance_agency = PartnerAgency.objects.create(
        name="County Ambulance", kind="ambulance", organisation=ambulance
    )
    people = three_due_people(north, alice)
    ash = people[0]
    consent(ash, police, alice)
    dee = ServiceUserFactory(team=north, keyworker=alice, first_name="Dee", last_name="Gone")
    consent(dee, police, alice)
    review = notify(gina, person=dee, occurred_on=days_ago(12))
    update(review, gina, joint_review=True, joint_agencies=[police_agency])
    request = add_request(review, gina, agency=police_agency, asked="Custody contacts in May.")
    # The ambulance service's request, about someone the service never knew: not Northshire's.
    other = notify(gina, person_name="Sam Unknown", age=40, sex="M")
    add_request(other, gina, agency=ambulance_agency, asked="Call-outs to Sam Unknown.")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url)
    sign_in(page, "tess")
    schedule_and_record(page, screenshot, people, alice, partners={ash: "Northshire Police"})
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Lantern")).to_be_visible()

    # The partner signs in as staff do, enrolling their authenticator app the first time.
    sign_in(page, "pat")
    expect(page.get_by_role("heading", name="Northshire Police", level=1)).to_be_visible()
    assert page.url == live_server.url + reverse("partner_home")
    body = page.locator("main")
    expect(body).to_contain_text("Dee Gone")
    expect(body).to_contain_text("Ash Due")
    expect(body).not_to_contain_text("Bo Due")
    expect(body).not_to_contain_text("Sam Unknown")
    expect(page.locator("nav").get_by_role("link", name="Caseload")).to_have_count(0)
    screenshot("partner-home")

    page.locator(f"a[href='{reverse('partner_request', args=[request.external_id])}']").click()
    expect(page.get_by_role("heading", name="Request for information")).to_be_visible()
    expect(page.get_by_text("Custody contacts in May.")).to_be_visible()
    page.get_by_label("Your answer").fill("Detained twice in May; released without charge.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_role("status")).to_contain_text("your answer has been sent")

    page.get_by_role("link", name="Open your section").click()
    expect(page.get_by_role("heading", name="Northshire Police's section")).to_be_visible()
    page.get_by_label("What your agency knew").fill("Two custody contacts in May.")
    page.get_by_label("What your agency did").fill("Referred him from custody to the service.")
    page.get_by_label("Your agency's learning").fill("Tell the service of each release.")
    screenshot("partner-joint-section")
    page.get_by_role("button", name="Save your section").click()
    expect(page.get_by_role("status")).to_contain_text("section has been saved")
    expect(body).to_contain_text(f"Saved {days_ago(0):%d/%m/%Y}")

    # The team's next case review invites the police: they write what they know of Ash.
    case_review_services.meeting_schedule(
        team=north,
        meets_on=days_ago(-3),
        meets_at=datetime.time(10, 0),
        place="Room 2",
        staff=[tess],
        partners=[],
        people=[ash],
        scheduled_by=tess,
        organisations=[police],
    )
    page.goto(live_server.url + reverse("partner_home"))
    page.get_by_role("link", name="Open your contribution").click()
    expect(
        page.get_by_role("heading", name="Northshire Police's contribution to a case review")
    ).to_be_visible()
    expect(body).to_contain_text("Ash Due")
    expect(body).not_to_contain_text("Room 2")
    page.get_by_label("What your agency knows").fill("Stopped twice this month, unwell once.")
    page.get_by_label("What your agency is doing about it").fill("A welfare visit this week.")
    screenshot("partner-case-review")
    page.get_by_role("button", name="Save your contribution").click()
    expect(page.get_by_role("status")).to_contain_text("contribution has been saved")

    # Nothing else: the person page, the caseload and its search are not found.
    for path in (
        reverse("person_detail", args=[ash.external_id]),
        reverse("caseload", args=["team"]),
        reverse("caseload", args=["all"]) + "?q=Due",
    ):
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 404, path
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("Ash Due")

    answered = InformationRequest.objects.get(pk=request.pk)
    assert answered.received_on == days_ago(0)
    assert answered.response_summary == "Detained twice in May; released without charge."
    section = JointReviewSection.objects.get(review=review)
    assert (section.organisation, section.updated_by) == (police, pat)
    assert section.knew == "Two custody contacts in May."
    assert CaseReviewAction.objects.filter(partner_organisation=police).count() == 1
    contribution = PartnerContribution.objects.get(organisation=police)
    assert (contribution.reviewed.service_user, contribution.updated_by) == (ash, pat)
    assert contribution.knows == "Stopped twice this month, unwell once."
    assert errors == []
