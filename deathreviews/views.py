"""Death review pages. Thin: each finds its review through `reviews_visible_to` (404 for
every role without access), recording the read as it finds it (`_review_for_read`), and
saves through one service.

A save refused because someone else saved first (`EditConflict`) re-renders the
form with the user's own input kept, the version moved on to the one now saved,
and the values now saved beside each field that differs, so the user can merge
and save again.
"""

import dataclasses
import datetime
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from cases.audit import page_rows, query_of, record_access, service_user_for_read
from cases.models import AccessKind
from cases.selectors import service_users_visible_to
from cases.validators import period_problems
from deathreviews import dashboard, selectors, services, workflow
from deathreviews.access import can_approve_bulletin, can_read_bulletin, can_work_reviews
from deathreviews.domains import DOMAINS, PART_EDITABLE_IN
from deathreviews.forms import (
    PART_FORMS,
    BulletinApprovalForm,
    LinkPersonForm,
    NotifyForm,
    domain_form,
)
from deathreviews.history import review_history
from deathreviews.models import PART_MODELS, Review, ReviewKind, ReviewStatus
from deathreviews.wording import words
from risk.wording import tier_legend

REVIEW_PAGE_SIZE = 25
ACTION_PAGE_SIZE = 50


def _review_for_read(request: HttpRequest, external_id) -> Review:
    """The review, if the user may see it (else 404), with the read recorded: every page
    of a review shows who it is about, so finding it is reading it."""
    review = selectors.review_get(request.user, external_id)
    record_access(
        request, kind=AccessKind.REVIEW, subject=review.service_user, object_ref=review.reference
    )
    return review


def _require_review_role(request: HttpRequest) -> None:
    if not can_work_reviews(request.user):
        raise Http404("No such page")


def _at(review: Review, anchor: str) -> str:
    return f"{reverse('review_detail', args=[review.external_id])}#{anchor}"


def _add_errors(form: BaseForm, invalid: ValidationError) -> None:
    """Put a service's messages at their fields, and the rest above the form."""
    if not hasattr(invalid, "error_dict"):
        form.add_error(None, invalid)
        return
    for name, errors in invalid.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _conflict(
    request: HttpRequest, form_class, current: models.Model, submitted: dict, **form_kwargs
) -> tuple[BaseForm, dict[str, str]]:
    """The user's form again, now at the saved version, and the saved values that differ."""
    theirs: dict[str, str] = {}
    for name, mine in submitted.items():
        model_field = current._meta.get_field(name)
        saved = getattr(current, name)
        if model_field.many_to_many:
            saved_set, mine_set = set(saved.all()), set(mine)
            if saved_set != mine_set:
                theirs[name] = words(sorted(str(s) for s in saved_set), empty="none")
            continue
        if (saved or None) != (mine or None):
            theirs[name] = words(saved, model_field, empty="empty")
    # Bound after the comparison: validating the form writes its input onto `current`.
    data = request.POST.copy()
    data["loaded_version"] = str(current.version)
    form = form_class(data, instance=current, **form_kwargs)
    form.is_valid()
    who = current.updated_by.display_name if current.updated_by_id else "Someone"
    when = timezone.localtime(current.updated_at)
    form.add_error(
        None,
        f"{who} saved this at {when:%H:%M} on {when:%d/%m/%Y}, after you opened it. Nothing "
        "of yours has been saved yet: your changes are still in the form, and where what is "
        "now saved differs from yours it is shown beside the field. Check each one, then save "
        "again.",
    )
    return form, theirs


# Lists ------------------------------------------------------------------


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    _require_review_role(request)
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
    _require_review_role(request)
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
    _require_review_role(request)
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
            _add_errors(form, invalid)
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


