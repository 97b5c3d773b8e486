"""Middleware that applies to every page Lantern serves."""

import logging
import sys
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from cases.validators import validate_no_control_characters
from web.signin import is_api_request

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (
    "Lantern cannot reach its database just now. Nothing has been half-saved: "
    "please try again in a minute."
)
RETRY_AFTER_SECONDS = 30


class NoStoreWhenSignedInMiddleware:
    """Tell browsers and proxies to keep no copy of any page served to a signed-in user.

    Pages hold health data: after signing out, Back or a shared machine's cache must not
    show them again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


DATABASE_ERRORS = (OperationalError, InterfaceError)


CONTROL_CHARACTER_IN_QUERY = (
    "The address holds an invisible control character, so the page cannot be shown. "
    "Open the page again from the menu."
)


def query_has_control_character(request: HttpRequest) -> bool:
    """Whether a key or a value of the request's query holds a control character."""
    for key, values in request.GET.lists():
        for text in (key, *values):
            try:
                validate_no_control_characters(text)
            except ValidationError:
                return True
    return False


class RefuseControlCharactersMiddleware:
    """Answer 400 to a page asked for with a control character in its query.

    No one types one into an address: it arrives from a script or a hostile link,
    and a NUL reaching PostgreSQL (which refuses it) made the admin's lists answer
    500. Pages and the admin alike refuse it here, before any view reads it; the
    API refuses it itself, in its own error shape, and records the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_request(request) and query_has_control_character(request):
            return HttpResponse(
                render_to_string(
                    "400.html", {"message": CONTROL_CHARACTER_IN_QUERY}, request=request
                ),
                status=400,
            )
        return self.get_response(request)


def _remember_database_error(sender, request: HttpRequest | None = None, **kwargs) -> None:
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request.database_unavailable = error  # type: ignore[attr-defined]


class DatabaseUnavailableMiddleware:
    """Answer 503 with a friendly page (or the API's JSON error) when the database cannot be
    reached, instead of a traceback or Django's debug page.

    It is the outermost middleware. Django turns an exception raised anywhere inside it (a
    view, the lazy user, another middleware) into a 500 response and announces it with
    `got_request_exception`; a database error announced for this request turns that 500
    into the 503. The page is rendered without the request, so no context processor runs
    and nothing needs the database.

    Recovery needs no restart: Django drops a connection that failed at the end of the
    request, and CONN_HEALTH_CHECKS tests a kept one before reuse, so the first request
    after the database is back connects afresh.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(
            _remember_database_error, dispatch_uid="lantern-database-unavailable"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        error = getattr(request, "database_unavailable", None)
        if error is None or response.status_code < 500:
            return response
        logger.error("Database unavailable serving %s: %s", request.path, error)
        return database_unavailable_response(request)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if is_api_request(request):
        # The API's one error shape (commissioning.api.errors).
        response = JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"message": DATABASE_UNAVAILABLE}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
