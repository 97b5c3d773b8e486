"""A partner's contribution to a case review of the living: Northshire Police is invited to
the meeting on which jo is reviewed (tests/partners/world.py), so pat writes what the police
know and are doing about jo's risk from the partner pages, and the meeting's staff read it
beside jo on the meeting page. Pat sees no other organisation's contribution and nothing
else of the meeting; an organisation not invited finds it not found; where the person may
not be shared the page refuses with the reason. Saves are version-checked, kept in the
history, a held meeting's contributions stay readable, and none is ever deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.db import ProgrammingError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casereviews import services
from casereviews.models import (
    Meeting,
    MeetingOrganisation,
    MeetingStatus,
    PartnerContribution,
    ReviewedPerson,
)
from cases.models import AccessEvent, AccessKind
from partners.models import Consent, PartnerOrganisation
from partners.services import consent_record
from tests.conftest import sign_in_verified
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db

KNOWS = "Arrested twice this month; found unwell in a cell once."
DOING = "A welfare check at his address this week."
# The partner's home page with jo on it, and what deciding whether one more person may be
# shared adds to it.
HOME_QUERIES = 14
SHARING_QUERIES = 4


def page_url(reviewed) -> str:
    return reverse("partner_case_review", args=[reviewed.external_id])


def post(client, reviewed, loaded_version=0, **fields):
    data = {"knows": "", "doing": ""}
    return client.post(page_url(reviewed), data | fields | {"loaded_version": loaded_version})


def invite_ambulance(world, partners) -> None:
    MeetingOrganisation.objects.create(
        meeting=world.case_reviewed.meeting, organisation=partners.ambulance
    )
    consent_record(
        service_user=world.jo_episode.service_user,
        recorded_by=world.users["alice"],
        organisation=partners.ambulance,
        given_on=days_ago(3),
        how="in_person",
        scope="For the case review.",
    )


def test_a_partner_writes_their_contribution_and_the_read_is_recorded(world, partners, pat):
    reviewed = world.case_reviewed
    page = pat.get(page_url(reviewed))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Not written yet" in html
    assert "Bloggs" in html
    jo = world.jo_episode.service_user
    assert list(
        AccessEvent.objects.filter(view="partner_case_review").values_list(
            "kind", "service_user", "object_ref"
        )
    ) == [(AccessKind.REVIEW, jo.pk, str(reviewed.external_id))]

    assert post(pat, reviewed, knows=KNOWS).status_code == 302
    contribution = PartnerContribution.objects.get(reviewed=reviewed)
    assert (contribution.organisation, contribution.knows, contribution.doing) == (
        partners.police,
        KNOWS,
        "",
    )
    assert (contribution.version, contribution.created_by, contribution.updated_by) == (
        1,
        partners.pat,
        partners.pat,
    )

    assert post(pat, reviewed, loaded_version=1, doing=DOING).status_code == 302
    contribution.refresh_from_db()
    assert (contribution.version, contribution.knows, contribution.doing) == (2, "", DOING)
    events = list(
        PartnerContribution.pgh_event_model.objects.filter(pgh_obj=contribution)
        .order_by("pgh_id")
        .values_list("pgh_label", "pgh_context__metadata__user")
    )
    assert events == [("insert", partners.pat.pk), ("update", partners.pat.pk)]


def test_a_stale_save_is_refused_and_writes_nothing(world, partners, pat):
    assert post(pat, world.case_reviewed, knows=KNOWS).status_code == 302
    # Someone else at the police opened the page before that save: they send version 0.
    response = post(pat, world.case_reviewed, loaded_version=0, knows="Something else")
    assert response.status_code == 400
    assert "saved this contribution after you opened it" in response.content.decode()
    contribution = PartnerContribution.objects.get()
    assert (contribution.knows, contribution.version) == (KNOWS, 1)


def test_an_empty_contribution_is_refused_with_a_message(world, partners, pat):
    response = post(pat, world.case_reviewed, knows="   ")
    assert response.status_code == 400
    assert "Write at least one part" in response.content.decode()
    assert not PartnerContribution.objects.exists()


def test_a_blank_form_is_refused_and_its_read_still_recorded_once(world, partners, pat):
    jo = world.jo_episode.service_user
    reads = AccessEvent.objects.filter(view="partner_case_review")
    # Nothing at all, not even the version the page was built from: the form is invalid.
    response = pat.post(page_url(world.case_reviewed), {"knows": "", "doing": ""})
    assert response.status_code == 400
    assert list(reads.values_list("kind", "service_user", "object_ref")) == [
        (AccessKind.REVIEW, jo.pk, str(world.case_reviewed.external_id))
    ]
    # Every part blank: refused by the write, and again recorded once.
    response = post(pat, world.case_reviewed)
    assert response.status_code == 400
    assert "Write at least one part" in response.content.decode()
    assert reads.count() == 2
    assert not PartnerContribution.objects.exists()


def test_the_meetings_staff_see_every_contribution_and_a_partner_only_its_own(world, partners, pat):
    invite_ambulance(world, partners)
    tess = sign_in_verified(Client(), world.users["tess"])
    meeting_url = reverse("case_review_meeting", args=[world.case_reviewed.meeting.external_id])
    tess.get(meeting_url)  # once first, so what is cached for a session is cached
    with CaptureQueriesContext(connection) as before_any:
        html = tess.get(meeting_url).content.decode()
    assert "None written yet." in html
    assert "Partner organisations contributing in Lantern:</span> County Ambulance, " in html
    assert post(pat, world.case_reviewed, knows=KNOWS).status_code == 302
    paula = sign_in_verified(Client(), partners.paula)
    assert post(paula, world.case_reviewed, doing="Crew briefed; naloxone given.").status_code == (
        302
    )

    police_page = pat.get(page_url(world.case_reviewed)).content.decode()
    assert KNOWS in police_page
    assert "naloxone given" not in police_page
    # Nothing else of the meeting: not where it meets, nor the team's action.
    assert world.case_reviewed.meeting.place not in police_page
    assert "Offer naloxone" not in police_page

    # Every contribution in one query: as many statements with two as with none.
    with CaptureQueriesContext(connection) as with_two:
        html = tess.get(meeting_url).content.decode()
    assert len(with_two) == len(before_any)
    assert "Partners&#x27; contributions" in html or "Partners' contributions" in html
    assert KNOWS in html
    assert "Crew briefed; naloxone given." in html
    assert html.index("County Ambulance</span> <span") < html.index(
        "Northshire Police</span> <span"
    )


def test_an_organisation_not_invited_finds_the_person_not_found(world, partners, client_as):
    paula = client_as(partners.paula)
    assert paula.get(page_url(world.case_reviewed)).status_code == 404
    assert post(paula, world.case_reviewed, knows="x").status_code == 404
    assert (
        "is invited to no case review meeting"
        in paula.get(reverse("partner_home")).content.decode()
    )
    assert not PartnerContribution.objects.exists()


def test_without_a_basis_to_share_the_page_refuses_with_the_reason(world, partners, pat):
    post(pat, world.case_reviewed, knows=KNOWS)
    Consent.objects.filter(pk=partners.consent.pk).update(withdrawn_on=days_ago(0))
    page = pat.get(page_url(world.case_reviewed))
    html = page.content.decode()
    assert page.status_code == 403
    assert "withdrew their consent" in html
    assert KNOWS not in html
    assert "Bloggs" not in html
    assert post(pat, world.case_reviewed, loaded_version=1, knows="Changed").status_code == 403
    assert PartnerContribution.objects.get().knows == KNOWS
    home = pat.get(reverse("partner_home")).content.decode()
    assert "Not shared: " in home


def test_a_held_meetings_contribution_stays_readable_and_unchanged(world, partners, pat):
    post(pat, world.case_reviewed, knows=KNOWS)
    Meeting.objects.filter(pk=world.case_reviewed.meeting_id).update(
        status=MeetingStatus.HELD, held_at=timezone.now()
    )
    page = pat.get(page_url(world.case_reviewed))
    assert page.status_code == 200
    assert KNOWS in page.content.decode()
    assert "kept as it was" in page.content.decode()
    response = post(pat, world.case_reviewed, loaded_version=1, knows="Changed")
    assert response.status_code == 400
    assert "has been held" in response.content.decode()
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.contribution_write(
            reviewed=world.case_reviewed,
            organisation=partners.police,
            user=partners.pat,
            loaded_version=1,
            changes={"knows": "Changed"},
        )
    assert PartnerContribution.objects.get().knows == KNOWS


def test_the_service_refuses_an_organisation_not_invited(world, partners):
    with pytest.raises(ValidationError, match="not invited to this case review"):
        services.contribution_write(
            reviewed=world.case_reviewed,
            organisation=partners.ambulance,
            user=partners.paula,
            loaded_version=0,
            changes={"knows": KNOWS},
        )


def test_a_contribution_is_never_deleted_nor_its_person_taken_off_the_list(world, partners, pat):
    post(pat, world.case_reviewed, knows=KNOWS)
    with pytest.raises(ProgrammingError, match="Cannot delete rows"), transaction.atomic():
        PartnerContribution.objects.all().delete()
    assert PartnerContribution.objects.count() == 1
    # Taking jo off the meeting's list keeps him: the police wrote about him.
    jo = world.jo_episode.service_user
    services.meeting_people_set(meeting=world.case_reviewed.meeting, people=[], among=[jo])
    assert ReviewedPerson.objects.filter(pk=world.case_reviewed.pk).exists()


def test_home_lists_the_people_on_invited_meetings_in_a_fixed_number_of_queries(
    world, partners, pat, django_assert_num_queries
):
    home_url = reverse("partner_home")
    pat.get(home_url)  # once first, so what is cached for a session is cached
    with django_assert_num_queries(HOME_QUERIES):
        home = pat.get(home_url).content.decode()
    assert page_url(world.case_reviewed) in home
    assert "Not written yet" in home
    post(pat, world.case_reviewed, knows=KNOWS)
    # The contributions come in one query, written or not.
    with django_assert_num_queries(HOME_QUERIES):
        home = pat.get(home_url).content.decode()
    assert f"Saved {days_ago(0):%d/%m/%Y}" in home
    # A second person on the meeting, whom the police may not be told about: only the
    # sharing decision about them is asked.
    other = ServiceUserFactory(last_name="Unshared")
    second = ReviewedPerson.objects.create(meeting=world.case_reviewed.meeting, service_user=other)
    with django_assert_num_queries(HOME_QUERIES + SHARING_QUERIES):
        home = pat.get(home_url).content.decode()
    assert page_url(second) in home
    assert "Unshared" not in home
    assert AccessEvent.objects.filter(view="partner_home").last().rows == 1


def test_inviting_again_changes_nothing_and_a_held_meeting_invites_no_one(world, partners):
    meeting = world.case_reviewed.meeting
    services.meeting_organisations_invite(
        meeting=meeting, organisations=[partners.police, partners.ambulance]
    )
    assert sorted(meeting.invited.values_list("organisation__name", flat=True)) == [
        "County Ambulance",
        "Northshire Police",
    ]
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD, held_at=timezone.now())
    meeting.refresh_from_db()
    other = PartnerOrganisation.objects.create(name="Probation", kind="prison")
    with pytest.raises(ValidationError, match="has been held"):
        services.meeting_organisations_invite(meeting=meeting, organisations=[other])
    assert meeting.invited.count() == 2
