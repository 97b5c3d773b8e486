"""A small demo has its partners: two organisations with agreements and a login each, some
consents, and a request sent to the police that its login sees and may answer."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import User
from deathreviews.models import InformationRequest
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
