"""The care record's data, one module per record kind."""

from care.models.notes import (
    CORRECTS_ANOTHER_PERSON,
    FOLLOW_UP_BEFORE_REFERRAL,
    NOTE_EMPTY,
    NOTE_IN_THE_FUTURE,
    REFERRAL_IN_THE_FUTURE,
    CaseNote,
    NoteKind,
    OnwardReferral,
    Organisation,
    ReferralOutcome,
)
from care.models.plans import (
    DEFAULT_REVIEW_WEEKS,
    AgreedHow,
    CarePlan,
    GoalContact,
    GoalDomain,
    GoalState,
    PlanGoal,
    PlanReview,
)

__all__ = [
    "CORRECTS_ANOTHER_PERSON",
    "DEFAULT_REVIEW_WEEKS",
    "FOLLOW_UP_BEFORE_REFERRAL",
    "NOTE_EMPTY",
    "NOTE_IN_THE_FUTURE",
    "REFERRAL_IN_THE_FUTURE",
    "AgreedHow",
    "CarePlan",
    "CaseNote",
    "GoalContact",
    "GoalDomain",
    "GoalState",
    "NoteKind",
    "OnwardReferral",
    "Organisation",
    "PlanGoal",
    "PlanReview",
    "ReferralOutcome",
]
