"""The care record's pages, one module per record kind."""

from care.views.health import (
    bbv_test_create,
    bbv_test_result,
    hep_b_vaccination_create,
    hep_c_treatment,
    nsp_contact_create,
    nsp_team,
)
from care.views.notes import (
    case_note_create,
    onward_referral_create,
    onward_referral_outcome,
)

__all__ = [
    "bbv_test_create",
    "bbv_test_result",
    "case_note_create",
    "hep_b_vaccination_create",
    "hep_c_treatment",
    "nsp_contact_create",
    "nsp_team",
    "onward_referral_create",
    "onward_referral_outcome",
]
