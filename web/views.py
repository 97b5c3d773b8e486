"""Pages that bring several layers together: the home redirect, the caseload and
the person's record. Each reads through the visibility selector."""

import datetime
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from care.selectors import (
    assessments_for_person,
    care_record_for,
    plans_for_person,
    safeguarding_for_person,
    with_plan_review_due,
)
from care.selectors.health import health_for_person
from cases.access import SCOPE_TITLES, can_audit, can_edit_records, caseload_scopes
from cases.audit import (
    access_event_of,
    export_finished,
    page_rows,
    query_of,
    record_access,
    service_user_for_read,
)
from cases.forms import AccessReportSearchForm
from cases.models import AccessKind, ServiceUser
from cases.search import exact_reference, nhs_number_in
from cases.selectors import (
    ServiceUserHistory,
    caseload_people,
    leads_team,
    service_user_by_exact_reference,
    service_user_history,
    service_users_visible_to,
    with_caseload_columns,
)
from deathreviews.access import can_work_reviews
from deathreviews.selectors import person_reviews
from outcomes.selectors import (
    top_assessments_for,
    top_table_rows,
    top_trajectory,
    with_opioid_use,
    with_top_columns,
)
from overdoses.access import can_record_overdose
from overdoses.selectors import open_follow_up_of
from risk.filters import CaseloadRiskFilter
from risk.selectors import (
    flag_mitigations,
    person_flags,
    with_flag_columns,
)
from web.access_report import person_access_csv, person_access_entries
from web.person_due import due_for, is_booked_ahead
from web.tables import CaseloadTable

CASELOAD_PAGE_SIZE = 25
SEARCH_FIRST_SCOPES = frozenset({"all"})
# Whom a search on each list looked through, for "No one ... matches".
SEARCH_SCOPE_WORDS = {
    "mine": "on your caseload",
    "team": "in your teams",
    "all": "in the service",
}


@require_safe
@cache_control(max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """The icon browsers ask for at /favicon.ico whatever the page links (static/img/)."""
    with open(finders.find("img/favicon.ico"), "rb") as icon:
        return HttpResponse(icon.read(), content_type="image/x-icon")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scopes = caseload_scopes(request.user)
    if scopes:
        return redirect("caseload", scope=scopes[0])
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "no_records_access.html", {"role": request.user.get_role_display()})


@login_required
def caseload(request: HttpRequest, scope: str) -> HttpResponse:
    if scope not in caseload_scopes(request.user):
        raise Http404("No such list")
    query = request.GET.get("q", "").strip()
    nhs_number = nhs_number_in(query)
    reference = exact_reference(query)
    if nhs_number or reference:
        # A client reference or NHS number names one person: go straight to their record.
        named = {"nhs_number": nhs_number} if nhs_number else {"client_ref": reference}
        match = caseload_people(request.user, scope).filter(**named).first()
        if match is not None:
            return redirect("person_detail", external_id=match.external_id)
    people = with_opioid_use(
        with_flag_columns(
            with_top_columns(
                with_plan_review_due(with_caseload_columns(caseload_people(request.user, scope)))
            )
        )
    )
    filterset = CaseloadRiskFilter(request.GET or None, queryset=people)
    # Listing everyone in a national database is neither useful nor cheap: the
    # service-wide list starts from a search.
    needs_search = scope in SEARCH_FIRST_SCOPES and not query
    table = None
    if not needs_search:
        table = CaseloadTable(
            filterset.qs,
            exclude=("keyworker",) if scope == "mine" else (),
            empty_text=_empty_text(scope, query, filtered=bool(request.GET)),
        )
        RequestConfig(request, paginate={"per_page": CASELOAD_PAGE_SIZE}).configure(table)
        record_access(
            request,
            kind=AccessKind.LIST,
            query={"scope": scope, **query_of(request)},
            rows=page_rows(table.page),
        )
    return render(
        request,
        "caseload.html",
        {
            "title": SCOPE_TITLES[scope],
            "scope": scope,
            "filter": filterset,
            "table": table,
            "needs_search": needs_search,
            "can_edit": can_edit_records(request.user),
        },
    )


