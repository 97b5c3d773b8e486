"""Reads of the care record, one module per record kind."""

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
    "care_record_for",
    "case_notes_of",
    "onward_referrals_of",
    "open_referrals_of",
]
