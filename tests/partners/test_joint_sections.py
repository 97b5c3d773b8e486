"""A partner's own section of a joint review: Northshire Police takes part in jo's review
(tests/partners/world.py), so pat writes the police's section from the partner pages and the
review's staff read it on the review page. Pat sees no other partner's section and nothing
else of the review; a partner not in the review finds it not found; where the person may not
be shared the page refuses with the reason. Saves are version-checked, kept in the history,
and a section is never deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.db import ProgrammingError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AccessEvent, AccessKind
from deathreviews import services
from deathreviews.models import (
    JointReviewSection,
    PartnerAgency,
    Review,
    ReviewAgency,
    ReviewStatus,
)
from partners.models import Consent
from partners.services import consent_record
from tests.conftest import sign_in_verified
from tests.factories import days_ago

pytestmark = pytest.mark.django_db

KNEW = "Two custody contacts in the month before his overdose."
DID = "Referred him from custody to the drug service."


def section_url(review) -> str:
    return reverse("partner_joint_section", args=[review.external_id])


def post(client, review, loaded_version=0, **fields):
    data = {"knew": "", "did": "", "findings": "", "learning": ""}
    return client.post(section_url(review), data | fields | {"loaded_version": loaded_version})


def join(review, organisation, name: str, kind: str) -> None:
    """Make `review` joint with an agency linked to `organisation`."""
    agency, _ = PartnerAgency.objects.get_or_create(
        organisation=organisation, defaults={"name": name, "kind": kind}
    )
    Review.objects.filter(pk=review.pk).update(joint_review=True)
    ReviewAgency.objects.create(review=review, agency=agency)


def test_a_partner_writes_their_section_and_the_read_is_recorded(
    world, partners, pat, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        page = pat.get(section_url(world.review))
    assert page.status_code == 200
    assert "Not written yet" in page.content.decode()
    jo = world.jo_episode.service_user
    assert list(
        AccessEvent.objects.filter(view="partner_joint_section").values_list(
            "kind", "service_user", "object_ref"
        )
    ) == [(AccessKind.REVIEW, jo.pk, str(world.review.external_id))]

    response = post(pat, world.review, knew=KNEW, did=DID)
    assert response.status_code == 302
    section = JointReviewSection.objects.get(review=world.review)
    assert (section.organisation, section.knew, section.did, section.findings) == (
        partners.police,
        KNEW,
        DID,
        "",
    )
    assert (section.version, section.created_by, section.updated_by) == (
        1,
        partners.pat,
        partners.pat,
    )

    response = post(pat, world.review, loaded_version=1, knew=KNEW, learning="Share custody news.")
    assert response.status_code == 302
    section.refresh_from_db()
    assert (section.version, section.did, section.learning) == (2, "", "Share custody news.")
    # Both saves are in the review's history, attributed to pat.
    events = list(
        JointReviewSection.pgh_event_model.objects.filter(pgh_obj=section)
        .order_by("pgh_id")
        .values_list("pgh_label", "pgh_context__metadata__user")
    )
    assert events == [("insert", partners.pat.pk), ("update", partners.pat.pk)]


def test_a_stale_save_is_refused_and_writes_nothing(world, partners, pat):
    assert post(pat, world.review, knew=KNEW).status_code == 302
    # Someone else at the police opened the page before that save: they send version 0.
    response = post(pat, world.review, loaded_version=0, knew="Something else")
    assert response.status_code == 400
    assert "saved this section after you opened it" in response.content.decode()
    section = JointReviewSection.objects.get(review=world.review)
    assert (section.knew, section.version) == (KNEW, 1)


def test_an_empty_section_is_refused_with_a_message(world, partners, pat):
    response = post(pat, world.review)
    assert response.status_code == 400
    assert "Write at least one part" in response.content.decode()
    assert not JointReviewSection.objects.exists()


def test_the_reviews_staff_see_each_partners_section_and_a_partner_only_its_own(
    world, partners, pat, client_as
):
    join(world.review, partners.ambulance, "County Ambulance", "ambulance")
    consent_record(
        service_user=world.jo_episode.service_user,
        recorded_by=world.users["alice"],
        organisation=partners.ambulance,
        given_on=days_ago(3),
        how="in_person",
        scope="For the review.",
    )
    gina = sign_in_verified(Client(), world.users["gina"])
    review_url = reverse("review_detail", args=[world.review.external_id])
    gina.get(review_url)  # once first, so what is cached for a session is cached
    with CaptureQueriesContext(connection) as before_any:
        assert "No partner has written a section yet." in gina.get(review_url).content.decode()
    assert post(pat, world.review, knew=KNEW).status_code == 302
    paula = sign_in_verified(Client(), partners.paula)
    assert post(paula, world.review, did="Attended twice; naloxone given.").status_code == 302

    police_page = pat.get(section_url(world.review)).content.decode()
    assert KNEW in police_page
    assert "naloxone given" not in police_page
    # Nothing else of the review: not its reference, nor the panel's record.
    assert world.review.reference not in police_page

    # Every section in one query: as many statements with two sections as with none.
    with CaptureQueriesContext(connection) as with_two:
        html = gina.get(review_url).content.decode()
    assert len(with_two) == len(before_any)
    assert "Partners' sections" in html
    assert KNEW in html
    assert "Attended twice; naloxone given." in html
    assert html.index("County Ambulance</h3>") < html.index("Northshire Police</h3>")
    # The review's history shows who wrote each section.
    history = gina.get(reverse("review_history", args=[world.review.external_id]))
    assert f"Joint review section added</span> by {partners.pat.display_name}" in (
        history.content.decode()
    )


def test_a_partner_not_in_the_review_finds_it_not_found(world, partners, client_as):
    paula = client_as(partners.paula)
    assert paula.get(section_url(world.review)).status_code == 404
    assert post(paula, world.review, knew="x").status_code == 404
    assert "Joint reviews" in paula.get(reverse("partner_home")).content.decode()
    # A review that is no longer joint is not found for the police either.
    Review.objects.filter(pk=world.review.pk).update(joint_review=False)
    pat = sign_in_verified(Client(), partners.pat)
    assert pat.get(section_url(world.review)).status_code == 404
    assert not JointReviewSection.objects.exists()


def test_home_lists_the_joint_reviews_with_the_sections_state(world, partners, pat):
    home = pat.get(reverse("partner_home")).content.decode()
    assert section_url(world.review) in home
    assert "Not written yet" in home
    post(pat, world.review, knew=KNEW)
    home = pat.get(reverse("partner_home")).content.decode()
    assert f"Saved {days_ago(0):%d/%m/%Y}" in home


def test_without_a_basis_to_share_the_page_refuses_with_the_reason(world, partners, pat):
    post(pat, world.review, knew=KNEW)
    Consent.objects.filter(pk=partners.consent.pk).update(withdrawn_on=days_ago(0))
    page = pat.get(section_url(world.review))
    html = page.content.decode()
    assert page.status_code == 403
    assert "withdrew their consent" in html
    assert KNEW not in html
    assert "Bloggs" not in html
    assert post(pat, world.review, loaded_version=1, knew="Changed").status_code == 403
    assert JointReviewSection.objects.get().knew == KNEW


def test_a_signed_off_review_keeps_the_section_as_it_was(world, partners, pat):
    # The signed-off review of someone never known: nobody's details to refuse.
    join(world.shared_review, partners.police, "Northshire Police", "police")
    # Not through the service: a section written before sign-off.
    Review.objects.filter(pk=world.shared_review.pk).update(status=ReviewStatus.PANEL_HELD)
    services.joint_section_write(
        review=world.shared_review,
        organisation=partners.police,
        user=partners.pat,
        loaded_version=0,
        changes={"knew": KNEW},
    )
    Review.objects.filter(pk=world.shared_review.pk).update(status=ReviewStatus.SIGNED_OFF)
    page = pat.get(section_url(world.shared_review))
    assert page.status_code == 200
    assert KNEW in page.content.decode()
    response = post(pat, world.shared_review, loaded_version=1, knew="Changed")
    assert response.status_code == 400
    assert "can no longer be changed" in response.content.decode()
    assert JointReviewSection.objects.get(review=world.shared_review).knew == KNEW


def test_the_service_refuses_an_organisation_not_in_the_review(world, partners):
    with pytest.raises(ValidationError, match="not part of this joint review"):
        services.joint_section_write(
            review=world.review,
            organisation=partners.ambulance,
            user=partners.paula,
            loaded_version=0,
            changes={"knew": KNEW},
        )


def test_a_section_is_never_deleted(world, partners, pat):
    post(pat, world.review, knew=KNEW)
    with pytest.raises(ProgrammingError, match="Cannot delete rows"), transaction.atomic():
        JointReviewSection.objects.all().delete()
    assert JointReviewSection.objects.count() == 1
