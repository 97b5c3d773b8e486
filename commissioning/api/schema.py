"""Responses described by a JSON Schema, served in the API's OpenAPI 3.0 document.

Some responses are defined once as a JSON Schema by the code that produces
them (the figure families' `outcomes.figures.RESULT_SCHEMA`), and tests hold
every result to it. `json_schema_serializer(name, schema)` makes a serializer
class that drf-spectacular documents as that very schema, a component named
`name`, so the documented response cannot drift from the real one.

OpenAPI 3.0 has no `null` type: `openapi_schema` rewrites a JSON Schema's
nullable types (`"type": ["integer", "null"]`) and enums holding null as 3.0's
`nullable: true`, and leaves everything else as it is.
"""

from typing import Any, ClassVar

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

_ENUM_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def openapi_schema(schema: Any) -> Any:
    """A JSON Schema (draft 2020-12 types) as an OpenAPI 3.0 schema object."""
    if isinstance(schema, list):
        return [openapi_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: openapi_schema(value) for key, value in schema.items()}
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [t for t in kind if t != "null"]
        if len(others) != 1:
            raise ValueError(f"OpenAPI 3.0 cannot say a value is any of {kind}")
        converted["type"] = others[0]
        if "null" in kind:
            converted["nullable"] = True
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        types = {_ENUM_TYPES[type(v)] for v in values}
        if "type" not in converted and len(types) == 1:
            converted["type"] = types.pop()
        if None in schema["enum"]:
            converted["nullable"] = True
    return converted


class JsonSchemaSerializer(serializers.Serializer):
    """A response documented by `json_schema` (a JSON Schema) rather than by fields."""

    json_schema: ClassVar[dict] = {}


class JsonSchemaSerializerExtension(OpenApiSerializerExtension):
    target_class = JsonSchemaSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        return openapi_schema(self.target.json_schema)


def json_schema_serializer(name: str, schema: dict) -> type[JsonSchemaSerializer]:
    """A serializer class documented as `schema`, in a component called `name`."""
    return type(f"{name}Serializer", (JsonSchemaSerializer,), {"json_schema": schema})
