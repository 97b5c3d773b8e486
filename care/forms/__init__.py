"""The care record's forms, one module per record kind."""

from care.forms.notes import (
    CaseNoteForm,
    OnwardReferralForm,
    ReferralChoiceField,
    ReferralOutcomeForm,
)
from care.forms.plans import (
    CarePlanForm,
    GoalChoiceField,
    GoalContactForm,
    PlanGoalForm,
    PlanReviewForm,
)

__all__ = [
    "CarePlanForm",
    "CaseNoteForm",
    "GoalChoiceField",
    "GoalContactForm",
    "OnwardReferralForm",
    "PlanGoalForm",
    "PlanReviewForm",
    "ReferralChoiceField",
    "ReferralOutcomeForm",
]
