"""Partners added to the security world (tests/security/conftest.py) the first time they are
asked for: Northshire Police, with an agreement in force and pat on its staff; jo consented
to sharing with it; a request of jo's review sent to it, and a death review action and a
case review action of jo assigned to it; jo's review made joint with it, which gives it a
section of that review to write; Northshire invited to the case review meeting on which jo
is reviewed, which gives it a contribution about him to write. County Ambulance has its own agreement and paula, and
nothing of jo's: everything of Northshire's is not found for her."""

from dataclasses import dataclass

from casereviews import services as case_review_services
from casereviews.models import MeetingOrganisation, ReviewedPerson
from casereviews.models import ReviewAction as CaseReviewAction
from cases.models import Role, User
from deathreviews.models import (
    InformationRequest,
    PartnerAgency,
    Review,
    ReviewAction,
    ReviewAgency,
)
from partners.models import Consent, PartnerAccess, PartnerOrganisation, SharingAgreement
from partners.services import consent_record
from tests.deathreviews.conftest import add_action, add_request
from tests.factories import UserFactory, days_ago


@dataclass
class PartnerWorld:
    police: PartnerOrganisation
    ambulance: PartnerOrganisation
    pat: User
    paula: User
    consent: Consent
    request: InformationRequest
    action: ReviewAction
    case_action: CaseReviewAction
    joint_review: Review
    case_reviewed: ReviewedPerson


def partner_user(organisation: PartnerOrganisation, username: str, **access) -> User:
    user = UserFactory(username=username, role=Role.PARTNER, first_name=username.title())
    PartnerAccess.objects.create(
        user=user, organisation=organisation, starts_on=days_ago(30), **access
    )
    return user


def organisation_with_agreement(name: str, kind: str) -> PartnerOrganisation:
    organisation = PartnerOrganisation.objects.create(name=name, kind=kind)
    SharingAgreement.objects.create(
        organisation=organisation,
        what="Contacts and risk relevant to a request or action.",
        purpose="Preventing drug-related deaths.",
        starts_on=days_ago(100),
        ends_on=days_ago(-265),
    )
    return organisation


def partner_world(w) -> PartnerWorld:
    made = getattr(w, "_partners", None)
    if made is not None:
        return made
    police = organisation_with_agreement("Northshire Police", "police")
    ambulance = organisation_with_agreement("County Ambulance", "ambulance")
    agency = PartnerAgency.objects.create(
        name="Northshire Police", kind="police", organisation=police
    )
    # Straight to the rows, leaving the review's version as the world's other tests loaded it.
    Review.objects.filter(pk=w.review.pk).update(joint_review=True)
    ReviewAgency.objects.create(review=w.review, agency=agency)
    jo = w.jo_episode.service_user
    alice, gina = w.users["alice"], w.users["gina"]
    consent = consent_record(
        service_user=jo,
        recorded_by=alice,
        organisation=police,
        given_on=days_ago(10),
        how="in_person",
        scope="Contacts and risk, for the review of his overdose.",
    )
    made = PartnerWorld(
        police=police,
        ambulance=ambulance,
        pat=partner_user(police, "pat"),
        paula=partner_user(ambulance, "paula"),
        consent=consent,
        request=add_request(w.review, gina, agency=agency, sent_on=days_ago(2)),
        action=add_action(w.review, gina, partner_organisation=police),
        case_action=case_review_services.action_set(
            reviewed=w.case_reviewed,
            description="Check on him at his address",
            owner=alice,
            due_on=days_ago(-5),
            partner_organisation=police,
        ),
        joint_review=w.review,
        case_reviewed=w.case_reviewed,
    )
    MeetingOrganisation.objects.create(meeting=w.case_reviewed.meeting, organisation=police)
    w._partners = made
    return made
