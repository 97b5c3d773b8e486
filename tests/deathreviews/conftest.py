"""Reviews set up through the services, as the app makes them."""

import datetime

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
from risk import services as risk_services
from tests.factories import EpisodeFactory, ServiceUserFactory, days_ago
from tests.risk.ui.conftest import make_flag


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


def approve_for_bulletin(review: Review, user) -> Review:
    """Approve a signed-off review's learning to share and every action, as written."""
    review.refresh_from_db()
    for item in (review, *review.actions.all()):
        text = item.bulletin_learning if item is review else item.description
        services.bulletin_item_approve(item=item, user=user, text=text, loaded_version=item.version)
    review.refresh_from_db()
    return review


def review_figures_dataset(gina, alice, north, authorities) -> None:
    """The death-review figures' dataset, worked out by hand in tests/deathreviews/test_figures.py."""
    for _ in range(5):
        person = ServiceUserFactory(
            team=north,
            local_authority=authorities[0],
            sex="M",
            date_of_birth=D(1985, 1, 1),
        )
        EpisodeFactory(
            service_user=person,
            referral_date=D(2024, 1, 1),
            triage_date=D(2024, 1, 1),
            start_date=D(2024, 1, 1),
        )
        make_flag(person, tier="very_high", raised_on=D(2025, 2, 1))
        risk_services.outreach_attempt_create(
            service_user=person,
            recorded_by=alice,
            attempted_on=D(2025, 2, 5),
            method="phone",
            outcome="contacted",
        )
        review = notify(gina, person=person, occurred_on=D(2025, 2, 10))
        add_finding(review, gina, "heroin")
        add_finding(review, gina, "cannabis", implicated=False)
        add_action(review, gina, due_on=D(2025, 6, 1))
    unknown = {"age": 30, "sex": "F", "local_authority": authorities[1]}
    for i in range(5):
        review = notify(gina, person_name=f"B {i}", occurred_on=D(2025, 8, 5), **unknown)
        add_finding(review, gina, "fentanyl")
        notify(gina, person_name=f"C {i}", kind="near_fatal", occurred_on=D(2025, 5, 2), **unknown)
        notify(gina, person_name=f"D {i}", occurred_on=D(2024, 3, 15), **unknown)


def figure_rows(result: dict, key: str, *, segment=None) -> dict:
    """{category: ((numerator, denominator, value), previous ...)} of one figure."""
    found = {}
    for r in result["figures"]:
        if r["key"] == key and r["segment_value"] == segment:
            before = r["previous"]
            found[r["category"]] = (
                (r["numerator"], r["denominator"], r["value"]),
                (before["numerator"], before["denominator"], before["value"]),
            )
    return found


@pytest.fixture
def review(gina):
    """A review of the death of someone the service never knew."""
    return notify(gina, person_name="Sam Unknown", age=38, sex="M")


D = datetime.date

__all__ = [
    "FINDINGS_FIELDS",
    "READY_FIELDS",
    "ReviewStatus",
    "add_action",
    "add_finding",
    "add_request",
    "approve_for_bulletin",
    "figure_rows",
    "move",
    "notify",
    "review_figures_dataset",
    "signed_off",
    "to_panel_held",
    "update",
]
