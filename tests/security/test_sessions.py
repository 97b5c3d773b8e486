"""Sessions end on their own: 30 idle minutes, 10 hours in all, or the user's deactivation.

Time is frozen and moved on with time-machine; the clock the sessions read is
the real one, patched.
"""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from cases.models import SignedInSession
from tests.conftest import sign_in_verified

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
