"""The commissioner REST API's machinery, and the case-record extracts.

Contract:

- Authentication: a bearer token (`Authorization: Bearer lantern_...`) issued to
  a commissioner of an API client, or a signed-in session. A token acts as its
  commissioner, so every request is a person's.
- Access (`ApiAccess`, from the tables in `cases.access`): commissioners of an
  active client, and staff who browse people; administrators and anyone else
  get 403, anonymous callers 401. What rows each receives is
  `cases.selectors.service_users_for_api`.
- `ApiView` is the base of every API view: it authenticates, checks access,
  throttles per token or user (`LANTERN_API_RATE`, and `LANTERN_API_EXPORT_RATE`
  for CSV), maps `ExtractError` and bad query parameters to a 400 naming the
  parameter (`exception_handler`, the one place errors become responses) and
  records every request in `ApiRequestLog`, a streamed CSV when its stream ends.
- `extract_view(extract)` makes the view of one `cases.extracts.Extract`: JSON
  pages with an encrypted cursor, or the whole extract as CSV with
  `?format=csv` (or `Accept: text/csv`), its serializer and OpenAPI schema
  generated from the extract's allow-list.
- `figure_view(...)` makes the view of an aggregate figure from a function of
  (`Audience`, `ApiFilters`), with the same query parameters plus `segment`.
- The extracts of this layer are declared in `cases.api_extracts`;
  `outcomes.api` and `risk.api` declare theirs the same way.
"""

import base64
import time
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connection
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from cases import services
from cases.access import WHOLE_SERVICE_API_ROLES, can_use_api
from cases.extracts import (
    ApiFilters,
    Audience,
    Extract,
    ExtractError,
    ExtractField,
    csv_chunks,
    page_rows,
    pseudonym_key,
)
from cases.models import (
    ApiToken,
    LocalAuthority,
    Team,
)
from cases.selectors import service_users_for_api, team_ids_visible_to

# --- Errors: one application error type, mapped once ---------------------------------------

INVALID_QUERY = "Some query parameters are not valid: see errors."


def exception_handler(exc, context):
    """Every API error as {"detail": ..., "errors": {parameter: [messages]}} where it fits."""
    if isinstance(exc, ExtractError):
        field = exc.field or "non_field_errors"
        return Response({"detail": exc.message, "errors": {field: [exc.message]}}, status=400)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        errors = {str(field): _messages(problems) for field, problems in detail.items()}
        response.data = {"detail": INVALID_QUERY, "errors": errors}
    return response


def _messages(problems) -> list[str]:
    """A field's messages as one flat list (a list parameter nests them by position)."""
    if isinstance(problems, dict):
        return [m for nested in problems.values() for m in _messages(nested)]
    if isinstance(problems, list):
        return [m for nested in problems for m in _messages(nested)]
    return [str(problems)]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a bad request: the messages for each query parameter at fault.",
    )


ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorSerializer, description="A query parameter is not valid."),
    401: OpenApiResponse(ErrorSerializer, description="No valid token or session."),
    403: OpenApiResponse(ErrorSerializer, description="Your role or client may not use this."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests: wait and retry."),
}

# --- Authentication --------------------------------------------------------------------------


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


def request_client(request):
    token = request_token(request)
    if token is not None:
        return token.client
    if request.user.role in WHOLE_SERVICE_API_ROLES:
        return request.user.api_client
    return None


def audience_for(request) -> Audience:
    """Who the rows are for: the people they may receive and their pseudonym key."""
    user = request.user
    client = request_client(request)
    people = service_users_for_api(user, client).order_by().values("id")
    if people.query.is_empty():
        people_sql = "SELECT NULL::bigint WHERE false"
    else:
        sql, params = people.query.sql_with_params()
        people_sql = connection.ops.compose_sql(sql, params)
    if user.role in WHOLE_SERVICE_API_ROLES:
        team_ids = None
        authorities = (
            set(client.local_authorities.values_list("pk", flat=True)) if client else set()
        )
        local_authority_ids = frozenset(authorities) or None
    else:
        team_ids = team_ids_visible_to(user)
        local_authority_ids = None
    return Audience(
        user=user,
        client=client,
        people_sql=people_sql,
        pseudonym_key=pseudonym_key(client),
        team_ids=team_ids,
        local_authority_ids=local_authority_ids,
    )


