"""The lists of reviews and of actions, and notifying a new death or overdose for review."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cases.audit import page_rows, query_of, record_access, service_user_for_read
from cases.models import AccessKind
from cases.selectors import service_users_visible_to
from deathreviews import selectors, services
from deathreviews.access import can_approve_bulletin
from deathreviews.forms import NotifyForm
from deathreviews.models import ReviewKind, ReviewStatus
from deathreviews.views.common import (
    add_errors,
    require_review_role,
)

REVIEW_PAGE_SIZE = 25
ACTION_PAGE_SIZE = 50


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    require_review_role(request)
    status = request.GET.get("status", "open")
    kind = request.GET.get("kind", "")
    if status not in ("open", "", *ReviewStatus.values):
        status = "open"
    if kind not in ("", *ReviewKind.values):
        kind = ""
    reviews = selectors.review_list(
        request.user,
        status=status,
        kind=kind,
        q=request.GET.get("q", ""),
        mine=request.GET.get("mine") == "1",
    )
    page = Paginator(reviews, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    # The list names the people reviewed.
    record_access(request, kind=AccessKind.LIST, query=query_of(request), rows=page_rows(page))
    return render(
        request,
        "deathreviews/list.html",
        {
            "title": "Death reviews",
            "page": page,
            "status": status,
            "kind": kind,
            "q": request.GET.get("q", ""),
            "mine": request.GET.get("mine") == "1",
            "statuses": ReviewStatus.choices,
            "kinds": ReviewKind.choices,
            "can_approve": can_approve_bulletin(request.user),
        },
    )


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    require_review_role(request)
    show = request.GET.get("show", "overdue")
    if show not in ("overdue", "open", "all"):
        show = "overdue"
    page = Paginator(selectors.action_list(request.user, show=show), ACTION_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    titles = {"overdue": "Overdue actions", "open": "Open actions", "all": "All actions"}
    return render(
        request,
        "deathreviews/actions.html",
        {"title": titles[show], "page": page, "show": show, "today": timezone.localdate()},
    )


# Notification ---------------------------------------------------------------


@login_required
def review_notify(request: HttpRequest) -> HttpResponse:
    require_review_role(request)
    people = service_users_visible_to(request.user)
    posted = request.method == "POST"
    initial = {"reviewer": request.user.pk}
    person_id = request.GET.get("person", "")
    if not posted and _is_uuid(person_id):
        # The form starts from their record: a read of it, like the record's own page.
        initial["person_ref"] = service_user_for_read(request, person_id).client_ref
    form = NotifyForm(request.POST if posted else None, people=people, initial=initial)
    if posted and form.is_valid():
        data = dict(form.cleaned_data)
        person = data.pop("person_ref")
        if person is not None:
            # Their record says who they were; the review takes it from the snapshot.
            for name in ("person_name", "age", "sex"):
                if data.get(name) in ("", None):
                    data.pop(name)
        try:
            review = services.review_notify(user=request.user, service_user=person, **data)
        except ValidationError as invalid:
            if hasattr(invalid, "error_dict") and "service_user" in invalid.error_dict:
                invalid = ValidationError(
                    {"person_ref": invalid.error_dict.pop("service_user")[0].messages}
                    | invalid.error_dict
                )
            add_errors(form, invalid)
        else:
            messages.success(
                request,
                f"Review {review.reference} filed."
                + (" What Lantern knew has been frozen in its snapshot." if person else ""),
            )
            return redirect("review_detail", external_id=review.external_id)
    return render(
        request,
        "deathreviews/notify.html",
        {"title": "Notify a death or near-fatal overdose", "form": form},
        status=400 if posted else 200,
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# One review -----------------------------------------------------------------