def _empty_text(scope: str, query: str, *, filtered: bool) -> str:
    """What an empty caseload means, and what to do next."""
    if query:
        where = SEARCH_SCOPE_WORDS[scope]
        wider = (
            " To look through everyone in your teams, use the search box at the top of the page."
            if scope == "mine"
            else ""
        )
        return (
            f"No one {where} matches “{query}”. Check the spelling, or try part of a name, the "
            f"client reference, the NHS number, or a date of birth as dd/mm/yyyy.{wider}"
        )
    if filtered:
        return "Nobody matches these filters. Clear the filters to see everyone on this list."
    if scope == "mine":
        return (
            "No one is on your caseload yet. People appear here when they are assigned to you "
            "as their keyworker, or when you add a person."
        )
    return "No one is in treatment with your team, or has left in the last 12 months."


def _timeline(history: ServiceUserHistory, tops: list, today: datetime.date) -> list[dict]:
    """One list, newest first, of everything that happened to the person. What is still to
    come (an expected event, a booked appointment) is in the list of what is due instead."""
    entries: list[dict] = []
    for e in history["episodes"]:
        if e.discharge_date:
            how = "unplanned" if e.unplanned_exit else "planned"
            entries.append(
                {
                    "day": e.discharge_date,
                    "kind": "Episode",
                    "title": f"Left treatment ({how})",
                    "detail": e.discharge_reason.label,
                }
            )
        entries.append(
            {
                "day": e.referral_date,
                "kind": "Episode",
                "title": "Referred",
                "detail": f"{e.get_referral_source_display()}; main substance {e.substance_1.name}",
            }
        )
    for i in history["interventions"]:
        what = f"OST: {i.get_medicine_display()}" if i.is_ost else i.get_kind_display().lower()
        entries.append(
            {
                "day": i.start_date,
                "kind": "Intervention",
                "title": f"Started {what}",
                "detail": i.get_setting_display(),
            }
        )
        if i.end_date:
            entries.append(
                {
                    "day": i.end_date,
                    "kind": "Intervention",
                    "title": f"Stopped {what} ({i.get_exit_status_display().lower()})",
                    "detail": i.get_setting_display(),
                }
            )
    for ev in history["events"]:
        if ev.is_expected:
            continue
        detail = ev.notes
        if ev.is_overdose:
            hospital = {True: "taken to hospital", False: "not taken to hospital"}.get(
                ev.taken_to_hospital, "not known whether taken to hospital"
            )
            doses = f"; naloxone doses {ev.naloxone_doses}" if ev.naloxone_doses is not None else ""
            detail = f"{hospital}{doses}; reported by {ev.get_information_source_display().lower()}"
        entries.append(
            {
                "day": ev.occurred_on,
                "kind": "Event",
                "title": ev.get_kind_display(),
                "detail": detail,
            }
        )
    for c in history["contacts"]:
        if is_booked_ahead(c, today):
            continue
        entries.append(
            {
                "day": c.contact_date,
                "kind": "Contact",
                "title": f"{c.get_kind_display()}: {c.get_status_display().lower()}",
                "detail": c.notes,
            }
        )
    for n in history["naloxone_supplies"]:
        entries.append(
            {
                "day": n.supplied_on,
                "kind": "Naloxone",
                "title": f"Naloxone supplied ({n.get_formulation_display().lower()})",
                "detail": f"{n.get_supply_type_display()}; expires {n.expiry_date:%d/%m/%Y}",
            }
        )
    for t in tops:
        entries.append(
            {
                "day": t.top_date,
                "kind": "TOP",
                "title": f"{t.get_stage_display()} TOP",
                "detail": "",
            }
        )
    entries.sort(key=lambda entry: entry["day"], reverse=True)
    return entries


def _notes_page_asked(request: HttpRequest) -> Callable[[ServiceUser], None]:
    """The check that refuses, with 400, a `?notes=` that is not a page number (an empty
    one asks for the first page); past the last page, the last is shown."""

    def check(person: ServiceUser) -> None:
        asked = request.GET.get("notes", "")
        if asked and not (asked.isascii() and asked.isdigit() and int(asked) >= 1):
            raise BadRequest(f"“{asked}” is not a page of case notes: pages are numbered 1, 2, 3…")

    return check


