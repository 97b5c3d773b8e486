"""A real Chromium (Debian's package) driven by Playwright against Django's live server.

Every page a browser test opens is checked with axe-core (`tests/browser/vendor/axe-core/`):

- each document registers itself when it loads, and marks itself changed when it first
  renders and whenever its DOM changes afterwards (a form's error state, a row swapped in by
  fetch, fields shown by a script);
- before every action and every auto-waiting assertion the test makes, a changed page is
  checked first (a Playwright locator handler), so the page a click leaves and the row a
  fetch swapped in are checked before the test moves on;
- the page still open at the end of the test is checked at teardown.

The test then fails at teardown if any check found a serious or critical violation (listing
the page, rule, help text and elements), or if a document loaded and was never checked (a
test that leaves a page with `goto` or `go_back` alone, without looking at it, is refused).
`page.axe.check()` checks the page now; the `screenshot` fixture does so before each picture.
"""

import base64
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from core import totp
from tests.factories import TEST_PASSWORD
from web.signin import totp_code

# An assertion may first wait for the accessibility check of a long page (the admin's rule
# set page has every rule inline) on a busy machine.
expect.set_options(timeout=15_000)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# What fails a test. Minor and moderate findings are reported by axe but do not fail it.
AXE_FAILING_IMPACTS = frozenset({"serious", "critical"})

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=en-GB",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is not installed: `apt-get install chromium` (see .ci/run)")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread while the browser
    # is open; the ORM calls the tests make are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


AXE_MARKER = "data-lantern-axe-pending"

# Runs in every top-level document before its own scripts. It gives the document an id,
# registers it once it has loaded, and puts a 1-pixel marker in the page whenever the DOM has
# changed since the last check: the locator handler below watches for that marker.
AXE_WATCH_SCRIPT = """
(() => {
  if (window !== window.top || !/^https?:$/.test(location.protocol)) return;
  const MARKER = "%(marker)s";
  const isMarker = (node) => node && node.nodeType === 1 && node.hasAttribute(MARKER);
  window.__lanternDocument = "%(prefix)s-" + Math.random().toString(36).slice(2);
  function changed() {
    window.__lanternChanged = true;
    // Mid-parse changes wait for DOMContentLoaded, which calls this again.
    if (document.readyState === "loading") return;
    if (!document.body || document.querySelector("[" + MARKER + "]")) return;
    const marker = document.createElement("div");
    marker.setAttribute(MARKER, "");
    marker.setAttribute("aria-hidden", "true");
    Object.assign(marker.style, {
      position: "fixed", right: "0", bottom: "0", width: "1px", height: "1px",
      pointerEvents: "none", zIndex: "-1",
    });
    document.body.appendChild(marker);
  }
  new MutationObserver((records) => {
    const relevant = records.some((r) => {
      if (isMarker(r.target)) return false;
      const nodes = [...r.addedNodes, ...r.removedNodes];
      return !(r.type === "childList" && nodes.length && nodes.every(isMarker));
    });
    if (relevant) changed();
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener("DOMContentLoaded", changed);
  window.addEventListener("load", () => {
    window.__lanternDocumentLoaded(window.__lanternDocument, location.href);
  });
})();
"""

AXE_RUN_SCRIPT = """
async ([marker, force]) => {
  if (typeof window.__lanternDocument === "undefined" || !window.axe) return null;
  if (!force && !window.__lanternChanged) return null;
  // A check made while the document is still arriving would measure it without its
  // style sheets (white on white): wait for the load event, which follows them.
  if (document.readyState !== "complete") {
    await new Promise((done) => {
      window.addEventListener("load", done, { once: true });
      setTimeout(done, 10000);
    });
  }
  window.__lanternChanged = false;
  document.querySelectorAll("[" + marker + "]").forEach((node) => node.remove());
  const results = await window.axe.run(
    { exclude: [["[" + marker + "]"]] }, { resultTypes: ["violations"] }
  );
  return {
    document: window.__lanternDocument,
    url: location.href,
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      // Each element with axe's reason, e.g. the two colours and the contrast found.
      targets: v.nodes.map((n) => n.target.join(" ") + "  — " +
        (n.failureSummary || "").split("\\n").slice(1).join(" ").trim()),
    })),
  };
}
"""


