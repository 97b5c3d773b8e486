"""The outreach worklist, recording an attempt, and a flag's acknowledge and override
(with a team lead's approval of a very high flag's override); and the fairness report.

Every page finds people through the case layer's visibility rule: a person
outside the user's scope answers 404; a role that may read but not record
(clinical governance) gets 403 on the writing views and sees the worklist
read only. Finding the person records the read (`cases.audit.service_user_for_read`),
whichever response follows: a page, the worklist's row, or a redirect.
Recording an attempt is an ordinary form POST; the worklist's script sends the
same POST with fetch and swaps in the row this returns.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from cases.access import EDITING_ROLES, can_edit_records
from cases.audit import page_rows, query_of, record_access, service_user_for_read
from cases.models import AccessKind, ServiceUser
from cases.selectors import team_ids_visible_to
from cases.views import editable_person
from overdoses.selectors import follow_ups_to_do
from risk import selectors, services
from risk.access import (
    can_approve_overrides,
    can_view_fairness,
    can_view_outreach,
    can_view_uncontacted,
)
from risk.fairness import fairness_report, page_tables
from risk.forms import (
    FairnessFilterForm,
    FlagOverrideForm,
    OutreachAttemptForm,
    OverrideDecisionForm,
)
from risk.models import Flag, FlagOverride

WORKLIST_PAGE_SIZE = 50
WHOLE_TEAM = "team"
UNCONTACTED_DAYS = 2


def _is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _attempt_prefix(person: ServiceUser) -> str:
    return f"attempt-{person.external_id.hex[:12]}-"


def _attempt_form(person: ServiceUser, data=None) -> OutreachAttemptForm:
    # Ids unique per person, so many forms can share one page; names stay plain.
    return OutreachAttemptForm(data, auto_id=f"{_attempt_prefix(person)}%s")


# Stands in for a person's id prefix in the blank form rendered once for a page.
_PREFIX_STAND_IN = "attempt-blankformstandin-"


class BlankAttemptFields:
    """A blank attempt form's fields, rendered once for a page and given to each row
    with that row's ids.

    Every row of the worklist carries the same blank form but for its ids, and
    rendering the crispy fields was most of the page's time (about 4 ms a row, 50
    rows a page). The output is what rendering each row's own form gives, byte for
    byte; a bound form (with the user's input or errors) is rendered in full.
    """

    def __init__(self, request: HttpRequest) -> None:
        self.form = OutreachAttemptForm(auto_id=f"{_PREFIX_STAND_IN}%s")
        self.html = render_to_string(
            "risk/_attempt_fields.html", {"form": self.form}, request=request
        )

    def for_person(self, person: ServiceUser) -> str:
        # Safe: the fields were rendered (and escaped) by the template; the prefix is hex.
        return mark_safe(self.html.replace(_PREFIX_STAND_IN, _attempt_prefix(person)))


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_view_outreach(user):
        raise PermissionDenied("Your role has no outreach worklist.")
    can_record = can_edit_records(user)
    # Those who hold a caseload start on their own people; the whole team is one click away.
    mine = can_record and request.GET.get("whose") != WHOLE_TEAM
    page = Paginator(selectors.worklist(user, mine=mine), WORKLIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    blank = BlankAttemptFields(request) if can_record else None
    entries = [
        {
            "flag": flag,
            "form": blank.form if blank else None,
            "fields_html": blank.for_person(flag.service_user) if blank else None,
        }
        for flag in page.object_list
    ]
    # At the top: the user's overdose follow-ups (one query, whatever their number). They
    # are people too, so the list's one read counts them with the flagged.
    follow_ups = list(follow_ups_to_do(user))
    record_access(
        request,
        kind=AccessKind.LIST,
        query=query_of(request),
        rows=len(entries) + len(follow_ups),
    )
    return render(
        request,
        "risk/worklist.html",
        {
            "title": "Outreach worklist",
            "page": page,
            "entries": entries,
            "follow_ups": follow_ups,
            "can_record": can_record,
            "mine": mine,
            "whole_team": WHOLE_TEAM,
            "can_view_uncontacted": can_view_uncontacted(user),
        },
    )


@login_required
def attempt_create(request: HttpRequest, external_id) -> HttpResponse:
    """Record an outreach attempt: a full page without script, a worklist row with it."""
    person = editable_person(request, external_id)
    posted = request.method == "POST"
    form = _attempt_form(person, request.POST if posted else None)
    return_to = request.POST.get("return_to") or request.GET.get("return_to", "worklist")
    if posted and form.is_valid():
        try:
            attempt = services.outreach_attempt_create(
                service_user=person, recorded_by=request.user, **form.cleaned_data
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            done = f"Outreach recorded for {person.display_name}: {attempt.get_outcome_display()}."
            if _is_fetch(request):
                return render(
                    request,
                    "risk/_worklist_row.html",
                    {
                        "flag": selectors.worklist_entry(request.user, person),
                        "person": person,
                        "form": _attempt_form(person),
                        "recorded": attempt,
                        "can_record": True,
                    },
                )
            messages.success(request, done)
            if return_to == "person":
                return redirect("person_detail", external_id=person.external_id)
            return redirect("outreach_worklist")
    status = 400 if posted else 200
    if _is_fetch(request):
        return render(
            request,
            "risk/_worklist_row.html",
            {
                "flag": selectors.worklist_entry(request.user, person),
                "person": person,
                "form": form,
                "can_record": True,
            },
            status=status,
        )
    return render(
        request,
        "risk/attempt_form.html",
        {
            "title": "Record an outreach attempt",
            "person": person,
            "flag": selectors.open_flag_for(person),
            "form": form,
            "return_to": return_to,
        },
        status=status,
    )


def _open_flag(person: ServiceUser) -> Flag:
    flag = Flag.objects.filter(service_user=person, ended_on__isnull=True).first()
    if flag is None:
        raise Http404("This person has no open flag.")
    return flag


@login_required
@require_POST
def flag_acknowledge(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    services.flag_acknowledge(flag=_open_flag(person), user=request.user)
    messages.success(request, "Flag acknowledged.")
    return redirect("person_detail", external_id=person.external_id)


@login_required
def flag_override(request: HttpRequest, external_id) -> HttpResponse:
    """Mark the open flag not applicable until a date: a page that asks for the
    reason and expiry, and a tick to confirm."""
    person = editable_person(request, external_id)
    flag = selectors.open_flag_for(person)
    if flag is None:
        raise Http404("This person has no open flag.")
    posted = request.method == "POST"
    form = FlagOverrideForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            override = services.flag_override(
                flag=flag,
                user=request.user,
                reason=form.cleaned_data["reason"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, _override_message(override))
            return redirect("person_detail", external_id=person.external_id)
    needs_approval = selectors.override_needs_approval(
        user=request.user, tier=flag.tier, team_id=person.team_id
    )
    return render(
        request,
        "risk/override_form.html",
        {
            "title": "Override this flag",
            "person": person,
            "flag": flag,
            "form": form,
            "needs_approval": needs_approval,
        },
        status=400 if posted else 200,
    )


def _override_message(override: FlagOverride) -> str:
    until = f"{override.expires_on:%d/%m/%Y}"
    if override.approval == FlagOverride.Approval.PENDING:
        return (
            f"Override until {until} asked for. A team lead must approve it: "
            "until then the flag stays open, shown as override pending."
        )
    return f"Flag overridden until {until}. It stays in the flag history."


@login_required
def overrides_to_decide(request: HttpRequest) -> HttpResponse:
    """Team leads: the very high flags' overrides waiting for their approval."""
    if not can_approve_overrides(request.user):
        raise PermissionDenied("Overrides are approved by team leads.")
    page = Paginator(selectors.overrides_to_decide(request.user), WORKLIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_access(request, kind=AccessKind.LIST, query=query_of(request), rows=page_rows(page))
    return render(
        request,
        "risk/overrides_to_decide.html",
        {"title": "Overrides waiting for approval", "page": page, "form": OverrideDecisionForm()},
    )


@login_required
@require_POST
def flag_override_decide(request: HttpRequest, external_id) -> HttpResponse:
    """Approve or decline the override waiting on this person's open flag."""

    def may_decide(person: ServiceUser) -> None:
        # Checked once the person is found, so that a role that sees no one gets 404 here
        # as on every page of a person, and a refusal records no read.
        if not can_approve_overrides(request.user):
            raise PermissionDenied("Overrides are approved by team leads.")

    person = service_user_for_read(request, external_id, check=may_decide)
    override = selectors.overrides_to_decide(request.user).filter(service_user=person).first()
    if override is None:
        raise Http404("No override of this person's flag is waiting for you.")
    form = OverrideDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.flag_override_decide(
                override=override,
                user=request.user,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(
                request,
                f"Override for {person.display_name} "
                + ("approved: the flag has ended." if approve else "declined: the flag stands."),
            )
            return redirect("overrides_to_decide")
    return render(
        request,
        "risk/overrides_to_decide.html",
        {
            "title": "Overrides waiting for approval",
            "page": Paginator([override], 1).get_page(1),
            "form": form,
            "invalid_for": override,
        },
        status=400,
    )


@login_required
def uncontacted(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_view_uncontacted(user):
        raise PermissionDenied("This view is for team leads and clinical governance.")
    page = Paginator(
        selectors.uncontacted_flags(user, days=UNCONTACTED_DAYS), WORKLIST_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    record_access(request, kind=AccessKind.LIST, query=query_of(request), rows=page_rows(page))
    return render(
        request,
        "risk/uncontacted.html",
        {
            "title": f"Very high and high flags not contacted within {UNCONTACTED_DAYS} days",
            "page": page,
            "days": UNCONTACTED_DAYS,
            "can_record": user.role in EDITING_ROLES,
        },
    )


@login_required
def fairness(request: HttpRequest) -> HttpResponse:
    """The fairness report for a period and scope. It shows aggregates, suppressed as
    every figure is, and no person, so it records no read (as the review dashboard)."""
    if not can_view_fairness(request.user):
        raise PermissionDenied("Your role has no fairness report; commissioners use the API.")
    scope = team_ids_visible_to(request.user)
    form = FairnessFilterForm(request.GET or None, scope=scope)
    report = None
    if not form.is_bound or form.is_valid():
        filters = form.figure_filters()
        result = fairness_report(filters)
        report = {
            "period": filters.period,
            "tables": page_tables(result),
            "test": result["test"],
        }
    return render(
        request,
        "risk/fairness.html",
        {
            "title": "Fairness report",
            "form": form,
            "report": report,
            "whole_service": scope is None,
        },
        # A period or scope that cannot be shown: the form says why, at the field.
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
