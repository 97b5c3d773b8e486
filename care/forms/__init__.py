"""The care record's forms, one module per record kind."""

from care.forms.notes import (
    CaseNoteForm,
    OnwardReferralForm,
    ReferralChoiceField,
    ReferralOutcomeForm,
)
from care.forms.safeguarding import (
    ChildInContactForm,
    ConcernCloseForm,
    ProtectionOutcomeForm,
    ProtectionReferralForm,
    SafeguardingConcernForm,
    SafeStorageForm,
)

__all__ = [
    "CaseNoteForm",
    "ChildInContactForm",
    "ConcernCloseForm",
    "OnwardReferralForm",
    "ProtectionOutcomeForm",
    "ProtectionReferralForm",
    "ReferralChoiceField",
    "ReferralOutcomeForm",
    "SafeStorageForm",
    "SafeguardingConcernForm",
]
