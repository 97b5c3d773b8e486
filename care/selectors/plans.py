"""Reads of the care and recovery plan. Each takes a person already found through the
visibility selector (`cases.audit.service_user_for_read`), or a queryset that started
from it, so no read here widens anyone's scope. Each reads a fixed number of queries,
however many goals, reviews and contacts a plan has.
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import DateField, JSONField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.urls import reverse

from care.due import Due, Read
from care.models import CarePlan, GoalContact, GoalDomain, PlanGoal, PlanReview
from cases.models import ServiceUser, TreatmentEpisode

# How long after an episode starts its first care plan is due, unless the setting
# `LANTERN_CARE_PLAN_WITHIN_DAYS` says otherwise.
CARE_PLAN_WITHIN_DAYS = 21


def care_plan_within_days() -> int:
    return int(getattr(settings, "LANTERN_CARE_PLAN_WITHIN_DAYS", CARE_PLAN_WITHIN_DAYS))


def current_plan_of(person: ServiceUser) -> CarePlan | None:
    return CarePlan.objects.filter(service_user=person, superseded_at__isnull=True).first()


def plans_of(person: ServiceUser) -> QuerySet[CarePlan]:
    """Every plan the person has had, the current one first, then newest first."""
    return CarePlan.objects.filter(service_user=person).order_by("-created_at", "-id")


def open_goals_of(plan: CarePlan) -> QuerySet[PlanGoal]:
    return plan.goals.filter(state="open").order_by("domain", "by_when", "id")


def goals_by_domain(goals: Sequence[PlanGoal]) -> list[tuple[str, list[PlanGoal]]]:
    """(domain label, its goals), in the order the domains are declared, empty ones left out."""
    return [
        (str(label), [g for g in goals if g.domain == value])
        for value, label in GoalDomain.choices
        if any(g.domain == value for g in goals)
    ]


@dataclass(frozen=True)
class PlanPage:
    plan: CarePlan | None
    goals: Sequence[PlanGoal]
    reviews: list[PlanReview]
    plans: list[CarePlan]


def plan_page_for(person: ServiceUser, *, plan_id: uuid.UUID | None) -> PlanPage | None:
    """The plan page: the plan asked for (the current one unless `plan_id` names an earlier
    one of theirs; None if it names none), its goals each with the contacts that worked on
    them, its reviews with the goals each closed, and every plan they have had. Four
    queries, or five with a plan."""
    plans = list(plans_of(person))
    if plan_id is None:
        plan = next((p for p in plans if p.is_current), None)
    else:
        plan = next((p for p in plans if p.external_id == plan_id), None)
        if plan is None:
            return None
    if plan is None:
        return PlanPage(plan=None, goals=[], reviews=[], plans=plans)
    links = GoalContact.objects.select_related("contact", "contact__staff").order_by(
        "-contact__contact_date", "-id"
    )
    goals = list(
        plan.goals.select_related("created_by").prefetch_related(
            Prefetch("contact_links", queryset=links, to_attr="links")
        )
    )
    reviews = list(
        plan.reviews.select_related("recorded_by").prefetch_related(
            Prefetch("goals_closed", queryset=PlanGoal.objects.order_by("domain", "id"))
        )
    )
    return PlanPage(plan=plan, goals=goals, reviews=reviews, plans=plans)


def _open_episode_start(person: ServiceUser) -> datetime.date | None:
    """The start of the person's latest open episode, or None if none is open and started."""
    return (
        TreatmentEpisode.objects.filter(
            service_user=person, discharge_date__isnull=True, start_date__isnull=False
        )
        .order_by("-start_date")
        .values_list("start_date", flat=True)
        .first()
    )


def plan_due_when_none(episode_start: datetime.date | None) -> datetime.date | None:
    """When a first plan is due for someone with none: a set number of days after their
    open episode started; None if no episode is open and started."""
    if episode_start is None:
        return None
    return episode_start + datetime.timedelta(days=care_plan_within_days())


