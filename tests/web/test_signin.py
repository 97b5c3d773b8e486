"""Signing in: the password, the lockout after five wrong ones, and the second factor.

Every request here goes through the real login form and the real second-factor
page; codes are computed from the user's own device as an authenticator app would.
"""

import datetime
import re
import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import ProgrammingError
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import SecondFactorAttempt
from commissioning import services
from commissioning.models import ApiClient
from tests.factories import TEST_PASSWORD
from web.signin import totp_code, totp_secret

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SECOND_FACTOR = "/accounts/second-factor/"


def give_password(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return totp_code(device, at=time.time())


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


# Lockout


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, alice):
    for _ in range(4):
        response = give_password(client, "alice", "not-her-password")
        assert response.status_code == 200
        assert "correct username and password" in response.text

    fifth = give_password(client, "alice", "not-her-password")
    right = give_password(client, "alice")

    for response in (fifth, right):
        assert response.status_code == 429
        assert "Sign-in locked" in response.text
        assert "5 wrong passwords in a row" in response.text
        assert "ask an administrator to unlock" in response.text
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock(client, alice):
    for _ in range(4):
        give_password(client, "alice", "not-her-password")

    response = give_password(client, "alice")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_lockout_names_how_long_it_lasts(client, alice, settings):
    for _ in range(5):
        response = give_password(client, "alice", "not-her-password")

    assert "locked for 30 minutes" in response.text


def test_an_administrator_unlocks_an_account_with_axes_reset_username(client, alice):
    for _ in range(5):
        give_password(client, "alice", "not-her-password")
    assert give_password(client, "alice").status_code == 429

    call_command("axes_reset_username", "alice", stdout=None)

    response = give_password(client, "alice")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_an_administrator_unlocks_an_account_in_the_admin(client, client_as, alice, adam):
    for _ in range(5):
        give_password(client, "alice", "not-her-password")
    attempt = AccessAttempt.objects.get(username="alice")
    admin = client_as(adam)
    assert "alice" in admin.get("/admin/axes/accessattempt/").text

    admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    response = give_password(Client(), "alice")
    assert response.status_code == 302


def test_a_keyworker_cannot_see_the_lockouts(client_as, alice):
    assert client_as(alice).get("/admin/axes/accessattempt/").status_code == 302


# The second factor


def test_the_password_alone_opens_no_page(client, alice, jo):
    give_password(client, "alice")

    for path in ("/", "/caseload/mine/", f"/people/{jo.external_id}/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(SECOND_FACTOR), path


def test_first_sign_in_enrols_an_authenticator_app(client, alice):
    give_password(client, "alice")
    response = client.get("/")
    assert response["Location"].startswith(SECOND_FACTOR)

    page = client.get(response["Location"])

    assert "Set up your authenticator app" in page.text
    assert "<svg" in page.text  # the QR code, drawn on the server
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page.text)[1]
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert f"secret={secret}" in device.config_url

    confirmed = client.post(SECOND_FACTOR, {"code": current_code(device), "next": "/"})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/caseload/mine/").status_code == 200


def test_reloading_the_enrolment_page_keeps_the_same_key(client, alice):
    give_password(client, "alice")
    first = client.get(SECOND_FACTOR).text
    second = client.get(SECOND_FACTOR).text

    secret = re.compile(r'data-secret="([A-Z2-7]+)"')
    assert secret.search(first)[1] == secret.search(second)[1]
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_a_later_sign_in_asks_for_the_code_only(client, alice):
    device = confirmed_device(alice)
    give_password(client, "alice")

    page = client.get(SECOND_FACTOR)

    assert "Enter your code" in page.text
    assert "data-secret" not in page.text
    response = client.post(SECOND_FACTOR, {"code": current_code(device)})
    assert response.status_code == 302
    assert client.get("/caseload/mine/").status_code == 200


