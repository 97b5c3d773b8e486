"""The care and recovery plan's pages: the plan (its goals, the contacts that worked on
each, its reviews), a new plan, a goal added or changed, a review, and a contact recorded
against goals. Each finds the person through the visibility selector (404 outside the
user's scope, the read recorded once); the pages that write refuse a role that only reads
(403, `cases.views.editable_person`). After a save they go back to the plan page."""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from care import selectors, services
from care.access import can_write_care_record
from care.forms import CarePlanForm, GoalContactForm, PlanGoalForm, PlanReviewForm
from care.models import CarePlan, PlanGoal
from cases.audit import service_user_for_read
from cases.models import ServiceUser
from cases.views import bound_form, editable_person

PLAN_ASKED_FOR_IS_NO_PLAN = "The plan asked for is not a plan's reference."


def _plan_form_view(
    request: HttpRequest,
    *,
    form: ModelForm,
    save: Callable[[dict], object],
    title: str,
    person: ServiceUser,
    success: str,
) -> HttpResponse:
    """Validate `form`, save through `save`, land every message at its field, and go back
    to the plan page."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, success)
            return redirect("care_plan", external_id=person.external_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "care/plans/form.html",
        {"form": form, "title": title, "person": person},
        status=status,
    )


def _current_plan_or_none_page(
    request: HttpRequest, person: ServiceUser, title: str
) -> tuple[CarePlan | None, HttpResponse | None]:
    """The person's current plan, or the page saying to write one first (nothing is
    written: a POST is answered 400)."""
    plan = selectors.current_plan_of(person)
    if plan is not None:
        return plan, None
    status = 400 if request.method == "POST" else 200
    page = render(
        request, "care/plans/no_plan.html", {"person": person, "title": title}, status=status
    )
    return None, page


@login_required
def care_plan(request: HttpRequest, external_id) -> HttpResponse:
    """The plan: the current one, or an earlier one (`?plan=<its reference>`)."""
    asked = request.GET.get("plan", "").strip()
    plan_id = None
    if asked:
        try:
            plan_id = uuid.UUID(asked)
        except ValueError:
            return render(request, "400.html", {"message": PLAN_ASKED_FOR_IS_NO_PLAN}, status=400)
    person = service_user_for_read(request, external_id)
    page = selectors.plan_page_for(person, plan_id=plan_id)
    if page is None:
        raise Http404("No such plan")
    today = timezone.localdate()
    return render(
        request,
        "care/plans/plan.html",
        {
            "person": person,
            "page": page,
            "today": today,
            "goals_by_domain": selectors.goals_by_domain(page.goals),
            "can_edit": can_write_care_record(request.user),
            "first_due": selectors.plans_due(person, today=today) if page.plan is None else [],
        },
    )


@login_required
def care_plan_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    current = selectors.current_plan_of(person)
    return _plan_form_view(
        request,
        form=bound_form(request, CarePlanForm, service_user=person, current=current),
        save=lambda data: services.care_plan_start(
            service_user=person, created_by=request.user, **data
        ),
        title="Write a new care plan" if current else "Write a care plan",
        person=person,
        success="Care plan saved.",
    )


@login_required
def plan_goal_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    plan, no_plan = _current_plan_or_none_page(request, person, "Add a goal")
    if plan is None:
        return no_plan  # type: ignore[return-value]
    return _plan_form_view(
        request,
        form=bound_form(request, PlanGoalForm, plan=plan),
        save=lambda data: services.plan_goal_add(plan=plan, created_by=request.user, **data),
        title="Add a goal",
        person=person,
        success="Goal added.",
    )


@login_required
def plan_goal_edit(request: HttpRequest, external_id, goal_id) -> HttpResponse:
    person = editable_person(request, external_id)
    # Only a goal of the person's current plan can be changed: earlier plans stand as kept.
    goal = (
        PlanGoal.objects.select_related("plan")
        .filter(external_id=goal_id, plan__service_user=person, plan__superseded_at__isnull=True)
        .first()
    )
    if goal is None:
        raise Http404("No such goal")
    return _plan_form_view(
        request,
        form=bound_form(request, PlanGoalForm, plan=goal.plan, instance=goal),
        save=lambda data: services.plan_goal_change(goal=goal, **data),
        title="Change a goal",
        person=person,
        success="Goal saved.",
    )


@login_required
def plan_review_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    plan, no_plan = _current_plan_or_none_page(request, person, "Record a plan review")
    if plan is None:
        return no_plan  # type: ignore[return-value]
    form = bound_form(
        request, PlanReviewForm, plan=plan, open_goals=list(selectors.open_goals_of(plan))
    )
    return _plan_form_view(
        request,
        form=form,
        save=lambda data: services.plan_review_record(
            plan=plan,
            recorded_by=request.user,
            reviewed_on=data["reviewed_on"],
            who=data["who"],
            summary=data["summary"],
            closing=form.closing(),
        ),
        title="Record a plan review",
        person=person,
        success="Review recorded: the next review's date has moved on.",
    )


@login_required
def plan_contact_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    plan, no_plan = _current_plan_or_none_page(request, person, "Record a contact against a goal")
    if plan is None:
        return no_plan  # type: ignore[return-value]
    form = bound_form(request, GoalContactForm, service_user=person, plan=plan)
    if request.method != "POST" and request.GET.get("goal"):
        # "Record a contact" beside a goal on the plan page: that goal is ticked already.
        form.initial["goals"] = [request.GET["goal"]]

    def save(data: dict) -> object:
        fields = {k: v for k, v in data.items() if k != "goals"}
        return services.contact_against_goals(
            service_user=person, staff=request.user, goals=data["goals"], **fields
        )

    return _plan_form_view(
        request,
        form=form,
        save=save,
        title="Record a contact against a goal",
        person=person,
        success="Contact recorded against the plan.",
    )
