"""The care record's pages: write a case note, make an onward referral, record a
referral's outcome. Each finds the person through `cases.views.editable_person` (404
outside the user's scope, 403 for a role that only reads, the read recorded once) and
goes back to the person's page, where notes and referrals are shown."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from care import services
from care.forms import CaseNoteForm, OnwardReferralForm, ReferralOutcomeForm
from cases.views import bound_form, editable_person, record_form_view


@login_required
def case_note_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    form = bound_form(request, CaseNoteForm, service_user=person)
    if request.method != "POST" and request.GET.get("corrects"):
        # "Correct this note" on the person page: the note is chosen already, if it is theirs.
        form.initial["corrects"] = request.GET["corrects"]
    return record_form_view(
        request,
        form=form,
        save=lambda data: services.case_note_write(
            service_user=person, written_by=request.user, **data
        ),
        title="Write a case note",
        person=person,
        success="Note saved.",
    )


@login_required
def onward_referral_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    return record_form_view(
        request,
        form=bound_form(request, OnwardReferralForm, service_user=person),
        save=lambda data: services.onward_referral_make(
            service_user=person, made_by=request.user, **data
        ),
        title="Make an onward referral",
        person=person,
        success="Referral recorded.",
    )


@login_required
def onward_referral_outcome(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    form = bound_form(request, ReferralOutcomeForm, service_user=person)
    if request.method != "POST" and request.GET.get("referral"):
        form.initial["referral"] = request.GET["referral"]
    return record_form_view(
        request,
        form=form,
        save=lambda data: services.onward_referral_outcome_record(
            referral=data["referral"], outcome=data["outcome"], recorded_by=request.user
        ),
        title="Record a referral's outcome",
        person=person,
        success="Referral outcome recorded.",
    )
