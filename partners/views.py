"""A person's sharing with partners: the page listing their consents, the legal bases for
sharing without consent and what may be shared with each partner today, and the forms that
record them. The person is found through the visibility selector (404 outside scope), the
read recorded once; the person's team records, governance reads."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cases.audit import service_user_for_read
from cases.models import today
from cases.views import bound_form, editable_person, record_form_view
from partners import selectors, services
from partners.forms import ConsentForm, ConsentWithdrawForm, SharingBasisForm
from partners.models import Consent


@login_required
def sharing(request: HttpRequest, external_id) -> HttpResponse:
    person = service_user_for_read(request, external_id)
    consents, bases = selectors.sharing_records_of(person)
    on = today()
    decisions = [
        (organisation, selectors.may_share(person, organisation, on=on))
        for organisation in selectors.active_organisations()
    ]
    return render(
        request,
        "partners/sharing.html",
        {"person": person, "consents": consents, "bases": bases, "decisions": decisions},
    )


@login_required
def consent_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    return record_form_view(
        request,
        form=bound_form(request, ConsentForm),
        save=lambda data: services.consent_record(
            service_user=person, recorded_by=request.user, **data
        ),
        title="Record consent to share with a partner",
        person=person,
        success="Consent recorded.",
    )


@login_required
def consent_withdraw(request: HttpRequest, external_id, consent_id) -> HttpResponse:
    person = editable_person(request, external_id)
    consent = Consent.objects.filter(service_user=person, external_id=consent_id).first()
    if consent is None:
        raise Http404("No such consent on this record.")
    return record_form_view(
        request,
        form=bound_form(request, ConsentWithdrawForm),
        save=lambda data: services.consent_withdraw(consent=consent, **data),
        title=f"Withdraw consent to share with {consent.organisation}",
        person=person,
        success="Consent withdrawn.",
    )


@login_required
def sharing_basis_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    return record_form_view(
        request,
        form=bound_form(request, SharingBasisForm),
        save=lambda data: services.sharing_basis_record(
            service_user=person, recorded_by=request.user, **data
        ),
        title="Record a basis for sharing without consent",
        person=person,
        success="Basis for sharing recorded.",
    )
