"""The commissioner dashboard's page and its CSV download, at /figures/.

Both compute through `selectors.dashboard_results` (the API views' own `compute`), so
they show what the API gives for the same filters. They show no person, so they record
no read of one; like every figure the API serves, each is recorded in the API's request
log (`commissioning.services.api_request_log_create`): who, when, the query, the rows.
"""

import csv
import time
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cases.audit import client_address, loggable, request_id
from cases.models import User
from commissioning import services
from commissioning.access import can_view_dashboard
from commissioning.dashboard import selectors
from commissioning.dashboard.forms import DashboardForm
from commissioning.extracts.base import ExtractError
from commissioning.selectors import ApiScope

TITLE = "Commissioner dashboard"
NO_CLIENT = "Your account is not linked to an active API client: ask an administrator."


def _scope(user: User) -> ApiScope:
    if not can_view_dashboard(user):
        raise PermissionDenied("The figures dashboard is for commissioners and governance.")
    return selectors.dashboard_scope(user)


def _results(
    request: HttpRequest, form: DashboardForm, scope: ApiScope
) -> list[selectors.FamilyResult] | None:
    """Every family's figures for the form's filters, or None with the form's errors set."""
    if form.is_bound and not form.is_valid():
        return None
    try:
        return selectors.dashboard_results(
            scope=scope,
            filters=form.api_filters(),
            views=selectors.dashboard_views(request.user),
        )
    except ExtractError as error:
        form.add_api_errors(error.errors)
        return None


def _log(request: HttpRequest, *, started: float, format: str, rows: int, status: int) -> None:
    user = request.user
    services.api_request_log_create(
        client=user.api_client if user.api_client_id else None,
        token=None,
        user=user,
        username=user.username,
        at=timezone.now(),
        method=request.method[:10],
        path=loggable(request.path, 500),
        extract="dashboard",
        query={
            loggable(k, 100): [loggable(v, 200) for v in values[:20]]
            for k, values in request.GET.lists()
        },
        format=format,
        rows=rows,
        status=status,
        duration_ms=round((time.monotonic() - started) * 1000),
        complete=True,
        request_id=request_id(request),
        remote_addr=client_address(request),
    )


@login_required
@require_safe
def commissioner_dashboard(request: HttpRequest) -> HttpResponse:
    started = time.monotonic()
    scope = _scope(request.user)
    if scope.nobody:
        # A commissioner whose account has no active client: the API refuses them too.
        return render(
            request, "commissioning/dashboard.html", {"title": TITLE, "no_client": NO_CLIENT}
        )
    form = DashboardForm(request.GET or None, scope=scope)
    results = _results(request, form, scope)
    segment = form.api_filters().segment if results is not None else None
    families, charts = selectors.page_families(results or [], segment)
    # Bad input is the request's fault: the form says why, at the field.
    status = 400 if results is None else 200
    rows = sum(len(f.result["figures"]) for f in results or ())
    _log(request, started=started, format="html", rows=rows, status=status)
    return render(
        request,
        "commissioning/dashboard.html",
        {
            "title": TITLE,
            "form": form,
            "families": families,
            "charts": charts,
            "period": selectors.period_of(results or []),
            "computed_at": selectors.computed_at(results or []),
            "kept": any(r.kept for r in results or ()),
            "withheld": selectors.WITHHELD,
            "whole_service": scope.team_ids() is None and scope.local_authority_ids is None,
            "csv_query": urlencode(form.query()),
        },
        status=status,
    )


@login_required
@require_safe
def commissioner_dashboard_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's cells as CSV, one row per figure row (`selectors.CSV_COLUMNS`)."""
    started = time.monotonic()
    scope = _scope(request.user)
    if scope.nobody:
        raise PermissionDenied(NO_CLIENT)
    form = DashboardForm(request.GET or None, scope=scope)
    results = _results(request, form, scope)
    if results is None:
        messages = "; ".join(f"{m}" for errors in form.errors.values() for m in errors)
        _log(request, started=started, format="csv", rows=0, status=400)
        return HttpResponse(
            f"These figures cannot be given: {messages}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = selectors.csv_rows(results)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lantern-figures.csv"'
    csv.writer(response).writerows(rows)
    _log(request, started=started, format="csv", rows=len(rows) - 1, status=200)
    return response