@login_required
def review_detail(request: HttpRequest, external_id) -> HttpResponse:
    review = _review_for_read(request, external_id)
    parts = selectors.review_parts(review)
    facts = selectors.review_facts(review, parts)
    snapshot = getattr(review, "snapshot", None) if review.service_user_id else None
    track = dashboard.track_record_of(snapshot.data) if snapshot else None
    steps = [
        {"transition": t, "missing": workflow.missing_for(t, facts)}
        for t in workflow.transitions_from(review.status)
    ]
    return render(
        request,
        "deathreviews/detail.html",
        {
            "title": f"Review {review.reference}",
            "review": review,
            "parts": parts,
            "snapshot": snapshot,
            "track": track,
            "steps": steps,
            "statuses": ReviewStatus.choices,
            "domains": DOMAINS,
            # Their record names them: these are for someone the service never knew.
            "hidden_fields": {"person_name", "nhs_number"} if review.service_user_id else set(),
            "editable": {slug: review.status in d.editable_in for slug, d in DOMAINS.items()},
            "parts_editable": {
                kind: review.status in states for kind, states in PART_EDITABLE_IN.items()
            },
            "can_see_record": review.service_user_id is not None
            and service_users_visible_to(request.user).filter(pk=review.service_user_id).exists(),
            "today": timezone.localdate(),
        },
    )


@login_required
def review_edit(request: HttpRequest, external_id, domain: str) -> HttpResponse:
    review = _review_for_read(request, external_id)
    spec = DOMAINS.get(domain)
    if spec is None:
        raise Http404("No such part of a review")
    if review.status not in spec.editable_in:
        messages.error(
            request,
            f"“{spec.title}” can no longer be changed: the review is "
            f"{review.get_status_display().lower()}.",
        )
        return redirect("review_detail", external_id=review.external_id)
    form_class = domain_form(spec)
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, instance=review)
    theirs: dict[str, str] = {}
    if posted and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in spec.fields}
        try:
            services.review_update(
                review=review,
                user=request.user,
                loaded_version=form.cleaned_data["loaded_version"],
                changes=changes,
            )
        except services.EditConflict:
            fresh = Review.objects.select_related("updated_by").get(pk=review.pk)
            form, theirs = _conflict(request, form_class, fresh, changes)
        except ValidationError as invalid:
            _add_errors(form, invalid)
        else:
            messages.success(request, f"{spec.title} saved.")
            return redirect(_at(review, spec.slug))
    return render(
        request,
        "deathreviews/edit.html",
        {
            "title": spec.title,
            "review": review,
            "form": form,
            "theirs": theirs,
            "conflict": bool(theirs) or (posted and "loaded_version" in form.errors),
        },
        status=409 if theirs else (400 if posted else 200),
    )


@login_required
def review_transition(request: HttpRequest, external_id, name: str) -> HttpResponse:
    """What a step needs (GET), and taking it (POST) when nothing is missing."""
    review = _review_for_read(request, external_id)
    transition = workflow.TRANSITIONS.get(name)
    if transition is None:
        raise Http404("No such step")
    status = 200
    if request.method == "POST":
        try:
            loaded = int(request.POST.get("loaded_version", ""))
        except ValueError:
            loaded = -1
        try:
            moved = services.review_transition(
                review=review, user=request.user, name=name, loaded_version=loaded
            )
        except services.EditConflict as conflict:
            messages.error(
                request,
                f"{conflict.current.updated_by.display_name} changed this review after you "
                "opened it. Check the review as it is now before taking this step.",
            )
            return redirect("review_detail", external_id=review.external_id)
        except services.ReviewIncomplete as incomplete:
            # The service checked the review under its row lock: show what it found.
            missing, status = incomplete.missing, 400
        else:
            messages.success(
                request,
                f"Review {moved.reference} is now {moved.get_status_display().lower()}.",
            )
            return redirect("review_detail", external_id=review.external_id)
    else:
        missing = workflow.missing_for(transition, selectors.review_facts(review))
    return render(
        request,
        "deathreviews/transition.html",
        {
            "title": transition.label,
            "review": review,
            "transition": transition,
            "missing": missing,
        },
        status=status,
    )


