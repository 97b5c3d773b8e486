"""The accessibility checks every browser test relies on can fail: a violation on a loaded
page, one swapped in by a script, and a page left without being looked at are all reported."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watch_accessibility

pytestmark = pytest.mark.browser

SITE = "http://pages.lantern.test"
GOOD = """<!doctype html><html lang="en"><head><title>Good</title></head>
<body><main><h1>A page with nothing wrong</h1><p>Calm.</p></main></body></html>"""
MISSING_ALT = """<!doctype html><html lang="en"><head><title>Bad</title></head>
<body><main><h1>A page with a picture</h1><img src="/x.png"></main></body></html>"""


@pytest.fixture
def watched(browser):
    context = browser.new_context()
    page = context.new_page()
    pages = {"/good": GOOD, "/bad": MISSING_ALT}
    page.route(
        f"{SITE}/**",
        lambda route: route.fulfill(
            content_type="text/html",
            body=pages.get(route.request.url.removeprefix(SITE), GOOD),
        ),
    )
    watch = watch_accessibility(page)
    yield page, watch
    context.close()


def test_it_reports_a_critical_violation_with_the_page_rule_and_element(watched):
    page, watch = watched
    page.goto(f"{SITE}/bad")
    expect(page.get_by_role("heading", name="A page with a picture")).to_be_visible()

    report = watch.report()
    assert f"{SITE}/bad" in report
    assert "image-alt" in report
    assert "img" in report


def test_it_checks_what_a_script_swaps_into_a_page_already_checked(watched):
    page, watch = watched
    page.goto(f"{SITE}/good")
    expect(page.get_by_role("heading", name="A page with nothing wrong")).to_be_visible()
    assert watch.report() == ""

    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<button></button>')"
    )
    expect(page.get_by_text("Calm.")).to_be_visible()
    assert "button-name" in watch.report()


def test_it_names_a_page_that_was_left_without_being_looked_at(watched):
    page, watch = watched
    page.goto(f"{SITE}/bad")
    page.goto(f"{SITE}/good")
    expect(page.get_by_role("heading", name="A page with nothing wrong")).to_be_visible()

    report = watch.report()
    assert (
        f"Pages loaded but never checked (look at each page, e.g. with expect, before leaving it): {SITE}/bad"
        in report
    )
    assert "image-alt" not in report


def test_it_still_checks_a_page_under_a_strict_content_security_policy(browser):
    context = browser.new_context()
    page = context.new_page()
    page.route(
        f"{SITE}/**",
        lambda route: route.fulfill(
            content_type="text/html",
            body=MISSING_ALT,
            headers={"Content-Security-Policy": "default-src 'self'; script-src 'self'"},
        ),
    )
    watch = watch_accessibility(page)
    page.goto(f"{SITE}/bad")
    expect(page.get_by_role("heading", name="A page with a picture")).to_be_visible()
    context.close()

    assert "image-alt" in watch.report()
