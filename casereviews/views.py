"""The case review's pages. Each finds what it shows through `casereviews.selectors`,
which start from the visibility selector: a meeting of a team outside the user's
answers 404, and only the people of the team the user may see are listed. Every page
that shows people records the read once (`cases.audit.record_access`)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from casereviews import selectors, services
from casereviews.access import can_lead_case_reviews, can_read_case_reviews
from casereviews.forms import (
    ActionDoneForm,
    ActionForm,
    DecisionsForm,
    InviteForm,
    MeetingForm,
    PeopleForm,
    TeamSettingForm,
)
from casereviews.models import Meeting, ReviewedPerson
from cases.audit import page_rows, query_of, record_access
from cases.models import AccessKind

ACTIONS_PAGE_SIZE = 25


def _number(value: str) -> int | None:
    """A query parameter as a whole number, or None for anything else."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _reader(request: HttpRequest) -> None:
    if not can_read_case_reviews(request.user):
        raise Http404("No such page")


def _meeting(request: HttpRequest, meeting_id, *, lead: bool = False) -> Meeting:
    """The meeting if the user may see it (404 otherwise); with `lead`, only a lead of its
    team goes on (403 for those who only read it)."""
    _reader(request)
    meeting = selectors.meeting_for(request.user, meeting_id)
    if meeting is None:
        raise Http404("No such meeting")
    if lead and not (
        can_lead_case_reviews(request.user)
        and selectors.led_teams(request.user).filter(pk=meeting.team_id).exists()
    ):
        raise PermissionDenied("Only a lead of the team records its case reviews.")
    return meeting


def _reviewed(request: HttpRequest, meeting: Meeting, reviewed_id) -> ReviewedPerson:
    reviewed = selectors.reviewed_person_for(meeting, request.user, reviewed_id)
    if reviewed is None:
        raise Http404("No such person")
    return reviewed


def _form_page(request: HttpRequest, form, title: str, back: str, **context) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "casereviews/form.html",
        {"form": form, "title": title, "back": back, **context},
        status=status,
    )


@login_required
def case_review_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    today = timezone.localdate()
    teams = selectors.teams_of(request.user).order_by("name")
    team = None
    if "team" in request.GET:
        number = _number(request.GET["team"])
        team = teams.filter(pk=number).first() if number is not None else None
        if team is None:
            return HttpResponseBadRequest("Choose one of your teams.")
    due = selectors.due_reviews(request.user, team=team, on=today)
    meetings = selectors.meeting_lists(request.user, on=today)
    if team is not None:
        meetings = {k: [m for m in v if m.team_id == team.pk] for k, v in meetings.items()}
    record_access(request, kind=AccessKind.LIST, query=query_of(request), rows=len(due))
    leads = can_lead_case_reviews(request.user)
    led = list(selectors.led_teams(request.user)) if leads else []
    return render(
        request,
        "casereviews/list.html",
        {
            "teams": list(teams),
            "team": team,
            "overdue": [row for row in due if row.is_overdue(today)],
            "due": [row for row in due if not row.is_overdue(today)],
            "meetings": meetings,
            "due_days": selectors.due_days(),
            "can_lead": leads,
            "led_settings": [
                (
                    t,
                    TeamSettingForm(
                        teams=selectors.led_teams(request.user),
                        initial={"team": t.pk, "include_high": selectors.includes_high(t)},
                    ),
                )
                for t in led
            ],
            "today": today,
        },
    )


@login_required
@require_POST
def case_review_setting(request: HttpRequest) -> HttpResponse:
    _reader(request)
    if not can_lead_case_reviews(request.user):
        raise PermissionDenied("Only a team lead chooses who is due a review.")
    form = TeamSettingForm(request.POST, teams=selectors.led_teams(request.user))
    if not form.is_valid():
        return _form_page(request, form, "Who is due a case review", "case_review_list")
    services.team_setting_set(
        team=form.cleaned_data["team"],
        include_high=form.cleaned_data["include_high"],
        changed_by=request.user,
    )
    messages.success(request, "Saved: who the team reviews.")
    return redirect("case_review_list")


