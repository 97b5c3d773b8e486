"""A partner's pages: their home lists only what was sent or assigned to their organisation,
they answer a request and mark actions, each read is audited, a person is shown only where
sharing is allowed, expired access cannot sign in, and the second factor is required. Staff
who address a request or an action to a partner without a basis to share are refused, with
the reason at the field."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from casereviews.models import ReviewAction as CaseReviewAction
from casereviews.services import action_set
from cases.models import AccessEvent, AccessKind
from deathreviews.models import InformationRequest, ReviewAction
from partners.models import Consent, PartnerAccess
from tests.deathreviews.conftest import add_action, add_request
from tests.factories import TEST_PASSWORD, days_ago

pytestmark = pytest.mark.django_db


def reads(view):
    return list(AccessEvent.objects.filter(view=view).values_list("kind", "service_user", "rows"))


def test_home_lists_what_was_sent_and_assigned_to_their_organisation_only(
    world, partners, pat, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        page = pat.get(reverse("partner_home"))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("partner_request", args=[partners.request.external_id]) in html
    assert reverse("partner_review_action", args=[partners.action.external_id]) in html
    assert reverse("partner_case_review_action", args=[partners.case_action.external_id]) in html
    # The GP's request and alice's own action are not Northshire's.
    assert str(world.request.external_id) not in html
    assert str(world.action.external_id) not in html
    assert str(world.case_review_action.external_id) not in html
    assert "Jo Bloggs" in html or "Bloggs" in html
    assert reads("partner_home") == [(AccessKind.LIST, None, 1)]
    # No caseload, search or navigation to anything else.
    assert reverse("caseload", args=["mine"]) not in html


def test_signing_in_takes_a_partner_to_their_page(pat):
    response = pat.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("partner_home")


def test_a_partner_answers_a_request_with_attachments_as_text(world, partners, pat):
    url = reverse("partner_request", args=[partners.request.external_id])
    assert pat.get(url).status_code == 200
    jo = world.jo_episode.service_user
    assert reads("partner_request") == [(AccessKind.REVIEW, jo.pk, None)]
    response = pat.post(
        url,
        {
            "answer": "Two custody contacts in May.",
            "attachments": "Custody record 12/05: detained overnight.",
            "loaded_version": partners.request.version,
        },
    )
    assert response.status_code == 302
    answered = InformationRequest.objects.get(pk=partners.request.pk)
    assert answered.received_on == days_ago(0)
    assert answered.response_summary == (
        "Two custody contacts in May.\n\nAttachments:\nCustody record 12/05: detained overnight."
    )
    # Answered, it is shown, not asked again.
    assert "Send answer" not in pat.get(url).content.decode()


def test_an_empty_answer_is_refused_at_its_field_and_nothing_is_written(partners, pat):
    url = reverse("partner_request", args=[partners.request.external_id])
    response = pat.post(url, {"answer": " ", "loaded_version": partners.request.version})
    assert response.status_code == 400
    assert "Write your answer to the request." in response.content.decode()
    assert InformationRequest.objects.get(pk=partners.request.pk).received_on is None


@pytest.mark.parametrize("value", ["\x00", "a" * 100_000 + "\x07"])
def test_hostile_answers_are_refused(partners, pat, value):
    url = reverse("partner_request", args=[partners.request.external_id])
    response = pat.post(url, {"answer": value, "loaded_version": partners.request.version})
    assert response.status_code == 400
    assert InformationRequest.objects.get(pk=partners.request.pk).received_on is None


def test_a_partner_marks_progress_on_their_actions(partners, pat):
    url = reverse("partner_review_action", args=[partners.action.external_id])
    assert pat.post(url, {"status": "in_progress"}).status_code == 302
    assert ReviewAction.objects.get(pk=partners.action.pk).status == "in_progress"
    assert pat.post(url, {"status": "nonsense"}).status_code == 400
    case_url = reverse("partner_case_review_action", args=[partners.case_action.external_id])
    assert pat.post(case_url, {}).status_code == 400
    assert pat.post(case_url, {"done": "on"}).status_code == 302
    assert CaseReviewAction.objects.get(pk=partners.case_action.pk).done_on == days_ago(0)
    assert len(reads("partner_case_review_action")) == 2


def test_withdrawn_consent_hides_the_person_and_says_why(world, partners, pat):
    Consent.objects.filter(pk=partners.consent.pk).update(withdrawn_on=days_ago(0))
    page = pat.get(reverse("partner_request", args=[partners.request.external_id]))
    html = page.content.decode()
    assert page.status_code == 403
    assert "withdrew their consent" in html
    assert "Bloggs" not in html
    assert partners.request.asked not in html
    home = pat.get(reverse("partner_home")).content.decode()
    assert "Bloggs" not in home
    assert "Not shared" in home
    response = pat.post(
        reverse("partner_request", args=[partners.request.external_id]),
        {"answer": "x", "loaded_version": partners.request.version},
    )
    assert response.status_code == 403
    assert InformationRequest.objects.get(pk=partners.request.pk).received_on is None


def test_a_partner_never_reaches_a_person_page(world, pat):
    jo = world.jo_episode.service_user
    for name in ("person_detail", "person_edit", "care_plan", "sharing", "risk_assessment_detail"):
        assert pat.get(reverse(name, args=[jo.external_id])).status_code == 404
    # Nor one that does not exist: the answer is the same.
    assert (
        pat.get(reverse("person_detail", args=["00000000-0000-0000-0000-000000000000"])).status_code
        == 404
    )


def test_expired_access_cannot_sign_in_and_sees_nothing(partners):
    PartnerAccess.objects.filter(user=partners.pat).update(
        starts_on=days_ago(60), ends_on=days_ago(1)
    )
    client = Client()
    assert (
        client.post(reverse("login"), {"username": "pat", "password": TEST_PASSWORD}).status_code
        == 302
    )
    response = client.get(reverse("partner_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_access_not_yet_started_sees_nothing(partners, client_as):
    PartnerAccess.objects.filter(user=partners.pat).update(starts_on=days_ago(-1))
    client = client_as(partners.pat)
    response = client.get(reverse("partner_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_partner_passes_the_second_factor_first(partners):
    client = Client()
    client.force_login(partners.pat)
    response = client.get(reverse("partner_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor"))


def test_signing_in_with_a_password_leads_a_partner_to_the_second_factor_not_a_404(partners):
    client = Client()
    signed_in = client.post(reverse("login"), {"username": "pat", "password": TEST_PASSWORD})
    assert signed_in.status_code == 302
    landing = client.get(signed_in["Location"])
    assert landing.status_code == 302
    assert landing["Location"].startswith(reverse("second_factor"))


def test_a_partner_has_no_link_to_the_learning_bulletin(pat):
    html = pat.get(reverse("partner_home")).content.decode()
    assert reverse("review_bulletin") not in html


def test_staff_addressing_a_request_without_consent_are_refused_at_the_field(
    world, partners, client_as
):
    from deathreviews.models import PartnerAgency

    agency = PartnerAgency.objects.create(
        name="County Ambulance", kind="ambulance", organisation=partners.ambulance
    )
    gina = client_as(world.users["gina"])
    before = InformationRequest.objects.count()
    response = gina.post(
        reverse("review_request_create", args=[world.review.external_id]),
        {
            "agency": agency.pk,
            "asked": "Call records.",
            "sent_on": days_ago(0).isoformat(),
            "due_on": (days_ago(0) + datetime.timedelta(days=14)).isoformat(),
            "loaded_version": 1,
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["agency"] == [
        "Lantern will not share this person with it. This person has not consented to "
        "sharing with County Ambulance, and no legal basis for sharing without consent is "
        "recorded."
    ]
    assert InformationRequest.objects.count() == before


def test_a_case_review_action_for_a_partner_without_consent_is_refused_at_the_field(
    world, partners, client_as
):
    tess = client_as(world.users["tess"])
    before = CaseReviewAction.objects.count()
    response = tess.post(
        reverse(
            "case_review_action_create",
            kwargs={
                "meeting_id": world.case_review.external_id,
                "reviewed_id": world.case_reviewed.external_id,
            },
        ),
        {
            "description": "Share the safety plan.",
            "owner": world.users["alice"].pk,
            "due_on": (days_ago(0) + datetime.timedelta(days=7)).isoformat(),
            "partner_organisation": partners.ambulance.pk,
        },
    )
    assert response.status_code == 400
    assert "has not consented to sharing with County Ambulance" in response.content.decode()
    assert CaseReviewAction.objects.count() == before


def test_home_lists_what_is_still_to_do_first(world, partners, pat):
    """What Northshire has finished is listed after what it still has to do, even when
    the finished was due sooner."""
    gina, alice = world.users["gina"], world.users["alice"]
    InformationRequest.objects.filter(pk=partners.request.pk).update(
        due_on=days_ago(-1), received_on=days_ago(0), response_summary="Seen twice in May."
    )
    ReviewAction.objects.filter(pk=partners.action.pk).update(
        due_on=days_ago(-1), status="done", completed_on=days_ago(0)
    )
    CaseReviewAction.objects.filter(pk=partners.case_action.pk).update(
        due_on=days_ago(-1), done_on=days_ago(0)
    )
    request = add_request(
        world.review,
        gina,
        agency=partners.request.agency,
        sent_on=days_ago(1),
        due_on=days_ago(-20),
    )
    action = add_action(
        world.review, gina, partner_organisation=partners.police, due_on=days_ago(-20)
    )
    case_action = action_set(
        reviewed=partners.case_reviewed,
        description="Visit with the neighbourhood team",
        owner=alice,
        due_on=days_ago(-20),
        partner_organisation=partners.police,
    )

    html = pat.get(reverse("partner_home")).content.decode()

    for still_to_do, finished, view in (
        (request, partners.request, "partner_request"),
        (action, partners.action, "partner_review_action"),
        (case_action, partners.case_action, "partner_case_review_action"),
    ):
        assert html.index(reverse(view, args=[still_to_do.external_id])) < html.index(
            reverse(view, args=[finished.external_id])
        )
