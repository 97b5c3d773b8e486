"""`ApiView`, the base of every API view: authentication, access, throttles, the request log.

Every request is recorded in `ApiRequestLog` when its response is ready, and a
streamed CSV again when its stream ends (`stream_finished`). That log is the
API's access audit: exactly one append-only row per response (who, when, which
extract or figure and query, rows, status, address, request id); the database
refuses any change to it except completing a streamed CSV's row once.
"""

import time

from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from cases.audit import client_address, loggable, request_id
from commissioning import services
from commissioning.api.auth import ApiAccess, ApiTokenAuthentication, request_token
from commissioning.api.throttles import ApiRateThrottle, ExportRateThrottle
from commissioning.extracts.base import ExtractError
from commissioning.session_auth import VerifiedSessionAuthentication


class ApiView(APIView):
    """The base of every API view. Subclasses set `log_name` and may set `self.log_rows`."""

    authentication_classes = [ApiTokenAuthentication, VerifiedSessionAuthentication]
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
            path=loggable(request.path, 500),
            extract=self.log_name,
            query={
                loggable(k, 100): [loggable(v, 200) for v in values[:20]]
                for k, values in request.query_params.lists()
            },
            format="csv" if streaming else getattr(renderer, "format", "") or "",
            rows=None if streaming else getattr(self, "log_rows", None),
            status=response.status_code,
            duration_ms=None if streaming else self.elapsed_ms(),
            complete=not streaming,
            request_id=request_id(request),
            remote_addr=client_address(request),
        )

    def stream_finished(self, rows: int, complete: bool) -> None:
        services.api_request_log_finish(
            log=self.log, rows=rows, complete=complete, duration_ms=self.elapsed_ms()
        )
