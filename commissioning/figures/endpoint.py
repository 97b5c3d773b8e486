"""How a figure family becomes an endpoint of the commissioner API.

`figure_endpoint(family=..., name=..., ...)` makes the view of one family with
`commissioning.api.figure_view`: the view turns the caller's `ApiScope` and the parsed
`ApiFilters` into a `FigureFilters` (`figure_filters`), calls the family and
returns its result as it is, documented by `FigureResultSerializer`, which is
the families' own `RESULT_SCHEMA` (so the schema is the output, exactly).

From the request to the figures' filters:

- **Scope.** A member of staff counts the people of their own teams
  (`ApiScope.team_ids()` becomes `person_scope`); a team asked for outside them
  is refused. Governance and commissioners count the whole service.
- **Local authorities.** A commissioner whose client is limited to some local
  authorities counts only the people living in them. `local_authority` narrows
  that, never widens it: a code outside the client's is refused, rather than
  quietly left out of a figure that would then not be what was asked for.
- **Period.** `from` and `to` together; neither gives the last whole calendar
  quarter (`outcomes.figures.filters.last_whole_quarter`), beside the quarter
  before it.
- **Segment.** As asked. A split by team lists every team the figures may
  cover (zeros included, so the shape never depends on the data), about 24 KB
  of JSON a team for the outcome summary: above `TEAM_SPLIT_LIMIT` teams it
  is refused, with a message to choose teams with `team` or split by local
  authority instead.

One validation story: whatever finds a bad parameter, the query serializer,
these rules or a `FigureInputError` from the filters or a family, the caller
gets the API's one application error (`commissioning.extracts.base.ExtractError`), a 400
whose `errors` name the query parameter (`FIELD_PARAMETERS` maps each figure
field to it).
"""

import datetime
from collections.abc import Callable, Iterable

from django.utils import timezone

from cases.models import LocalAuthority, Team
from commissioning.api import SEGMENTS, figure_view, json_schema_serializer
from commissioning.extracts.base import NON_FIELD_ERRORS, ApiFilters, ExtractError
from commissioning.selectors import ApiScope
from outcomes.benchmarks import BENCHMARK_SCHEMA, benchmarks_for, with_loaded_targets
from outcomes.figures import RESULT_SCHEMA, FigureFilters, FigureInputError
from outcomes.figures.filters import Period, last_whole_quarter

# The most teams a split by team may list in one response.
TEAM_SPLIT_LIMIT = 100

# Each `FigureFilters` field, as the query parameter a caller gave it by.
FIELD_PARAMETERS = {
    "start": "from",
    "end": "to",
    "team_ids": "team",
    "local_authority_ids": "local_authority",
    "segment": "segment",
}

# A family's result with the benchmarks and targets beside its figures (`with_benchmarks`).
FIGURE_RESULT_SCHEMA = {
    **RESULT_SCHEMA,
    "properties": {**RESULT_SCHEMA["properties"], "benchmarks": BENCHMARK_SCHEMA},
}
FigureResultSerializer = json_schema_serializer("FigureResult", FIGURE_RESULT_SCHEMA)


def as_api_error(error: FigureInputError) -> ExtractError:
    """A `FigureInputError` as the API's error, each message at its query parameter."""
    return ExtractError.from_errors(
        {
            FIELD_PARAMETERS.get(field, NON_FIELD_ERRORS): message
            for field, message in error.errors.items()
        }
    )


def _local_authorities(scope: ApiScope, filters: ApiFilters) -> frozenset[int] | None:
    """The local authorities whose residents count: the request's, within the client's."""
    asked = frozenset(filters.local_authority_ids) or None
    limit = scope.local_authority_ids
    if limit is None:
        return asked
    if asked is None:
        return frozenset(limit)
    outside = asked - limit
    if outside:
        codes = ", ".join(
            LocalAuthority.objects.filter(pk__in=outside)
            .order_by("code")
            .values_list("code", flat=True)
        )
        raise ExtractError(
            f"Your client's figures do not cover {codes}: ask only for its own local authorities.",
            field="local_authority",
        )
    return asked


