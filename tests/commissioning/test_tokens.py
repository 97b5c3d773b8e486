"""API tokens: hashed at rest, shown once, expiring, revocable; issued in the admin or a command."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Role
from commissioning import services
from commissioning.models import ApiClient, ApiToken
from demo import DEMO_LOGINS
from demo.load import DEMO_API_CLIENT
from tests.commissioning.conftest import extract_url, issue_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_opens_the_api_for_its_commissioner(cora_api, cora):
    response = cora_api.get(extract_url("people"))

    assert response.status_code == 200


def test_the_raw_token_is_nowhere_in_the_database(cora_token):
    token, raw = cora_token
    with connection.cursor() as cursor:
        cursor.execute("SELECT prefix, key_hash FROM cases_apitoken")
        stored = cursor.fetchall()

    assert stored == [(raw[:16], services.api_token_hash(raw))]
    assert all(raw not in value for row in stored for value in row)
    assert token.key_hash != raw


def test_the_token_is_found_by_its_hash_and_two_tokens_differ(commissioning, cora):
    _, first = issue_token(commissioning, cora)
    _, second = issue_token(commissioning, cora)

    assert first != second
    assert ApiToken.objects.filter(key_hash=services.api_token_hash(first)).exists()


def test_a_made_up_token_is_refused_with_401(api_as, cora_token):
    raw = cora_token[1]
    response = api_as(raw[:-1] + ("A" if raw[-1] != "A" else "B")).get(extract_url("people"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"] == "This token is not valid."


def test_an_expired_token_is_refused(api_as, cora_token):
    token, raw = cora_token
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())

    response = api_as(raw).get(extract_url("people"))

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_revoked_token_stops_working_at_once(api_as, cora_token, adam):
    token, raw = cora_token
    assert api_as(raw).get(extract_url("people")).status_code == 200

    services.api_token_revoke(token=token, revoked_by=adam)

    response = api_as(raw).get(extract_url("people"))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_token_of_an_inactive_client_or_user_is_refused(api_as, cora_token, cora, commissioning):
    raw = cora_token[1]
    ApiClient.objects.filter(pk=commissioning.pk).update(is_active=False)
    assert api_as(raw).get(extract_url("people")).status_code == 401

    ApiClient.objects.filter(pk=commissioning.pk).update(is_active=True)
    cora.is_active = False
    cora.save()
    assert api_as(raw).get(extract_url("people")).status_code == 401


def test_using_a_token_records_when_it_was_last_used(cora_api, cora_token):
    token = cora_token[0]
    assert token.last_used_at is None

    cora_api.get(extract_url("people"))

    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("days", "message"),
    [(0, "must be in the future"), (-3, "must be in the future"), (400, "at most 365 days")],
)
def test_a_token_must_expire_within_the_maximum(commissioning, cora, days, message):
    with pytest.raises(ValidationError, match=message):
        services.api_token_create(
            client=commissioning,
            user=cora,
            name="x",
            expires_at=timezone.now() + datetime.timedelta(days=days),
            created_by=None,
        )


@pytest.mark.parametrize("who", ["alice", "gina", "adam"])
def test_tokens_are_issued_to_commissioners_only(request, commissioning, who):
    with pytest.raises(ValidationError, match="commissioners only"):
        issue_token(commissioning, request.getfixturevalue(who))


def test_a_commissioner_belongs_to_one_client(commissioning, cora):
    issue_token(commissioning, cora)
    other = ApiClient.objects.create(name="South Commissioning")

    with pytest.raises(ValidationError, match="another API client"):
        issue_token(other, cora)


def test_the_admin_issues_a_token_and_shows_it_once(client_as, adam, cora, commissioning):
    client = client_as(adam)
    expires = timezone.localtime() + datetime.timedelta(days=30)

    response = client.post(
        reverse("admin:commissioning_apitoken_add"),
        {
            "client": commissioning.pk,
            "user": cora.pk,
            "name": "quarterly returns",
            "expires_at_0": expires.strftime("%d/%m/%Y"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 200, response.content
    token = ApiToken.objects.get()
    raw = response.context["raw_token"]
    assert raw.startswith(token.prefix)
    assert services.api_token_hash(raw) == token.key_hash
    assert "no-store" in response["Cache-Control"]
    assert (
        raw not in client.get(reverse("admin:commissioning_apitoken_changelist")).content.decode()
    )
    detail = client.get(reverse("admin:commissioning_apitoken_change", args=[token.pk]))
    assert raw not in detail.content.decode()


def test_the_admin_refuses_a_token_beyond_the_maximum_at_its_field(
    client_as, adam, cora, commissioning
):
    expires = timezone.localtime() + datetime.timedelta(days=800)

    response = client_as(adam).post(
        reverse("admin:commissioning_apitoken_add"),
        {
            "client": commissioning.pk,
            "user": cora.pk,
            "name": "too long",
            "expires_at_0": expires.strftime("%d/%m/%Y"),
            "expires_at_1": "12:00:00",
        },
    )

    assert response.status_code == 200
    assert "at most 365 days" in str(response.context["adminform"].form.errors["expires_at"])
    assert not ApiToken.objects.exists()


def test_the_admin_revokes_tokens_after_a_confirmation_page(client_as, adam, cora_token, api_as):
    token, raw = cora_token
    client = client_as(adam)
    selected = {"action": "revoke", "_selected_action": [token.pk]}

    asked = client.post(reverse("admin:commissioning_apitoken_changelist"), selected)
    assert "Yes, revoke" in asked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None

    client.post(
        reverse("admin:commissioning_apitoken_changelist"), {**selected, "confirmed": "yes"}
    )

    token.refresh_from_db()
    assert token.revoked_by == adam
    assert api_as(raw).get(extract_url("people")).status_code == 401


def test_a_keyworker_cannot_reach_the_token_admin(client_as, alice):
    response = client_as(alice).get(reverse("admin:commissioning_apitoken_changelist"))

    assert response.status_code == 302


def test_the_command_issues_and_revokes_a_token(commissioning, cora, api_as, capsys):
    call_command(
        "api_token", "create", "--client", commissioning.name, "--user", "cora", "--days", "7"
    )
    raw = capsys.readouterr().out.strip()
    assert api_as(raw).get(extract_url("people")).status_code == 200

    call_command("api_token", "revoke", raw[:16])

    assert api_as(raw).get(extract_url("people")).status_code == 401


def test_the_command_explains_a_refusal(commissioning):
    UserFactory(username="kim", role="keyworker")
    with pytest.raises(CommandError, match="commissioners only"):
        call_command("api_token", "create", "--client", commissioning.name, "--user", "kim")


def test_the_command_says_when_there_are_no_tokens(commissioning, capsys):
    call_command("api_token", "list")
    everyone = capsys.readouterr().out
    call_command("api_token", "list", "--client", commissioning.name)
    one_client = capsys.readouterr().out

    assert everyone.strip() == "No API tokens. Issue one with `api_token create`."
    assert f"No API tokens for {commissioning.name!r}." in one_client


def test_the_command_names_the_clients_when_it_does_not_know_the_one_given(commissioning, cora):
    with pytest.raises(CommandError, match=f"The clients are: {commissioning.name!r}"):
        call_command("api_token", "create", "--client", "Nobody", "--user", "cora")


def test_the_readmes_token_command_works_on_the_demo():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    command = re.search(r"api_token create --client \"([^\"]+)\" --user (\S+)", readme)

    assert command is not None
    assert command.group(1) == DEMO_API_CLIENT
    assert (command.group(2), Role.COMMISSIONER) in DEMO_LOGINS
