"""The care record's forms, one module per record kind."""

from care.forms.assessments import (
    ANSWER_NEEDED,
    NOT_CARRIED_FORWARD,
    SECTIONS,
    RiskAssessmentForm,
    carried_forward,
)
from care.forms.health import (
    ACCEPTED_CHOICES,
    RESULT_CHOICES,
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
    "ACCEPTED_CHOICES",
    "ANSWER_NEEDED",
    "NOT_CARRIED_FORWARD",
    "RESULT_CHOICES",
    "SECTIONS",
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
    "RiskAssessmentForm",
    "carried_forward",
]
