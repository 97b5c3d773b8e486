"""Writes to the care and recovery plan: each checked in full (`clean()`), atomic,
keyword-only. A contact against a goal is written through `cases.services`, which owns
contacts, in the same transaction as its link."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from care.models import CarePlan, GoalContact, GoalState, PlanGoal, PlanReview
from cases import services as case_services
from cases.models import Contact, ServiceUser, User

GOAL_NOT_ON_CURRENT_PLAN = "Choose goals of the person's current plan."


@transaction.atomic
def care_plan_start(
    *,
    service_user: ServiceUser,
    created_by: User,
    agreed_on: datetime.date,
    agreed_how: str,
    review_every_weeks: int,
    carry_open_goals: bool = False,
) -> CarePlan:
    """A new current plan; the one it replaces is kept, marked superseded. With
    `carry_open_goals`, the old plan's open goals are copied onto the new one (the old
    plan keeps them as they were)."""
    previous = (
        CarePlan.objects.select_for_update()
        .filter(service_user=service_user, superseded_at__isnull=True)
        .first()
    )
    plan = CarePlan(
        service_user=service_user,
        created_by=created_by,
        agreed_on=agreed_on,
        agreed_how=agreed_how,
        review_every_weeks=review_every_weeks,
    )
    if agreed_on and review_every_weeks:
        plan.review_due_on = plan.review_due_after(agreed_on)
    plan.full_clean()
    if previous is not None:
        previous.superseded_at = timezone.now()
        previous.save(update_fields=["superseded_at"])
    plan.save()
    if previous is not None and carry_open_goals:
        for goal in previous.goals.filter(state=GoalState.OPEN):
            carried = PlanGoal(
                plan=plan,
                created_by=created_by,
                domain=goal.domain,
                what=goal.what,
                by_when=max(goal.by_when, agreed_on),
                who_helps=goal.who_helps,
            )
            carried.full_clean()
            carried.save()
    return plan


@transaction.atomic
def plan_goal_add(*, plan: CarePlan, created_by: User, **fields: Any) -> PlanGoal:
    goal = PlanGoal(plan=plan, created_by=created_by, **fields)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def plan_goal_change(*, goal: PlanGoal, **fields: Any) -> PlanGoal:
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def plan_review_record(
    *,
    plan: CarePlan,
    recorded_by: User,
    reviewed_on: datetime.date,
    who: str,
    summary: str,
    closing: Mapping[PlanGoal, str] | None = None,
) -> PlanReview:
    """A review of the plan: it closes the goals in `closing` (goal: achieved or no longer
    relevant) on the review's date, carries the other open goals on, and moves the next
    review to the latest review's date plus the plan's interval."""
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    review = PlanReview(
        plan=plan, recorded_by=recorded_by, reviewed_on=reviewed_on, who=who, summary=summary
    )
    review.full_clean()
    review.save()
    for goal, state in (closing or {}).items():
        if goal.plan_id != plan.pk or not goal.is_open:
            raise ValidationError(GOAL_NOT_ON_CURRENT_PLAN)
        goal.state = state
        goal.state_on = reviewed_on
        goal.closed_at_review = review
        goal.full_clean()
        goal.save(update_fields=["state", "state_on", "closed_at_review"])
    # The next review is due an interval after the latest review held (a review recorded
    # late, dated before another, does not move it back).
    latest = plan.reviews.aggregate(latest=Max("reviewed_on"))["latest"]
    plan.review_due_on = plan.review_due_after(latest)
    plan.save(update_fields=["review_due_on"])
    return review


@transaction.atomic
def contact_against_goals(
    *,
    service_user: ServiceUser,
    staff: User,
    goals: Iterable[PlanGoal],
    **contact_fields: Any,
) -> Contact:
    """A contact and the goals it worked on, written together or not at all."""
    goals = list(goals)
    if not goals:
        raise ValidationError({"goals": "Choose the goal or goals the contact worked on."})
    for goal in goals:
        if goal.plan.service_user_id != service_user.pk or not goal.plan.is_current:
            raise ValidationError({"goals": GOAL_NOT_ON_CURRENT_PLAN})
    contact = case_services.contact_create(service_user=service_user, staff=staff, **contact_fields)
    GoalContact.objects.bulk_create(GoalContact(goal=goal, contact=contact) for goal in goals)
    return contact
