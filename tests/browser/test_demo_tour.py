"""The main pages on the synthetic demo data, as each role sees them: every tier is shown in
words with an icon, every chart has its numbers in a table, and every page passes axe-core.

With `LANTERN_SCREENSHOTS=1` (`make screenshots`), the test also writes the README's pictures
to `docs/screenshots/`; an ordinary run checks the same pages and writes nothing there.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from deathreviews.models import Review, ReviewStatus
from demo import DEMO_PASSWORD
from outcomes.models import TopAssessment
from risk.models import Flag
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# The README shows the top of each page: enough to see it, small enough to load fast.
PICTURE_HEIGHT = 1100
TIER_WORDS = {"very_high": "Very high", "high": "High", "raised": "Raised"}

TIERS_ON_PAGE = """
() => [...document.querySelectorAll("[data-tier]")].filter((el) => el.checkVisibility()).map(
  (el) => ({
    tier: el.dataset.tier,
    text: el.innerText.trim(),
    icon: !!el.querySelector("i.bi, svg"),
  })
)
"""

# For each drawn chart, every point's value must be in a table in the chart's section, at
# the row and column its label and series name give (either way round).
CHART_NUMBERS_MISSING = """
() => {
  const norm = (s) => (s ?? "").replace(/\\s+/g, " ").trim().toLowerCase();
  function cell(table, rowName, colName) {
    const headers = [...table.querySelectorAll("thead th")].map((th) => norm(th.textContent));
    const col = headers.indexOf(norm(colName));
    if (col < 0) return undefined;
    for (const tr of table.querySelectorAll("tbody tr")) {
      const cells = [...tr.children];
      if (norm(cells[0].textContent) === norm(rowName)) return cells[col] && norm(cells[col].textContent);
    }
    return undefined;
  }
  const report = [];
  for (const canvas of document.querySelectorAll("canvas")) {
    const chart = window.Chart && Chart.getChart(canvas);
    if (!chart) { report.push(canvas.id + ": not drawn"); continue; }
    const tables = [...canvas.closest("section").querySelectorAll("table")];
    if (!tables.length) { report.push(canvas.id + ": no table"); continue; }
    chart.data.datasets.forEach((ds) => ds.data.forEach((value, i) => {
      const label = chart.data.labels[i];
      const wanted = value === null ? ["n/d", "—"] : [String(value)];
      const found = tables.some((t) => {
        const shown = cell(t, label, ds.label) ?? cell(t, ds.label, label);
        return wanted.includes(shown);
      });
      if (!found) report.push(`${canvas.id}: ${ds.label} at ${label} = ${value}`);
    }));
  }
  return report;
}
"""


@pytest.fixture
def demo_data(db):
    call_command("seed_demo", people=300, seed=2026, stdout=io.StringIO(), stderr=io.StringIO())
    call_command("recompute_flags", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def picture(page):
    """Writes a README picture when asked to, after the page's checks have run."""

    def take(name: str, down_to: str | None = None) -> None:
        """The top of the page, down to the bottom of `down_to` (a CSS selector) if given."""
        page.axe.check(force=False)
        if os.environ.get("LANTERN_SCREENSHOTS") != "1":
            return
        from PIL import Image

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = PICTURE_HEIGHT
        if down_to:
            height = page.evaluate(
                "(s) => document.querySelector(s).getBoundingClientRect().bottom + scrollY + 16",
                down_to,
            )
        height = min(height, page.evaluate("document.documentElement.scrollHeight"))
        png = page.screenshot(
            full_page=True,
            animations="disabled",
            clip={"x": 0, "y": 0, "width": 1280, "height": height},
        )
        image = Image.open(io.BytesIO(png)).convert("RGB")
        # 256 colours are plenty for a page of text and flat charts, at a fraction of the size.
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            SCREENSHOTS / f"{name}.png", optimize=True
        )

    return take


def assert_tiers_in_words_with_icons(page, at_least: int = 1) -> None:
    tiers = page.evaluate(TIERS_ON_PAGE)
    assert len(tiers) >= at_least, f"expected tiers on {page.url}"
    for tier in tiers:
        assert tier["text"] == TIER_WORDS[tier["tier"]], tier
        assert tier["icon"], tier


