"""The care record's forms, one module per record kind."""

from care.forms.assessments import RiskAssessmentForm, carried_forward
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
    "RiskAssessmentForm",
    "carried_forward",
]
