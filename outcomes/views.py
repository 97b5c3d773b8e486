"""The TOP form page, and the data quality page."""

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from cases.selectors import team_ids_visible_to
from cases.views import editable_person, record_form_view
from outcomes.access import WHOLE_SERVICE_QUALITY_ROLES, can_view_data_quality
from outcomes.forms import DataQualityForm, TopAssessmentForm
from outcomes.quality import ALL, quality_csv_rows
from outcomes.quality import data_quality as data_quality_table
from outcomes.services import top_assessment_create


@login_required
def top_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    data = request.POST if request.method == "POST" else None
    form = TopAssessmentForm(data, service_user=person)
    return record_form_view(
        request,
        form=form,
        save=lambda cleaned: top_assessment_create(
            service_user=person, recorded_by=request.user, **cleaned
        ),
        title="Record a TOP assessment",
        person=person,
        success="TOP assessment recorded.",
        template="outcomes/top_form.html",
    )


# Teams a page shows (the whole service's row beside them on every page); the download
# holds every team.
TEAMS_A_PAGE = 25


@login_required
def data_quality(request: HttpRequest) -> HttpResponse:
    """How complete the items the figures depend on are, by team and month. Counts only,
    suppressed as the figures are, and no person: it records no read (as the fairness
    report). `?download=csv` gives the same table as a file."""
    user = request.user
    if not can_view_data_quality(user):
        raise PermissionDenied("Your role has no data quality page.")
    scope = None if user.role in WHOLE_SERVICE_QUALITY_ROLES else team_ids_visible_to(user)
    params = request.GET.copy()
    download = params.pop("download", [""])[-1]
    page_number = params.pop("page", [""])[-1]
    if download not in ("", "csv"):
        return HttpResponseBadRequest("The only download is csv.")
    form = DataQualityForm(params or None, scope=scope)
    if form.is_bound and not form.is_valid():
        # A month or team that cannot be shown: the form says why, at the field.
        return render(
            request,
            "outcomes/data_quality.html",
            {"title": "Data quality", "form": form, "report": None},
            status=400,
        )
    report = data_quality_table(form.quality_filters(), today=timezone.localdate())
    if download == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="data-quality.csv"'
        csv.writer(response).writerows(quality_csv_rows(report))
        return response
    page = Paginator(report["teams"][:-1], TEAMS_A_PAGE).get_page(page_number)
    return render(
        request,
        "outcomes/data_quality.html",
        {
            "title": "Data quality",
            "form": form,
            "report": teams_of_page(report, page.object_list),
            "page": page,
            "whole_service": scope is None,
            "csv_query": urlencode({**params.dict(), "download": "csv"}),
        },
    )


def teams_of_page(report: dict, teams: list[tuple]) -> dict:
    """`report` with the rows of `teams` and of all teams only: the page shows the teams a
    page at a time, each beside the whole; the counts were suppressed over every team."""
    shown = {team for team, _ in teams} | {ALL}
    items = [
        {**item, "rows": [row for row in item["rows"] if row["team"] in shown]}
        for item in report["items"]
    ]
    return {**report, "items": items}
