"""A small demo has its partners: two organisations with agreements and a login each, some
consents, a request sent to the police that its login sees and may answer, and that review
made joint with the police, with their section written, which its staff and the police read."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from casereviews.models import PartnerContribution
from cases.models import User
from deathreviews.models import InformationRequest, JointReviewSection
from partners.models import Consent, PartnerAccess, SharingAgreement
from partners.selectors import may_share
from tests.factories import days_ago

pytestmark = pytest.mark.django_db


def test_a_small_demo_has_partners_and_a_request_to_one(client_as):
    call_command("seed_demo", people=300, seed=11, stdout=io.StringIO(), stderr=io.StringIO())
    assert SharingAgreement.objects.count() == 2
    assert set(PartnerAccess.objects.values_list("user__username", flat=True)) == {
        "police",
        "ambulance",
    }
    assert Consent.objects.count() > 0
    request = InformationRequest.objects.get(agency__organisation__name="Northshire Police")
    person = request.review.service_user
    assert may_share(person, request.agency.organisation, on=days_ago(0)).allowed
    page = client_as(User.objects.get(username="police")).get(reverse("partner_home"))
    assert page.status_code == 200
    assert reverse("partner_request", args=[request.external_id]) in page.content.decode()
    # The same review is joint with the police, whose section is written, and shown to them
    # and to the review's staff.
    section = JointReviewSection.objects.get()
    assert section.review == request.review
    assert section.organisation == request.agency.organisation
    assert section.updated_by.username == "police"
    assert reverse("partner_joint_section", args=[section.review.external_id]) in (
        page.content.decode()
    )
    governance = client_as(User.objects.get(username="governance"))
    review_page = governance.get(reverse("review_detail", args=[section.review.external_id]))
    assert section.findings in review_page.content.decode()

    # The police are invited to the keyworker's team's next case review and have written
    # about someone on it, which the police and the meeting's staff read.
    contribution = PartnerContribution.objects.get()
    assert contribution.organisation == request.agency.organisation
    assert contribution.updated_by.username == "police"
    assert not contribution.reviewed.meeting.is_held
    assert reverse("partner_case_review", args=[contribution.reviewed.external_id]) in (
        page.content.decode()
    )
    keyworker = client_as(User.objects.get(username="keyworker"))
    meeting_page = keyworker.get(
        reverse("case_review_meeting", args=[contribution.reviewed.meeting.external_id])
    )
    assert contribution.doing in meeting_page.content.decode()