@login_required
def review_snapshot(request: HttpRequest, external_id) -> HttpResponse:
    review = _review_for_read(request, external_id)
    snapshot = getattr(review, "snapshot", None) if review.service_user_id else None
    if snapshot is None:
        raise Http404("This review has no snapshot")
    return render(
        request,
        "deathreviews/snapshot.html",
        {
            "title": f"What Lantern knew: review {review.reference}",
            "review": review,
            "snapshot": snapshot,
            "data": snapshot.data,
            "track": dashboard.track_record_of(snapshot.data),
        },
    )


@login_required
def review_history_page(request: HttpRequest, external_id) -> HttpResponse:
    review = _review_for_read(request, external_id)
    return render(
        request,
        "deathreviews/history.html",
        {
            "title": f"History of review {review.reference}",
            "review": review,
            "entries": review_history(review),
        },
    )


@login_required
@require_POST
def review_link(request: HttpRequest, external_id) -> HttpResponse:
    review = _review_for_read(request, external_id)
    form = LinkPersonForm(request.POST, people=service_users_visible_to(request.user))
    if form.is_valid():
        try:
            services.review_link_person(
                review=review,
                user=request.user,
                service_user=form.cleaned_data["person_ref"],
                loaded_version=form.cleaned_data["loaded_version"],
            )
        except services.EditConflict:
            messages.error(request, "This review changed after you opened it: try again.")
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, "Linked to their record; what Lantern knew is frozen.")
    else:
        messages.error(request, " ".join(form.errors.get("person_ref", ["Check the reference."])))
    return redirect("review_detail", external_id=review.external_id)


# Parts ------------------------------------------------------------------------


@login_required
def part_edit(request: HttpRequest, external_id, kind: str, part_id=None) -> HttpResponse:
    """Add (no `part_id`) or change one toxicology finding, request or action."""
    review = _review_for_read(request, external_id)
    model = PART_MODELS[kind]
    part = None
    if part_id is not None:
        part = model.objects.filter(review=review, external_id=part_id).first()
        if part is None:
            raise Http404("No such part of this review")
    if review.status not in PART_EDITABLE_IN[kind]:
        messages.error(
            request,
            f"This review is {review.get_status_display().lower()}: its "
            f"{model._meta.verbose_name_plural} can no longer be changed.",
        )
        return redirect("review_detail", external_id=review.external_id)
    form_class = PART_FORMS[kind]
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, instance=part or model(review=review))
    if part is None and "entered_in_error" in form.fields:
        del form.fields["entered_in_error"]
    theirs: dict[str, str] = {}
    if posted and form.is_valid():
        fields = {
            name: value for name, value in form.cleaned_data.items() if name != "loaded_version"
        }
        try:
            if part is None:
                services.part_create(model=model, review=review, user=request.user, fields=fields)
            else:
                services.part_update(
                    part=part,
                    user=request.user,
                    loaded_version=form.cleaned_data["loaded_version"],
                    changes=fields,
                )
        except services.EditConflict as conflict:
            form, theirs = _conflict(request, form_class, conflict.current, fields)
        except ValidationError as invalid:
            _add_errors(form, invalid)
        else:
            messages.success(request, f"{capfirst(model._meta.verbose_name)} saved.")
            return redirect(_at(review, kind))
    verb = "Add" if part is None else "Change"
    return render(
        request,
        "deathreviews/edit.html",
        {
            "title": f"{verb} a {model._meta.verbose_name}",
            "review": review,
            "form": form,
            "theirs": theirs,
            "conflict": bool(theirs),
        },
        status=409 if theirs else (400 if posted else 200),
    )


# Dashboard and bulletin -------------------------------------------------------


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
    _require_review_role(request)
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
    _require_review_role(request)
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
            _add_errors(form, invalid)
        else:
            messages.success(request, "Approved: it now appears on the learning bulletin.")
            return redirect("bulletin_approvals")
    return _approvals_page(request, pending, refused=(this, form))
