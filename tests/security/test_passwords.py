"""Password rules: at least 12 characters, not a common password, not all digits,
not like the user's own details. Enforced wherever a password is set."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from cases.models import User
from tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-pass1", "at least 12 characters"),
        ("password1234", "too common"),
        ("483920174638", "entirely numeric"),
        ("alice-keyworker", "too similar"),
    ],
)
def test_a_weak_password_is_refused_with_its_reason(alice, password, message):
    alice.username = "alice-keyworker"

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=alice)

    assert message in " ".join(refused.value.messages)


def test_a_long_uncommon_password_is_accepted(alice):
    validate_password("lamp-harbour-violet-91", user=alice)


def test_the_admin_will_not_create_a_user_with_a_weak_password(adam):
    admin = sign_in_verified(Client(), adam)

    response = admin.post(
        "/admin/cases/user/add/",
        {
            "username": "newstarter",
            "usable_password": "true",
            "password1": "password1234",
            "password2": "password1234",
            "first_name": "New",
            "last_name": "Starter",
            "email": "new@example.org",
            "role": "keyworker",
        },
    )

    assert response.status_code == 200
    assert "This password is too common." in response.text
    assert not User.objects.filter(username="newstarter").exists()
