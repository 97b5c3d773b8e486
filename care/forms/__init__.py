"""The care record's forms, one module per record kind."""

from care.forms.health import (
    BbvTestChoiceField,
    BbvTestForm,
    BbvTestResultForm,
    HepBVaccinationForm,
    HepCTreatmentForm,
    NspContactForm,
)
from care.forms.notes import (
    CaseNoteForm,
    OnwardReferralForm,
    ReferralChoiceField,
    ReferralOutcomeForm,
)

__all__ = [
    "BbvTestChoiceField",
    "BbvTestForm",
    "BbvTestResultForm",
    "CaseNoteForm",
    "HepBVaccinationForm",
    "HepCTreatmentForm",
    "NspContactForm",
    "OnwardReferralForm",
    "ReferralChoiceField",
    "ReferralOutcomeForm",
]
