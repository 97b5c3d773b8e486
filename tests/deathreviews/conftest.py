"""Reviews set up through the services, as the app makes them."""

import pytest

from deathreviews import services
from deathreviews.models import (
    InformationRequest,
    NotificationSource,
    PartnerAgency,
    Review,
    ReviewAction,
    ReviewKind,
    ReviewStatus,
    ToxicologyFinding,
)
from tests.factories import days_ago


def notify(user, *, person=None, kind=ReviewKind.DRUG_DEATH, occurred_on=None, **fields) -> Review:
    return services.review_notify(
        user=user,
        kind=kind,
        occurred_on=occurred_on or days_ago(5),
        notification_source=fields.pop("notification_source", NotificationSource.CORONER),
        service_user=person,
        **fields,
    )


def update(review: Review, user, **changes) -> Review:
    review.refresh_from_db()
    return services.review_update(
        review=review, user=user, loaded_version=review.version, changes=changes
    )


def move(review: Review, user, name: str) -> Review:
    review.refresh_from_db()
    return services.review_transition(
        review=review, user=user, name=name, loaded_version=review.version
    )


def add_action(review: Review, user, *, owner=None, due_on=None, **fields) -> ReviewAction:
    return services.part_create(
        model=ReviewAction,
        review=review,
        user=user,
        fields={
            "description": fields.pop("description", "Offer naloxone at every prison release."),
            "owner": owner or user,
            "due_on": due_on or days_ago(-30),
            **fields,
        },
    )


def add_request(review: Review, user, **fields) -> InformationRequest:
    return services.part_create(
        model=InformationRequest,
        review=review,
        user=user,
        fields={
            "agency": fields.pop("agency", PartnerAgency.objects.get(name="GP practice")),
            "asked": "Last consultations and prescriptions.",
            "sent_on": days_ago(4),
            "due_on": days_ago(-10),
            **fields,
        },
    )


def add_finding(review: Review, user, substance="heroin", implicated=True) -> ToxicologyFinding:
    return services.part_create(
        model=ToxicologyFinding,
        review=review,
        user=user,
        fields={"substance": substance, "implicated": implicated},
    )


READY_FIELDS = {
    "age": 41,
    "sex": "M",
    "place_of_death": "own_home",
    "found_by": "family",
    "treatment_history": "In treatment for heroin since 2024.",
}
FINDINGS_FIELDS = {
    "modifiable_factors": "Used alone; no naloxone in the home.",
    "preventability": "potentially",
    "missed_opportunities": "No naloxone offered at release.",
    "learning": "Offer naloxone and a first appointment before release.",
    "bulletin_learning": "Offer naloxone and a first appointment before prison release.",
}


def to_panel_held(review: Review, user, reviewer=None) -> Review:
    """Walk a review to "panel held" with the least each step needs."""
    update(review, user, reviewer=reviewer or user)
    move(review, user, "start_gathering")
    update(review, user, **READY_FIELDS)
    move(review, user, "ready_for_panel")
    update(review, user, panel_date=days_ago(1), panel_members="Gina (chair), pharmacist, GP")
    return move(review, user, "panel_held")


def signed_off(review: Review, user) -> Review:
    to_panel_held(review, user)
    update(review, user, **FINDINGS_FIELDS, toxicology_status="not_available")
    if review.is_death:
        update(review, user, cause_of_death="1a Heroin toxicity")
    add_action(review, user)
    return move(review, user, "sign_off")


@pytest.fixture
def review(gina):
    """A review of the death of someone the service never knew."""
    return notify(gina, person_name="Sam Unknown", age=38, sex="M")


__all__ = [
    "FINDINGS_FIELDS",
    "READY_FIELDS",
    "ReviewStatus",
    "add_action",
    "add_finding",
    "add_request",
    "move",
    "notify",
    "signed_off",
    "to_panel_held",
    "update",
]
