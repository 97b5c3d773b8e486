"""An overdose follow-up as the people who work it see it, and the overdue follow-ups of a
lead's teams.

The follow-up's page shows the overdose, the person (or what is known of someone not yet
known), its owner, due time, state and attempts, with the forms to record an attempt and
to close it. A follow-up is found through `overdoses.selectors.follow_up_for` (404 outside
the user's scope); finding it records the read of the person's record, once, before the
view chooses its answer (`_follow_up_for_read`), so that no early return skips it, just as
`cases.audit.service_user_for_read` does for a person's own pages. Clinical governance
reads; those who record overdoses (`overdoses.access.can_record_overdose`) post.
"""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from cases.audit import page_rows, query_of, record_access
from cases.models import AccessKind, OverdoseSubstance, Responder
from overdoses import selectors, services
from overdoses.access import can_oversee_follow_ups, can_read_follow_ups, can_record_overdose
from overdoses.follow_up_forms import FollowUpAttemptForm, FollowUpCloseForm, add_service_errors
from overdoses.models import FollowUp, Referral

OVERDUE_PAGE_SIZE = 50


def _may_read(request: HttpRequest) -> Callable[[FollowUp], None]:
    def check(follow_up: FollowUp) -> None:
        if not can_read_follow_ups(request.user):
            raise PermissionDenied("Your role does not see overdose follow-ups.")

    return check


def _may_record(request: HttpRequest) -> Callable[[FollowUp], None]:
    def check(follow_up: FollowUp) -> None:
        # Checked once the follow-up is found: outside scope is 404 for every role, and
        # a refusal here records no read.
        if not can_record_overdose(request.user):
            raise PermissionDenied("Your role reads overdose follow-ups; it does not record them.")

    return check


def _follow_up_for_read(
    request: HttpRequest, external_id: uuid.UUID | str, *, check: Callable[[FollowUp], None]
) -> FollowUp:
    """The follow-up, if the user may see it (else 404) and may do this (else 403), with the
    read of its person recorded: the record of a known person, or the reference of someone
    not yet known."""
    follow_up = selectors.follow_up_for(request.user, external_id)
    check(follow_up)
    person = follow_up.overdose.service_user
    if person is not None:
        record_access(request, kind=AccessKind.RECORD, subject=person)
    else:
        someone = follow_up.overdose.unidentified_person
        record_access(request, kind=AccessKind.RECORD, object_ref=str(someone.external_id))  # type: ignore[union-attr]
    return follow_up


def _unidentified_url(follow_up: FollowUp) -> str | None:
    someone = follow_up.overdose.unidentified_person
    if someone is None:
        return None
    try:
        return reverse("unidentified_detail", args=[someone.external_id])
    except NoReverseMatch:
        return None


def _labels(values: list[str], choices: type) -> list[str]:
    return [choices(value).label if value in choices.values else value for value in values]


def _page(
    request: HttpRequest,
    follow_up: FollowUp,
    *,
    attempt_form: FollowUpAttemptForm | None = None,
    close_form: FollowUpCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    attempts = list(follow_up.attempts.select_related("recorded_by"))
    reached = any(attempt.reached for attempt in attempts)
    can_record = can_record_overdose(request.user) and follow_up.is_open
    if can_record:
        attempt_form = attempt_form or FollowUpAttemptForm(auto_id="attempt-%s")
        close_form = close_form or FollowUpCloseForm(auto_id="close-%s", reached=reached)
    overdose = follow_up.overdose
    return render(
        request,
        "overdoses/follow_up_detail.html",
        {
            "title": "Overdose follow-up",
            "follow_up": follow_up,
            "overdose": overdose,
            "person": overdose.service_user,
            "someone": overdose.unidentified_person if overdose.service_user is None else None,
            "unidentified_url": _unidentified_url(follow_up),
            "substances": _labels(overdose.substances_suspected, OverdoseSubstance),
            "responders": _labels(overdose.responders, Responder),
            "referrals": _labels(follow_up.referrals, Referral),
            "attempts": attempts,
            "unanswered": sum(not attempt.reached for attempt in attempts),
            "reached": reached,
            "attempts_needed": settings.OVERDOSE_FOLLOW_UP_ATTEMPTS,
            "can_record": can_record,
            "attempt_form": attempt_form,
            "close_form": close_form,
            # The form the page was sent back for, which the fuzzer and the summary read.
            "form": close_form if close_form is not None and close_form.is_bound else attempt_form,
        },
        status=status,
    )


@login_required
def follow_up_detail(request: HttpRequest, external_id) -> HttpResponse:
    follow_up = _follow_up_for_read(request, external_id, check=_may_read(request))
    return _page(request, follow_up)


@login_required
@require_POST
def follow_up_attempt(request: HttpRequest, external_id) -> HttpResponse:
    follow_up = _follow_up_for_read(request, external_id, check=_may_record(request))
    form = FollowUpAttemptForm(request.POST, auto_id="attempt-%s")
    if form.is_valid():
        try:
            attempt = services.follow_up_attempt_record(
                follow_up=follow_up, recorded_by=request.user, **form.service_arguments()
            )
        except ValidationError as invalid:
            add_service_errors(form, invalid)
        else:
            reached = "reached them" if attempt.reached else "did not reach them"
            messages.success(
                request, f"Attempt recorded: {attempt.get_method_display().lower()}, {reached}."
            )
            return redirect("follow_up_detail", external_id=follow_up.external_id)
    return _page(request, follow_up, attempt_form=form, status=400)


@login_required
@require_POST
def follow_up_close(request: HttpRequest, external_id) -> HttpResponse:
    follow_up = _follow_up_for_read(request, external_id, check=_may_record(request))
    reached = follow_up.attempts.filter(reached=True).exists()
    form = FollowUpCloseForm(request.POST, auto_id="close-%s", reached=reached)
    if form.is_valid():
        try:
            closed = services.follow_up_close(
                follow_up=follow_up, closed_by=request.user, **form.service_arguments()
            )
        except ValidationError as invalid:
            add_service_errors(form, invalid)
        else:
            messages.success(request, f"Follow-up closed: {closed.get_outcome_display()}.")
            return redirect("follow_up_detail", external_id=follow_up.external_id)
    return _page(request, follow_up, close_form=form, status=400)


@login_required
def follow_ups_overdue(request: HttpRequest) -> HttpResponse:
    """Team leads and governance: every overdue follow-up they may see, soonest due first."""
    if not can_oversee_follow_ups(request.user):
        raise PermissionDenied("This page is for team leads and clinical governance.")
    page = Paginator(
        selectors.follow_ups_overdue_in_teams(request.user), OVERDUE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    record_access(request, kind=AccessKind.LIST, query=query_of(request), rows=page_rows(page))
    return render(
        request,
        "overdoses/follow_ups_overdue.html",
        {"title": "Overdue overdose follow-ups", "page": page},
    )
