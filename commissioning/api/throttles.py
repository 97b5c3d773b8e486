"""Throttles: requests per token (or signed-in user), counted in the shared cache.

`LANTERN_API_RATE` applies to every request; whole CSV extracts, which are
heavier, also count against `LANTERN_API_EXPORT_RATE`, and figures, each a
computation over the whole of its period's records, against
`LANTERN_API_FIGURE_RATE`.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from commissioning.api.auth import request_token


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


class FigureRateThrottle(ApiRateThrottle):
    """Figures take seconds each at national scale, so they have a rate of their own."""

    scope = "figure"
    setting = "LANTERN_API_FIGURE_RATE"
