"""The project's URLs plus one figure endpoint made as the README says, for test_figure_view."""

from django.urls import path
from rest_framework import serializers

from cases.api import figure_view
from config.urls import urlpatterns as project_urls


class EchoFigureSerializer(serializers.Serializer):
    segment = serializers.CharField(allow_null=True)
    teams = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    figures = serializers.ListField(child=serializers.DictField())


def echo(*, audience, filters):
    """A stand-in figure: it returns what it was given, so the test can see it."""
    return {
        "segment": filters.segment,
        "teams": sorted(audience.team_ids) if audience.team_ids is not None else None,
        "figures": [
            {
                "start": str(filters.start),
                "end": str(filters.end),
                "la": filters.local_authority_ids,
            }
        ],
    }


EchoView = figure_view(
    name="echo",
    title="Echo",
    description="Returns its inputs.",
    compute=echo,
    serializer=EchoFigureSerializer,
)

urlpatterns = [
    path("api/v1/figures/echo/", EchoView.as_view(), name="api_figure_echo"),
    *project_urls,
]
