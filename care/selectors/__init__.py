"""Reads of the care record, one module per record kind."""

from care.selectors.health import (
    NspMonth,
    VaccinationCourse,
    bbv_tests_of,
    health_due,
    health_for_person,
    latest_bbv_tests_of,
    latest_nsp_contact_of,
    nsp_months_of,
    recent_anonymous_nsp_contacts,
    vaccination_course_of,
)
from care.selectors.notes import (
    CLOSED_REFERRALS_SHOWN,
    NOTES_PAGE_SIZE,
    care_record_for,
    case_notes_of,
    onward_referrals_of,
    open_referrals_of,
)

__all__ = [
    "CLOSED_REFERRALS_SHOWN",
    "NOTES_PAGE_SIZE",
    "NspMonth",
    "VaccinationCourse",
    "bbv_tests_of",
    "care_record_for",
    "case_notes_of",
    "health_due",
    "health_for_person",
    "latest_bbv_tests_of",
    "latest_nsp_contact_of",
    "nsp_months_of",
    "onward_referrals_of",
    "open_referrals_of",
    "recent_anonymous_nsp_contacts",
    "vaccination_course_of",
]
