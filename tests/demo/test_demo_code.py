"""`manage.py demo_code`: the current sign-in code for a demo login, on the demo only."""

import io
import re
import time

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Role
from commissioning.models import ApiClient
from demo.load import DEMO_API_CLIENT
from tests.factories import UserFactory
from web.signin import totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    ApiClient.objects.create(name=DEMO_API_CLIENT)
    return UserFactory(username="keyworker", role=Role.KEYWORKER)


def demo_code(username: str) -> str:
    out = io.StringIO()
    call_command("demo_code", username, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_it_prints_a_code_the_enrolment_accepts(demo):
    device = TOTPDevice.objects.create(user=demo, name="Authenticator app", confirmed=False)

    code = demo_code("keyworker")

    assert len(code) == 6
    assert code.isdigit()
    assert device.verify_token(code)


def test_it_prints_the_code_of_an_enrolled_app(demo):
    device = TOTPDevice.objects.create(user=demo, name="Authenticator app", confirmed=True)

    assert device.verify_token(demo_code("keyworker"))


def test_it_asks_for_the_password_step_first_when_there_is_no_key_yet(demo):
    with pytest.raises(CommandError, match="Sign in as keyworker with the password first"):
        demo_code("keyworker")


def test_it_refuses_without_debug(demo, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="runs only on the demo"):
        demo_code("keyworker")


def test_it_refuses_a_database_the_demo_did_not_seed(demo):
    ApiClient.objects.filter(name=DEMO_API_CLIENT).delete()

    with pytest.raises(CommandError, match="not seeded by the demo"):
        demo_code("keyworker")


def test_it_refuses_a_login_that_is_not_a_demo_login(demo, alice):
    TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)

    with pytest.raises(CommandError, match="invalid choice"):
        demo_code("alice")


def code_run(username: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_code", username, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_with_few_seconds_left_it_waits_for_a_fresh_code(demo):
    device = TOTPDevice.objects.create(user=demo, name="Authenticator app", confirmed=True)
    # Three seconds before the end of a 30-second time step.
    step_ends = (int(time.time()) // 30 + 2) * 30
    with time_machine.travel(step_ends - 3, tick=True):
        code, said = code_run("keyworker")
        printed_at = time.time()

    assert "Waiting 3 seconds for a fresh code" in said
    assert printed_at >= step_ends
    assert code == totp_code(device, at=step_ends)
    assert re.search(r"good for (29|30) more seconds", said)


def test_with_time_to_spare_it_prints_the_current_code_at_once(demo):
    device = TOTPDevice.objects.create(user=demo, name="Authenticator app", confirmed=True)
    step_starts = (int(time.time()) // 30 + 2) * 30
    with time_machine.travel(step_starts + 5, tick=False):
        code, said = code_run("keyworker")

    assert "Waiting" not in said
    assert code == totp_code(device, at=step_starts + 5)
    assert "good for 25 more seconds" in said
