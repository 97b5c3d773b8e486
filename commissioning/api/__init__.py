"""The commissioner REST API's machinery, and the case-record extracts.

Contract:

- Authentication (`commissioning.api.auth`): a bearer token (`Authorization: Bearer
  lantern_...`) issued to a commissioner of an API client, or a signed-in
  session. A token acts as its commissioner, so every request is a person's.
- Access (`ApiAccess`, from the tables in `commissioning.access`): commissioners of an
  active client, and staff who browse people; administrators and anyone else
  get 403, anonymous callers 401. What rows each receives is
  `commissioning.selectors.service_users_for_api`.
- `ApiView` (`commissioning.api.base`) is the base of every API view: it
  authenticates, checks access, throttles per token or user
  (`commissioning.api.throttles`: `LANTERN_API_RATE`, and `LANTERN_API_EXPORT_RATE` for
  CSV), maps `ExtractError` and bad query parameters to a 400 naming the
  parameter (`commissioning.api.errors.exception_handler`, the one place errors become
  responses) and records every request in `ApiRequestLog`, a streamed CSV when
  its stream ends.
- Query parameters (`commissioning.api.queries`): period, team and local authority for
  every extract and figure, parsed into `commissioning.extracts.base.ApiFilters`.
- `extract_view(extract)` (`commissioning.api.extract_views`) makes the view of one
  `commissioning.extracts.base.Extract`: JSON pages with an encrypted cursor
  (`commissioning.api.pagination`), or the whole extract as CSV with `?format=csv` (or
  `Accept: text/csv`), its serializer and OpenAPI schema generated from the
  extract's allow-list.
- `figure_view(...)` (`commissioning.api.figure_views`) makes the view of an aggregate
  figure from a function of (`ApiScope`, `ApiFilters`), with the same query
  parameters plus `segment`, its own rate (`LANTERN_API_FIGURE_RATE`) and,
  where its layer declares them, its own roles. `json_schema_serializer`
  (`commissioning.api.schema`) documents a response by the JSON Schema its producer
  already holds it to.
- The extracts of this layer are declared in `commissioning.extracts.cases`;
  `commissioning.extracts.outcomes` and `.risk` declare theirs the same way.
"""

from commissioning.api.auth import (
    ApiAccess,
    ApiTokenAuthentication,
    ApiTokenScheme,
    ViewRoleAccess,
    audience_for,
    request_client,
    request_token,
    scope_for,
)
from commissioning.api.base import ApiView
from commissioning.api.errors import (
    ERROR_RESPONSES,
    INVALID_QUERY,
    ErrorSerializer,
    exception_handler,
)
from commissioning.api.extract_views import (
    CsvRenderer,
    ExtractView,
    extract_view,
    field_table,
    page_serializer,
    row_serializer,
)
from commissioning.api.figure_views import FigureView, figure_view
from commissioning.api.pagination import ExtractPagination
from commissioning.api.queries import (
    SEGMENTS,
    CommaListField,
    ExtractQuerySerializer,
    FigureQuerySerializer,
    QuerySerializer,
    figure_query_serializer,
    parse_query,
    validated_query,
)
from commissioning.api.reference import (
    LocalAuthoritiesView,
    LocalAuthoritySerializer,
    TeamSerializer,
    TeamsView,
)
from commissioning.api.schema import JsonSchemaSerializer, json_schema_serializer, openapi_schema
from commissioning.api.throttles import ApiRateThrottle, ExportRateThrottle, FigureRateThrottle

__all__ = [
    "ERROR_RESPONSES",
    "INVALID_QUERY",
    "SEGMENTS",
    "ApiAccess",
    "ApiRateThrottle",
    "ApiTokenAuthentication",
    "ApiTokenScheme",
    "ApiView",
    "CommaListField",
    "CsvRenderer",
    "ErrorSerializer",
    "ExportRateThrottle",
    "ExtractPagination",
    "ExtractQuerySerializer",
    "ExtractView",
    "FigureQuerySerializer",
    "FigureRateThrottle",
    "FigureView",
    "JsonSchemaSerializer",
    "LocalAuthoritiesView",
    "LocalAuthoritySerializer",
    "QuerySerializer",
    "TeamSerializer",
    "TeamsView",
    "ViewRoleAccess",
    "audience_for",
    "exception_handler",
    "extract_view",
    "field_table",
    "figure_query_serializer",
    "figure_view",
    "json_schema_serializer",
    "openapi_schema",
    "page_serializer",
    "parse_query",
    "request_client",
    "request_token",
    "row_serializer",
    "scope_for",
    "validated_query",
]