@login_required
def person_detail(request: HttpRequest, external_id) -> HttpResponse:
    try:
        person = service_user_for_read(request, external_id, check=_notes_page_asked(request))
    except BadRequest as refused:
        return render(request, "400.html", {"message": str(refused)}, status=400)
    history = service_user_history(person)
    tops = top_assessments_for(person)
    today = timezone.localdate()
    current = next((e for e in history["episodes"] if e.is_open), None)
    latest_supply = history["naloxone_supplies"][0] if history["naloxone_supplies"] else None
    flag, flags = person_flags(person, on=today)
    follow_up = open_follow_up_of(person)
    can_record_overdoses = can_record_overdose(request.user)
    # The care record's sections, read once: shown below, and what is due at the top.
    sections = {
        **care_record_for(person, notes_page=request.GET.get("notes"), today=today),
        **assessments_for_person(person, today=today),
        **health_for_person(person, today=today),
        **plans_for_person(person, today=today),
        **safeguarding_for_person(person, today=today, episodes=history["episodes"]),
    }
    return render(
        request,
        "person_detail.html",
        {
            "person": person,
            "age": person.age_on(person.date_of_death or today),
            "current_episode": current,
            "latest_episode": history["episodes"][0] if history["episodes"] else None,
            "latest_supply": latest_supply,
            "kit_expired": bool(latest_supply and latest_supply.expiry_date < today),
            # What is due, soonest first, each with whether it is overdue.
            "due": [
                (item, item.overdue(today))
                for item in due_for(
                    person,
                    today=today,
                    history=history,
                    tops=tops,
                    follow_up=follow_up,
                    flag=flag,
                    read=sections,
                )
            ],
            "timeline": _timeline(history, tops, today),
            "today": today,
            "tops": tops,
            "top_rows": top_table_rows(tops),
            "trajectory": top_trajectory(tops),
            "can_edit": can_edit_records(request.user),
            "can_reassign": leads_team(request.user, person.team_id),
            "current_ost": [i for i in history["interventions"] if i.is_ost and not i.end_date],
            "history": history,
            "flag": flag,
            "mitigations": (
                flag_mitigations(person, flag, on=today, history=history) if flag else []
            ),
            "flag_history": flags,
            "can_review": can_work_reviews(request.user),
            "reviews": list(person_reviews(request.user, person)),
            "can_audit": can_audit(request.user),
            # Which step of the overdose pathway is open (one query).
            "follow_up": follow_up,
            "record_overdose_url": _record_overdose_url(person) if can_record_overdoses else None,
            # Case notes (a page of them), referrals, plan, assessment, health, safeguarding.
            **sections,
        },
    )


def _record_overdose_url(person: ServiceUser) -> str | None:
    """The quick overdose capture, started for this person."""
    try:
        return f"{reverse('overdose_record')}?person={person.external_id}"
    except NoReverseMatch:
        return None


# --- Governance: who viewed or changed a person's record ---------------------------

ACCESS_REPORT_PAGE_SIZE = 50


def _require_audit(request: HttpRequest) -> None:
    if not can_audit(request.user):
        raise PermissionDenied("Access reports are for clinical governance.")


@login_required
def access_report_search(request: HttpRequest) -> HttpResponse:
    """Find a person's access report by exact client reference or NHS number."""
    _require_audit(request)
    form = AccessReportSearchForm(request.GET or None)
    if form.is_valid():
        person = service_user_by_exact_reference(form.cleaned_data["reference"])
        if (
            person is not None
            and service_users_visible_to(request.user).filter(pk=person.pk).exists()
        ):
            return redirect("person_access_report", external_id=person.external_id)
        form.add_error("reference", "No one has exactly that client reference or NHS number.")
    return render(
        request,
        "access_report_search.html",
        {"title": "Access reports", "form": form},
        status=400 if form.errors else 200,
    )


def _audited_person(request: HttpRequest, external_id, **read) -> ServiceUser:
    # Like a review, a person's access report does not exist for other roles.
    if not can_audit(request.user):
        raise Http404("No such page")
    # Reading the report reads the person's record: it is recorded (and listed) too.
    return service_user_for_read(request, external_id, **read)


@login_required
def person_access_report(request: HttpRequest, external_id) -> HttpResponse:
    person = _audited_person(request, external_id, kind=AccessKind.REPORT)
    page = Paginator(person_access_entries(person), ACCESS_REPORT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "access_report.html",
        {"title": f"Access report: {person.display_name}", "person": person, "page": page},
    )


@login_required
def person_access_report_csv(request: HttpRequest, external_id) -> HttpResponse:
    # The event names the person; its view, the access report's CSV, says what was sent.
    person = _audited_person(request, external_id, kind=AccessKind.EXPORT)
    entries = person_access_entries(person)
    export_finished(access_event_of(request), len(entries))
    response = HttpResponse(person_access_csv(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="access-{person.client_ref}-{timezone.localdate():%Y%m%d}.csv"'
    )
    return response
