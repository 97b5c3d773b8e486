"""Staff record a person's consent to share with a partner, withdraw it, and record a basis
for sharing without consent; the sharing page says what may be shared today and why."""

import pytest
from django.urls import reverse

from partners.models import Consent, SharingBasis
from tests.factories import days_ago
from tests.partners.world import organisation_with_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return organisation_with_agreement("Northshire Police", "police")


def test_the_team_records_and_withdraws_consent_and_the_page_says_why(
    jo, alice, gina, police, client_as, django_assert_max_num_queries
):
    client = client_as(alice)
    url = reverse("sharing_consent_create", args=[jo.external_id])
    response = client.post(
        url,
        {
            "organisation": police.pk,
            "given_on": days_ago(1).isoformat(),
            "how": "written",
            "scope": "Contacts and risk.",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(service_user=jo)
    assert consent.recorded_by == alice
    with django_assert_max_num_queries(40):
        page = client_as(gina).get(reverse("sharing", args=[jo.external_id]))
    assert "Consent given on" in page.content.decode()

    client = client_as(alice)  # the cast shares one client: alice again after gina
    withdraw = reverse("sharing_consent_withdraw", args=[jo.external_id, consent.external_id])
    assert client.post(withdraw, {"withdrawn_on": days_ago(0).isoformat()}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == days_ago(0)
    again = client.post(withdraw, {"withdrawn_on": days_ago(0).isoformat()})
    assert again.status_code == 400
    assert "already been withdrawn" in again.content.decode()
    page = client.get(reverse("sharing", args=[jo.external_id])).content.decode()
    assert "withdrew their consent" in page


def test_bad_dates_are_refused_at_the_field_and_nothing_is_written(jo, alice, police, client_as):
    response = client_as(alice).post(
        reverse("sharing_consent_create", args=[jo.external_id]),
        {
            "organisation": police.pk,
            "given_on": days_ago(-3).isoformat(),
            "how": "written",
            "scope": "x",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["given_on"] == ["This date is in the future."]
    assert not Consent.objects.exists()


def test_a_basis_for_sharing_without_consent_is_recorded_with_who_decided(
    jo, alice, police, client_as
):
    response = client_as(alice).post(
        reverse("sharing_basis_create", args=[jo.external_id]),
        {
            "organisation": police.pk,
            "basis": "vital_interests",
            "reason": "Found after an overdose.",
            "decided_by": "Tess Lead",
            "decided_on": days_ago(0).isoformat(),
        },
    )
    assert response.status_code == 302
    basis = SharingBasis.objects.get(service_user=jo)
    assert (basis.decided_by, basis.recorded_by) == ("Tess Lead", alice)


def test_governance_reads_but_does_not_record_and_another_team_finds_no_one(
    jo, gina, bob, police, client_as
):
    assert (
        client_as(gina).get(reverse("sharing_consent_create", args=[jo.external_id])).status_code
        == 403
    )
    bob_client = client_as(bob)
    assert bob_client.get(reverse("sharing", args=[jo.external_id])).status_code == 404
    assert bob_client.get(reverse("sharing_basis_create", args=[jo.external_id])).status_code == 404
