"""The benchmarks time pages as a signed-in user sees them: past the second factor. A
benchmark that signed in with `force_login` alone timed the redirect to the code page."""

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_every_benchmark_signs_in_through_the_one_harness_helper():
    signing_in_alone = [
        path.name
        for path in sorted(BENCH.glob("*.py"))
        if path.name != "harness.py" and "force_login" in path.read_text()
    ]
    assert signing_in_alone == [], (
        "Sign in with harness.signed_in_client(user), which passes the second factor: "
        + ", ".join(signing_in_alone)
    )


@pytest.mark.django_db
def test_the_harness_client_reaches_the_caseload(alice, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    from harness import signed_in_client

    response = signed_in_client(alice).get("/caseload/mine/")

    assert response.status_code == 200
    sys.modules.pop("harness", None)


@pytest.mark.django_db
def test_the_load_drivers_codes_are_accepted_however_far_the_device_has_drifted(alice, monkeypatch):
    # Signing in again within one time step takes the next step's code, which Lantern
    # accepts one step early and then counts the device's drift on by one; the driver's
    # next code must be worked out with that drift, or a third sign-in is refused.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    monkeypatch.syspath_prepend(str(BENCH))
    from load_driver import unused_code

    device = TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    fields = ("key", "step", "t0", "digits", "drift", "tolerance", "last_t")
    accepted = []
    for _ in range(3):
        device.refresh_from_db()
        code = unused_code({name: getattr(device, name) for name in fields})
        accepted.append(device.verify_token(code))
    sys.modules.pop("load_driver", None)

    assert accepted == [True, True, True]
