"""Writes to the care record, one module per record kind."""

from care.services.assessments import (
    risk_assessment_record,
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

__all__ = [
    "bbv_test_record",
    "bbv_test_result_record",
    "case_note_write",
    "health_need_record",
    "hep_b_vaccination_record",
    "hep_c_treatment_record",
    "nsp_contact_record",
    "onward_referral_make",
    "onward_referral_outcome_record",
    "risk_assessment_record",
]
