"""Writes to the care record, one module per record kind."""

from care.services.assessments import risk_assessment_record
from care.services.notes import (
    case_note_write,
    onward_referral_make,
    onward_referral_outcome_record,
)

__all__ = [
    "case_note_write",
    "onward_referral_make",
    "onward_referral_outcome_record",
    "risk_assessment_record",
]