# --- Throttles -------------------------------------------------------------------------------


class ApiRateThrottle(SimpleRateThrottle):
    """Requests per token (or per signed-in user), counted in the shared cache."""

    scope = "api"
    setting = "LANTERN_API_RATE"

    def get_rate(self) -> str:
        # Read when used, so the rate follows the settings (and a test's override).
        return getattr(settings, self.setting)

    def applies(self, request) -> bool:
        return True

    def get_cache_key(self, request, view):
        if not self.applies(request):
            return None
        token = request_token(request)
        who = f"token-{token.pk}" if token else f"user-{request.user.pk}"
        return f"throttle_{self.scope}_{who}"


class ExportRateThrottle(ApiRateThrottle):
    """Whole CSV extracts, which are heavier, have a rate of their own."""

    scope = "export"
    setting = "LANTERN_API_EXPORT_RATE"

    def applies(self, request) -> bool:
        return getattr(request.accepted_renderer, "format", "") == "csv"


# --- Query parameters ------------------------------------------------------------------------

DATE_MESSAGES = {"invalid": "Enter a date as YYYY-MM-DD, e.g. 2026-04-01."}


class CommaListField(serializers.ListField):
    """A repeated parameter (`team=1&team=2`) that also takes commas (`team=1,2`)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        items = [part.strip() for item in data for part in str(item).split(",") if part.strip()]
        return super().to_internal_value(items)


class QuerySerializer(serializers.Serializer):
    """The query parameters every extract and figure takes: period, team, local authority."""

    def get_fields(self):
        return {
            "from": serializers.DateField(
                required=False,
                error_messages=DATE_MESSAGES,
                help_text="First day of the period (YYYY-MM-DD): records dated or open on "
                "or after it.",
            ),
            "to": serializers.DateField(
                required=False,
                error_messages=DATE_MESSAGES,
                help_text="Last day of the period (YYYY-MM-DD): records dated or open on or "
                "before it. Age bands are given as on this day (today without it).",
            ),
            "team": CommaListField(
                child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                required=False,
                help_text="Only people of these teams (ids from /api/v1/teams/); repeat it or "
                "separate ids with commas.",
            ),
            "local_authority": CommaListField(
                child=serializers.CharField(max_length=9),
                required=False,
                help_text="Only people living in these local authorities (ONS codes, e.g. "
                "E06000035); repeat it or separate codes with commas.",
            ),
        }

    def validate(self, attrs):
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and end < start:
            raise serializers.ValidationError({"to": ["The period ends before it starts."]})
        teams = sorted(set(attrs.get("team") or ()))
        if teams:
            known = set(Team.objects.filter(pk__in=teams).values_list("pk", flat=True))
            missing = [str(t) for t in teams if t not in known]
            if missing:
                raise serializers.ValidationError(
                    {"team": [f"No team has the id {', '.join(missing)}."]}
                )
        codes = sorted({c.upper() for c in attrs.get("local_authority") or ()})
        authorities = {}
        if codes:
            authorities = dict(
                LocalAuthority.objects.filter(code__in=codes).values_list("code", "pk")
            )
            missing = [c for c in codes if c not in authorities]
            if missing:
                raise serializers.ValidationError(
                    {"local_authority": [f"No local authority has the code {', '.join(missing)}."]}
                )
        attrs["team_ids"] = tuple(teams)
        attrs["local_authority_ids"] = tuple(sorted(authorities.values()))
        return attrs

    def filters(self) -> ApiFilters:
        data = self.validated_data
        return ApiFilters(
            start=data.get("from"),
            end=data.get("to"),
            team_ids=data["team_ids"],
            local_authority_ids=data["local_authority_ids"],
            segment=data.get("segment"),
            given={k: v for k, v in self.initial_data.lists()},
        )


class ExtractQuerySerializer(QuerySerializer):
    def get_fields(self):
        return {
            **super().get_fields(),
            "page_size": serializers.IntegerField(
                required=False,
                min_value=1,
                max_value=ExtractPagination.max_page_size,
                help_text=f"Rows per JSON page ({ExtractPagination.page_size} unless given).",
            ),
            "cursor": serializers.CharField(
                required=False,
                max_length=1000,
                help_text="Where the page starts: take it from the previous page's `next`.",
            ),
            "format": serializers.ChoiceField(
                choices=["json", "csv"],
                required=False,
                help_text="json (pages, the default) or csv (the whole extract, streamed).",
            ),
        }


SEGMENTS = ("team", "local_authority", "sex", "age_band", "ethnicity")


class FigureQuerySerializer(QuerySerializer):
    def get_fields(self):
        return {
            **super().get_fields(),
            "segment": serializers.ChoiceField(
                choices=SEGMENTS,
                required=False,
                help_text="Split every figure by one of these.",
            ),
        }


def parse_query(request, serializer_class: type[QuerySerializer]) -> ApiFilters:
    serializer = serializer_class(data=request.query_params)
    unknown = sorted(set(request.query_params) - set(serializer.fields))
    if unknown:
        raise ExtractError(
            f"Unknown query parameter {', '.join(unknown)}: see the API documentation.",
            field=unknown[0],
        )
    for name, values in request.query_params.lists():
        if any(not value.strip() for value in values):
            raise ExtractError(f"Give a value for {name}, or leave it out.", field=name)
    serializer.is_valid(raise_exception=True)
    return serializer.filters()


# --- Pagination ------------------------------------------------------------------------------


class ExtractPagination(CursorPagination):
    """Cursor pages in the order of each record's UUID, which is never sent in clear.

    The cursor holds the last row's UUID encrypted and authenticated (Fernet),
    so it reveals nothing, cannot be forged and lasts `cursor_lifetime` seconds.
    Pages go forward only: an extract is read from the start to the end.
    """

    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"
    cursor_lifetime = 24 * 60 * 60

    @staticmethod
    def _fernet() -> Fernet:
        secret = salted_hmac("lantern.api.cursor", "fernet", algorithm="sha256").digest()
        return Fernet(base64.urlsafe_b64encode(secret))

    def encode_position(self, position: str) -> str:
        return self._fernet().encrypt(position.encode()).decode()

    def decode_position(self, cursor: str) -> str:
        try:
            return self._fernet().decrypt(cursor.encode(), ttl=self.cursor_lifetime).decode()
        except (InvalidToken, ValueError, UnicodeError):
            raise ExtractError(
                "This cursor is not valid or has expired (cursors last 24 hours): start again "
                "from the first page.",
                field="cursor",
            ) from None

    def paginate_extract(self, request, extract: Extract, audience: Audience, filters, size):
        self.base_url = request.build_absolute_uri()
        cursor = request.query_params.get(self.cursor_query_param)
        after = self.decode_position(cursor) if cursor else None
        rows, self.next_position = page_rows(
            extract, audience, filters, after=after, size=size or self.page_size
        )
        return rows

    def get_next_link(self) -> str | None:
        if self.next_position is None:
            return None
        cursor = self.encode_position(self.next_position)
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)


# --- Rendering -------------------------------------------------------------------------------


class CsvRenderer(BaseRenderer):
    """Marks `text/csv` as acceptable; the CSV itself is streamed by the view, never rendered."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise exceptions.NotAcceptable("This resource has no CSV form.")


