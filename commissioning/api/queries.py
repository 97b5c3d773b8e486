"""The query parameters every extract and figure takes, parsed into `ApiFilters`.

`parse_query(request, serializer_class)` refuses unknown and empty parameters
and anything the serializer finds wrong, each as a 400 naming the parameter;
`validated_query` does the same and returns the serializer, for a view that
also reads parameters of its own (an extract's `page_size`).
"""

from typing import TypeVar

from rest_framework import serializers

from cases.models import LocalAuthority, Team
from cases.validators import period_problems
from commissioning.api.pagination import ExtractPagination
from commissioning.extracts.base import ApiFilters, ExtractError
from outcomes.figures import SEGMENTS

Q = TypeVar("Q", bound="QuerySerializer")

DATE_MESSAGES = {"invalid": "Enter a date as YYYY-MM-DD, e.g. 2026-04-01."}


class CommaListField(serializers.ListField):
    """A repeated parameter (`team=1&team=2`) that also takes commas (`team=1,2`)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        items = [part.strip() for item in data for part in str(item).split(",") if part.strip()]
        return super().to_internal_value(items)


class QuerySerializer(serializers.Serializer):
    """The query parameters every extract and figure takes: period, team, local authority."""

    def get_fields(self):
        return {
            "from": serializers.DateField(
                required=False,
                error_messages=DATE_MESSAGES,
                help_text="First day of the period (YYYY-MM-DD): records dated or open on "
                "or after it. A period runs from 1900-01-01 at the earliest, ends no more "
                "than a year from today, and is at most 10 years long.",
            ),
            "to": serializers.DateField(
                required=False,
                error_messages=DATE_MESSAGES,
                help_text="Last day of the period (YYYY-MM-DD): records dated or open on or "
                "before it. Age bands are given as on this day (today without it).",
            ),
            "team": CommaListField(
                child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                required=False,
                help_text="Only people of these teams (ids from /api/v1/teams/); repeat it or "
                "separate ids with commas.",
            ),
            "local_authority": CommaListField(
                child=serializers.CharField(max_length=9),
                required=False,
                help_text="Only people living in these local authorities (ONS codes, e.g. "
                "E06000035); repeat it or separate codes with commas.",
            ),
        }

    def validate(self, attrs):
        start, end = attrs.get("from"), attrs.get("to")
        problems = period_problems(start, end)
        if problems:
            names = {"start": "from", "end": "to"}
            raise serializers.ValidationError(
                {names[field]: [problem] for field, problem in problems.items()}
            )
        teams = sorted(set(attrs.get("team") or ()))
        if teams:
            known = set(Team.objects.filter(pk__in=teams).values_list("pk", flat=True))
            missing = [str(t) for t in teams if t not in known]
            if missing:
                raise serializers.ValidationError(
                    {"team": [f"No team has the id {', '.join(missing)}."]}
                )
        codes = sorted({c.upper() for c in attrs.get("local_authority") or ()})
        authorities = {}
        if codes:
            authorities = dict(
                LocalAuthority.objects.filter(code__in=codes).values_list("code", "pk")
            )
            missing = [c for c in codes if c not in authorities]
            if missing:
                raise serializers.ValidationError(
                    {"local_authority": [f"No local authority has the code {', '.join(missing)}."]}
                )
        attrs["team_ids"] = tuple(teams)
        attrs["local_authority_ids"] = tuple(sorted(authorities.values()))
        return attrs

    def filters(self) -> ApiFilters:
        data = self.validated_data
        return ApiFilters(
            start=data.get("from"),
            end=data.get("to"),
            team_ids=data["team_ids"],
            local_authority_ids=data["local_authority_ids"],
            segment=data.get("segment"),
        )


class ExtractQuerySerializer(QuerySerializer):
    def get_fields(self):
        return {
            **super().get_fields(),
            "page_size": serializers.IntegerField(
                default=ExtractPagination.page_size,
                min_value=1,
                max_value=ExtractPagination.max_page_size,
                help_text=f"Rows per JSON page ({ExtractPagination.page_size} unless given).",
            ),
            "cursor": serializers.CharField(
                required=False,
                max_length=1000,
                help_text="Where the page starts: take it from the previous page's `next`.",
            ),
            "format": serializers.ChoiceField(
                choices=["json", "csv"],
                required=False,
                help_text="json (pages, the default) or csv (the whole extract, streamed).",
            ),
        }


class FigureQuerySerializer(QuerySerializer):
    """A figure's parameters: a whole period or none (the figures' default), and a segment.

    `segments` are the splits this figure offers (`figure_query_serializer`
    makes the serializer of a figure that offers fewer, or none: then it takes no
    `segment`).
    """

    segments: tuple[str, ...] = SEGMENTS

    def get_fields(self):
        fields = super().get_fields()
        fields["from"].help_text = (
            "First day of the period (YYYY-MM-DD), given with `to`. Without both, the "
            "figures are for the last whole calendar quarter."
        )
        fields[
            "to"
        ].help_text = "Last day of the period (YYYY-MM-DD), today at the latest, given with `from`."
        if self.segments:
            fields["segment"] = serializers.ChoiceField(
                choices=self.segments,
                required=False,
                help_text="Split every figure by one of these.",
            )
        return fields

    def validate(self, attrs):
        given = [name for name in ("from", "to") if attrs.get(name)]
        if len(given) == 1:
            missing = "to" if given == ["from"] else "from"
            raise serializers.ValidationError(
                {
                    missing: [
                        f"Give {missing} as well as {given[0]}, or neither for the last "
                        "whole quarter."
                    ]
                }
            )
        return super().validate(attrs)


def figure_query_serializer(segments: tuple[str, ...]) -> type[FigureQuerySerializer]:
    """The query serializer of a figure that can be split only by `segments`."""
    unknown = set(segments) - set(SEGMENTS)
    if unknown:
        raise ValueError(f"No segment {sorted(unknown)}")
    if tuple(segments) == SEGMENTS:
        return FigureQuerySerializer
    split = "".join(s.title().replace("_", "") for s in segments) or "Unsplit"
    name = f"FigureQuery{split}Serializer"
    return type(name, (FigureQuerySerializer,), {"segments": tuple(segments)})


def validated_query(request, serializer_class: type[Q]) -> Q:
    """`serializer_class` holding the request's query parameters, validated.

    Unknown and empty parameters are refused too; every refusal is an
    `ExtractError` (a 400) naming the parameter.
    """
    serializer = serializer_class(data=request.query_params)
    unknown = sorted(set(request.query_params) - set(serializer.fields))
    if unknown:
        raise ExtractError(
            f"Unknown query parameter {', '.join(unknown)}: see the API documentation.",
            field=unknown[0],
        )
    for name, values in request.query_params.lists():
        if any(not value.strip() for value in values):
            raise ExtractError(f"Give a value for {name}, or leave it out.", field=name)
    serializer.is_valid(raise_exception=True)
    return serializer


def parse_query(request, serializer_class: type[QuerySerializer]) -> ApiFilters:
    """The request's shared query parameters, validated and parsed (`validated_query`)."""
    return validated_query(request, serializer_class).filters()
