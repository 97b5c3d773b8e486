"""The case-file audit's pages: the rounds with their results by team over time, drawing a
round, a round's people, and one person's checklist.

Clinical governance audits every team, a team lead their own teams; anyone else is
refused (403). A round of another team answers 404, as does a person of a round whom the
user may not see (`service_users_visible_to`). A round's page lists people: one list read;
a person's checklist is a read of their record. The list and the draw show no one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from care import selectors, services
from care.access import can_audit_case_files
from care.forms import AuditChecklistForm, AuditDrawForm
from care.selectors.audits import PERIODS
from cases.audit import record_access
from cases.models import AccessKind
from cases.views import bound_form


def _auditor(request: HttpRequest) -> None:
    if not can_audit_case_files(request.user):
        raise PermissionDenied("Case-file audits are for clinical governance and team leads.")


@login_required
def care_audit_list(request: HttpRequest) -> HttpResponse:
    """Every round of the teams the user audits, newest first, and the results of the
    completed ones by team, month or quarter and item."""
    _auditor(request)
    teams = list(selectors.audit_teams_for(request.user))
    asked = request.GET.get("team", "")
    team = None
    if asked:
        if not asked.isdigit() or len(asked) > 12:
            return HttpResponseBadRequest("The team is given by its number.")
        team = next((t for t in teams if t.id == int(asked)), None)
        if team is None:
            raise Http404("No such team")
    by = request.GET.get("by", "quarter")
    if by not in PERIODS:
        return HttpResponseBadRequest("Show the results by month or by quarter.")
    rounds = list(selectors.audit_rounds_for(request.user, team=team))
    results = selectors.audit_results(request.user, by=by, team=team)
    return render(
        request,
        "care/audits/list.html",
        {
            "title": "Case-file audits" + (f": {team.name}" if team else ""),
            "teams": teams,
            "team": team,
            "by": by,
            "rounds": rounds,
            "results": selectors.results_by_period(results, by),
        },
    )


@login_required
def care_audit_draw(request: HttpRequest) -> HttpResponse:
    _auditor(request)
    form = bound_form(request, AuditDrawForm, teams=selectors.audit_teams_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.audit_round_draw(
                team=form.cleaned_data["team"],
                drawn_by=request.user,
                sample_size=form.cleaned_data["sample_size"],
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, "Audit round drawn: judge each person's checklist.")
            return redirect("care_audit_round", round_id=round_.external_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "care/audits/draw.html",
        {"title": "Draw a case-file audit", "form": form},
        status=status,
    )


@login_required
def care_audit_round(request: HttpRequest, round_id) -> HttpResponse:
    _auditor(request)
    round_ = selectors.audit_round_get(request.user, round_id)
    people = selectors.audited_people_of(round_, request.user)
    record_access(
        request,
        kind=AccessKind.LIST,
        object_ref=f"case-file audit {round_.external_id}",
        query={"round": str(round_.external_id)},
        rows=len(people),
    )
    return render(
        request,
        "care/audits/round.html",
        {"title": str(round_), "round": round_, "people": people},
    )


@login_required
def care_audit_person(request: HttpRequest, round_id, audited_id) -> HttpResponse:
    _auditor(request)
    round_ = selectors.audit_round_get(request.user, round_id)
    audited = selectors.audited_person_get(round_, request.user, audited_id)
    person = audited.service_user
    record_access(request, kind=AccessKind.RECORD, subject=person)
    checks = selectors.checks_of(audited)
    form = None
    status = 200
    if not round_.is_completed:
        form = bound_form(request, AuditChecklistForm, checks=checks)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.audit_checks_judge(
                        audited=audited, judged_by=request.user, judgements=form.judgements()
                    )
                except ValidationError as invalid:
                    form.add_error(None, invalid)
                else:
                    messages.success(request, f"Checklist of {person.display_name} saved.")
                    return redirect("care_audit_round", round_id=round_.external_id)
            status = 400
    elif request.method == "POST":
        status = 400
        messages.error(request, services.ROUND_COMPLETED)
    return render(
        request,
        "care/audits/person.html",
        {
            "title": f"Case-file audit: {person.display_name}",
            "round": round_,
            "audited": audited,
            "person": person,
            "checks": checks,
            "form": form,
        },
        status=status,
    )