@dataclass
class AxeWatch:
    """The accessibility checks of one page; see the module docstring."""

    page: object
    loaded: dict[str, str] = field(default_factory=dict)  # document id -> URL
    checked: set[str] = field(default_factory=set)
    violations: list[dict] = field(default_factory=list)
    checks: int = 0

    def check(self, force: bool = True) -> None:
        """Check the open page now (without force, only if it changed since its last check)."""
        try:
            result = self.page.evaluate(AXE_RUN_SCRIPT, [AXE_MARKER, force])
        except Exception:
            # The page navigated away mid-check. Nothing is lost: a document that was
            # never checked at all is reported at teardown.
            return
        if result is None:
            return
        self.checks += 1
        self.checked.add(result["document"])
        for violation in result["violations"]:
            if violation["impact"] in AXE_FAILING_IMPACTS:
                self.violations.append({**violation, "url": result["url"]})

    def report(self) -> str:
        lines = []
        seen = set()
        for v in self.violations:
            key = (v["url"], v["id"], tuple(v["targets"]))
            if key in seen:  # the same page checked again after a small change
                continue
            seen.add(key)
            lines.append(f"{v['url']}\n  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            lines.extend(f"      {target}" for target in v["targets"])
        unchecked = [url for doc, url in self.loaded.items() if doc not in self.checked]
        if unchecked:
            lines.append(
                "Pages loaded but never checked (look at each page, e.g. with expect, "
                "before leaving it): " + ", ".join(unchecked)
            )
        return "\n".join(lines)


def watch_accessibility(page) -> AxeWatch:
    """Check every document `page` loads with axe-core; the result is also `page.axe`."""
    watch = AxeWatch(page)
    page.expose_function(
        "__lanternDocumentLoaded", lambda doc, url: watch.loaded.setdefault(doc, url)
    )
    page.add_init_script(AXE_SOURCE.read_text(encoding="utf-8"))
    page.add_init_script(AXE_WATCH_SCRIPT % {"marker": AXE_MARKER, "prefix": uuid.uuid4().hex[:8]})
    page.add_locator_handler(
        page.locator(f"[{AXE_MARKER}]"), lambda: watch.check(force=False), no_wait_after=True
    )
    page.axe = watch
    return watch


@pytest.fixture
def page(browser, request):
    context = browser.new_context(
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
        # Bootstrap then skips its colour transitions, so axe never measures the contrast
        # of a button half-way through a hover or focus fade.
        reduced_motion="reduce",
    )
    page = context.new_page()
    watch = watch_accessibility(page)
    page.set_default_timeout(15_000)
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        # Keep what the browser showed, so a failure in CI can be read afterwards.
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"), full_page=True)
        print(f"Page at failure ({page.url}):\n{page.inner_text('body')[:3000]}")
    watch.check(force=False)
    context.close()
    problems = watch.report()
    if problems:
        pytest.fail("Accessibility (axe-core, serious and critical):\n" + problems)


def field(page, label: str):
    """The field labelled exactly `label` (a required field's label ends with an asterisk)."""
    return page.get_by_label(re.compile(r"^\s*" + label + r"\s*\*?\s*$"))


def sign_in(page, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real forms on the page already showing the first one.

    The password, then the second factor: a user without an authenticator app enrols
    with the key the page shows; a user with one gives the code their device shows now.
    Every browser test signs in here, so a change to the sign-in steps is made once.
    """
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    second_step = page.get_by_role("heading", name=SECOND_FACTOR_HEADINGS)
    expect(second_step).to_be_visible()
    secret = page.locator("#totp-secret")
    if secret.count():
        code = _code_from_key(secret.get_attribute("data-secret"))
    else:
        code = _unused_code(TOTPDevice.objects.get(user__username=username, confirmed=True))
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name=re.compile("^(Continue|Confirm and continue)$")).click()
    expect(second_step).to_have_count(0)


SECOND_FACTOR_HEADINGS = re.compile("^(Set up your authenticator app|Enter your code)$")


def _code_from_key(base32_key: str) -> str:
    """What an authenticator app shows now for the key typed into it from the page."""
    padded = base32_key + "=" * (-len(base32_key) % 8)
    app = TOTPDevice(key=base64.b32decode(padded).hex())
    return totp_code(app, at=time.time())


def _unused_code(device: TOTPDevice) -> str:
    """The device's code for the earliest time step Lantern will still accept.

    A code is good once: a second sign-in within the same 30 seconds takes the next
    step's code, which Lantern accepts one step early; later than that, wait.
    """
    while True:
        found = totp.earliest_unused(
            device.bin_key,
            step=device.step,
            t0=device.t0,
            digits=device.digits,
            drift=device.drift,
            tolerance=device.tolerance,
            last_t=device.last_t,
            now=time.time(),
        )
        if found is not None:
            return found[0]
        time.sleep(1)


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        page.axe.check(force=False)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
