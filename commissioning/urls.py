"""The commissioner API under /api/v1/: every extract, the reference lists, the schema and docs.

The extracts are declared one module per layer (`commissioning.extracts.cases`,
`.outcomes`, `.risk`, `.care`) and mounted here at `extracts/<name>/`. The figure
endpoints, declared the same way (`commissioning.figures.outcomes`, `.risk`,
`.overdoses`, `.casereviews`, `.deathreviews`, `.care`, each made with `commissioning.figures.endpoint.figure_endpoint`;
`.fairness`, with its own result shape),
are listed in `FIGURES` and mounted at `figures/<name>/`, each by its view's
`figure_name` (see the README). Mounted at /api/v1/ by `config.urls`.
"""

import functools
import re

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.response import Response
from rest_framework.reverse import reverse

from commissioning.api import (
    ApiView,
    FigureView,
    LocalAuthoritiesView,
    TeamsView,
    extract_view,
)
from commissioning.extracts.care import CARE_EXTRACTS
from commissioning.extracts.cases import CASE_EXTRACTS
from commissioning.extracts.outcomes import TOP_ASSESSMENTS
from commissioning.extracts.risk import FLAGS, OUTREACH_ATTEMPTS
from commissioning.figures.care import HarmReductionFigures
from commissioning.figures.casereviews import CaseReviewFigures
from commissioning.figures.deathreviews import DeathReviewFigures
from commissioning.figures.fairness import FairnessFigures
from commissioning.figures.outcomes import (
    CriminalJusticeAndFamiliesFigures,
    NaloxoneCoverageFigures,
    OutcomeSummaryFigures,
    TopOutcomesFigures,
    TreatmentExitsFigures,
)
from commissioning.figures.overdoses import OverdosePathwayFigures
from commissioning.figures.risk import FlagsAndOutreachFigures

EXTRACTS = (*CASE_EXTRACTS, TOP_ASSESSMENTS, FLAGS, OUTREACH_ATTEMPTS, *CARE_EXTRACTS)

# The view classes made by commissioning.api.figure_view, each served at figures/<its figure_name>/.
FIGURES: tuple[type[FigureView], ...] = (
    OutcomeSummaryFigures,
    NaloxoneCoverageFigures,
    FlagsAndOutreachFigures,
    OverdosePathwayFigures,
    CaseReviewFigures,
    DeathReviewFigures,
    FairnessFigures,
    TreatmentExitsFigures,
    TopOutcomesFigures,
    HarmReductionFigures,
    CriminalJusticeAndFamiliesFigures,
)


def extract_url_name(name: str) -> str:
    return f"api_extract_{name}"


def figure_url_name(name: str) -> str:
    return f"api_figure_{name}"


class ApiRootView(ApiView):
    """Where everything is: the extracts, figures, reference lists, schema and docs."""

    log_name = "index"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        def link(name: str) -> str:
            return reverse(name, request=request)

        return Response(
            {
                "extracts": {e.name: link(extract_url_name(e.name)) for e in EXTRACTS},
                "figures": {
                    view.figure_name: link(figure_url_name(view.figure_name)) for view in FIGURES
                },
                "teams": link("api_teams"),
                "local_authorities": link("api_local_authorities"),
                "schema": link("api_schema"),
                "docs": link("api_docs"),
                "redoc": link("api_redoc"),
            }
        )


class SchemaView(ApiView, SpectacularAPIView):
    """The OpenAPI schema, for signed-in callers only."""

    log_name = "schema"
    renderer_classes = SpectacularAPIView.renderer_classes


class DocsView(ApiView, SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's files (no CDN); its script is a separate file."""

    log_name = "docs"
    renderer_classes = SpectacularSwaggerSplitView.renderer_classes
    template_name = "api/swagger_ui.html"
    url_name = "api_schema"


# ReDoc draws with styled-components, which writes <style> elements at run time;
# this page alone lets inline styles through. Scripts stay as strict as everywhere.
REDOC_STYLE_POLICY = {"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}


@method_decorator(csp_update(REDOC_STYLE_POLICY), name="dispatch")
class RedocView(ApiView, SpectacularRedocView):
    log_name = "docs"
    renderer_classes = SpectacularRedocView.renderer_classes
    template_name = "api/redoc.html"
    url_name = "api_schema"


REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
# Anything the bundle would fetch from another site. It has one, the Redocly logo in its
# sidebar, which the content security policy blocks (and which would tell a CDN that the
# docs were opened); an empty data: image fails to load, and ReDoc then leaves it out.
OUTSIDE_ADDRESS = re.compile(r"https?://cdn\.[^\"'\s)]*")


@functools.cache
def _redoc_bundle() -> bytes:
    path = finders.find(REDOC_BUNDLE)
    with open(path, encoding="utf-8") as bundle:
        text = bundle.read()
    text = re.sub(r"//# sourceMappingURL=\S+\s*$", "", text)
    return OUTSIDE_ADDRESS.sub("data:,", text).encode()


@require_safe
@cache_control(max_age=86400)
def redoc_bundle(request: HttpRequest) -> HttpResponse:
    """drf-spectacular-sidecar's ReDoc, as it is but for what it would load from a CDN."""
    return HttpResponse(_redoc_bundle(), content_type="text/javascript; charset=utf-8")


urlpatterns = [
    path("", ApiRootView.as_view(), name="api_root"),
    path("schema/", SchemaView.as_view(), name="api_schema"),
    path("docs/", DocsView.as_view(), name="api_docs"),
    path("docs/redoc/", RedocView.as_view(), name="api_redoc"),
    path("docs/redoc.standalone.js", redoc_bundle, name="api_redoc_bundle"),
    path("teams/", TeamsView.as_view(), name="api_teams"),
    path("local-authorities/", LocalAuthoritiesView.as_view(), name="api_local_authorities"),
    *(
        path(
            f"extracts/{e.name.replace('_', '-')}/",
            extract_view(e).as_view(),
            name=extract_url_name(e.name),
        )
        for e in EXTRACTS
    ),
    *(
        path(
            f"figures/{view.figure_name.replace('_', '-')}/",
            view.as_view(),
            name=figure_url_name(view.figure_name),
        )
        for view in FIGURES
    ),
]
