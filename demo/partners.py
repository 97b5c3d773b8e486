"""Partners in the demo: Northshire Police and County Ambulance Service with
information-sharing agreements in force, a partner login for each (`police`, `ambulance`:
`demo.DEMO_LOGINS`), consent to share for some of the demo keyworker's people, and a
request for information from a review sent to the police, whose review is joint with the
police and has the police's section written (`docs/partners.md`), and the police invited
to the demo keyworker's team's next case review, with their contribution written about the
first person on it whom they may be told about.

Its own random stream (`PARTNER_STREAM`), so adding it changed no other seeded draw; the
joint review and the case review draw nothing at random.
Written through the partners' and the reviews' services after the reviews are filed.
"""

import datetime
from dataclasses import dataclass

import numpy as np
from django.db.models import Case, When

from casereviews import services as case_review_services
from casereviews.models import MeetingStatus, ReviewedPerson
from cases.models import ServiceUser, User
from deathreviews import services as review_services
from deathreviews.domains import JOINT_SECTION_EDITABLE_IN, PART_EDITABLE_IN
from deathreviews.models import InformationRequest, PartnerAgency, Review
from partners import services
from partners.models import PartnerAccess, PartnerOrganisation, SharingAgreement
from partners.selectors import may_share

# The stream's own key beside the seed (`np.random.default_rng([seed, PARTNER_STREAM])`).
PARTNER_STREAM = 42
CONSENTS = 12
# (login, organisation, kind, the review agency it answers for)
ORGANISATIONS = (
    ("police", "Northshire Police", "police", "Police"),
    ("ambulance", "County Ambulance Service", "ambulance", "Ambulance service"),
)
AGREEMENT_WHAT = (
    "Name, date of birth, and what a request for information or an action of a review "
    "needs, for people who consented or where a legal basis is recorded."
)
AGREEMENT_PURPOSE = "Reviewing drug-related deaths and near-fatal overdoses, and preventing them."


@dataclass(frozen=True)
class PartnerResult:
    organisations: int
    consents: int
    requests: int
    joint_sections: int = 0
    contributions: int = 0

    def summary(self) -> str:
        return (
            f"Partners: {self.organisations} organisations with agreements and logins, "
            f"{self.consents} consents to share, {self.requests} request sent to a partner, "
            f"{self.joint_sections} section of a joint review written by a partner, "
            f"{self.contributions} contribution to a case review written by a partner."
        )


def seed_partners(*, seed: int, today: datetime.date) -> PartnerResult:
    rng = np.random.default_rng([seed, PARTNER_STREAM])
    keyworker = User.objects.get(username="keyworker")
    governance = User.objects.get(username="governance")
    organisations = []
    for login, name, kind, agency_name in ORGANISATIONS:
        organisation = PartnerOrganisation.objects.create(name=name, kind=kind)
        SharingAgreement.objects.create(
            organisation=organisation,
            what=AGREEMENT_WHAT,
            purpose=AGREEMENT_PURPOSE,
            starts_on=today - datetime.timedelta(days=200),
            ends_on=today + datetime.timedelta(days=530),
        )
        PartnerAccess.objects.create(
            user=User.objects.get(username=login),
            organisation=organisation,
            starts_on=today - datetime.timedelta(days=90),
        )
        PartnerAgency.objects.filter(name=agency_name, organisation__isnull=True).update(
            organisation=organisation
        )
        organisations.append(organisation)

    people = list(
        ServiceUser.objects.filter(keyworker=keyworker).order_by("id").values_list("id", flat=True)
    )
    consents = 0
    picked = rng.choice(len(people), min(CONSENTS, len(people)), replace=False) if people else []
    for i in sorted(int(i) for i in picked):
        services.consent_record(
            service_user=ServiceUser.objects.get(pk=people[i]),
            recorded_by=keyworker,
            organisation=organisations[int(rng.integers(len(organisations)))],
            given_on=today - datetime.timedelta(days=int(rng.integers(1, 120))),
            how=("in_person", "written")[int(rng.integers(2))],
            scope="Contacts, risk and the plan, for reviews and joint work.",
        )
        consents += 1

    requests = _request_to_the_police(organisations[0], governance, today)
    sections = _joint_review_with_the_police(organisations[0], governance)
    contributions = _case_review_with_the_police(organisations[0], keyworker, today)
    return PartnerResult(len(organisations), consents, requests, sections, contributions)


