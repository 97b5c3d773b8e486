"""What reviews add up to: the dashboard, the learning bulletin and its approvals."""

import dataclasses
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases.audit import record_access
from cases.models import AccessKind
from cases.validators import period_problems
from deathreviews import dashboard, selectors, services
from deathreviews.access import can_approve_bulletin, can_read_bulletin
from deathreviews.forms import BulletinApprovalForm
from deathreviews.models import ReviewKind
from deathreviews.views.common import (
    add_errors,
    require_review_role,
)
from risk.wording import tier_legend


def _period(request: HttpRequest) -> tuple[datetime.date, datetime.date, list[str]]:
    start, end = dashboard.default_period()
    problems = []
    for name in ("from", "to"):
        raw = request.GET.get(name, "").strip()
        if not raw:
            continue
        try:
            value = forms.DateField().clean(raw)
        except ValidationError:
            problems.append(f"“{raw}” is not a date: enter it as dd/mm/yyyy, e.g. 01/04/2026.")
            continue
        if name == "from":
            start = value
        else:
            end = value
    out_of_bounds = list(period_problems(start, end).values())
    if out_of_bounds:
        problems += [*out_of_bounds, "Showing the default period instead."]
        start, end = dashboard.default_period()
    return start, end, problems


@login_required
def review_dashboard(request: HttpRequest) -> HttpResponse:
    require_review_role(request)
    start, end, problems = _period(request)
    data = dashboard.dashboard(request.user, start, end)
    charts = {
        "quarters": data["by_quarter"],
        "kinds": dict(ReviewKind.choices),
        "substances": data["substances"],
        "track": data["track"]["windows"],
        "treatment": data["treatment"],
        "tiers": tier_legend(),
    }
    return render(
        request,
        "deathreviews/dashboard.html",
        {
            "title": "Death review dashboard",
            "start": start,
            "end": end,
            "problems": problems,
            "data": data,
            "charts": charts,
            "kinds": ReviewKind.choices,
        },
        # A period that cannot be shown is the request's fault: the page says why and
        # shows the default period.
        status=400 if problems else 200,
    )


@login_required
def review_bulletin(request: HttpRequest) -> HttpResponse:
    if not can_read_bulletin(request.user):
        raise Http404("No such page")
    try:
        theme = int(request.GET.get("theme", "") or 0) or None
    except ValueError:
        theme = None
    return render(
        request,
        "deathreviews/bulletin.html",
        {
            "title": "Learning bulletin",
            "entries": selectors.bulletin_entries(theme=theme),
            "themes": selectors.bulletin_themes(),
            "theme": theme,
            "can_approve": can_approve_bulletin(request.user),
        },
    )


# Governance's approval of what the bulletin shows --------------------------------


def _require_bulletin_approver(request: HttpRequest) -> None:
    require_review_role(request)
    if not can_approve_bulletin(request.user):
        raise PermissionDenied("Only clinical governance approves what the bulletin shows.")


def _approval_form(pending: selectors.PendingItem, data=None) -> BulletinApprovalForm:
    # Each item posts to its own URL, so the names need no prefix; the ids must differ.
    return BulletinApprovalForm(
        data,
        initial={"text": pending.text, "loaded_version": pending.item.version},
        auto_id=f"id_{pending.kind}-{pending.item.external_id}_%s",
    )


def _approvals_page(
    request: HttpRequest,
    pending: list[selectors.PendingItem],
    refused: tuple[selectors.PendingItem, BulletinApprovalForm] | None = None,
) -> HttpResponse:
    """The queue, a form for each item; `refused` is the one just sent back, with its errors."""
    rows = [(p, refused[1] if refused and refused[0] == p else _approval_form(p)) for p in pending]
    # The queue shows texts written about people under review, with the reviews' references.
    record_access(request, kind=AccessKind.LIST, rows=len(pending))
    return render(
        request,
        "deathreviews/bulletin_approvals.html",
        {
            "title": "Approve for the bulletin",
            "rows": rows,
            "form": refused[1] if refused else None,
        },
        status=400 if refused else 200,
    )


@login_required
def bulletin_approvals(request: HttpRequest) -> HttpResponse:
    _require_bulletin_approver(request)
    return _approvals_page(request, selectors.bulletin_pending(request.user))


@login_required
@require_POST
def bulletin_approve(request: HttpRequest, kind: str, item_id) -> HttpResponse:
    _require_bulletin_approver(request)
    pending = selectors.bulletin_pending(request.user)
    this = next(
        (p for p in pending if p.kind == kind and p.item.external_id == item_id),
        None,
    )
    if this is None:
        raise Http404("Nothing waits for approval here")
    form = _approval_form(this, request.POST)
    if form.is_valid():
        try:
            services.bulletin_item_approve(
                item=this.item,
                user=request.user,
                text=form.cleaned_data["text"],
                loaded_version=form.cleaned_data["loaded_version"],
            )
        except services.EditConflict as conflict:
            who = conflict.current.updated_by
            fresh = dataclasses.replace(this, item=conflict.current)
            data = request.POST.copy()
            data["loaded_version"] = str(conflict.current.version)
            form = _approval_form(fresh, data)
            form.is_valid()
            form.add_error(
                None,
                f"{who.display_name} changed this after you opened the page, so nothing was "
                "approved. Open the review to read it as it is now, then approve again.",
            )
        except ValidationError as invalid:
            add_errors(form, invalid)
        else:
            messages.success(request, "Approved: it now appears on the learning bulletin.")
            return redirect("bulletin_approvals")
    return _approvals_page(request, pending, refused=(this, form))