def test_a_wrong_code_is_refused_at_the_field(client, alice):
    device = confirmed_device(alice)
    give_password(client, "alice")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(SECOND_FACTOR, {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert client.get("/caseload/mine/")["Location"].startswith(SECOND_FACTOR)


def test_after_a_wrong_code_the_page_makes_the_user_wait_before_the_next(client, alice):
    device = confirmed_device(alice)
    give_password(client, "alice")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
        client.post(SECOND_FACTOR, {"code": wrong})

        too_soon = client.post(SECOND_FACTOR, {"code": current_code(device)})
        clock.shift(datetime.timedelta(seconds=2))
        later = client.post(SECOND_FACTOR, {"code": current_code(device)})

    assert "Too many wrong codes. Wait a second" in too_soon.text
    assert later.status_code == 302


def test_an_administrator_cannot_read_anyones_authenticator_key(client_as, adam, alice):
    device = confirmed_device(alice)

    page = client_as(adam).get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")

    assert page.status_code == 200
    assert device.key not in page.text
    assert totp_secret(device) not in page.text


def test_a_code_that_is_not_six_digits_gets_a_clear_message(client, alice):
    confirmed_device(alice)
    give_password(client, "alice")

    response = client.post(SECOND_FACTOR, {"code": "12ab"})

    assert "Enter the six digits your authenticator app shows." in response.text


def test_a_code_is_good_only_once(client, alice):
    device = confirmed_device(alice)
    give_password(client, "alice")
    code = current_code(device)
    client.post(SECOND_FACTOR, {"code": code})

    again = Client()
    give_password(again, "alice")
    response = again.post(SECOND_FACTOR, {"code": code})

    assert "That code is not right or has already been used" in response.text


def test_a_wrong_code_during_enrolment_leaves_the_app_unconfirmed(client, alice):
    give_password(client, "alice")
    client.get(SECOND_FACTOR)
    device = TOTPDevice.objects.get(user=alice)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    client.post(SECOND_FACTOR, {"code": wrong})

    device.refresh_from_db()
    assert not device.confirmed


def test_the_code_page_will_not_send_the_user_to_another_site(client, alice):
    device = confirmed_device(alice)
    give_password(client, "alice")

    response = client.post(
        SECOND_FACTOR, {"code": current_code(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_the_code_page_needs_the_password_first(client):
    response = client.get(SECOND_FACTOR)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_admin_needs_the_second_factor(client, adam):
    confirmed_device(adam)
    give_password(client, "adam")

    response = client.get("/admin/cases/user/")

    assert response.status_code == 302
    assert response["Location"].startswith(SECOND_FACTOR)


def test_the_apis_session_sign_in_needs_the_second_factor(client, cora):
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save()
    device = confirmed_device(cora)
    give_password(client, "cora")

    refused = client.get("/api/v1/extracts/people/")
    client.post(SECOND_FACTOR, {"code": current_code(device)})
    allowed = client.get("/api/v1/extracts/people/")

    assert refused.status_code == 302
    assert refused["Location"].startswith(SECOND_FACTOR)
    assert allowed.status_code == 200


def test_the_apis_session_authentication_ignores_an_unverified_session(client, cora):
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save()
    confirmed_device(cora)
    give_password(client, "cora")

    # Another kind of Authorization header: the page rules stand aside, the API decides.
    response = client.get("/api/v1/extracts/people/", headers={"Authorization": "Basic eDp5"})

    assert response.status_code in (401, 403)


@pytest.mark.parametrize("path", ["/caseload/mine/", "/admin/", "/outreach/"])
def test_an_authorization_header_does_not_skip_the_second_factor_outside_the_api(
    client, adam, alice, path
):
    user = adam if path == "/admin/" else alice
    confirmed_device(user)
    give_password(client, user.username)

    response = client.get(path, headers={"Authorization": "Bearer anything"})

    assert response.status_code == 302
    assert response["Location"].startswith(SECOND_FACTOR)


def test_the_apis_token_needs_no_second_factor(cora):
    _, raw = services.api_token_create(
        client=ApiClient.objects.create(name="North Commissioning"),
        user=cora,
        name="returns",
        expires_at=timezone.now() + datetime.timedelta(days=30),
        created_by=None,
    )

    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/extracts/people/")

    assert response.status_code == 200


def test_signing_out_forgets_the_second_factor(client_as, alice):
    client = client_as(alice)
    client.post("/accounts/logout/")

    give_password(client, "alice")

    assert client.get("/caseload/mine/")["Location"].startswith(SECOND_FACTOR)


@pytest.fixture
def behind_a_proxy(settings):
    # What LANTERN_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR sets (config/settings.py).
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"


def test_behind_a_proxy_one_clients_failures_do_not_lock_another(behind_a_proxy, alice):
    guesser = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    for _ in range(5):
        give_password(guesser, "alice", "not-her-password")

    assert give_password(guesser, "alice").status_code == 429
    assert give_password(colleague, "alice").status_code == 302


def test_behind_a_proxy_a_forged_forwarded_address_does_not_escape_the_lock(behind_a_proxy, alice):
    for _ in range(5):
        give_password(
            Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"),
            "alice",
            "not-her-password",
        )
    # The proxy appends the address it saw; whatever the client wrote comes before it.
    forger = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.7")

    assert give_password(forger, "alice").status_code == 429


# Someone who knows the password guessing the code


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 1) % 1_000_000:06d}"


def guess_codes(guesser: Client, device: TOTPDevice, clock, times: int) -> None:
    """Give `times` wrong codes from `guesser`, each as soon as the page allows it."""
    for attempt in range(times):
        # The n-th wrong code in a row asks for 2^(n-1) seconds before the next.
        clock.shift(datetime.timedelta(seconds=2**attempt))
        response = guesser.post(SECOND_FACTOR, {"code": wrong_code(device)})
        assert "That code is not right" in response.text


def test_wrong_codes_from_one_session_do_not_keep_the_owner_out(alice):
    device = confirmed_device(alice)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    give_password(guesser, "alice")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        guess_codes(guesser, device, clock, 8)

        owner = Client(REMOTE_ADDR="198.51.100.4")
        give_password(owner, "alice")
        clock.shift(datetime.timedelta(seconds=30))
        response = owner.post(SECOND_FACTOR, {"code": current_code(device)})

    assert response.status_code == 302
    assert owner.get("/caseload/mine/").status_code == 200


def test_the_guessing_session_and_address_are_made_to_wait(alice):
    device = confirmed_device(alice)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    give_password(guesser, "alice")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        guess_codes(guesser, device, clock, 8)
        clock.shift(datetime.timedelta(seconds=60))

        same_session = guesser.post(SECOND_FACTOR, {"code": current_code(device)})
        fresh_session = Client(REMOTE_ADDR="203.0.113.7")
        give_password(fresh_session, "alice")
        same_address = fresh_session.post(SECOND_FACTOR, {"code": current_code(device)})

    # The eighth wrong code in a row asks for 2^7 = 128 seconds; 60 have passed.
    for response in (same_session, same_address):
        assert "Too many wrong codes. Wait 68 seconds" in response.text
    assert guesser.get("/caseload/mine/")["Location"].startswith(SECOND_FACTOR)


def test_the_owner_is_told_at_their_next_sign_in_that_their_code_was_guessed(alice):
    device = confirmed_device(alice)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    give_password(guesser, "alice")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        guess_codes(guesser, device, clock, 3)
        owner = Client(REMOTE_ADDR="198.51.100.4")
        give_password(owner, "alice")
        clock.shift(datetime.timedelta(seconds=30))
        owner.post(SECOND_FACTOR, {"code": current_code(device)})
        first_page = owner.get("/caseload/mine/")

        owner.post("/accounts/logout/")
        give_password(owner, "alice")
        clock.shift(datetime.timedelta(seconds=30))
        owner.post(SECOND_FACTOR, {"code": current_code(device)})
        next_sign_in = owner.get("/caseload/mine/")

    assert "3 wrong codes were entered for your account" in first_page.text
    assert "from 203.0.113.7" in first_page.text
    assert "someone knows your password" in first_page.text
    # Told once: the sign-in after that has nothing new to tell.
    assert "wrong code" not in next_sign_in.text


def test_the_owners_own_typing_mistakes_are_not_reported_to_them(alice):
    device = confirmed_device(alice)
    owner = Client(REMOTE_ADDR="198.51.100.4")
    give_password(owner, "alice")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        guess_codes(owner, device, clock, 1)
        clock.shift(datetime.timedelta(seconds=30))
        owner.post(SECOND_FACTOR, {"code": current_code(device)})

        page = owner.get("/caseload/mine/")

    assert "wrong code" not in page.text


def test_governance_sees_whose_code_is_being_guessed_and_from_where(client_as, alice, gina):
    device = confirmed_device(alice)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    give_password(guesser, "alice")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        guess_codes(guesser, device, clock, 4)

    page = client_as(gina).get("/audit/sign-in-alerts/")

    assert page.status_code == 200
    row = re.search(r"<tr>\s*<td>alice</td>(.*?)</tr>", page.text, re.S)
    assert row is not None
    assert "203.0.113.7" in row.group(1)
    assert ">4<" in row.group(1)
    assert "No" in row.group(1)


def test_only_governance_reads_the_sign_in_alerts(client_as, alice, tess, adam):
    for user in (alice, tess, adam):
        client_as(user).post("/accounts/logout/")
        assert client_as(user).get("/audit/sign-in-alerts/").status_code == 403


def test_the_record_of_codes_given_cannot_be_changed(alice):
    device = confirmed_device(alice)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    give_password(guesser, "alice")
    guesser.post(SECOND_FACTOR, {"code": wrong_code(device)})

    with pytest.raises(ProgrammingError):
        SecondFactorAttempt.objects.update(accepted=True)
