"""The monthly NDTMS submission pages under /data/ndtms/submissions/: the list with the form
that prepares a month's file, one submission with its problems, its download, and
recording it as submitted; and the data quality page, this month's problems by team and
kind against the last submission.

Each checks `exchange.access.can_submit_ndtms` (403 for other roles); a submission of a
service the user does not submit for is 404. The problems list names only people the
user may see; the page's read and every download are recorded with `cases.audit`.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.audit import record_access
from cases.models import AccessKind
from exchange.access import can_submit_ndtms
from exchange.forms import NdtmsSubmissionPrepareForm, NdtmsSubmissionRecordForm
from exchange.models import NdtmsSubmission
from exchange.selectors import (
    KINDS,
    QUALITY_SECONDS,
    data_quality,
    latest_sent,
    services_submittable_by,
    submission_problems_for,
    submissions_visible_to,
)
from exchange.services import (
    CountNotQueued,
    SubmissionRefused,
    ndtms_quality_request,
    ndtms_submission_prepare,
    ndtms_submission_record,
)

# Files a page of the list shows, newest month first.
PAGE_SIZE = 50


def _require(request: HttpRequest) -> None:
    if not can_submit_ndtms(request.user):
        raise PermissionDenied("Your role cannot use this page.")


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    number = request.GET.get("page", "1")
    if not number.isdigit() or int(number) < 1:
        message = "The page in the address is not one of the list's: go back to its first page."
        return render(request, "400.html", {"message": message}, status=400)
    services = services_submittable_by(request.user)
    posted = request.method == "POST"
    form = NdtmsSubmissionPrepareForm(request.POST if posted else None, services=services)
    if posted and form.is_valid():
        submission = ndtms_submission_prepare(
            service=form.cleaned_data["service"], month=form.first_day(), prepared_by=request.user
        )
        return redirect("ndtms_submission", submission_id=submission.external_id)
    return render(
        request,
        "exchange/ndtms_submissions.html",
        {
            "title": "NDTMS submissions",
            "form": form,
            "has_services": services.exists(),
            "page": Paginator(submissions_visible_to(request.user), PAGE_SIZE).get_page(number),
        },
        status=400 if posted else 200,
    )


def _submission_for(request: HttpRequest, submission_id) -> NdtmsSubmission:
    _require(request)
    return get_object_or_404(
        submissions_visible_to(request.user).defer(None), external_id=submission_id
    )


def _detail(
    request: HttpRequest, submission: NdtmsSubmission, form, error: str = "", status: int = 200
) -> HttpResponse:
    problems, hidden = submission_problems_for(request.user, submission)
    # The problems name the people whose records need fixing.
    record_access(
        request,
        kind=AccessKind.LIST,
        object_ref=submission.file_name,
        query={"submission": str(submission.external_id)},
        rows=len(problems),
    )
    latest = latest_sent(submission.service, submission.period_start)
    return render(
        request,
        "exchange/ndtms_submission.html",
        {
            "title": "NDTMS submission",
            "submission": submission,
            "problems": problems,
            "hidden": hidden,
            "latest": latest,
            "form": form,
            "error": error,
        },
        status=status,
    )


@login_required
def submission_detail(request: HttpRequest, submission_id) -> HttpResponse:
    submission = _submission_for(request, submission_id)
    return _detail(request, submission, NdtmsSubmissionRecordForm())


@login_required
def submission_download(request: HttpRequest, submission_id) -> HttpResponse:
    submission = _submission_for(request, submission_id)
    record_access(
        request,
        kind=AccessKind.EXPORT,
        object_ref=submission.file_name,
        query={"submission": str(submission.external_id)},
        rows=submission.rows,
    )
    response = HttpResponse(submission.content.encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{submission.file_name}"'
    return response


@login_required
@require_POST
def submission_record(request: HttpRequest, submission_id) -> HttpResponse:
    submission = _submission_for(request, submission_id)
    form = NdtmsSubmissionRecordForm(request.POST)
    if form.is_valid():
        try:
            ndtms_submission_record(submission=submission, submitted_by=request.user)
        except SubmissionRefused as refused:
            return _detail(request, submission, form, error=str(refused), status=409)
        return redirect("ndtms_submission", submission_id=submission.external_id)
    return _detail(request, submission, form, status=400)


@login_required
def data_quality_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    services = list(services_submittable_by(request.user))
    chosen = request.GET.get("service", "")
    if chosen and not (chosen.isascii() and chosen.isdigit()):
        message = "The service in the address is not one Lantern knows: choose it from the list."
        return render(request, "400.html", {"message": message}, status=400)
    if chosen:
        service = next((s for s in services if s.pk == int(chosen)), None)
        if service is None:
            raise Http404("No such service")
    else:
        service = services[0] if services else None
    today = timezone.localdate()
    counted, not_queued = None, ""
    if service is not None:
        try:
            counted = ndtms_quality_request(service=service, today=today)
        except CountNotQueued as error:
            not_queued = str(error)
    quality = data_quality(service, today, counted) if service and counted else None
    return render(
        request,
        "exchange/ndtms_quality.html",
        {
            "title": "NDTMS data quality",
            "services": services,
            "service": service,
            "quality": quality,
            "kinds": KINDS,
            "recount_minutes": QUALITY_SECONDS // 60,
            "not_queued": not_queued,
        },
        status=503 if not_queued else 200,
    )
