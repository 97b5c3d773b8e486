"""The harm reduction and health pages: record a blood-borne virus test, its result,
hepatitis C treatment, a hepatitis B vaccination step. Each finds the person through
`cases.views.editable_person` (404 outside the user's scope, 403 for a role that only
reads, the read recorded once) and goes back to the person's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone

from care import selectors, services
from care.access import can_write_care_record
from care.forms import (
    BbvTestForm,
    BbvTestResultForm,
    HepBVaccinationForm,
    HepCTreatmentForm,
    MentalHealthNeedForm,
    NspContactForm,
    PharmacyArrangementForm,
    PhysicalHealthCheckForm,
)
from cases.access import can_browse_people
from cases.audit import record_access
from cases.models import AccessKind, Team
from cases.selectors import active_team_ids, team_ids_visible_to
from cases.views import bound_form, editable_person, record_form_view


@login_required
def bbv_test_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    return record_form_view(
        request,
        form=bound_form(request, BbvTestForm, service_user=person),
        save=lambda data: services.bbv_test_record(
            service_user=person, recorded_by=request.user, **data
        ),
        title="Record a blood-borne virus test",
        person=person,
        success="Test recorded.",
    )


def _on_a_test(request: HttpRequest, form_class, person):
    form = bound_form(request, form_class, service_user=person)
    if request.method != "POST" and request.GET.get("test"):
        # From the person page: the test is chosen already, if it is one of theirs.
        form.initial["test"] = request.GET["test"]
    return form


@login_required
def bbv_test_result(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    return record_form_view(
        request,
        form=_on_a_test(request, BbvTestResultForm, person),
        save=lambda data: services.bbv_test_result_record(
            test=data["test"],
            tested_on=data["tested_on"],
            result=data["result"],
            result_on=data["result_on"],
        ),
        title="Record a test's result",
        person=person,
        success="Result recorded.",
    )


@login_required
def hep_c_treatment(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    return record_form_view(
        request,
        form=_on_a_test(request, HepCTreatmentForm, person),
        save=lambda data: services.hep_c_treatment_record(
            test=data["test"],
            treatment_referred_on=data["treatment_referred_on"],
            treatment_started_on=data["treatment_started_on"],
            treatment_completed_on=data["treatment_completed_on"],
            cured=data["cured"],
        ),
        title="Record hepatitis C treatment",
        person=person,
        success="Treatment recorded.",
    )


@login_required
def hep_b_vaccination_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    return record_form_view(
        request,
        form=bound_form(request, HepBVaccinationForm, service_user=person),
        save=lambda data: services.hep_b_vaccination_record(
            service_user=person, recorded_by=request.user, **data
        ),
        title="Record a hepatitis B vaccination",
        person=person,
        success="Vaccination recorded.",
    )


@login_required
def nsp_contact_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    return record_form_view(
        request,
        form=bound_form(request, NspContactForm, team=person.team, service_user=person),
        save=lambda data: services.nsp_contact_record(
            team=person.team, service_user=person, recorded_by=request.user, **data
        ),
        title="Record a needle exchange contact",
        person=person,
        success="Needle exchange contact recorded.",
    )


def _visible_teams(request: HttpRequest) -> list[Team]:
    """The teams whose people the user may see (every team for governance), by name."""
    if not can_browse_people(request.user):
        raise PermissionDenied("Needle exchange counts are for the teams that run them.")
    ids = team_ids_visible_to(request.user)
    teams = Team.objects.order_by("name", "id")
    return list(teams if ids is None else teams.filter(id__in=ids))


@login_required
def nsp_team(request: HttpRequest) -> HttpResponse:
    """A team's needle and syringe programme: record an anonymous contact, and the count of
    contacts by month. A team is seen through the same rule as its caseload: a keyworker's
    own teams, every team for governance (which reads and records nothing)."""
    teams = _visible_teams(request)
    asked = request.GET.get("team", "")
    if asked:
        if not asked.isdigit() or len(asked) > 12:
            return HttpResponseBadRequest("The team is given by its number.")
        team = next((t for t in teams if t.id == int(asked)), None)
        if team is None:
            raise Http404("No such team")
    elif teams:
        team = teams[0]
    else:
        raise Http404("You are in no team")
    may_record = can_write_care_record(request.user) and (
        active_team_ids(request.user).filter(team_id=team.id).exists()
    )
    form = None
    status = 200
    if may_record:
        form = bound_form(request, NspContactForm, team=team)
        if request.method == "POST":
            if form.is_valid():
                services.nsp_contact_record(
                    team=team, recorded_by=request.user, **form.cleaned_data
                )
                messages.success(request, "Anonymous contact recorded.")
                return redirect(f"{request.path}?team={team.id}")
            status = 400
    elif request.method == "POST":
        raise PermissionDenied("Your role reads these counts but does not record contacts.")
    today = timezone.localdate()
    months = selectors.nsp_months_of(team, today=today)
    record_access(request, kind=AccessKind.LIST, query={"team": team.id}, rows=len(months))
    return render(
        request,
        "care/health/nsp_team.html",
        {
            "title": f"Needle exchange: {team.name}",
            "team": team,
            "teams": teams,
            "form": form,
            "months": months,
            "recent": selectors.recent_anonymous_nsp_contacts(team),
        },
        status=status,
    )


def _health_need(request: HttpRequest, external_id, form_class, *, title: str, success: str):
    person = editable_person(request, external_id)
    model = form_class._meta.model
    return record_form_view(
        request,
        form=bound_form(request, form_class, service_user=person),
        save=lambda data: services.health_need_record(
            model=model, service_user=person, recorded_by=request.user, **data
        ),
        title=title,
        person=person,
        success=success,
    )


@login_required
def mental_health_need_create(request: HttpRequest, external_id) -> HttpResponse:
    return _health_need(
        request,
        external_id,
        MentalHealthNeedForm,
        title="Record mental health need",
        success="Mental health need recorded.",
    )


@login_required
def pharmacy_arrangement_create(request: HttpRequest, external_id) -> HttpResponse:
    return _health_need(
        request,
        external_id,
        PharmacyArrangementForm,
        title="Record the pharmacy and dispensing",
        success="Pharmacy recorded.",
    )


@login_required
def physical_health_check_create(request: HttpRequest, external_id) -> HttpResponse:
    return _health_need(
        request,
        external_id,
        PhysicalHealthCheckForm,
        title="Record a physical health check",
        success="Health check recorded.",
    )