# --- The base view: authentication, access, throttles and the request log --------------------


class ApiView(APIView):
    """The base of every API view. Subclasses set `log_name` and may set `self.log_rows`."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [ApiAccess]
    throttle_classes = [ApiRateThrottle, ExportRateThrottle]
    renderer_classes = [JSONRenderer]
    log_name = ""

    def initial(self, request, *args, **kwargs):
        self.started = time.monotonic()
        self.log_rows: int | None = None
        self.log_streaming = False
        super().initial(request, *args, **kwargs)

    def perform_content_negotiation(self, request, force=False):
        wanted = request.query_params.get("format")
        known = {renderer.format for renderer in self.get_renderers()}
        if wanted is not None and wanted not in known and not force:
            # DRF answers an unknown format with a 404; it is a bad parameter.
            raise ExtractError(
                f"format must be one of {', '.join(sorted(known))}, not {wanted[:20]!r}.",
                field="format",
            )
        return super().perform_content_negotiation(request, force)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # Errors are JSON, even for a request that asked for CSV.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        self.log = self.record(request, response)
        return response

    def elapsed_ms(self) -> int:
        return round((time.monotonic() - getattr(self, "started", time.monotonic())) * 1000)

    def record(self, request, response):
        user = request.user if request.user.is_authenticated else None
        token = request_token(request)
        streaming = getattr(self, "log_streaming", False)
        renderer = getattr(request, "accepted_renderer", None)
        return services.api_request_log_create(
            client=token.client if token else getattr(user, "api_client", None),
            token=token,
            user=user,
            username=user.username if user else "",
            at=timezone.now(),
            method=request.method[:10],
            path=_loggable(request.path, 500),
            extract=self.log_name,
            query={
                _loggable(k, 100): [_loggable(v, 200) for v in values][:20]
                for k, values in request.query_params.lists()
            },
            format="csv" if streaming else getattr(renderer, "format", "") or "",
            rows=None if streaming else getattr(self, "log_rows", None),
            status=response.status_code,
            duration_ms=None if streaming else self.elapsed_ms(),
            complete=not streaming,
        )

    def stream_finished(self, rows: int, complete: bool) -> None:
        services.api_request_log_finish(
            log=self.log, rows=rows, complete=complete, duration_ms=self.elapsed_ms()
        )


def _loggable(text: str, limit: int) -> str:
    """Text as the log can keep it: PostgreSQL refuses NUL in text and JSON."""
    return text[:limit].replace("\x00", "\ufffd")


# --- Extract views, generated from each extract's allow-list ----------------------------------

_FIELD_TYPES: dict[str, Callable[..., serializers.Field]] = {
    "string": serializers.CharField,
    "integer": serializers.IntegerField,
    "number": serializers.FloatField,
    "date": serializers.DateField,
    "boolean": serializers.BooleanField,
}


def _describe(f: ExtractField) -> str:
    withheld = "" if f.without_consent else " Null for a person who has not consented to sharing."
    return f.description + withheld


def row_serializer(extract: Extract) -> type[serializers.Serializer]:
    """The JSON row of an extract: exactly its allow-listed fields, typed and described."""
    fields: dict[str, serializers.Field] = {}
    for f in extract.fields:
        options = {"read_only": True, "allow_null": True, "help_text": _describe(f)}
        if f.choices:
            fields[f.name] = serializers.ChoiceField(choices=list(f.choices), **options)
        else:
            fields[f.name] = _FIELD_TYPES[f.kind](**options)
    name = "".join(part.title() for part in extract.name.split("_")) + "Row"
    return type(name, (serializers.Serializer,), fields)


def page_serializer(extract: Extract, row: type[serializers.Serializer]):
    name = "".join(part.title() for part in extract.name.split("_")) + "Page"
    return type(
        name,
        (serializers.Serializer,),
        {
            "next": serializers.URLField(
                read_only=True, allow_null=True, help_text="The next page; null on the last."
            ),
            "results": row(many=True, read_only=True),
        },
    )


def field_table(extract: Extract) -> str:
    lines = ["| field | sent without consent | meaning |", "|---|---|---|"]
    for f in extract.fields:
        lines.append(f"| `{f.name}` | {'yes' if f.without_consent else 'no'} | {f.description} |")
    return "\n".join(lines)


class ExtractView(ApiView):
    """One extract: a JSON page (`next` links onwards) or, as CSV, the whole of it."""

    renderer_classes = [JSONRenderer, CsvRenderer]
    extract: Extract
    serializer_class: type[serializers.Serializer]

    def get(self, request, *args, **kwargs):
        self.log_name = self.extract.name
        filters = parse_query(request, ExtractQuerySerializer)
        audience = audience_for(request)
        if request.accepted_renderer.format == "csv":
            self.log_streaming = True
            response = StreamingHttpResponse(
                csv_chunks(self.extract, audience, filters, finished=self.stream_finished),
                content_type="text/csv; charset=utf-8",
            )
            stamp = timezone.localdate().strftime("%Y%m%d")
            response["Content-Disposition"] = (
                f'attachment; filename="lantern-{self.extract.name}-{stamp}.csv"'
            )
            return response
        paginator = ExtractPagination()
        size = int(request.query_params.get("page_size") or paginator.page_size)
        rows = paginator.paginate_extract(request, self.extract, audience, filters, size)
        self.log_rows = len(rows)
        results = self.serializer_class(rows, many=True).data
        return Response({"next": paginator.get_next_link(), "results": results})


def extract_view(extract: Extract):
    """The view class of one extract, with its schema."""
    row = row_serializer(extract)
    page = page_serializer(extract, row)
    description = (
        f"{extract.description}\n\nRecords are kept when dated or open in the period. JSON "
        "comes in pages: follow `next` to the end. `format=csv` (or `Accept: text/csv`) gives "
        "the whole extract as one streamed CSV file with the same rows and columns, in which a "
        "text cell starting with = + - @ or a tab is prefixed with ' so that spreadsheets do "
        f"not run it.\n\n{field_table(extract)}"
    )
    schema = extend_schema(
        operation_id=f"extract_{extract.name}",
        summary=extract.title,
        description=description,
        tags=["extracts"],
        parameters=[ExtractQuerySerializer],
        responses={
            (200, "application/json"): page,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The whole extract"),
            **ERROR_RESPONSES,
        },
    )

    def get(self, request, *args, **kwargs):
        return ExtractView.get(self, request, *args, **kwargs)

    get = schema(get)
    name = row.__name__.removesuffix("Row") + "ExtractView"
    return type(name, (ExtractView,), {"extract": extract, "serializer_class": row, "get": get})


# --- Figures: the same query parameters, plus a segment ---------------------------------------


class FigureView(ApiView):
    """An aggregate figure: `compute(audience=..., filters=...)` returns JSON-ready data."""

    compute: Callable[..., dict]

    def get(self, request, *args, **kwargs):
        filters = parse_query(request, FigureQuerySerializer)
        data = type(self).compute(audience=audience_for(request), filters=filters)
        self.log_rows = len(data.get("figures", ())) if isinstance(data, dict) else None
        return Response(data)


def figure_view(
    *,
    name: str,
    title: str,
    description: str,
    compute: Callable[..., dict],
    serializer: type[serializers.Serializer],
):
    """The view class of one figure endpoint (`/api/v1/figures/<name>/`), with its schema.

    `compute` is called with the keyword arguments `audience` (an `Audience`:
    `team_ids` and `local_authority_ids` limit whom the figure may count, None
    meaning no limit) and `filters` (an `ApiFilters`), and returns data that
    `serializer` describes.
    """
    schema = extend_schema(
        operation_id=f"figure_{name}",
        summary=title,
        description=description,
        tags=["figures"],
        parameters=[FigureQuerySerializer],
        responses={200: serializer, **ERROR_RESPONSES},
    )

    def get(self, request, *args, **kwargs):
        return FigureView.get(self, request, *args, **kwargs)

    get = schema(get)
    return type(
        f"{name.title().replace('_', '')}FigureView",
        (FigureView,),
        {"compute": staticmethod(compute), "log_name": f"figures:{name}", "get": get},
    )


# --- Reference lists: what the filters take ----------------------------------------------------


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Give it as `team=`.")
    name = serializers.CharField(read_only=True)
    service = serializers.CharField(read_only=True, source="service__code")


class LocalAuthoritySerializer(serializers.Serializer):
    code = serializers.CharField(
        read_only=True, help_text="ONS code; give it as `local_authority=`."
    )
    name = serializers.CharField(read_only=True)


class TeamsView(ApiView):
    log_name = "teams"

    @extend_schema(
        operation_id="teams",
        summary="Teams",
        description="Every team, with the id the `team` filter takes.",
        tags=["reference"],
        responses={200: TeamSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request, *args, **kwargs):
        teams = list(
            Team.objects.order_by("service__code", "name").values("id", "name", "service__code")
        )
        self.log_rows = len(teams)
        return Response(TeamSerializer(teams, many=True).data)


class LocalAuthoritiesView(ApiView):
    log_name = "local_authorities"

    @extend_schema(
        operation_id="local_authorities",
        summary="Local authorities",
        description="Every local authority, with the ONS code the `local_authority` filter takes.",
        tags=["reference"],
        responses={200: LocalAuthoritySerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request, *args, **kwargs):
        authorities = list(LocalAuthority.objects.order_by("code").values("code", "name"))
        self.log_rows = len(authorities)
        return Response(LocalAuthoritySerializer(authorities, many=True).data)