@login_required
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    _reader(request)
    if not can_lead_case_reviews(request.user):
        raise PermissionDenied("Only a team lead schedules case reviews.")
    teams = selectors.led_teams(request.user)
    staff = selectors.team_staff_of(teams)
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        teams=teams,
        staff=staff,
        initial={"team": teams.first(), "meets_at": datetime.time(10, 0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        due = selectors.due_reviews(request.user, team=data["team"], on=timezone.localdate())
        horizon = data["meets_on"] + datetime.timedelta(days=selectors.due_days())
        people = [row.person for row in due if row.due_on <= horizon and row.scheduled_on is None]
        meeting = services.meeting_schedule(
            team=data["team"],
            meets_on=data["meets_on"],
            meets_at=data["meets_at"],
            place=data["place"],
            staff=data["staff"],
            partners=data["partners"],
            people=people,
            scheduled_by=request.user,
            organisations=data["organisations"],
        )
        messages.success(
            request,
            f"Meeting scheduled with {len(people)} {'person' if len(people) == 1 else 'people'} "
            "due a review: change who is reviewed below.",
        )
        return redirect("case_review_meeting", meeting_id=meeting.external_id)
    return _form_page(request, form, "Schedule a case review", "case_review_list")


@login_required
def meeting_detail(request: HttpRequest, meeting_id) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    people = selectors.reviewed_people(meeting, request.user)
    record_access(
        request,
        kind=AccessKind.LIST,
        object_ref=f"case review {meeting.external_id}",
        rows=len(people),
    )
    leads = (
        can_lead_case_reviews(request.user)
        and selectors.led_teams(request.user).filter(pk=meeting.team_id).exists()
    )
    invite = None
    if leads and not meeting.is_held:
        to_invite = selectors.organisations_to_invite(meeting)
        invite = InviteForm(organisations=to_invite) if to_invite.exists() else None
    return render(
        request,
        "casereviews/meeting.html",
        {
            "meeting": meeting,
            "people": people,
            "can_record": leads,
            "invite_form": invite,
            "today": timezone.localdate(),
        },
    )


@login_required
def meeting_history(request: HttpRequest, meeting_id) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    entries, people = selectors.meeting_history(meeting, request.user)
    record_access(
        request,
        kind=AccessKind.LIST,
        object_ref=f"case review {meeting.external_id}",
        rows=people,
    )
    title = f"History of the case review of {meeting.team.name}, {meeting.meets_on:%d/%m/%Y}"
    return render(
        request,
        "casereviews/history.html",
        {"title": title, "meeting": meeting, "entries": entries},
    )


@login_required
def meeting_people(request: HttpRequest, meeting_id) -> HttpResponse:
    meeting = _meeting(request, meeting_id, lead=True)
    candidates = selectors.candidates_for(meeting, request.user)
    listed = [r.service_user.external_id for r in selectors.reviewed_people(meeting, request.user)]
    form = PeopleForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"people": listed},
    )
    record_access(
        request,
        kind=AccessKind.LIST,
        object_ref=f"case review {meeting.external_id}",
        rows=candidates.count(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_people_set(
                meeting=meeting, people=form.cleaned_data["people"], among=candidates
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, "Saved: who the meeting reviews.")
            return redirect("case_review_meeting", meeting_id=meeting.external_id)
    return _form_page(
        request, form, "Who this meeting reviews", "case_review_meeting", meeting=meeting
    )


@login_required
@require_POST
def meeting_hold(request: HttpRequest, meeting_id) -> HttpResponse:
    meeting = _meeting(request, meeting_id, lead=True)
    try:
        services.meeting_hold(meeting=meeting)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return redirect("case_review_meeting", meeting_id=meeting.external_id)
    messages.success(request, "The meeting is marked held.")
    return redirect("case_review_meeting", meeting_id=meeting.external_id)


@login_required
@require_POST
def meeting_invite(request: HttpRequest, meeting_id) -> HttpResponse:
    """Invite more partner organisations to contribute to a meeting not yet held."""
    meeting = _meeting(request, meeting_id, lead=True)
    form = InviteForm(request.POST, organisations=selectors.organisations_to_invite(meeting))
    if meeting.is_held:
        form.add_error(None, services.HELD_INVITES_NO_ONE)
    elif form.is_valid():
        invited = form.cleaned_data["organisations"]
        try:
            services.meeting_organisations_invite(meeting=meeting, organisations=invited)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            names = ", ".join(organisation.name for organisation in invited)
            messages.success(request, f"Invited to contribute in Lantern: {names}.")
            return redirect("case_review_meeting", meeting_id=meeting.external_id)
    return _form_page(
        request, form, "Invite partner organisations", "case_review_meeting", meeting=meeting
    )


@login_required
def reviewed_decisions(request: HttpRequest, meeting_id, reviewed_id) -> HttpResponse:
    meeting = _meeting(request, meeting_id, lead=True)
    reviewed = _reviewed(request, meeting, reviewed_id)
    record_access(request, kind=AccessKind.RECORD, subject=reviewed.service_user)
    form = DecisionsForm(
        request.POST if request.method == "POST" else None,
        initial={"decisions": reviewed.decisions, "next_review_on": reviewed.next_review_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reviewed_record(reviewed=reviewed, **form.cleaned_data)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, "Decisions saved.")
            return redirect("case_review_meeting", meeting_id=meeting.external_id)
    return _form_page(
        request,
        form,
        f"Decisions for {reviewed.service_user.display_name}",
        "case_review_meeting",
        meeting=meeting,
    )


@login_required
def action_create(request: HttpRequest, meeting_id, reviewed_id) -> HttpResponse:
    meeting = _meeting(request, meeting_id, lead=True)
    reviewed = _reviewed(request, meeting, reviewed_id)
    record_access(request, kind=AccessKind.RECORD, subject=reviewed.service_user)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        staff=selectors.team_staff(meeting.team),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_set(reviewed=reviewed, **form.cleaned_data)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, "Action added.")
            return redirect("case_review_meeting", meeting_id=meeting.external_id)
    return _form_page(
        request,
        form,
        f"Add an action for {reviewed.service_user.display_name}",
        "case_review_meeting",
        meeting=meeting,
    )


@login_required
def action_done(request: HttpRequest, action_id) -> HttpResponse:
    _reader(request)
    action = selectors.action_for(request.user, action_id)
    if action is None:
        raise Http404("No such action")
    record_access(request, kind=AccessKind.RECORD, subject=action.reviewed.service_user)
    form = ActionDoneForm(
        request.POST if request.method == "POST" else None,
        initial={"done_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_done(action=action, **form.cleaned_data)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, "Action marked done.")
            return redirect("case_review_my_actions")
    return _form_page(request, form, "Mark an action done", "case_review_my_actions", action=action)


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    _reader(request)
    show = request.GET.get("show", "open")
    if show not in ("open", "all"):
        return HttpResponseBadRequest("Show open or all actions.")
    page_number = _number(request.GET.get("page", "1"))
    if page_number is None:
        return HttpResponseBadRequest("A page is a number.")
    page = Paginator(selectors.my_actions(request.user, show=show), ACTIONS_PAGE_SIZE).get_page(
        page_number
    )
    record_access(request, kind=AccessKind.LIST, query=query_of(request), rows=page_rows(page))
    return render(
        request,
        "casereviews/my_actions.html",
        {"page": page, "show": show, "today": timezone.localdate()},
    )
