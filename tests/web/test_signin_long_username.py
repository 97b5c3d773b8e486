"""A sign-in naming a username longer than any account's is refused like a wrong one."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_over_long_username_is_refused_as_a_wrong_one_and_counted(client):
    response = client.post(
        reverse("login"),
        {"username": "x" * 300, "password": "not it"},
        headers={"X-Forwarded-Proto": "https"},
        secure=True,
    )

    assert response.status_code == 200
    assert "username and password" in response.content.decode().lower()
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.username == "x" * 150