def plans_due(person: ServiceUser, *, today: datetime.date, read: Read | None = None) -> list[Due]:
    """The plan review when it is due, or, for someone in an open episode without a plan,
    writing one. Two queries at most; none when `read` holds `plans_for_person`'s."""
    if read is not None and "care_plan" in read:
        plan, first_due = read["care_plan"], read["care_plan_first_due"]
    else:
        plan = current_plan_of(person)
        first_due = None if plan is not None else plan_due_when_none(_open_episode_start(person))
    if plan is not None:
        return [
            Due(
                "Care plan review",
                plan.review_due_on,
                reverse("plan_review_create", args=[person.external_id]),
            )
        ]
    if first_due is None:
        return []
    return [
        Due("Write a care plan", first_due, reverse("care_plan_create", args=[person.external_id]))
    ]


def plans_for_person(person: ServiceUser, *, today: datetime.date) -> dict[str, Any]:
    """The person page's section: the current plan's goals by domain, when it was agreed,
    its next review (overdue marked), or when a first plan is due. One query, however
    many goals the plan has: the plan's columns, its goals (as one JSON array) and the
    open episode's start, each a subquery of the person's row."""
    current = CarePlan.objects.filter(service_user=OuterRef("pk"), superseded_at__isnull=True)
    goals = (
        PlanGoal.objects.filter(plan__service_user=OuterRef("pk"), plan__superseded_at__isnull=True)
        .order_by()
        .values("plan_id")
        .annotate(
            rows=JSONBAgg(
                JSONObject(domain="domain", what="what", state="state"),
                order_by=("domain", "by_when", "id"),
            )
        )
        .values("rows")[:1]
    )
    row = (
        ServiceUser.objects.filter(pk=person.pk)
        .annotate(
            plan_pk=Subquery(current.values("pk")[:1]),
            plan_agreed_on=Subquery(current.values("agreed_on")[:1]),
            plan_agreed_how=Subquery(current.values("agreed_how")[:1]),
            plan_review_due_on=Subquery(current.values("review_due_on")[:1]),
            plan_goals=Subquery(goals, output_field=JSONField()),
            episode_start=Subquery(
                TreatmentEpisode.objects.filter(
                    service_user=OuterRef("pk"),
                    discharge_date__isnull=True,
                    start_date__isnull=False,
                )
                .order_by("-start_date")
                .values("start_date")[:1]
            ),
        )
        .values(
            "plan_pk",
            "plan_agreed_on",
            "plan_agreed_how",
            "plan_review_due_on",
            "plan_goals",
            "episode_start",
        )
        .get()
    )
    plan = None
    if row["plan_pk"] is not None:
        plan = CarePlan(
            pk=row["plan_pk"],
            service_user=person,
            agreed_on=row["plan_agreed_on"],
            agreed_how=row["plan_agreed_how"],
            review_due_on=row["plan_review_due_on"],
        )
    goal_list = [PlanGoal(plan=plan, **g) for g in row["plan_goals"] or []]
    first_due = None if plan is not None else plan_due_when_none(row["episode_start"])
    return {
        "care_plan": plan,
        "care_plan_goals": goals_by_domain(goal_list),
        "care_plan_open_goals": sum(g.is_open for g in goal_list),
        "care_plan_review_overdue": bool(plan and plan.review_due_on < today),
        "care_plan_first_due": first_due,
        "care_plan_first_overdue": bool(first_due and first_due < today),
    }


def with_plan_review_due(people: QuerySet[ServiceUser]) -> QuerySet[ServiceUser]:
    """Annotate `plan_review_due`: the current plan's next review (None without a plan),
    in the same single query as the rest of the row."""
    return people.annotate(
        plan_review_due=Subquery(
            CarePlan.objects.filter(service_user=OuterRef("pk"), superseded_at__isnull=True).values(
                "review_due_on"
            )[:1],
            output_field=DateField(),
        )
    )
