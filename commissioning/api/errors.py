"""API errors: one application error type (`commissioning.extracts.base.ExtractError`), mapped once.

`exception_handler` (set as DRF's `EXCEPTION_HANDLER`) is the one place errors
become responses: every error is `{"detail": ..., "errors": {parameter:
[messages]}}` where it fits, so a bad query parameter is a 400 naming it.
`ERROR_RESPONSES` documents the refusals every operation can give.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from commissioning.extracts.base import INVALID_QUERY, NON_FIELD_ERRORS, ExtractError


def exception_handler(exc, context):
    """Every API error as {"detail": ..., "errors": {parameter: [messages]}} where it fits."""
    if isinstance(exc, ExtractError):
        errors = {field: [message] for field, message in exc.errors.items()}
        return Response({"detail": exc.message, "errors": errors}, status=400)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {NON_FIELD_ERRORS: exc.detail}
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
