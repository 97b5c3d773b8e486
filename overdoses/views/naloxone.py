"""Naloxone as a programme: kits given to people who are not clients, and the kits of
people with opioid use that are about to lapse."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cases import services as cases_services
from cases.access import can_edit_records
from cases.audit import page_rows, query_of, record_access
from cases.models import AccessKind
from overdoses import selectors
from overdoses.access import can_read_follow_ups, can_record_overdose
from overdoses.forms import NonClientNaloxoneForm
from overdoses.views.capture import PAGE_SIZE, add_errors


@login_required
def naloxone_non_client(request: HttpRequest) -> HttpResponse:
    """Record a kit given to family, a friend, a peer, hostel staff or a worker: no case
    record, nothing about who they are. The team's latest such kits are listed below."""
    user = request.user
    if not can_record_overdose(user):
        raise PermissionDenied("Your role does not record naloxone supplies.")
    posted = request.method == "POST"
    form = NonClientNaloxoneForm(request.POST if posted else None, user=user)
    if posted and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "team"}
        try:
            cases_services.naloxone_supply_to_non_client(
                team=form.cleaned_data["team"], supplied_by=user, **fields
            )
        except ValidationError as invalid:
            add_errors(form, invalid)
        else:
            messages.success(request, "Naloxone supply recorded.")
            return redirect("naloxone_non_client")
    # No access event: these supplies hold nothing about any person (no name, no record),
    # like the sign-in alerts; the audit of reads is of people's health data.
    return render(
        request,
        "overdoses/naloxone_non_client.html",
        {
            "title": "Naloxone to people who are not clients",
            "form": form,
            "supplies": list(selectors.naloxone_to_non_clients_of_teams(user)),
        },
        status=400 if posted else 200,
    )


@login_required
def naloxone_renewals(request: HttpRequest) -> HttpResponse:
    """People with opioid use whose kit has lapsed or soon will, soonest first."""
    user = request.user
    if not can_read_follow_ups(user):
        raise PermissionDenied("Your role does not see naloxone renewals.")
    page = Paginator(selectors.naloxone_kits_to_renew(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_access(request, kind=AccessKind.LIST, query=query_of(request), rows=page_rows(page))
    return render(
        request,
        "overdoses/naloxone_renewals.html",
        {
            "title": "Naloxone kits to renew",
            "page": page,
            "today": timezone.localdate(),
            "days": selectors.NALOXONE_RENEW_WITHIN_DAYS,
            "can_supply": can_edit_records(user),
        },
    )
