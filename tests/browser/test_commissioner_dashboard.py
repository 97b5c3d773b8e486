"""A commissioner opens the commissioner dashboard in a real browser: signs in with the
second factor, follows the link on their welcome page, changes the period and the split,
downloads the CSV, and never sees a person; axe finds nothing serious at 1280 and 768 px."""

import datetime

import pytest
from playwright.sync_api import expect

from commissioning.models import ApiClient
from tests.browser.conftest import field, sign_in
from tests.outcomes.figures.conftest import person, several, supply, treated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date
# The page holds every family's tables: its accessibility check, run before each step,
# takes longer than a small page's on a busy machine.
LONG_PAGE = 120_000


@pytest.fixture
def treated_people(north, south, authorities):
    made = []

    def north_man():
        who = person(team=north, local_authority=authorities[0])
        treated(who, started=D(2026, 1, 10))
        supply(who, on=D(2026, 2, 1), expires=D(2027, 1, 1))
        made.append(who)

    def south_woman():
        who = person(team=south, sex="F", local_authority=authorities[1])
        treated(who, started=D(2026, 1, 10))
        made.append(who)

    several(5, north_man)
    several(5, south_woman)
    return made


def identifiers(people) -> list[str]:
    found = []
    for who in people:
        found += [who.last_name, who.client_ref, str(who.external_id)]
        if who.nhs_number:
            found.append(who.nhs_number)
    return [text for text in found if text]


def test_a_commissioner_reads_the_figures_changes_the_period_and_split_and_downloads_them(
    live_server, page, cora, treated_people, tmp_path
):
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save(update_fields=["api_client"])
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url)
    sign_in(page, "cora")
    page.set_default_timeout(LONG_PAGE)
    page.get_by_role("link", name="Open the commissioner dashboard").click()
    expect(page.get_by_role("heading", name="Commissioner dashboard", level=1)).to_be_visible(
        timeout=LONG_PAGE
    )
    expect(page.get_by_role("heading", name="Naloxone coverage", level=2)).to_be_visible(
        timeout=LONG_PAGE
    )

    field(page, "From").fill("01/04/2026")
    field(page, "To").fill("30/06/2026")
    field(page, "Split by").select_option(label="Sex")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#dashboard-period")).to_contain_text(
        "From 01/04/2026 to 30/06/2026", timeout=LONG_PAGE
    )
    supplied = page.locator("#table-naloxone_coverage-naloxone_kit_supplied")
    expect(supplied.get_by_role("row", name="Everyone")).to_contain_text("50.0%", timeout=LONG_PAGE)
    expect(supplied.get_by_role("row", name="Female")).to_contain_text("0.0%", timeout=LONG_PAGE)
    expect(page.locator("canvas#chart-naloxone_coverage-naloxone_kit_supplied")).to_be_visible(
        timeout=LONG_PAGE
    )

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    saved = tmp_path / "figures.csv"
    downloading.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("family,key,label,client_group,category,segment,value,")
    assert "naloxone_coverage,naloxone_kit_supplied," in text

    body = page.inner_text("body")
    for identifier in identifiers(treated_people):
        assert identifier not in body
        assert identifier not in text

    page.set_viewport_size({"width": 768, "height": 1000})
    page.reload()
    expect(page.get_by_role("heading", name="Commissioner dashboard", level=1)).to_be_visible(
        timeout=LONG_PAGE
    )
    page.axe.check()
    assert errors == []
