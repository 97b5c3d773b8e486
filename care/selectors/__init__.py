"""Reads of the care record, one module per record kind."""

from care.selectors.assessments import (
    assessments_due,
    assessments_for_person,
    latest_risk_assessment,
    risk_assessment_history,
    risk_assessments_of,
)
from care.selectors.notes import (
    CLOSED_REFERRALS_SHOWN,
    NOTES_PAGE_SIZE,
    care_record_for,
    case_notes_of,
    onward_referrals_of,
    open_referrals_of,
)

__all__ = [
    "CLOSED_REFERRALS_SHOWN",
    "NOTES_PAGE_SIZE",
    "assessments_due",
    "assessments_for_person",
    "care_record_for",
    "case_notes_of",
    "latest_risk_assessment",
    "onward_referrals_of",
    "open_referrals_of",
    "risk_assessment_history",
    "risk_assessments_of",
]
