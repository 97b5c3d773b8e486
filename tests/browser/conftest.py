"""A real Chromium (Debian's package) driven by Playwright against Django's live server."""

import base64
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from config.signin import totp_code
from tests.factories import TEST_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

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


@pytest.fixture
def page(browser, request):
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        # Keep what the browser showed, so a failure in CI can be read afterwards.
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"), full_page=True)
        print(f"Page at failure ({page.url}):\n{page.inner_text('body')[:3000]}")
    context.close()


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
        now = time.time()
        current = int((now - device.t0) // device.step) + device.drift
        wanted = max(current, device.last_t + 1)
        if wanted <= current + device.tolerance:
            return totp_code(device, at=now + (wanted - current) * device.step)
        time.sleep(1)


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
