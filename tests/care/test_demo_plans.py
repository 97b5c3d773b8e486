"""The demo's care plans: valid by the models' own rules, with overdue reviews and
contacts recorded against goals to show, and the same plans from the same seed."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from care.models import CarePlan, GoalContact, PlanGoal, PlanReview

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), without_history=True, **options)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return [
        *CarePlan.objects.order_by("external_id").values_list(
            "external_id", "service_user_id", "agreed_on", "review_due_on"
        ),
        *PlanGoal.objects.order_by("external_id").values_list(
            "external_id", "domain", "state", "state_on"
        ),
        *GoalContact.objects.order_by("goal__external_id", "contact_id").values_list(
            "goal__external_id", "contact_id"
        ),
    ]


def test_the_demo_writes_valid_plans_goals_and_reviews_the_same_each_time():
    out = seed(people=150, seed=5)
    assert "Care plans:" in out
    plans = list(CarePlan.objects.select_related("service_user"))
    goals = list(PlanGoal.objects.select_related("plan"))
    reviews = list(PlanReview.objects.select_related("plan"))
    assert plans
    assert len(goals) >= 2 * len(plans)
    assert reviews
    for record in [*plans, *goals[:80], *reviews[:80]]:
        record.full_clean()
    today = timezone.localdate()
    assert any(p.review_due_on < today for p in plans)
    assert all(p.created_by_id == p.service_user.keyworker_id for p in plans)
    assert all(g.closed_at_review is None or g.state != "open" for g in goals)
    assert GoalContact.objects.exists()
    assert CarePlan.pgh_event_model.objects.count() == len(plans)
    first = fingerprint()

    seed(people=150, seed=5, reset=True)

    assert fingerprint() == first
