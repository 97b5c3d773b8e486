"""Reference lists: the teams and local authorities the filters take."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cases.models import LocalAuthority, Team
from commissioning.api.base import ApiView
from commissioning.api.errors import ERROR_RESPONSES


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Give it as `team=`.")
    name = serializers.CharField(read_only=True)
    service = serializers.CharField(read_only=True, source="service__code")


class LocalAuthoritySerializer(serializers.Serializer):
    code = serializers.CharField(
        read_only=True, help_text="ONS code; give it as `local_authority=`."
    )
    name = serializers.CharField(read_only=True)


class TeamsView(ApiView):
    log_name = "teams"

    @extend_schema(
        operation_id="teams",
        summary="Teams",
        description="Every team, with the id the `team` filter takes.",
        tags=["reference"],
        responses={200: TeamSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request, *args, **kwargs):
        teams = list(
            Team.objects.order_by("service__code", "name").values("id", "name", "service__code")
        )
        self.log_rows = len(teams)
        return Response(TeamSerializer(teams, many=True).data)


class LocalAuthoritiesView(ApiView):
    log_name = "local_authorities"

    @extend_schema(
        operation_id="local_authorities",
        summary="Local authorities",
        description="Every local authority, with the ONS code the `local_authority` filter takes.",
        tags=["reference"],
        responses={200: LocalAuthoritySerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request, *args, **kwargs):
        authorities = list(LocalAuthority.objects.order_by("code").values("code", "name"))
        self.log_rows = len(authorities)
        return Response(LocalAuthoritySerializer(authorities, many=True).data)
