"""The care record's pages, one module per record kind."""

from care.views.notes import (
    case_note_create,
    onward_referral_create,
    onward_referral_outcome,
)
from care.views.plans import (
    care_plan,
    care_plan_create,
    plan_contact_create,
    plan_goal_create,
    plan_goal_edit,
    plan_review_create,
)

__all__ = [
    "care_plan",
    "care_plan_create",
    "case_note_create",
    "onward_referral_create",
    "onward_referral_outcome",
    "plan_contact_create",
    "plan_goal_create",
    "plan_goal_edit",
    "plan_review_create",
]
