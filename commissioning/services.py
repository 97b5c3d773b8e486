"""Writes of the commissioner API: issuing and revoking tokens, and the request log.

Each function validates fully; a token is shown once, when issued, and only its
hash is kept.
"""

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Role, User
from commissioning.models import ApiClient, ApiRequestLog, ApiToken

TOKEN_PREFIX_LENGTH = 16  # "lantern_" and 8 random characters, to recognise a token by


def api_token_hash(raw: str) -> str:
    """The SHA-256 of a token, as stored: the token itself never is."""
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_check(
    *, client: ApiClient, user: User, expires_at: datetime.datetime | None
) -> dict[str, str]:
    """What stops a token being issued, by field (empty when nothing does)."""
    now = timezone.now()
    errors: dict[str, str] = {}
    if user.role != Role.COMMISSIONER:
        errors["user"] = "Tokens are issued to commissioners only."
    elif user.api_client_id is not None and user.api_client_id != client.pk:
        errors["user"] = f"This commissioner belongs to another API client ({user.api_client})."
    if not user.is_active:
        errors.setdefault("user", "This account is deactivated.")
    if not client.is_active:
        errors["client"] = "This API client is inactive."
    longest = datetime.timedelta(days=settings.LANTERN_API_TOKEN_MAX_DAYS)
    if expires_at is None:
        errors["expires_at"] = "Give the token an expiry."
    elif expires_at <= now:
        errors["expires_at"] = "The expiry must be in the future."
    elif expires_at > now + longest:
        errors["expires_at"] = (
            f"A token may last at most {settings.LANTERN_API_TOKEN_MAX_DAYS} days: "
            "choose an earlier expiry."
        )
    return errors


@transaction.atomic
def api_token_create(
    *,
    client: ApiClient,
    user: User,
    name: str,
    expires_at: datetime.datetime,
    created_by: User | None,
) -> tuple[ApiToken, str]:
    """Issue a token to one of a client's commissioners; returns it and the raw token.

    The raw token is returned once, to be shown once: only its hash is kept.
    """
    errors = api_token_check(client=client, user=user, expires_at=expires_at)
    if errors:
        raise ValidationError(errors)
    if user.api_client_id is None:
        user.api_client = client
        user.save(update_fields=["api_client"])
    raw = f"lantern_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        client=client,
        user=user,
        name=name,
        prefix=raw[:TOKEN_PREFIX_LENGTH],
        key_hash=api_token_hash(raw),
        expires_at=expires_at,
        created_by=created_by,
    )
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by: User | None) -> ApiToken:
    """Stop a token working from now on (revoking twice keeps the first revocation)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = revoked_by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def api_token_touch(*, token: ApiToken, now: datetime.datetime) -> None:
    """Record that a token was used, at most once a minute (a write per request is waste)."""
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_request_log_create(**fields: Any) -> ApiRequestLog:
    """Record one API request (a CSV export is finished later by `api_request_log_finish`)."""
    return ApiRequestLog.objects.create(**fields)


def api_request_log_finish(
    *, log: ApiRequestLog, rows: int, complete: bool, duration_ms: int
) -> ApiRequestLog:
    """Complete the record of a streamed export: the rows sent, and whether it ran to the end."""
    ApiRequestLog.objects.filter(pk=log.pk).update(
        rows=rows, complete=complete, duration_ms=duration_ms
    )
    log.rows, log.complete, log.duration_ms = rows, complete, duration_ms
    return log
