"""Who is calling and what they may receive: token authentication, access, the audience.

- `ApiTokenAuthentication`: `Authorization: Bearer lantern_...`, a token issued
  to a commissioner of an API client; the token acts as its commissioner.
- `ApiAccess`: commissioners of an active client, and staff who browse people
  (the tables in `commissioning.access`); administrators and anyone else get 403.
  `ViewRoleAccess` narrows that to a view's own `roles`, declared as data by
  the layer that serves it (e.g. the death-review figures).
- `audience_for(request)`: for an extract, the people the caller's rows may come
  from (`commissioning.selectors.service_users_for_api`) and their pseudonym key.
- `scope_for(request)`: for a figure, the same rule as team and local authority
  ids (`commissioning.selectors.api_scope`).
"""

from django.db import connection
from django.utils import timezone
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from cases.models import Role
from commissioning import services
from commissioning.access import WHOLE_SERVICE_API_ROLES, can_use_api
from commissioning.extracts.base import Audience, pseudonym_key
from commissioning.models import ApiToken
from commissioning.selectors import ApiScope, api_scope, service_users_for_api
from commissioning.session_auth import VerifiedSessionAuthentication


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`: the token's commissioner, with the token as `auth`."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _, raw = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        raw = raw.strip()
        if not raw or " " in raw:
            raise exceptions.AuthenticationFailed("Give the token after 'Bearer ', alone.")
        token = (
            ApiToken.objects.select_related("client", "user")
            .filter(key_hash=services.api_token_hash(raw))
            .first()
        )
        now = timezone.now()
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid.")
        if token.is_revoked:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed(
                f"This token expired on {timezone.localtime(token.expires_at):%d/%m/%Y}: "
                "ask an administrator for a new one."
            )
        if not (token.user.is_active and token.client.is_active):
            raise exceptions.AuthenticationFailed("This token's account or client is inactive.")
        services.api_token_touch(token=token, now=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class VerifiedSessionScheme(SessionScheme):
    """The schema's cookie scheme for the session that has passed the second factor."""

    target_class = VerifiedSessionAuthentication


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token issued by an administrator to a commissioner.",
        }


def request_token(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


# --- Access and audience ---------------------------------------------------------------------


class ApiAccess(BasePermission):
    """Commissioners of an active client, and staff who browse people; nobody else."""

    message = "Your role has no access to person-level data, even pseudonymised."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not can_use_api(user):
            return False
        if user.role in WHOLE_SERVICE_API_ROLES:
            client = request_client(request)
            if client is None or not client.is_active:
                self.message = (
                    "Your account is not linked to an active API client: ask an administrator."
                )
                return False
        return True


class ViewRoleAccess(BasePermission):
    """A view's own `roles` (a set of `Role` values), on top of `ApiAccess`.

    A view without `roles` is open to every role `ApiAccess` lets in.
    """

    def has_permission(self, request, view) -> bool:
        roles = getattr(view, "roles", None)
        if roles is None or request.user.role in roles:
            return True
        allowed = ", ".join(sorted(Role(role).label.lower() for role in roles))
        self.message = f"Your role may not see this: it is for {allowed} only."
        return False


def request_client(request):
    token = request_token(request)
    if token is not None:
        return token.client
    if request.user.role in WHOLE_SERVICE_API_ROLES:
        return request.user.api_client
    return None


def audience_for(request) -> Audience:
    """Who an extract's rows are for: the people they may receive and their pseudonym key."""
    client = request_client(request)
    people = service_users_for_api(request.user, client).order_by().values("id")
    if people.query.is_empty():
        people_sql = "SELECT NULL::bigint WHERE false"
    elif not people.query.where:
        people_sql = ""  # the whole service
    else:
        sql, params = people.query.sql_with_params()
        people_sql = connection.ops.compose_sql(sql, params)
    return Audience(people_sql=people_sql, pseudonym_key=pseudonym_key(client))


def scope_for(request) -> ApiScope:
    """Whom a figure may count: the same rule as an extract's rows, as team and local
    authority ids (`commissioning.selectors.api_scope`)."""
    return api_scope(request.user, request_client(request))
