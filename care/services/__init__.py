"""Writes to the care record, one module per record kind."""

from care.services.notes import (
    case_note_write,
    onward_referral_make,
    onward_referral_outcome_record,
)
from care.services.plans import (
    care_plan_start,
    contact_against_goals,
    plan_goal_add,
    plan_goal_change,
    plan_review_record,
)

__all__ = [
    "care_plan_start",
    "case_note_write",
    "contact_against_goals",
    "onward_referral_make",
    "onward_referral_outcome_record",
    "plan_goal_add",
    "plan_goal_change",
    "plan_review_record",
]
