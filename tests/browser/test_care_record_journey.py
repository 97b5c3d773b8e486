"""A keyworker in a real browser works from the person page: writes a care plan with two
goals, records a contact against one, assesses overdose risk with a safety plan and records
a hepatitis C test; the top of the page then says what is due next."""

import pytest
from playwright.sync_api import expect

from care.models import BloodBorneVirusTest, CarePlan, GoalContact, RiskAssessment
from tests.browser.conftest import sign_in
from tests.casereviews.conftest import make_flag
from tests.factories import EpisodeFactory, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def uk(ago: int) -> str:
    return days_ago(ago).strftime("%d/%m/%Y")


def test_a_keyworker_writes_a_plan_assesses_risk_and_records_a_hepatitis_c_test(
    live_server, page, screenshot, alice, jo
):
    EpisodeFactory(service_user=jo, referral_date=days_ago(60))
    make_flag(jo, raised_on=days_ago(1))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/")
    sign_in(page, "alice")
    page.get_by_role("link", name="Jo Bloggs").click()
    due = page.locator("ol.person-due")
    expect(due.get_by_role("link", name="Write a care plan")).to_be_visible()
    screenshot("care-person-before")

    # The care plan, from what is due.
    due.get_by_role("link", name="Write a care plan").click()
    page.locator("#id_agreed_on").fill(uk(0))
    page.locator("#id_agreed_how").select_option("in_person")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_be_visible()
    for domain, what in (
        ("housing", "Move into the supported flat."),
        ("physical_health", "Register with a GP."),
    ):
        page.get_by_role("link", name="Add a goal").first.click()
        page.locator("#id_domain").select_option(domain)
        page.locator("#id_what").fill(what)
        page.locator("#id_by_when").fill(uk(-42))
        page.locator("#id_who_helps").fill("Keyworker")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text(what).first).to_be_visible()
    screenshot("care-plan")

    page.get_by_role("link", name="Record a contact against a goal").first.click()
    page.locator("#id_contact_date").fill(uk(0))
    page.locator("#id_kind").select_option("home_visit")
    page.locator("#id_status").select_option("attended")
    page.get_by_label("Housing: Move into the supported flat.").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_be_visible()

    # The overdose risk assessment and safety plan.
    page.goto(f"{live_server.url}/people/{jo.external_id}/")
    page.get_by_role("link", name="Assess overdose risk").first.click()
    page.locator("#id_assessed_on").fill(uk(0))
    for name in (
        "reduced_tolerance",
        "polydrug",
        "recent_overdose",
        "mental_health",
        "housing_problem",
    ):
        page.locator(f"input[name={name}][value=no]").check()
    page.locator("input[name=uses_alone][value=yes]").check()
    page.locator("#id_uses_alone_detail").fill("Uses alone in the flat most evenings.")
    page.locator("#id_own_view").fill("Knows the risk since leaving prison.")
    page.locator("input[name=judgement][value=high]").check()
    page.locator("#id_review_on").fill(uk(-28))
    page.locator("input[name=plan_steps][value=not_alone]").check()
    page.locator("input[name=plan_steps][value=carry_naloxone]").check()
    page.locator("input[name=naloxone_held][value=yes]").check()
    page.locator("input[name=naloxone_around][value=not_known]").check()
    page.locator("#id_plan_review_on").fill(uk(-14))
    screenshot("care-assessment-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_be_visible()

    # A hepatitis C test, taken today, its result not back yet.
    page.goto(f"{live_server.url}/people/{jo.external_id}/")
    page.get_by_role("link", name="Record a test").first.click()
    page.locator("#id_virus").select_option("hcv_antibody")
    page.locator("#id_offered_on").fill(uk(0))
    page.get_by_label("Accepted", exact=True).check()
    page.locator("#id_tested_on").fill(uk(0))
    page.locator("#id_result").select_option("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_be_visible()

    page.goto(f"{live_server.url}/people/{jo.external_id}/")
    expect(due.get_by_text("Care plan review")).to_be_visible()
    expect(due.get_by_text("Review the safety plan")).to_be_visible()
    expect(due.get_by_text("Chase the Hepatitis C antibody result")).to_be_visible()
    expect(due.get_by_text("Write a care plan")).to_have_count(0)
    expect(due.get_by_text("Assess overdose risk")).to_have_count(0)
    expect(page.get_by_text("Move into the supported flat.")).to_be_visible()
    screenshot("care-person-after")

    plan = CarePlan.objects.get(service_user=jo)
    assert sorted(plan.goals.values_list("domain", flat=True)) == ["housing", "physical_health"]
    assert GoalContact.objects.get().goal.what == "Move into the supported flat."
    assessment = RiskAssessment.objects.get(service_user=jo)
    assert (assessment.judgement, assessment.uses_alone) == ("high", "yes")
    test = BloodBorneVirusTest.objects.get(service_user=jo)
    assert (test.virus, test.accepted, test.result) == ("hcv_antibody", True, "")
    assert errors == []
