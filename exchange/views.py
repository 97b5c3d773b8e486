"""The data pages under /data/: bulk import (upload, job progress, file templates) and the
NDTMS extract (the check and the download).

Each page checks `exchange.access` first; the work is done by `exchange.importing` and
`exchange.ndtms`.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cases.audit import export_finished, record_access
from cases.downloads import mark_download_started
from cases.models import AccessKind, Service
from cases.selectors import active_team_ids
from exchange.access import WHOLE_SERVICE_EXTRACT_ROLES, can_extract_ndtms, can_import_records
from exchange.forms import ImportUploadForm, NdtmsPeriodForm
from exchange.importing.jobs import import_job_create
from exchange.importing.specs import SPECS, SPECS_BY_KIND, template_csv
from exchange.models import ImportJob
from exchange.ndtms import ndtms_problems, submission_chunks, submission_file_name


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Your role cannot use this page.")


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    _require(can_import_records(request.user))
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if posted else ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            created_by=request.user,
            files=form.uploaded_files(),
            partial=form.cleaned_data["partial"],
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("import_job", job_id=job.external_id)
    return render(
        request,
        "outcomes/import_start.html",
        {
            "title": "Import records",
            "form": form,
            "specs": SPECS,
            "jobs": ImportJob.objects.select_related("created_by")[:10],
        },
        status=400 if request.method == "POST" else 200,
    )


def _job_for(request: HttpRequest, job_id) -> ImportJob:
    _require(can_import_records(request.user))
    return get_object_or_404(ImportJob, external_id=job_id)


@login_required
def import_job(request: HttpRequest, job_id) -> HttpResponse:
    job = _job_for(request, job_id)
    counts = [{"file": f"{kind}.csv", **values} for kind, values in (job.counts or {}).items()]
    return render(
        request,
        "outcomes/import_job.html",
        {"title": "Import", "job": job, "counts": counts},
    )


@login_required
def import_job_status(request: HttpRequest, job_id) -> JsonResponse:
    job = _job_for(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "stage": job.stage,
            "finished": job.is_finished,
        }
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    _require(can_import_records(request.user))
    spec = SPECS_BY_KIND.get(kind)
    if spec is None:
        raise Http404("No such file kind")
    response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{spec.file_name}"'
    return response


def _extract_scope(request: HttpRequest) -> list[int] | None:
    """None (everyone) for whole-service roles; otherwise the user's current teams."""
    _require(can_extract_ndtms(request.user))
    if request.user.role in WHOLE_SERVICE_EXTRACT_ROLES:
        return None
    return list(active_team_ids(request.user).values_list("team_id", flat=True))


def _agency(team_ids: list[int] | None) -> str:
    """The agency code the file is named by: the one service of the scope's teams."""
    services = Service.objects.filter(
        **({"teams__id__in": team_ids} if team_ids is not None else {})
    ).distinct()
    codes = list(services.values_list("code", flat=True)[:2])
    return codes[0] if len(codes) == 1 else "MULTIPLE"


@login_required
def ndtms_page(request: HttpRequest) -> HttpResponse:
    team_ids = _extract_scope(request)
    form = NdtmsPeriodForm(request.GET or None)
    check = None
    if form.is_valid():
        check = ndtms_problems(
            start=form.cleaned_data["start"], end=form.cleaned_data["end"], team_ids=team_ids
        )
        # The check lists the people whose records need fixing.
        record_access(
            request,
            kind=AccessKind.LIST,
            query={key: form.cleaned_data[key].isoformat() for key in ("start", "end")},
            rows=check.problem_count,
        )
    return render(
        request,
        "outcomes/ndtms.html",
        {
            "title": "NDTMS extract",
            "form": form,
            "check": check,
            "whole_service": team_ids is None,
            "query": request.GET.urlencode(),
        },
        # A period asked for that cannot be checked: the form says why, at the field.
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def ndtms_download(request: HttpRequest) -> HttpResponse:
    team_ids = _extract_scope(request)
    form = NdtmsPeriodForm(request.GET)
    if not form.is_valid():
        # Back to the page with the same period, where the form says what is wrong.
        return redirect(f"{reverse('ndtms_extract')}?{request.GET.urlencode()}")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    event = record_access(
        request,
        kind=AccessKind.EXPORT,
        object_ref="NDTMS extract",
        query={"start": start.isoformat(), "end": end.isoformat()},
    )
    response = StreamingHttpResponse(
        submission_chunks(
            start=start,
            end=end,
            team_ids=team_ids,
            finished=lambda rows: export_finished(event, rows),
        ),
        content_type="text/csv; charset=utf-8",
    )
    name = submission_file_name(agency=_agency(team_ids), start=start, end=end)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return mark_download_started(request, response)
