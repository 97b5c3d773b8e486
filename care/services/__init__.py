"""Writes to the care record, one module per record kind."""

from care.services.notes import (
    case_note_write,
    onward_referral_make,
    onward_referral_outcome_record,
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
    "case_note_write",
    "child_in_contact_record",
    "onward_referral_make",
    "onward_referral_outcome_record",
    "protection_referral_make",
    "protection_referral_outcome_record",
    "safe_storage_record",
    "safeguarding_concern_close",
    "safeguarding_concern_raise",
]
