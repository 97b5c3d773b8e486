"""The safeguarding record's pages: a child in the household or in contact (new, or a
change to one on the record: `?child=<id>`), safe storage of take-home medication, a
protection referral and its outcome, a concern and its closing. Each finds the person
through `cases.views.editable_person` (404 outside the user's scope, 403 for a role that
only reads, the read recorded once) and goes back to the person's page, where the
safeguarding section and its banner show."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse

from care import services
from care.forms import (
    ChildInContactForm,
    ConcernCloseForm,
    ProtectionOutcomeForm,
    ProtectionReferralForm,
    SafeguardingConcernForm,
    SafeStorageForm,
)
from care.models import ChildInContact, SafeStorage
from cases.models import ServiceUser
from cases.views import bound_form, editable_person, record_form_view


def _child_asked_for(request: HttpRequest, person: ServiceUser) -> ChildInContact | None:
    """The child `?child=` names, on this person's record: none asked for is a new child, an
    id that is not one is a bad request, another's child (or none such) is not found."""
    asked = request.GET.get("child")
    if not asked:
        return None
    try:
        child_id = uuid.UUID(asked)
    except ValueError as not_an_id:
        raise BadRequest("That is not a child on this record.") from not_an_id
    child = ChildInContact.objects.filter(service_user=person, external_id=child_id).first()
    if child is None:
        raise Http404("No such child on this record.")
    return child


@login_required
def child_in_contact_edit(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    child = _child_asked_for(request, person)
    return record_form_view(
        request,
        form=bound_form(request, ChildInContactForm, service_user=person, instance=child),
        save=lambda data: services.child_in_contact_record(
            service_user=person,
            recorded_by=request.user,
            child=child,
            **{k: v for k, v in data.items() if k != "age"},
        ),
        title="Change what is recorded about a child" if child else "Add a child",
        person=person,
        success="Child recorded.",
    )


@login_required
def safe_storage_edit(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    storage = SafeStorage.objects.filter(service_user=person).first()
    return record_form_view(
        request,
        form=bound_form(request, SafeStorageForm, service_user=person, instance=storage),
        save=lambda data: services.safe_storage_record(
            service_user=person, updated_by=request.user, **data
        ),
        title="Safe storage of take-home medication",
        person=person,
        success="Safe storage recorded.",
    )


@login_required
def protection_referral_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    return record_form_view(
        request,
        form=bound_form(request, ProtectionReferralForm, service_user=person),
        save=lambda data: services.protection_referral_make(
            service_user=person, made_by=request.user, **data
        ),
        title="Record a safeguarding referral",
        person=person,
        success="Safeguarding referral recorded.",
    )


@login_required
def protection_referral_outcome(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    form = bound_form(request, ProtectionOutcomeForm, service_user=person)
    if request.method != "POST" and request.GET.get("referral"):
        form.initial["referral"] = request.GET["referral"]
    return record_form_view(
        request,
        form=form,
        save=lambda data: services.protection_referral_outcome_record(
            referral=data["referral"],
            outcome=data["outcome"],
            outcome_on=data["outcome_on"],
            recorded_by=request.user,
        ),
        title="Record a safeguarding referral's outcome",
        person=person,
        success="Referral outcome recorded.",
    )


@login_required
def safeguarding_concern_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    return record_form_view(
        request,
        form=bound_form(request, SafeguardingConcernForm, service_user=person),
        save=lambda data: services.safeguarding_concern_raise(
            service_user=person, raised_by=request.user, **data
        ),
        title="Record a safeguarding concern",
        person=person,
        success="Concern recorded.",
    )


@login_required
def safeguarding_concern_close(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    form = bound_form(request, ConcernCloseForm, service_user=person)
    if request.method != "POST" and request.GET.get("concern"):
        form.initial["concern"] = request.GET["concern"]
    return record_form_view(
        request,
        form=form,
        save=lambda data: services.safeguarding_concern_close(
            concern=data["concern"], closed_on=data["closed_on"], closed_by=request.user
        ),
        title="Close a safeguarding concern",
        person=person,
        success="Concern closed.",
    )
