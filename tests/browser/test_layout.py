"""The main pages fit a 768 px tablet without sideways scrolling, the header's bar (brand,
search, who is signed in, sign out) stays on one line there for every role, and the
navigation sits on one line at 1280 px, for every role that browses people."""

import pytest

from tests.browser.conftest import sign_in
from tests.deathreviews.conftest import add_action, notify
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    NaloxoneSupplyFactory,
    ServiceUserFactory,
    TopFactory,
)
from tests.risk.ui.conftest import make_flag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def busy_caseload(north, alice, jo):
    """Enough on the pages for their widest tables and forms to appear."""
    for person in [jo, *(ServiceUserFactory(team=north, keyworker=alice) for _ in range(4))]:
        episode = EpisodeFactory(service_user=person)
        TopFactory(episode=episode)
        ContactFactory(service_user=person)
        NaloxoneSupplyFactory(service_user=person)
        make_flag(person)
    return jo


def pages_for(username, jo, review):
    person = f"/people/{jo.external_id}/"
    if username == "gina":
        return [
            "/caseload/all/?q=bloggs",
            person,
            "/outreach/",
            "/outreach/not-contacted/",
            "/reviews/",
            f"/reviews/{review.external_id}/",
            "/reviews/dashboard/",
            "/reviews/actions/",
            "/reviews/bulletin/",
        ]
    common = ["/caseload/mine/", person, "/outreach/", "/reviews/bulletin/"]
    forms = [f"{person}edit/", f"{person}events/new/", f"{person}tops/new/"]
    if username == "tess":
        return [*common, "/caseload/team/", "/team/", "/outreach/not-contacted/"]
    return [*common, *forms, f"/outreach/people/{jo.external_id}/attempts/new/"]


def overflowing(page, base, paths):
    wide = []
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        page.axe.check()
        if not page.evaluate(FITS):
            wide.append(
                (path, page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))
            )
    return wide


@pytest.mark.parametrize("username", ["alice", "tess", "gina"])
def test_the_main_pages_need_no_sideways_scrolling_at_768_px(
    live_server, page, busy_caseload, gina, tess, username
):
    review = notify(gina, person=busy_caseload)
    add_action(review, gina)
    page.set_viewport_size({"width": 768, "height": 1000})
    page.goto(live_server.url)
    sign_in(page, username)

    assert overflowing(page, live_server.url, pages_for(username, busy_caseload, review)) == []


@pytest.mark.parametrize("username", ["alice", "tess", "gina", "adam"])
def test_the_navigation_stays_on_one_line_at_1280_px(
    live_server, page, alice, tess, gina, adam, username
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/reviews/bulletin/")
    sign_in(page, username)
    page.axe.check()

    tops = page.locator("#nav .nav-link").evaluate_all(
        "links => links.map(l => Math.round(l.getBoundingClientRect().top))"
    )
    assert tops
    assert len(set(tops)) == 1, tops
    bar = page.locator("nav.navbar").evaluate("n => n.getBoundingClientRect().height")
    assert bar < 80


# The bar's items overlap vertically when they share one line: the lowest top is above the
# highest bottom.
ONE_LINE = """
bar => {
  const rects = [...bar.children].map((item) => item.getBoundingClientRect());
  return {
    lowestTop: Math.max(...rects.map((r) => r.top)),
    highestBottom: Math.min(...rects.map((r) => r.bottom)),
    items: rects.length,
    height: bar.getBoundingClientRect().height,
  };
}
"""


@pytest.mark.parametrize("username", ["alice", "tess", "gina", "cora", "adam"])
def test_the_header_stays_on_one_line_at_768_px_for_every_role(
    live_server, page, alice, tess, gina, cora, adam, username
):
    # A long name, as real ones can be: the name gives way, never "Sign out".
    user = {"alice": alice, "tess": tess, "gina": gina, "cora": cora, "adam": adam}[username]
    user.first_name, user.last_name = "Alexandra", "Montgomery-Okonkwo"
    user.save(update_fields=["first_name", "last_name"])
    page.set_viewport_size({"width": 768, "height": 900})
    page.goto(f"{live_server.url}/reviews/bulletin/")
    sign_in(page, username)
    page.axe.check()

    bar = page.locator("header .header-bar")
    line = bar.evaluate(ONE_LINE)
    assert line["items"] >= 3
    assert line["lowestTop"] < line["highestBottom"], line
    assert line["height"] < 60, line
    sign_out = page.get_by_role("button", name="Sign out")
    assert sign_out.evaluate("b => b.scrollWidth <= b.clientWidth")  # its words are whole
    assert page.evaluate(FITS)