def assert_every_chart_has_its_numbers_in_a_table(page, charts: int) -> None:
    page.wait_for_function(
        f"() => [...document.querySelectorAll('canvas')].filter("
        f"(c) => window.Chart && Chart.getChart(c)).length >= {charts}"
    )
    assert page.locator("canvas").count() == charts
    assert page.evaluate(CHART_NUMBERS_MISSING) == []


def sign_in_as(page, live_server, username: str, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    sign_in(page, username, DEMO_PASSWORD)


def visit_each(page, live_server, paths: list[str]) -> None:
    """Open each page and look at it, so the accessibility checks see every one."""
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1).first).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Lantern")).to_be_visible()


def test_the_main_pages_on_demo_data_show_tiers_in_words_and_charts_with_their_numbers(
    live_server, page, picture, demo_data
):
    # The keyworker: caseload, a flagged person with TOPs, the worklist.
    sign_in_as(page, live_server, "keyworker", "/")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    # It opens highest risk first, without sorting by the column.
    highest = (
        Flag.objects.filter(ended_on__isnull=True, service_user__keyworker__username="keyworker")
        .order_by("-tier_rank")
        .values_list("tier", flat=True)
        .first()
    )
    expect(page.locator("tbody tr").first.locator("[data-tier]")).to_have_attribute(
        "data-tier", highest
    )
    assert_tiers_in_words_with_icons(page)
    picture("caseload")

    flagged = (
        Flag.objects.filter(
            ended_on__isnull=True,
            service_user__keyworker__username="keyworker",
            service_user__in=TopAssessment.objects.values("service_user")
            .order_by()
            .filter(stage="R")
            .values("service_user"),
        )
        .order_by("-tier_rank", "service_user_id")
        .select_related("service_user")
        .first()
    )
    assert flagged is not None, "the demo keyworker should hold a flagged person with review TOPs"
    person = flagged.service_user
    page.goto(f"{live_server.url}/people/{person.external_id}/")
    expect(page.get_by_role("heading", name=person.display_name, level=1)).to_be_visible()
    expect(page.get_by_text("Why this person is flagged")).to_be_visible()
    assert_tiers_in_words_with_icons(page)
    assert_every_chart_has_its_numbers_in_a_table(page, charts=2)
    picture("person-record", down_to="#top-score-chart")

    page.get_by_role("link", name="Outreach worklist").click()
    expect(page.get_by_role("heading", name="Outreach worklist")).to_be_visible()
    assert_tiers_in_words_with_icons(page)
    picture("worklist")
    person_path = f"/people/{person.external_id}/"
    visit_each(
        page,
        live_server,
        [
            person_path + "edit/",
            person_path + "episodes/new/",
            person_path + "interventions/new/",
            person_path + "contacts/new/",
            "/outreach/" + person_path.removeprefix("/") + "attempts/new/",
            "/outreach/" + person_path.removeprefix("/") + "flag/override/",
            "/people/new/",
            "/reviews/bulletin/",
        ],
    )
    sign_out(page)

    # The team lead's list of very high and high flags nobody has reached.
    sign_in_as(page, live_server, "teamlead", "/outreach/not-contacted/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_tiers_in_words_with_icons(page, at_least=0)
    visit_each(page, live_server, ["/caseload/team/", "/data/ndtms/"])
    sign_out(page)

    # Governance: a signed-off review and the dashboard.
    review = Review.objects.filter(
        status=ReviewStatus.SIGNED_OFF, service_user__isnull=False
    ).first()
    assert review is not None
    sign_in_as(page, live_server, "governance", f"/reviews/{review.external_id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(review.reference)
    assert_tiers_in_words_with_icons(page)
    picture("death-review")

    page.get_by_role("link", name="Review dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="By quarter")).to_be_visible()
    assert_every_chart_has_its_numbers_in_a_table(page, charts=4)
    picture("governance-dashboard", down_to="#table-track")
