"""Sessions end on their own: 30 idle minutes, 10 hours in all, or the user's deactivation.

A busy session costs no session write and no read of its authenticator app on
every request: each happens at most once a minute.

Time is frozen and moved on with time-machine; the clock the sessions read is
the real one, patched.
"""

import datetime
import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import SignedInSession
from tests.conftest import sign_in_verified
from tests.factories import TEST_PASSWORD
from web.signin import totp_code

pytestmark = pytest.mark.django_db

PAGE = "/caseload/mine/"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_session_survives_29_idle_minutes(clock, client_as, alice):
    client = client_as(alice)

    clock.shift(datetime.timedelta(minutes=29))

    assert client.get(PAGE).status_code == 200


def test_a_session_ends_after_30_idle_minutes(clock, client_as, alice):
    client = client_as(alice)
    assert client.get(PAGE).status_code == 200

    clock.shift(datetime.timedelta(minutes=31))
    response = client.get(PAGE)

    assert signed_out(response)
    assert "next=/caseload/mine/" in response["Location"]
    page = client.get(response["Location"])
    assert "after 30 minutes without activity" in page.text
    assert "_auth_user_id" not in client.session


def test_each_request_restarts_the_idle_clock(clock, client_as, alice):
    client = client_as(alice)

    for _ in range(4):
        clock.shift(datetime.timedelta(minutes=25))
        assert client.get(PAGE).status_code == 200


def test_a_busy_session_ends_10_hours_after_signing_in(clock, client_as, alice):
    client = client_as(alice)
    for _ in range(29):
        clock.shift(datetime.timedelta(minutes=20))
        assert client.get(PAGE).status_code == 200  # 9 h 40 min in

    clock.shift(datetime.timedelta(minutes=21))
    response = client.get(PAGE)

    assert signed_out(response)
    assert "10 hours after signing in" in client.get(response["Location"]).text


def test_an_ended_session_cannot_use_the_api_either(clock, client_as, cora):
    client = client_as(cora)

    clock.shift(datetime.timedelta(minutes=31))

    assert client.get("/api/v1/").status_code in (401, 403)


def test_deactivating_a_user_ends_every_one_of_their_sessions(alice, tess):
    laptop = sign_in_verified(Client(), alice)
    phone = sign_in_verified(Client(), alice)
    colleague = sign_in_verified(Client(), tess)
    assert SignedInSession.objects.filter(user=alice).count() == 2

    alice.is_active = False
    alice.save()

    assert signed_out(laptop.get(PAGE))
    assert signed_out(phone.get(PAGE))
    assert colleague.get(PAGE).status_code == 200
    assert not SignedInSession.objects.filter(user=alice).exists()
    alice_sessions = [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(alice.pk)
    ]
    assert alice_sessions == []


def test_deactivating_a_user_in_the_admin_signs_them_out(alice, adam):
    keyworker = sign_in_verified(Client(), alice)
    admin = sign_in_verified(Client(), adam)
    form = admin.get(f"/admin/cases/user/{alice.pk}/change/").context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups", "user_permissions"}
    }
    data.update(
        is_active="",
        date_joined_0=alice.date_joined.strftime("%d/%m/%Y"),
        date_joined_1=alice.date_joined.strftime("%H:%M:%S"),
        last_login_0="",
        last_login_1="",
        **{
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    response = admin.post(f"/admin/cases/user/{alice.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    alice.refresh_from_db()
    assert not alice.is_active
    assert signed_out(keyworker.get(PAGE))


def test_signing_out_removes_the_session_from_the_index(client_as, alice):
    client = client_as(alice)

    client.post("/accounts/logout/")

    assert not SignedInSession.objects.filter(user=alice).exists()


def _writes_to_sessions(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def _device_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if "otp_totp_totpdevice" in q["sql"]]


def test_a_busy_session_is_saved_at_most_once_a_minute(clock, client_as, alice):
    client = client_as(alice)

    with CaptureQueriesContext(connection) as within_the_minute:
        for _ in range(6):
            assert client.get(PAGE).status_code == 200
            clock.shift(datetime.timedelta(seconds=9))
    clock.shift(datetime.timedelta(seconds=10))
    with CaptureQueriesContext(connection) as a_minute_on:
        assert client.get(PAGE).status_code == 200

    assert _writes_to_sessions(within_the_minute) == []
    assert len(_writes_to_sessions(a_minute_on)) == 1


def test_the_authenticator_app_is_read_once_a_minute_not_on_every_request(clock, client_as, alice):
    client = client_as(alice)

    with CaptureQueriesContext(connection) as within_the_minute:
        for _ in range(6):
            assert client.get(PAGE).status_code == 200
            clock.shift(datetime.timedelta(seconds=9))
    clock.shift(datetime.timedelta(seconds=10))
    with CaptureQueriesContext(connection) as a_minute_on:
        for _ in range(3):
            assert client.get(PAGE).status_code == 200

    assert _device_reads(within_the_minute) == []
    assert len(_device_reads(a_minute_on)) == 1


def test_signing_in_reads_the_app_so_the_next_minute_of_pages_does_not(clock, client, alice):
    device = TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    client.post("/accounts/login/", {"username": alice.username, "password": TEST_PASSWORD})
    client.post("/accounts/second-factor/", {"code": totp_code(device, at=time.time())})

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            clock.shift(datetime.timedelta(seconds=15))
            assert client.get(PAGE).status_code == 200

    assert _device_reads(queries) == []
    assert _writes_to_sessions(queries) == []


def test_removing_the_authenticator_app_asks_for_the_second_factor_within_a_minute(
    clock, client_as, alice
):
    client = client_as(alice)
    assert client.get(PAGE).status_code == 200

    TOTPDevice.objects.filter(user=alice).delete()
    clock.shift(datetime.timedelta(seconds=61))
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/second-factor/")
