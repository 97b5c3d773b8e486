"""One review's pages: the record by domain, its workflow steps, snapshot, history,
the link to a person, and its parts (toxicology, requests to agencies, actions).

Each finds its review through `review_for_read` and saves through one service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from cases.selectors import service_users_visible_to
from deathreviews import dashboard, selectors, services, workflow
from deathreviews.domains import DOMAINS, PART_EDITABLE_IN
from deathreviews.forms import (
    PART_FORMS,
    LinkPersonForm,
    domain_form,
)
from deathreviews.models import PART_MODELS, Review, ReviewStatus
from deathreviews.views.common import (
    add_errors,
    conflict_form,
    review_for_read,
    review_url_at,
)


@login_required
def review_detail(request: HttpRequest, external_id) -> HttpResponse:
    review = review_for_read(request, external_id)
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
    review = review_for_read(request, external_id)
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
            form, theirs = conflict_form(request, form_class, fresh, changes)
        except ValidationError as invalid:
            add_errors(form, invalid)
        else:
            messages.success(request, f"{spec.title} saved.")
            return redirect(review_url_at(review, spec.slug))
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
    review = review_for_read(request, external_id)
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
    review = review_for_read(request, external_id)
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
    review = review_for_read(request, external_id)
    return render(
        request,
        "deathreviews/history.html",
        {
            "title": f"History of review {review.reference}",
            "review": review,
            "entries": selectors.review_history(review),
        },
    )


@login_required
@require_POST
def review_link(request: HttpRequest, external_id) -> HttpResponse:
    review = review_for_read(request, external_id)
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
    review = review_for_read(request, external_id)
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
            form, theirs = conflict_form(request, form_class, conflict.current, fields)
        except ValidationError as invalid:
            add_errors(form, invalid)
        else:
            messages.success(request, f"{capfirst(model._meta.verbose_name)} saved.")
            return redirect(review_url_at(review, kind))
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
