"""Writes to the care record, one module per record kind."""

from care.services.assessments import (
    risk_assessment_record,
)
from care.services.audits import (
    NO_ONE_TO_AUDIT,
    ROUND_COMPLETED,
    audit_checks_judge,
    audit_round_draw,
    draw_sample,
)
from care.services.health import (
    bbv_test_record,
    bbv_test_result_record,
    health_need_record,
    hep_b_vaccination_record,
    hep_c_treatment_record,
    nsp_contact_record,
)
from care.services.notes import (
    case_note_write,
    onward_referral_make,
    onward_referral_outcome_record,
)
from care.services.plans import (
    GOAL_NOT_ON_CURRENT_PLAN,
    care_plan_start,
    contact_against_goals,
    plan_goal_add,
    plan_goal_change,
    plan_review_record,
)
from care.services.safeguarding import (
    child_in_contact_record,
    protection_referral_make,
    protection_referral_outcome_record,
    safe_storage_record,
    safeguarding_concern_close,
    safeguarding_concern_raise,
)

__all__ = [
    "GOAL_NOT_ON_CURRENT_PLAN",
    "NO_ONE_TO_AUDIT",
    "ROUND_COMPLETED",
    "audit_checks_judge",
    "audit_round_draw",
    "bbv_test_record",
    "bbv_test_result_record",
    "care_plan_start",
    "case_note_write",
    "child_in_contact_record",
    "contact_against_goals",
    "draw_sample",
    "health_need_record",
    "hep_b_vaccination_record",
    "hep_c_treatment_record",
    "nsp_contact_record",
    "onward_referral_make",
    "onward_referral_outcome_record",
    "plan_goal_add",
    "plan_goal_change",
    "plan_review_record",
    "protection_referral_make",
    "protection_referral_outcome_record",
    "risk_assessment_record",
    "safe_storage_record",
    "safeguarding_concern_close",
    "safeguarding_concern_raise",
]