def _request_to_the_police(
    police: PartnerOrganisation, governance: User, today: datetime.date
) -> int:
    """A request from an open review of a known person to the police, who may see it: the
    person's consent when living (a near-fatal overdose), else the review's legal duty."""
    review = (
        Review.objects.filter(status__in=PART_EDITABLE_IN["request"], service_user__isnull=False)
        .order_by(Case(When(kind="near_fatal", then=0), default=1), "id")
        .first()
    )
    agency = PartnerAgency.objects.filter(organisation=police).first()
    if review is None or agency is None or review.service_user is None:
        return 0
    services.sharing_basis_record(
        service_user=review.service_user,
        recorded_by=governance,
        organisation=police,
        basis="legal_duty",
        reason="A review under the local drug-related death protocol, which the police signed.",
        decided_by=governance.get_full_name() or governance.username,
        decided_on=today,
    )
    review_services.part_create(
        model=InformationRequest,
        review=review,
        user=governance,
        fields={
            "agency": agency,
            "asked": "Any police contact in the three months before, and custody records.",
            "sent_on": today,
            "due_on": today + datetime.timedelta(days=14),
        },
    )
    return 1


POLICE_SECTION = {
    "knew": (
        "Two custody contacts in the three months before: detained overnight once, and "
        "released without charge both times. No record of his drug use beyond a caution."
    ),
    "did": "Custody nurse saw him on both occasions; no referral to the drug service was made.",
    "findings": "Custody did not know he was in treatment, so his release was not passed on.",
    "learning": "Tell the drug service when someone known to it leaves custody.",
}


def _joint_review_with_the_police(police: PartnerOrganisation, governance: User) -> int:
    """Make the review the police were asked about joint with them, and write their section
    as the police login would from its partner page."""
    review = Review.objects.filter(
        requests__agency__organisation=police, status__in=JOINT_SECTION_EDITABLE_IN
    ).first()
    agency = PartnerAgency.objects.filter(organisation=police).first()
    if review is None or agency is None:
        return 0
    review = review_services.review_update(
        review=review,
        user=governance,
        loaded_version=review.version,
        changes={"joint_review": True, "joint_agencies": [agency]},
    )
    review_services.joint_section_write(
        review=review,
        organisation=police,
        user=User.objects.get(username="police"),
        loaded_version=0,
        changes=POLICE_SECTION,
    )
    return 1


POLICE_CONTRIBUTION = {
    "knows": (
        "Stopped twice in the last month near the bus station; found drowsy once and an "
        "ambulance called. Known to associate with people supplying heroin."
    ),
    "doing": "Neighbourhood officers will call at his address this week and carry naloxone.",
}


def _case_review_with_the_police(
    police: PartnerOrganisation, keyworker: User, today: datetime.date
) -> int:
    """Invite the police to the keyworker's team's next case review, and write their
    contribution about the first person on it, as the police login would from its partner
    page. Where the police may not yet be told about that person, the keyworker records
    their consent first, as they would before the meeting."""
    first = (
        ReviewedPerson.objects.filter(
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__team__in=keyworker.memberships.values("team"),
        )
        .select_related("meeting", "service_user")
        .order_by("meeting__meets_on", "service_user__last_name", "id")
        .first()
    )
    if first is None:
        return 0
    if not may_share(first.service_user, police, on=today).allowed:
        services.consent_record(
            service_user=first.service_user,
            recorded_by=keyworker,
            organisation=police,
            given_on=today,
            how="in_person",
            scope="What the police know of their risk, for the team's case review.",
        )
    case_review_services.meeting_organisations_invite(meeting=first.meeting, organisations=[police])
    case_review_services.contribution_write(
        reviewed=first,
        organisation=police,
        user=User.objects.get(username="police"),
        loaded_version=0,
        changes=POLICE_CONTRIBUTION,
    )
    return 1
