"""The care plan's forms for the fuzz table (tests/security/forms.py): form, URL name,
sample (tests/security/routes.py), an unbound instance, and values that make the rest of
the form valid. Each is submitted by alice, jo's keyworker."""

import datetime


def _jo(w):
    return w.jo_episode.service_user


def _day(days: int) -> str:
    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _goal(w):
    from tests.security.routes import jo_plan_goal

    return jo_plan_goal(w)


def _plan_form(name: str, **kwargs):
    from care.forms import plans

    return getattr(plans, name)(**kwargs)


def _open_goals(w) -> list:
    from care.selectors import open_goals_of

    return list(open_goals_of(_goal(w).plan))


CARE_PLAN_FORMS = (
    (
        "care.forms.plans.CarePlanForm",
        "care_plan_create",
        "jo",
        lambda w: _plan_form("CarePlanForm", service_user=_jo(w), current=None),
        lambda w: {"agreed_on": _day(0), "agreed_how": "in_person", "review_every_weeks": "12"},
    ),
    (
        "care.forms.plans.PlanGoalForm",
        "plan_goal_create",
        "jo",
        lambda w: _plan_form("PlanGoalForm", plan=_goal(w).plan),
        lambda w: {
            "domain": "money",
            "what": "Sort out the benefit sanction.",
            "by_when": _day(30),
            "who_helps": "Citizens Advice",
        },
    ),
    (
        "care.forms.plans.PlanGoalForm",
        "plan_goal_edit",
        "jo-goal",
        lambda w: _plan_form("PlanGoalForm", plan=_goal(w).plan, instance=_goal(w)),
        lambda w: {
            "domain": "housing",
            "what": "Move into the supported flat.",
            "by_when": _day(60),
            "who_helps": "Keyworker",
            "state": "open",
        },
    ),
    (
        "care.forms.plans.PlanReviewForm",
        "plan_review_create",
        "jo",
        lambda w: _plan_form("PlanReviewForm", plan=_goal(w).plan, open_goals=_open_goals(w)),
        lambda w: {
            "reviewed_on": _day(0),
            "who": "Jo and their keyworker",
            "summary": "Going well.",
            **{f"goal_{g.external_id}": "carry_on" for g in _open_goals(w)},
        },
    ),
    (
        "care.forms.plans.GoalContactForm",
        "plan_contact_create",
        "jo",
        lambda w: _plan_form("GoalContactForm", service_user=_jo(w), plan=_goal(w).plan),
        lambda w: {
            "contact_date": _day(0),
            "kind": "appointment",
            "status": "attended",
            "goals": str(_goal(w).external_id),
        },
    ),
)
