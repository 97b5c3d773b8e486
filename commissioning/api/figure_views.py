"""Figure views: an aggregate figure from a function of (`ApiScope`, `ApiFilters`).

`figure_view(...)` makes the view of one figure endpoint, with the extracts'
query parameters plus `segment`. Every figure gets authentication, access
(`ApiAccess`, then the figure's own `roles`), the API's rate and the figure
rate (`LANTERN_API_FIGURE_RATE`), the 400s, the request log (its row count is
the number of figure rows) and its place in the schema.
"""

from collections.abc import Callable, Iterable

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from commissioning.api.auth import ApiAccess, ViewRoleAccess, scope_for
from commissioning.api.base import ApiView
from commissioning.api.errors import ERROR_RESPONSES
from commissioning.api.queries import (
    SEGMENTS,
    FigureQuerySerializer,
    figure_query_serializer,
    parse_query,
)
from commissioning.api.throttles import ApiRateThrottle, FigureRateThrottle


class FigureView(ApiView):
    """An aggregate figure: `compute(scope=..., filters=...)` returns JSON-ready data."""

    permission_classes = [ApiAccess, ViewRoleAccess]
    throttle_classes = [ApiRateThrottle, FigureRateThrottle]
    compute: Callable[..., dict]
    # The name in its URL (`/api/v1/figures/<name>/`) and in the API root's list.
    figure_name: str
    # Its title in words, as the schema and the commissioner dashboard give it.
    figure_title: str = ""
    query_serializer: type[FigureQuerySerializer] = FigureQuerySerializer
    roles: frozenset[str] | None = None

    def get(self, request, *args, **kwargs):
        filters = parse_query(request, self.query_serializer)
        data = type(self).compute(scope=scope_for(request), filters=filters)
        self.log_rows = len(data.get("figures", ()))
        return Response(data)


def figure_view(
    *,
    name: str,
    title: str,
    description: str,
    compute: Callable[..., dict],
    serializer: type[serializers.Serializer],
    roles: Iterable[str] | None = None,
    segments: tuple[str, ...] = SEGMENTS,
):
    """The view class of one figure endpoint (`/api/v1/figures/<name>/`), with its schema;
    its `figure_name` is `name` and its `figure_title` is `title`.

    `compute` is called with the keyword arguments `scope` (a
    `commissioning.selectors.ApiScope`: its `team_ids()` and `local_authority_ids` limit
    whom the figure may count, None meaning no limit) and `filters` (an
    `ApiFilters`), and returns data that `serializer` describes. `roles` narrows
    who may call it (None: every role the API lets in); `segments` are the
    splits it offers.
    """
    query = figure_query_serializer(segments)
    schema = extend_schema(
        operation_id=f"figure_{name}",
        summary=title,
        description=description,
        tags=["figures"],
        parameters=[query],
        responses={200: serializer, **ERROR_RESPONSES},
    )

    def get(self, request, *args, **kwargs):
        return FigureView.get(self, request, *args, **kwargs)

    get = schema(get)
    return type(
        f"{name.title().replace('_', '')}FigureView",
        (FigureView,),
        {
            "compute": staticmethod(compute),
            "figure_name": name,
            "figure_title": title,
            "log_name": f"figures:{name}",
            "get": get,
            "query_serializer": query,
            "roles": frozenset(roles) if roles is not None else None,
        },
    )
