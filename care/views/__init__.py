"""The care record's pages, one module per record kind."""

from care.views.notes import (
    case_note_create,
    onward_referral_create,
    onward_referral_outcome,
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
    "case_note_create",
    "child_in_contact_edit",
    "onward_referral_create",
    "onward_referral_outcome",
    "protection_referral_create",
    "protection_referral_outcome",
    "safe_storage_edit",
    "safeguarding_concern_close",
    "safeguarding_concern_create",
]
