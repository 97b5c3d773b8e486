"""HTML forms for case records. Each view finds the person through
`service_user_for_read` (404 outside the user's scope, and the read recorded) and
saves through one service."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases import forms, selectors, services
from cases.access import can_audit, can_break_glass, can_edit_records, can_reassign
from cases.audit import (
    page_rows,
    query_of,
    record_access,
    record_nhs_number_check,
    service_user_for_read,
)
from cases.models import (
    BREAK_GLASS_HOURS,
    AccessKind,
    BreakGlassGrant,
    EventStatus,
    ServiceUser,
    User,
)
from cases.selectors import (
    break_glass_grants_for_review,
    leads_team,
    second_factor_wrong_codes,
    service_user_by_exact_reference,
    service_users_visible_to,
)


def editable_person(request: HttpRequest, external_id) -> ServiceUser:
    """The person, if the user may see them (else 404) and may change records (else 403);
    the page shows the record's details, so reaching it is a read of the record."""

    def may_edit(person: ServiceUser) -> None:
        if not can_edit_records(request.user):
            raise PermissionDenied("Your role can read this record but not change it.")

    return service_user_for_read(request, external_id, check=may_edit)


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


def bound_form(request: HttpRequest, form_class, **kwargs):
    """`form_class` bound to the POST, or unbound for any other method."""
    data = request.POST if request.method == "POST" else None
    return form_class(data, **kwargs)


# What "Add a person" says whenever an NHS number was given that nobody in the user's
# scope holds: word for word the same whether the person was added or is already known
# to another team, so the answer tells nothing of people outside their scope.
PERSON_ADD_WITH_NHS_NUMBER = (
    "Thank you. If this person is new to the service, they have been added to your team: "
    "search for their NHS number to open their record. If they are already known to another "
    "team, a transfer request has been sent to that team's lead, and they will appear on "
    "your caseload if the lead accepts it."
)

# What editing a person says whenever their NHS number was changed to one nobody in the
# user's scope holds: the same whether the number was saved or is held by another team.
PERSON_EDIT_WITH_NEW_NHS_NUMBER = (
    "Details saved. If another team already holds this NHS number, this record keeps its "
    "old number and that team's lead has been asked to resolve the duplicate; otherwise "
    "the new number is saved."
)


