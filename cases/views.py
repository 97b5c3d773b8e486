"""HTML forms for case records. Each view finds the person through the visibility
selector (404 outside the user's scope) and saves through one service."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cases import forms, selectors, services
from cases.access import can_edit_records, can_reassign
from cases.models import ServiceUser, User
from cases.selectors import service_user_get


def editable_person(request: HttpRequest, external_id) -> ServiceUser:
    """The person, if the user may see them (else 404) and may change records (else 403)."""
    person = service_user_get(request.user, external_id)
    if not can_edit_records(request.user):
        raise PermissionDenied("Your role can read this record but not change it.")
    return person


def record_form_view(
    request: HttpRequest,
    *,
    form: ModelForm,
    save: Callable[[dict], object],
    title: str,
    person: ServiceUser | None,
    success: str,
    template: str = "cases/record_form.html",
) -> HttpResponse:
    """Validate `form`, save through `save`, and land every message at its field."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, success)
            target = saved if isinstance(saved, ServiceUser) else person
            return redirect("person_detail", external_id=target.external_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, template, {"form": form, "title": title, "person": person}, status=status
    )


def _bound(request: HttpRequest, form_class, **kwargs):
    data = request.POST if request.method == "POST" else None
    return form_class(data, **kwargs)


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not can_edit_records(request.user):
        raise PermissionDenied("Your role cannot add people.")
    form = _bound(request, forms.ServiceUserForm, user=request.user)
    return record_form_view(
        request,
        form=form,
        save=lambda data: services.service_user_create(**data),
        title="Add a person",
        person=None,
        success="Person added.",
    )


@login_required
def person_edit(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    form = _bound(request, forms.ServiceUserForm, user=request.user, instance=person)
    return record_form_view(
        request,
        form=form,
        save=lambda data: services.service_user_update(service_user=person, **data),
        title=f"Edit {person.display_name}",
        person=person,
        success="Details saved.",
    )


@login_required
def episode_edit(request: HttpRequest, external_id, episode_id) -> HttpResponse:
    person = editable_person(request, external_id)
    episode = person.episodes.filter(external_id=episode_id).first()
    if episode is None:
        raise Http404("No such episode")
    form = _bound(request, forms.EpisodeForm, service_user=person, instance=episode)
    return record_form_view(
        request,
        form=form,
        save=lambda data: services.episode_update(episode=episode, **data),
        title="Update treatment episode",
        person=person,
        success="Episode saved.",
    )


@dataclass(frozen=True)
class RecordKind:
    """One kind of record added to a person: its form, the service that saves it, its words."""

    form: type[ModelForm]
    save: Callable[[ServiceUser, User, dict], object]
    title: str
    success: str


RECORD_KINDS: dict[str, RecordKind] = {
    "episode": RecordKind(
        forms.EpisodeForm,
        lambda person, user, data: services.episode_create(service_user=person, **data),
        "Add a treatment episode",
        "Episode added.",
    ),
    "intervention": RecordKind(
        forms.InterventionForm,
        lambda person, user, data: services.intervention_create(**data),
        "Add an intervention",
        "Intervention added.",
    ),
    "event": RecordKind(
        forms.EventForm,
        lambda person, user, data: services.event_create(
            service_user=person, recorded_by=user, **data
        ),
        "Record an event",
        "Event recorded.",
    ),
    "contact": RecordKind(
        forms.ContactForm,
        lambda person, user, data: services.contact_create(service_user=person, staff=user, **data),
        "Record a contact or appointment",
        "Contact recorded.",
    ),
    "naloxone": RecordKind(
        forms.NaloxoneSupplyForm,
        lambda person, user, data: services.naloxone_supply_create(
            service_user=person, supplied_by=user, **data
        ),
        "Record a naloxone supply",
        "Naloxone supply recorded.",
    ),
}


@login_required
def record_create(request: HttpRequest, external_id, kind: str) -> HttpResponse:
    """Add one record of `kind` (a key of RECORD_KINDS) to a person."""
    spec = RECORD_KINDS[kind]
    person = editable_person(request, external_id)
    form = _bound(request, spec.form, service_user=person)
    return record_form_view(
        request,
        form=form,
        save=lambda data: spec.save(person, request.user, data),
        title=spec.title,
        person=person,
        success=spec.success,
    )


# --- Team caseloads and reassignment (team leads) ---------------------------------------


@login_required
def team_caseloads(request: HttpRequest) -> HttpResponse:
    """Each keyworker's caseload size against the cap, for the teams the user leads."""
    if not can_reassign(request.user):
        raise PermissionDenied("Only team leads manage team caseloads.")
    teams = [
        {
            "team": team,
            "sizes": selectors.caseload_sizes(team),
            "reassignments": selectors.recent_reassignments(team),
        }
        for team in selectors.teams_led_by(request.user)
    ]
    return render(request, "cases/team.html", {"title": "Caseload sizes", "teams": teams})


@login_required
def person_reassign(request: HttpRequest, external_id) -> HttpResponse:
    """Move a person to another keyworker of their team: a page of its own, so it is deliberate."""
    person = service_user_get(request.user, external_id)
    if not can_reassign(request.user):
        raise PermissionDenied("Only team leads reassign people.")
    sizes = selectors.caseload_sizes(person.team)
    form = forms.ReassignForm(
        request.POST if request.method == "POST" else None, sizes=sizes, current=person.keyworker
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.service_user_reassign(
                service_user=person,
                keyworker=form.cleaned_data["keyworker"],
                reassigned_by=request.user,
                over_cap_confirmed=form.cleaned_data["over_cap_confirmed"],
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(
                request,
                f"{person.display_name} is now on {person.keyworker.display_name}'s caseload.",
            )
            return redirect("team_caseloads")
    return render(
        request,
        "cases/reassign.html",
        {
            "title": f"Reassign {person.display_name}",
            "person": person,
            "form": form,
            "sizes": sizes,
            "asks_over_cap": "over_cap_confirmed" in form.errors
            or form.data.get("over_cap_confirmed"),
        },
        status=400 if request.method == "POST" else 200,
    )
