"""The care record's forms, one module per record kind."""

from care.forms.notes import (
    CaseNoteForm,
    OnwardReferralForm,
    ReferralChoiceField,
    ReferralOutcomeForm,
)

__all__ = [
    "CaseNoteForm",
    "OnwardReferralForm",
    "ReferralChoiceField",
    "ReferralOutcomeForm",
]
