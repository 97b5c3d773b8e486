"""The care record's data, one module per record kind."""

from care.models.health import (
    BbvResult,
    BloodBorneVirusTest,
    HepatitisBVaccination,
    NeedleExchangeContact,
    VaccinationKind,
    VaccineSchedule,
    Virus,
)
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

__all__ = [
    "CORRECTS_ANOTHER_PERSON",
    "FOLLOW_UP_BEFORE_REFERRAL",
    "NOTE_EMPTY",
    "NOTE_IN_THE_FUTURE",
    "REFERRAL_IN_THE_FUTURE",
    "BbvResult",
    "BloodBorneVirusTest",
    "CaseNote",
    "HepatitisBVaccination",
    "NeedleExchangeContact",
    "NoteKind",
    "OnwardReferral",
    "Organisation",
    "ReferralOutcome",
    "VaccinationKind",
    "VaccineSchedule",
    "Virus",
]
