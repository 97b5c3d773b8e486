"""Figure views: an aggregate figure from a function of (`Audience`, `ApiFilters`).

`figure_view(...)` makes the view of one figure endpoint, with the extracts'
query parameters plus `segment`.
"""

from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cases.api.auth import audience_for
from cases.api.base import ApiView
from cases.api.errors import ERROR_RESPONSES
from cases.api.queries import FigureQuerySerializer, parse_query


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
