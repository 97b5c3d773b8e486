"""The care record's forms, one module per record kind."""

from care.forms.health import (
    BbvTestChoiceField,
    BbvTestForm,
    BbvTestResultForm,
    HepBVaccinationForm,
    HepCTreatmentForm,
    MentalHealthNeedForm,
    NspContactForm,
    PharmacyArrangementForm,
    PhysicalHealthCheckForm,
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
    "MentalHealthNeedForm",
    "NspContactForm",
    "OnwardReferralForm",
    "PharmacyArrangementForm",
    "PhysicalHealthCheckForm",
    "ReferralChoiceField",
    "ReferralOutcomeForm",
]
