"""Extract views, generated from each extract's allow-list.

`extract_view(extract)` makes the view of one `commissioning.extracts.base.Extract`: JSON
pages with an encrypted cursor, or the whole extract as CSV with `?format=csv`
(or `Accept: text/csv`), its serializer and OpenAPI schema generated from the
extract's allow-list.
"""

from collections.abc import Callable

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from commissioning.api.auth import audience_for
from commissioning.api.base import ApiView
from commissioning.api.errors import ERROR_RESPONSES
from commissioning.api.pagination import ExtractPagination
from commissioning.api.queries import ExtractQuerySerializer, validated_query
from commissioning.extracts.base import Extract, ExtractField, csv_chunks


class CsvRenderer(BaseRenderer):
    """Marks `text/csv` as acceptable; the CSV itself is streamed by the view, never rendered."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise exceptions.NotAcceptable("This resource has no CSV form.")


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
        query = validated_query(request, ExtractQuerySerializer)
        filters = query.filters()
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
        size = query.validated_data["page_size"]
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
