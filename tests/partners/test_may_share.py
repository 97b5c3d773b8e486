"""`may_share` on hand-made cases: consent, withdrawn consent, a legal basis, an agreement
that has ended, and no agreement at all."""

import pytest

from partners.models import Consent, PartnerOrganisation, SharingAgreement, SharingBasis
from partners.selectors import may_share
from tests.factories import days_ago
from tests.partners.world import organisation_with_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return organisation_with_agreement("Northshire Police", "police")


def consent(person, organisation, user, **fields):
    return Consent.objects.create(
        service_user=person,
        organisation=organisation,
        given_on=fields.pop("given_on", days_ago(20)),
        how="in_person",
        scope="Contacts and risk.",
        recorded_by=user,
        **fields,
    )


def test_consent_in_force_under_an_agreement_allows_sharing(jo, alice, police):
    consent(jo, police, alice)
    decision = may_share(jo, police, on=days_ago(0))
    assert decision.allowed
    assert "Consent given on" in decision.why


def test_no_consent_and_no_basis_refuses_and_says_why(jo, police):
    decision = may_share(jo, police, on=days_ago(0))
    assert not decision.allowed
    assert decision.why == (
        "This person has not consented to sharing with Northshire Police, and no legal "
        "basis for sharing without consent is recorded."
    )


def test_withdrawn_consent_refuses_from_the_day_it_was_withdrawn(jo, alice, police):
    consent(jo, police, alice, withdrawn_on=days_ago(5))
    assert may_share(jo, police, on=days_ago(6)).allowed
    decision = may_share(jo, police, on=days_ago(5))
    assert not decision.allowed
    assert "withdrew their consent" in decision.why


def test_consent_is_for_the_organisation_named(jo, alice, police):
    ambulance = organisation_with_agreement("County Ambulance", "ambulance")
    consent(jo, ambulance, alice)
    assert not may_share(jo, police, on=days_ago(0)).allowed
    assert may_share(jo, ambulance, on=days_ago(0)).allowed


def test_a_recorded_basis_allows_sharing_without_consent_until_it_ends(jo, alice, police):
    SharingBasis.objects.create(
        service_user=jo,
        organisation=police,
        basis="vital_interests",
        reason="Found after an overdose.",
        decided_by="Tess Lead",
        decided_on=days_ago(3),
        ends_on=days_ago(-3),
        recorded_by=alice,
    )
    decision = may_share(jo, police, on=days_ago(0))
    assert decision.allowed
    assert "vital interests" in decision.why
    assert "Tess Lead" in decision.why
    assert not may_share(jo, police, on=days_ago(4)).allowed
    assert not may_share(jo, police, on=days_ago(-4)).allowed


def test_an_agreement_that_has_ended_refuses_even_with_consent(jo, alice, police):
    consent(jo, police, alice)
    SharingAgreement.objects.filter(organisation=police).update(ends_on=days_ago(1))
    decision = may_share(jo, police, on=days_ago(0))
    assert not decision.allowed
    assert decision.why.startswith(
        "There is no information-sharing agreement with Northshire Police in force"
    )


def test_no_agreement_refuses_even_with_consent(jo, alice):
    housing = PartnerOrganisation.objects.create(name="Northshire Homes", kind="housing")
    consent(jo, housing, alice)
    assert not may_share(jo, housing, on=days_ago(0)).allowed


def test_an_inactive_organisation_is_refused(jo, alice, police):
    consent(jo, police, alice)
    police.active = False
    police.save()
    assert not may_share(jo, police, on=days_ago(0)).allowed