def _nhs_number_checked(request: HttpRequest, claim: services.NhsNumberClaim | None) -> bool:
    """Record an NHS number's look-up across the service, if there was one; whether there was."""
    if claim is None:
        return False
    record_nhs_number_check(request, nhs_number=claim.nhs_number, holder=claim.held)
    return True


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    """Add a person, after warning of people in the user's scope who may be them."""
    if not can_edit_records(request.user):
        raise PermissionDenied("Your role cannot add people.")
    form = bound_form(request, forms.PersonAddForm, user=request.user)
    if request.method == "POST" and form.is_valid():
        details = {k: v for k, v in form.cleaned_data.items() if k != "different_person"}
        try:
            added = services.service_user_add(added_by=request.user, **details)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            if not _nhs_number_checked(request, added.claim):
                messages.success(request, "Person added.")
                return redirect("person_detail", external_id=added.person.external_id)
            messages.info(request, PERSON_ADD_WITH_NHS_NUMBER)
            return redirect("caseload", scope="mine")
    if form.possible_matches:
        # The warning names people in the user's scope: a read of them.
        record_access(request, kind=AccessKind.LIST, rows=len(form.possible_matches))
    return render(
        request,
        "cases/person_add.html",
        {"form": form, "title": "Add a person", "matches": form.possible_matches},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def person_edit(request: HttpRequest, external_id) -> HttpResponse:
    """Change a person's details; a new NHS number is answered as `PERSON_EDIT_WITH_NEW_NHS_NUMBER`
    whether or not another team holds it."""
    person = editable_person(request, external_id)
    title = f"Edit {person.display_name}"  # before the form puts what was typed on `person`
    form = bound_form(request, forms.ServiceUserForm, user=request.user, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.service_user_update(
                service_user=person, updated_by=request.user, **form.cleaned_data
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            if _nhs_number_checked(request, updated.claim):
                messages.info(request, PERSON_EDIT_WITH_NEW_NHS_NUMBER)
            else:
                messages.success(request, "Details saved.")
            return redirect("person_detail", external_id=person.external_id)
    return render(
        request,
        "cases/record_form.html",
        {"form": form, "title": title, "person": person},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def episode_edit(request: HttpRequest, external_id, episode_id) -> HttpResponse:
    person = editable_person(request, external_id)
    episode = person.episodes.filter(external_id=episode_id).first()
    if episode is None:
        raise Http404("No such episode")
    form = bound_form(request, forms.EpisodeForm, service_user=person, instance=episode)
    return record_form_view(
        request,
        form=form,
        save=lambda data: services.episode_update(episode=episode, **data),
        title="Update treatment episode",
        person=person,
        success="Episode saved.",
    )


@login_required
def event_happened(request: HttpRequest, external_id, event_id) -> HttpResponse:
    """Confirm an expected release or discharge happened, with its actual date."""
    person = editable_person(request, external_id)
    event = person.events.filter(external_id=event_id, status=EventStatus.EXPECTED).first()
    if event is None:
        raise Http404("No such expected event")
    form = bound_form(request, forms.EventHappenedForm, instance=event)
    return record_form_view(
        request,
        form=form,
        save=lambda data: services.event_confirm_happened(
            event=event, occurred_on=data["occurred_on"]
        ),
        title=f"{event.get_kind_display()}: confirm it happened",
        person=person,
        success="Recorded as happened.",
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
    form = bound_form(request, spec.form, service_user=person)
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
    # The recent reassignments name people: the page is a read of them.
    record_access(
        request,
        kind=AccessKind.LIST,
        rows=sum(len(entry["reassignments"]) for entry in teams),
    )
    return render(request, "cases/team.html", {"title": "Caseload sizes", "teams": teams})


@login_required
def person_reassign(request: HttpRequest, external_id) -> HttpResponse:
    """Move a person to another keyworker of their team: a page of its own, so it is deliberate."""

    def may_reassign(person: ServiceUser) -> None:
        if not leads_team(request.user, person.team_id):
            raise PermissionDenied("Only team leads reassign people.")

    # Only the teams' own people: a break-glass grant opens a record, not its team's caseloads.
    person = service_user_for_read(request, external_id, with_break_glass=False, check=may_reassign)
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
                reason=form.cleaned_data["reason"],
                handover_note=form.cleaned_data["handover_note"],
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


@login_required
def transfer_request_list(request: HttpRequest) -> HttpResponse:
    """Requests to move people of the teams the user leads to another team: waiting, and
    the latest answered."""
    if not can_reassign(request.user):
        raise PermissionDenied("Only team leads answer transfer requests.")
    waiting = list(selectors.transfer_requests_for(request.user, pending=True)[:50])
    answered = list(selectors.transfer_requests_for(request.user, pending=False)[:20])
    # Both lists name people of the user's teams.
    record_access(request, kind=AccessKind.LIST, rows=len(waiting) + len(answered))
    return render(
        request,
        "cases/transfer_requests.html",
        {
            "title": "Transfer requests",
            "waiting": waiting,
            "answered": answered,
            "form": forms.TransferAnswerForm(),
        },
    )


@login_required
@require_POST
def transfer_request_answer(request: HttpRequest, transfer_id) -> HttpResponse:
    if not can_reassign(request.user):
        raise PermissionDenied("Only team leads answer transfer requests.")
    transfer = selectors.transfer_request_get(request.user, transfer_id)
    form = forms.TransferAnswerForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.transfer_request_answer(
                transfer=transfer,
                answered_by=request.user,
                accept=accept,
                note=form.cleaned_data["note"],
            )
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            person = transfer.service_user.display_name
            messages.success(
                request,
                f"{person} is moving to the {transfer.to_team.name} team."
                if accept
                else f"Declined: {person} stays with your team.",
            )
    else:
        messages.error(request, "Choose whether to accept or decline the transfer.")
    return redirect("transfer_request_list")


# --- Break-glass access ---------------------------------------------------------


@login_required
def break_glass_start(request: HttpRequest) -> HttpResponse:
    """Find one person by exact reference and open their record for a shift, with a reason."""
    if not can_break_glass(request.user):
        raise PermissionDenied("Your role does not use break-glass access.")
    form = forms.BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = service_user_by_exact_reference(form.cleaned_data["reference"])
        if person is None:
            form.add_error("reference", "No one has exactly that client reference or NHS number.")
        elif service_users_visible_to(request.user).filter(pk=person.pk).exists():
            # Already theirs to see: no break-glass needed.
            return redirect("person_detail", external_id=person.external_id)
        else:
            try:
                services.break_glass_grant_create(
                    user=request.user, service_user=person, reason=form.cleaned_data["reason"]
                )
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                messages.warning(
                    request,
                    f"Break-glass access to {person.display_name} for "
                    f"{BREAK_GLASS_HOURS} hours. Every view is recorded and reviewed.",
                )
                return redirect("person_detail", external_id=person.external_id)
    return render(
        request,
        "cases/break_glass_form.html",
        {"form": form, "title": "Break-glass access", "hours": BREAK_GLASS_HOURS},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def break_glass_review_list(request: HttpRequest) -> HttpResponse:
    """Governance's list of break-glass uses: waiting for review, or reviewed."""
    if not can_audit(request.user):
        raise PermissionDenied("Break-glass review is for clinical governance.")
    reviewed = request.GET.get("reviewed") == "1"
    page = Paginator(break_glass_grants_for_review(reviewed=reviewed), 25).get_page(
        request.GET.get("page")
    )
    # The list names the people reached.
    record_access(request, kind=AccessKind.LIST, query=query_of(request), rows=page_rows(page))
    return render(
        request,
        "cases/break_glass_review.html",
        {
            "title": "Break-glass review",
            "page": page,
            "reviewed": reviewed,
        },
    )


@login_required
def sign_in_alerts(request: HttpRequest) -> HttpResponse:
    """Governance's list of wrong second-factor codes: someone with a password guessing
    its code shows here (staff accounts only, no one's health data)."""
    if not can_audit(request.user):
        raise PermissionDenied("Sign-in alerts are for clinical governance.")
    page = Paginator(second_factor_wrong_codes(), 25).get_page(request.GET.get("page"))
    return render(request, "cases/sign_in_alerts.html", {"title": "Sign-in alerts", "page": page})


@login_required
@require_POST
def break_glass_review(request: HttpRequest, grant_id) -> HttpResponse:
    if not can_audit(request.user):
        raise PermissionDenied("Break-glass review is for clinical governance.")
    grant = BreakGlassGrant.objects.filter(external_id=grant_id).first()
    if grant is None:
        raise Http404("No such break-glass use")
    form = forms.BreakGlassReviewForm(request.POST)
    if form.is_valid():
        try:
            services.break_glass_grant_review(
                grant=grant, reviewer=request.user, note=form.cleaned_data["review_note"]
            )
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, "Break-glass use marked reviewed.")
    else:
        messages.error(request, "Say what the review concluded before marking it reviewed.")
    return redirect("break_glass_review_list")
