"""Reads of the care record, one module per record kind."""

from care.selectors.notes import (
    CLOSED_REFERRALS_SHOWN,
    NOTES_PAGE_SIZE,
    care_record_for,
    case_notes_of,
    onward_referrals_of,
    open_referrals_of,
)
from care.selectors.plans import (
    CARE_PLAN_WITHIN_DAYS,
    PlanPage,
    current_plan_of,
    goals_by_domain,
    open_goals_of,
    plan_due_when_none,
    plan_page_for,
    plans_due,
    plans_for_person,
    with_plan_review_due,
)

__all__ = [
    "CARE_PLAN_WITHIN_DAYS",
    "CLOSED_REFERRALS_SHOWN",
    "NOTES_PAGE_SIZE",
    "PlanPage",
    "care_record_for",
    "case_notes_of",
    "current_plan_of",
    "goals_by_domain",
    "onward_referrals_of",
    "open_goals_of",
    "open_referrals_of",
    "plan_due_when_none",
    "plan_page_for",
    "plans_due",
    "plans_for_person",
    "with_plan_review_due",
]
