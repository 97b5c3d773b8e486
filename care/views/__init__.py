"""The care record's pages, one module per record kind."""

from care.views.assessments import (
    risk_assessment_create,
)
from care.views.audits import (
    care_audit_draw,
    care_audit_list,
    care_audit_person,
    care_audit_round,
)
from care.views.health import (
    bbv_test_create,
    bbv_test_result,
    hep_b_vaccination_create,
    hep_c_treatment,
    mental_health_need_create,
    nsp_contact_create,
    nsp_team,
    pharmacy_arrangement_create,
    physical_health_check_create,
)
from care.views.notes import (
    case_note_create,
    onward_referral_create,
    onward_referral_outcome,
)
from care.views.plans import (
    PLAN_ASKED_FOR_IS_NO_PLAN,
    care_plan,
    care_plan_create,
    plan_contact_create,
    plan_goal_create,
    plan_goal_edit,
    plan_review_create,
)
from care.views.safeguarding import (
    child_in_contact_edit,
    protection_referral_create,
    protection_referral_outcome,
    safe_storage_edit,
    safeguarding_concern_close,
    safeguarding_concern_create,
)

__all__ = [
    "PLAN_ASKED_FOR_IS_NO_PLAN",
    "bbv_test_create",
    "bbv_test_result",
    "care_audit_draw",
    "care_audit_list",
    "care_audit_person",
    "care_audit_round",
    "care_plan",
    "care_plan_create",
    "case_note_create",
    "child_in_contact_edit",
    "hep_b_vaccination_create",
    "hep_c_treatment",
    "mental_health_need_create",
    "nsp_contact_create",
    "nsp_team",
    "onward_referral_create",
    "onward_referral_outcome",
    "pharmacy_arrangement_create",
    "physical_health_check_create",
    "plan_contact_create",
    "plan_goal_create",
    "plan_goal_edit",
    "plan_review_create",
    "protection_referral_create",
    "protection_referral_outcome",
    "risk_assessment_create",
    "safe_storage_edit",
    "safeguarding_concern_close",
    "safeguarding_concern_create",
]
