"""The care record's pages, one module per record kind."""

from care.views.assessments import risk_assessment_create
from care.views.notes import (
    case_note_create,
    onward_referral_create,
    onward_referral_outcome,
)

__all__ = [
    "case_note_create",
    "onward_referral_create",
    "onward_referral_outcome",
    "risk_assessment_create",
]
