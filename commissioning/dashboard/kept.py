"""The dashboard's figures, kept from one night's risk recompute to the next.

Every family of the whole service at 1,000,000 people takes about half a minute to
compute (`bench/figures.py --dashboard`), too long for a page. So each family's result
is kept in the cache (Redis in production) under what decides it:

- the family and its `FigureFilters` (period, teams, local authorities, the scope's
  teams, the split): a commissioner and a member of governance who reach the same
  people share one result;
- today's date (the default period, and which cells are still provisional);
- the *generation*: the latest published recompute and the latest benchmark load.
  A night's recompute, or an administrator's new benchmarks, start a new one.

Within a generation the figures are those of the first computation, which the page
states ("as they stood at"). Records entered during the day reach the dashboard with
the next night's recompute; the API computes on every call. Where no recompute has
published yet (a new installation), nothing is kept.

`dashboard_figures_warm` (after each night's recompute) computes the default period
for the whole service and for each active API client's local authorities, so the
first commissioner of the day does not wait.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from commissioning.api import FigureView
from commissioning.extracts.base import ApiFilters
from commissioning.figures.endpoint import figure_filters
from commissioning.models import ApiClient
from commissioning.selectors import ApiScope
from commissioning.urls import FIGURES
from core import frames
from outcomes.models import Benchmark
from risk.models import RecomputeRun

# Longer than a day, so a night whose recompute fails keeps the day before's figures
# (the generation, not the expiry, is what replaces them).
KEPT_SECONDS = 36 * 60 * 60
KEY_PREFIX = "dashboard-figures"


@dataclass(frozen=True)
class KeptResult:
    result: dict
    computed_at: datetime.datetime
    # False where nothing is kept (no recompute has published yet).
    kept: bool


def generation() -> str | None:
    """What the kept figures were computed from: None when nothing is to be kept."""
    run = (
        RecomputeRun.objects.filter(status=RecomputeRun.Status.PUBLISHED)
        .order_by("-pk")
        .values_list("pk", "finished_at")
        .first()
    )
    if run is None:
        return None
    loads = Benchmark.objects.aggregate(latest=Max("loaded_at"), rows=Count("pk"))
    return f"{run[0]}:{run[1]}:{loads['latest']}:{loads['rows']}"


def _key(view: type[FigureView], scope: ApiScope, filters: ApiFilters, kept: str) -> str:
    made = figure_filters(scope=scope, filters=filters)
    described = repr((view.figure_name, made, timezone.localdate(), kept))
    return f"{KEY_PREFIX}:{hashlib.sha256(described.encode()).hexdigest()}"


def kept_compute(
    view: type[FigureView], *, scope: ApiScope, filters: ApiFilters, kept: str | None
) -> KeptResult:
    """`view`'s result for `filters` as kept in this generation, computed when not yet kept.

    Raises `ExtractError` (naming the query parameter) as the API would.
    """
    if kept is None:
        return KeptResult(view.compute(scope=scope, filters=filters), timezone.now(), False)
    key = _key(view, scope, filters, kept)
    found = cache.get(key)
    if found is None:
        found = KeptResult(view.compute(scope=scope, filters=filters), timezone.now(), True)
        cache.set(key, found, KEPT_SECONDS)
    return found


def warm_scopes() -> list[ApiScope]:
    """Whom the dashboard is opened for: the whole service (commissioners of unlimited
    clients, governance) and each active client limited to some local authorities."""
    scopes = [ApiScope()]
    clients = ApiClient.objects.filter(is_active=True).prefetch_related("local_authorities")
    for client in clients:
        authorities = frozenset(a.pk for a in client.local_authorities.all())
        if authorities and ApiScope(local_authority_ids=authorities) not in scopes:
            scopes.append(ApiScope(local_authority_ids=authorities))
    return scopes


def dashboard_figures_warm() -> int:
    """Compute, unless kept already, every family of the default period for each scope in
    `warm_scopes`; returns how many scopes. Rows several families read are read once."""
    kept = generation()
    if kept is None:
        return 0
    scopes = warm_scopes()
    for scope in scopes:
        with frames.shared_reads():
            for view in FIGURES:
                kept_compute(view, scope=scope, filters=ApiFilters(), kept=kept)
    return len(scopes)
