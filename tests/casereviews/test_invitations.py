"""Inviting partner organisations to a meeting after it is scheduled: the team's lead
chooses, on the meeting page, among the active organisations not yet invited; once the
meeting is held nobody more is invited; another team's lead finds the meeting not found."""

import pytest
from django.urls import reverse

from casereviews.models import Meeting, MeetingOrganisation
from cases.models import Role
from partners.models import PartnerOrganisation
from tests.casereviews.conftest import held_meeting, scheduled_meeting
from tests.factories import UserFactory, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(db):
    return PartnerOrganisation.objects.create(name="Northshire Police", kind="police")


@pytest.fixture
def ambulance(db):
    return PartnerOrganisation.objects.create(name="County Ambulance", kind="ambulance")


@pytest.fixture
def meeting(north, tess, flagged, police) -> Meeting:
    """North's meeting in two days, the police already invited."""
    return scheduled_meeting(north, tess, flagged, days_ago(-2), organisations=[police])


def page_url(meeting) -> str:
    return reverse("case_review_meeting", args=[meeting.external_id])


def invite_url(meeting) -> str:
    return reverse("case_review_invite", args=[meeting.external_id])


def invited(meeting) -> list[str]:
    return sorted(meeting.invited.values_list("organisation__name", flat=True))


def test_the_lead_invites_an_organisation_not_yet_invited_from_the_meeting_page(
    client_as, tess, meeting, ambulance
):
    PartnerOrganisation.objects.create(name="Old Trust", kind="hospital", active=False)
    client = client_as(tess)
    page = client.get(page_url(meeting))
    form = page.context["invite_form"]
    # Only the active organisations not yet invited are offered.
    assert [o.name for o in form.fields["organisations"].queryset] == ["County Ambulance"]
    assert invite_url(meeting) in page.content.decode()

    response = client.post(invite_url(meeting), {"organisations": [ambulance.pk]}, follow=True)
    assert response.redirect_chain == [(page_url(meeting), 302)]
    html = response.content.decode()
    assert "Invited to contribute in Lantern: County Ambulance." in html
    assert "Partner organisations contributing in Lantern:</span> County Ambulance, " in html
    assert invited(meeting) == ["County Ambulance", "Northshire Police"]
    # Everyone is invited now: the page offers no one more.
    assert response.context["invite_form"] is None
    assert invite_url(meeting) not in html


def test_an_organisation_already_invited_or_none_at_all_is_refused_with_a_message(
    client_as, tess, meeting, police, ambulance
):
    client = client_as(tess)
    response = client.post(invite_url(meeting), {"organisations": [police.pk]})
    assert response.status_code == 400
    assert "Choose one of the partner organisations not yet invited." in (response.content.decode())
    response = client.post(invite_url(meeting), {})
    assert response.status_code == 400
    assert "Choose at least one partner organisation to invite." in response.content.decode()
    response = client.post(invite_url(meeting), {"organisations": ["not-a-number"]})
    assert response.status_code == 400
    assert "Choose one of the partner organisations not yet invited." in (response.content.decode())
    assert invited(meeting) == ["Northshire Police"]


def test_a_held_meeting_invites_no_one_more(client_as, tess, north, flagged, ambulance):
    meeting = held_meeting(north, tess, flagged, on=days_ago(0))
    client = client_as(tess)
    page = client.get(page_url(meeting))
    assert page.context["invite_form"] is None
    assert invite_url(meeting) not in page.content.decode()

    response = client.post(invite_url(meeting), {"organisations": [ambulance.pk]})
    assert response.status_code == 400
    assert "This meeting has been held: who contributed is its record." in (
        response.content.decode()
    )
    assert not MeetingOrganisation.objects.exists()


def test_another_teams_lead_finds_the_meeting_not_found_and_a_keyworker_may_not_invite(
    client_as, south, alice, bob, meeting, ambulance
):
    sam = UserFactory(username="sam", first_name="Sam", role=Role.TEAM_LEAD, team=south)
    data = {"organisations": [ambulance.pk]}
    assert client_as(sam).post(invite_url(meeting), data).status_code == 404
    assert client_as(bob).post(invite_url(meeting), data).status_code == 404
    # Alice reads North's meetings but does not lead them, nor sees the form.
    assert client_as(alice).post(invite_url(meeting), data).status_code == 403
    assert client_as(alice).get(page_url(meeting)).context["invite_form"] is None
    assert client_as(alice).get(invite_url(meeting)).status_code == 405
    assert invited(meeting) == ["Northshire Police"]


def test_the_meeting_page_makes_the_same_queries_however_many_organisations_are_offered(
    client_as, tess, meeting, django_assert_num_queries
):
    client = client_as(tess)
    url = page_url(meeting)
    client.get(url)  # once first, so what is cached for a session is cached
    PartnerOrganisation.objects.create(name="County Ambulance", kind="ambulance")
    with django_assert_num_queries(21) as one:
        html = client.get(url).content.decode()
    assert html.count('name="organisations"') == 1
    for name in ("Probation", "Hospital Trust", "Housing"):
        PartnerOrganisation.objects.create(name=name, kind="other")
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('name="organisations"') == 4
