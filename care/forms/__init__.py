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
from care.forms.plans import (
    CARRY_ON,
    REVIEW_CHOICES,
    CarePlanForm,
    GoalChoiceField,
    GoalContactForm,
    PlanGoalForm,
    PlanReviewForm,
)

__all__ = [
    "ACCEPTED_CHOICES",
    "ANSWER_NEEDED",
    "CARRY_ON",
    "NOT_CARRIED_FORWARD",
    "RESULT_CHOICES",
    "REVIEW_CHOICES",
    "SECTIONS",
    "BbvTestChoiceField",
    "BbvTestForm",
    "BbvTestResultForm",
    "CarePlanForm",
    "CaseNoteForm",
    "GoalChoiceField",
    "GoalContactForm",
    "HepBVaccinationForm",
    "HepCTreatmentForm",
    "MentalHealthNeedForm",
    "NspContactForm",
    "OnwardReferralForm",
    "PharmacyArrangementForm",
    "PhysicalHealthCheckForm",
    "PlanGoalForm",
    "PlanReviewForm",
    "ReferralChoiceField",
    "ReferralOutcomeForm",
    "RiskAssessmentForm",
    "carried_forward",
]
