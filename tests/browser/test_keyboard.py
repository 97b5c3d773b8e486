"""Lantern without a mouse: the main pages are reached in order with Tab, every stop shows
where the focus is, a skip link comes first, and the main actions work with Enter and Space."""

import pytest
from playwright.sync_api import expect

from risk.models import OutreachAttempt
from tests.browser.conftest import sign_in
from tests.factories import EpisodeFactory, ServiceUserFactory, TopFactory, days_ago
from tests.risk.ui.conftest import make_flag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Marks every element a keyboard user should reach, in document order, and notes how each
# looks unfocused. A radio group is one stop: its checked radio, or its first.
MARK_TAB_STOPS = """
() => {
  const candidates = document.querySelectorAll(
    "a[href], button, input, select, textarea, summary, [tabindex]"
  );
  const stops = [];
  const groups = new Set();
  for (const el of candidates) {
    if (el.disabled || el.tabIndex < 0 || el.type === "hidden") continue;
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    if (el.closest("[inert]")) continue;
    if (el.type === "radio" && el.name) {
      const key = (el.form ? el.form.id || el.form.action : "") + "|" + el.name;
      if (groups.has(key)) continue;
      const group = [...document.getElementsByName(el.name)].filter((r) => r.form === el.form);
      const chosen = group.find((r) => r.checked) || group[0] || el;
      groups.add(key);
      if (chosen !== el) { stops.push(chosen); continue; }
    }
    stops.push(el);
  }
  window.__looks = new Map();
  const positive = [...candidates].filter((el) => el.tabIndex > 0).length;
  stops.forEach((el, i) => {
    el.dataset.tabStop = String(i);
    window.__looks.set(el, window.__lanternLook(el));
  });
  return { count: stops.length, positive };
}
"""

# How an element (or, for a Bootstrap toggle button, its visible label) is drawn.
LOOK = """
() => { window.__lanternLook = (el) => {
  const shown = el.classList.contains("btn-check") && el.labels.length ? el.labels[0] : el;
  const s = getComputedStyle(shown);
  const box = shown.getBoundingClientRect();
  return {
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
      ? s.outlineStyle + " " + s.outlineWidth + " " + s.outlineColor : "none",
    shadow: s.boxShadow,
    border: s.borderColor,
    background: s.backgroundColor,
    width: box.width,
    height: box.height,
  };
}; }
"""

FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const before = window.__looks.get(el);
  const now = window.__lanternLook(el);
  return {
    stop: el.dataset.tabStop ?? null,
    what: el.outerHTML.slice(0, 120),
    indicator: now.outline !== "none" || (before ? now.shadow !== before.shadow : false),
    visible: now.width > 1 && now.height > 1,
  };
}
"""


def focus_top(page) -> None:
    """Put the keyboard at the very top of the document, before its first element."""
    page.evaluate(
        "() => { const a = document.createElement('span'); a.tabIndex = -1;"
        " document.body.prepend(a); a.focus(); a.remove(); }"
    )


def tab_through(page) -> list[dict]:
    """Tab from the top of the page to its end; each stop as FOCUSED describes it."""
    page.evaluate(LOOK)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    marked = page.evaluate(MARK_TAB_STOPS)
    assert marked["positive"] == 0, "a positive tabindex breaks the reading order"
    focus_top(page)
    stops: list[dict] = []
    # A date or time input takes several presses (day, month, year, picker): one stop.
    for _ in range(marked["count"] * 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if stops and focused and stops[-1] and focused["stop"] == stops[-1]["stop"]:
            continue
        stops.append(focused)
        if len(stops) == marked["count"]:
            break
    assert [s and s["stop"] for s in stops] == [str(i) for i in range(marked["count"])], (
        "Tab order differs from the page order: "
        + "; ".join(f"{i}: {s and s['what']}" for i, s in enumerate(stops))
    )
    invisible = [s["what"] for s in stops if not (s["indicator"] and s["visible"])]
    assert invisible == [], f"no visible focus indicator on: {invisible}"
    return stops


def test_a_keyworker_works_the_main_pages_with_the_keyboard_alone(live_server, page, alice, jo):
    episode = EpisodeFactory(service_user=jo, referral_date=days_ago(200))
    TopFactory(episode=episode, top_date=days_ago(190))
    make_flag(jo, tier="very_high")
    for _ in range(3):
        ServiceUserFactory(team=jo.team, keyworker=alice)

    page.goto(f"{live_server.url}/")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    # The skip link comes first, shows when focused, and moves past the navigation.
    stops = tab_through(page)
    assert "Skip to main content" in stops[0]["what"]
    focus_top(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")

    # Caseload -> a person, with Enter.
    page.get_by_role("link", name="Jo Bloggs").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Jo Bloggs", level=1)).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('top-use-chart'))"
    )
    tab_through(page)

    # A form: sent with Enter on its button, the problems come back at the fields.
    page.get_by_role("link", name="Contact", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Record a contact")).to_be_visible()
    tab_through(page)
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#form-errors")).to_be_visible()

    # The worklist: open the attempt form, choose with Space, save with Enter.
    page.goto(f"{live_server.url}/outreach/")
    expect(page.get_by_role("heading", name="Outreach worklist")).to_be_visible()
    tab_through(page)
    row = page.locator(f"#entry-{jo.external_id}")
    row.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(row.get_by_role("button", name="Save attempt")).to_be_visible()
    tab_through(page)  # the open form's fields are reached in order too
    row.get_by_role("radio", name="Phone").focus()
    page.keyboard.press("Space")
    row.get_by_role("radio", name="Contacted", exact=True).focus()
    page.keyboard.press("Space")
    row.get_by_role("button", name="Save attempt").focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("status").get_by_text("Recorded for Jo Bloggs: Contacted")
    ).to_be_visible()
    assert OutreachAttempt.objects.get().outcome == "contacted"