def figure_filters(
    *, scope: ApiScope, filters: ApiFilters, today: datetime.date | None = None
) -> FigureFilters:
    """The `FigureFilters` of a request (see the module docstring for the rules).

    Raises `ExtractError` naming the query parameter at fault.
    """
    if filters.start is None and filters.end is None:
        period = last_whole_quarter(today or timezone.localdate())
        start, end = period.start, period.end
    else:
        start, end = filters.start, filters.end
    try:
        made = FigureFilters(
            start=start,
            end=end,
            team_ids=filters.team_ids or None,
            local_authority_ids=_local_authorities(scope, filters),
            person_scope=scope.team_ids(),
            segment=filters.segment,
        )
    except FigureInputError as error:
        raise as_api_error(error) from None
    if made.segment == "team":
        listed = len(made.teams) if made.teams is not None else Team.objects.count()
        if listed > TEAM_SPLIT_LIMIT:
            raise ExtractError(
                f"A split by team gives every figure for each of {listed:,} teams: choose at "
                f"most {TEAM_SPLIT_LIMIT} with team, or split by local_authority.",
                field="segment",
            )
    return made


def figure_compute(family: Callable[[FigureFilters], dict]) -> Callable[..., dict]:
    """`family` as the `compute(scope=..., filters=...)` that `figure_view` calls."""

    def compute(*, scope: ApiScope, filters: ApiFilters) -> dict:
        made = figure_filters(scope=scope, filters=filters)
        try:
            return family(made)
        except FigureInputError as error:
            raise as_api_error(error) from None

    return compute


ABOUT_EVERY_FIGURE = """

**Parameters.** `from` and `to` (YYYY-MM-DD) give the period, both days included, ending by
today at the latest; without them it is the last whole calendar quarter. `team` and
`local_authority` (ids from `/api/v1/teams/`, ONS codes from `/api/v1/local-authorities/`)
narrow whom the figures count; `segment` splits every figure.

**Who is counted.** Staff count the people of their own teams; commissioners the whole
service, or the residents of their client's local authorities, which `local_authority` can
narrow but not widen.

**The previous period.** Every row carries, under `previous`, the same figure for the period
before: the same number of whole months just before a period of whole months (a quarter
beside the quarter before), or else the same number of days. `change` is the difference
(percentage points for percentages).

**Small numbers.** Every count from 1 to 4, and every count that would give one back (a total
minus the other cells, a denominator minus its numerator), is withheld: `null`, with
`suppressed` true. A rate or statistic over a withheld count is withheld too.

**Provisional.** A figure whose follow-up has not ended (e.g. re-presentation within 6
months) is marked `provisional` and can still change.

**Splits as rates.** Split by a `segment`, each row of a segment value carries `whole`: the
same figure (key, client group, category) for everyone, this period. A percentage row's
`difference` says, in words, where the segment's share differs from everyone else's by more
than chance, and is `null` otherwise; a withheld cell is never marked. The result's `test`
names the test and its threshold. With many segment values and figures, some rows are
marked by chance alone.

**Benchmarks and targets.** `benchmarks` lists the reference values an administrator has
loaded for these figures whose period holds this period's last day: national, cluster,
top quartile or a local target, each naming the figure (`key`, `client_group`,
`category`, as on its rows), with its value, the direction that is `better` (`higher` or
`lower`), its period and source. A figure held to a target (its rows' `target`) is held
to the local target loaded for it, where there is one (`target.origin` `loaded`, with the
loaded row's source and period in `target.source`), and otherwise to its own default
(`origin` `default`).
"""


def with_benchmarks(result: dict) -> dict:
    """`result` with `benchmarks`: each loaded benchmark or target of its figures for its
    period (`outcomes.benchmarks.benchmarks_for`, one query), naming the figure's key,
    client group and category, with the direction that is better; and each row's
    target, the local target loaded for its period where there is one."""
    period = Period(
        datetime.date.fromisoformat(result["period"]["start"]),
        datetime.date.fromisoformat(result["period"]["end"]),
    )
    found = benchmarks_for({row["key"] for row in result["figures"]}, period)
    with_loaded_targets(result["figures"], found)
    result["benchmarks"] = [
        {"key": key, "client_group": group, "category": category, **value}
        for (key, group, category), values in found.items()
        for value in values
    ]
    return result


def figure_endpoint(
    *,
    family: Callable[[FigureFilters], dict],
    name: str,
    title: str,
    description: str,
    roles: Iterable[str] | None = None,
    segments: tuple[str, ...] = SEGMENTS,
):
    """The view class of one figure family at `/api/v1/figures/<name>/`.

    `roles` narrows who may call it (None: everyone the API lets in, each within
    their scope); `segments` are the splits the family offers.
    """
    return figure_view(
        name=name,
        title=title,
        description=description + ABOUT_EVERY_FIGURE,
        compute=figure_compute(lambda filters: with_benchmarks(family(filters))),
        serializer=FigureResultSerializer,
        roles=roles,
        segments=segments,
    )
