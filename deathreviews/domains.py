"""The review's record by domain: which fields each domain holds, and when it may change.

A domain is edited as one form (`deathreviews.forms.domain_form`) and saved
through `deathreviews.services.review_update`. The domains follow the Scottish
National Drug-Related Deaths Database and England's partnership review
guidance (see the domain notes). Toxicology findings, information requests
and actions are rows of their own, edited one at a time.
"""

from dataclasses import dataclass

from deathreviews.models import ReviewStatus

BEFORE_SIGN_OFF = (
    ReviewStatus.NOTIFIED,
    ReviewStatus.GATHERING,
    ReviewStatus.READY,
    ReviewStatus.PANEL_HELD,
)
UNTIL_CLOSED = (*BEFORE_SIGN_OFF, ReviewStatus.SIGNED_OFF)


@dataclass(frozen=True)
class Domain:
    slug: str
    title: str
    fields: tuple[str, ...]
    # The states in which the domain may still change: a signed-off review's
    # findings are what was signed off, but an inquest can conclude later.
    editable_in: tuple[str, ...] = BEFORE_SIGN_OFF


DOMAINS: dict[str, Domain] = {
    d.slug: d
    for d in (
        Domain(
            "notification",
            "Notification",
            (
                "kind",
                "occurred_on",
                "notified_on",
                "notification_source",
                "notification_detail",
                "reviewer",
            ),
        ),
        Domain(
            "person",
            "The person and their living situation",
            (
                "person_name",
                "nhs_number",
                "age",
                "sex",
                "ethnicity",
                "local_authority",
                "lives_alone",
                "housing",
                "dependent_children",
                "living_situation",
            ),
        ),
        Domain(
            "substances",
            "Substance history and route",
            ("substance_history", "route", "injecting_status"),
        ),
        Domain(
            "treatment",
            "Treatment history and last contact with each service",
            (
                "treatment_history",
                "last_contact_drug_service",
                "last_contact_gp",
                "last_contact_emergency",
                "last_contact_hospital",
                "last_contact_prison_probation",
                "last_contact_mental_health",
                "last_contact_housing",
                "service_contact_notes",
            ),
        ),
        Domain(
            "prescribing",
            "Prescribing at the time",
            (
                "ost_medicine",
                "ost_daily_dose_mg",
                "ost_supervised",
                "benzodiazepines_prescribed",
                "gabapentinoids_prescribed",
                "prescribing_notes",
            ),
        ),
        Domain(
            "circumstances",
            "Circumstances",
            (
                "place_of_death",
                "place_detail",
                "found_by",
                "witnessed",
                "naloxone_present",
                "naloxone_used",
                "emergency_call_made",
                "circumstances_notes",
            ),
        ),
        Domain("toxicology", "Toxicology", ("toxicology_status",)),
        Domain(
            "cause",
            "Cause of death and inquest",
            ("cause_of_death", "inquest_status", "inquest_date", "inquest_conclusion"),
            editable_in=UNTIL_CLOSED,
        ),
        Domain("life_events", "Significant life events", ("life_events",)),
        Domain(
            "findings",
            "Panel findings",
            (
                "panel_date",
                "panel_members",
                "modifiable_factors",
                "preventability",
                "missed_opportunities",
                "learning",
                "bulletin_learning",
                "themes",
                "no_actions",
                "no_actions_reason",
            ),
        ),
        Domain(
            "partnership",
            "Joint review with partner agencies",
            ("joint_review", "joint_agencies", "joint_review_notes"),
        ),
    )
}

# Which domain a field belongs to, for linking a missing item to its form.
FIELD_DOMAINS = {field: d.slug for d in DOMAINS.values() for field in d.fields}

# Parts of a review edited row by row, and the states in which they may change.
PART_EDITABLE_IN = {
    "toxicology": BEFORE_SIGN_OFF,
    "request": BEFORE_SIGN_OFF,
    # Actions are worked to closure after sign-off.
    "action": UNTIL_CLOSED,
}

# A partner writes its section of a joint review until the review is signed off: the panel
# signs off the findings with the sections as they stand.
JOINT_SECTION_EDITABLE_IN = BEFORE_SIGN_OFF
