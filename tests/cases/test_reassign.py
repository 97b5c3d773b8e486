"""Team leads: caseload sizes against the cap, and reassigning a person within the team."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Reassignment, Role
from cases.selectors import caseload_sizes
from cases.services import break_glass_grant_create, service_user_reassign
from tests.factories import EpisodeFactory, ServiceUserFactory, UserFactory
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db

WHY = {
    "reason": "Alice is leaving the team.",
    "handover_note": "Released from prison last week; ring on Mondays, not before 10.",
}


@pytest.fixture
def carl(north):
    """A second keyworker on the North team."""
    return UserFactory(username="carl", first_name="Carl", role=Role.KEYWORKER, team=north)


def hold(keyworker, team, count):
    people = []
    for _ in range(count):
        person = ServiceUserFactory(team=team, keyworker=keyworker)
        EpisodeFactory(service_user=person)
        people.append(person)
    return people


def sizes(team) -> dict[str, int]:
    return {row.keyworker.username: row.size for row in caseload_sizes(team)}


def test_it_counts_each_keyworkers_people_in_the_team(alice, carl, tess, north, south, bob):
    hold(alice, north, 3)
    hold(carl, north, 1)
    hold(bob, south, 2)

    assert sizes(north) == {"alice": 3, "carl": 1, "tess": 0}


def test_reassigning_moves_the_person_and_keeps_a_record(alice, carl, tess, north, jo):
    service_user_reassign(service_user=jo, keyworker=carl, reassigned_by=tess, **WHY)

    jo.refresh_from_db()
    assert jo.keyworker == carl
    record = Reassignment.objects.get(service_user=jo)
    assert (record.from_keyworker, record.to_keyworker, record.reassigned_by) == (alice, carl, tess)
    assert record.over_cap is False


def test_it_refuses_a_keyworker_outside_the_persons_team(alice, bob, tess, jo):
    with pytest.raises(ValidationError) as refused:
        service_user_reassign(service_user=jo, keyworker=bob, reassigned_by=tess, **WHY)

    assert "not in it" in str(refused.value)
    jo.refresh_from_db()
    assert jo.keyworker == alice
    assert not Reassignment.objects.exists()


def test_it_asks_for_confirmation_before_going_over_the_cap(alice, carl, tess, north, jo):
    north.caseload_cap = 1
    north.save()
    hold(carl, north, 1)

    with pytest.raises(ValidationError) as refused:
        service_user_reassign(service_user=jo, keyworker=carl, reassigned_by=tess, **WHY)
    assert "over the team's cap of 1" in str(refused.value)
    jo.refresh_from_db()
    assert jo.keyworker == alice

    service_user_reassign(
        service_user=jo, keyworker=carl, reassigned_by=tess, over_cap_confirmed=True, **WHY
    )
    jo.refresh_from_db()
    assert jo.keyworker == carl
    assert Reassignment.objects.get().over_cap is True


def test_the_team_page_shows_sizes_against_the_cap_in_words(client_as, tess, alice, carl, north):
    north.caseload_cap = 2
    north.save()
    hold(alice, north, 3)
    hold(carl, north, 2)

    content = client_as(tess).get(reverse("team_caseloads")).content.decode()

    assert "Over the cap by 1" in content
    assert "At the cap" in content
    assert "2 places left" in content  # tess herself holds nobody


def test_the_team_page_runs_the_same_queries_for_a_small_and_a_large_team(client_as, tess, north):
    client = client_as(tess)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("team_caseloads")).status_code == 200
        return len(captured)

    keyworker = UserFactory(role=Role.KEYWORKER, team=north)
    hold(keyworker, north, 2)
    few = queries()
    for _ in range(8):
        hold(UserFactory(role=Role.KEYWORKER, team=north), north, 3)
    assert queries() == few


def test_a_team_lead_reassigns_through_the_page(client_as, tess, alice, carl, jo):
    client = client_as(tess)
    url = reverse("person_reassign", args=[jo.external_id])
    assert "Carl" in client.get(url).content.decode()

    response = client.post(url, {"keyworker": carl.pk, **WHY})

    assert response.status_code == 302
    assert response.url == reverse("team_caseloads")
    jo.refresh_from_db()
    assert jo.keyworker == carl


def test_the_page_asks_for_the_confirm_box_when_over_the_cap(client_as, tess, carl, north, jo):
    north.caseload_cap = 0
    north.save()
    client = client_as(tess)
    url = reverse("person_reassign", args=[jo.external_id])

    asked = client.post(url, {"keyworker": carl.pk, **WHY})
    assert asked.status_code == 400
    assert 'name="over_cap_confirmed"' in asked.content.decode()
    jo.refresh_from_db()
    assert jo.keyworker != carl

    confirmed = client.post(url, {"keyworker": carl.pk, "over_cap_confirmed": "on", **WHY})
    assert confirmed.status_code == 302
    jo.refresh_from_db()
    assert jo.keyworker == carl


def test_the_page_offers_only_keyworkers_of_the_persons_team(client_as, tess, bob, jo):
    response = client_as(tess).post(
        reverse("person_reassign", args=[jo.external_id]), {"keyworker": bob.pk, **WHY}
    )

    assert response.status_code == 400
    assert "Bob" not in response.context["form"].fields["keyworker"].queryset.values_list(
        "first_name", flat=True
    )


def test_it_hides_other_teams_people_from_a_team_lead(client_as, south, bob, north):
    south_lead = UserFactory(username="sally", role=Role.TEAM_LEAD, team=south)
    northerner = ServiceUserFactory(team=north)

    response = client_as(south_lead).get(reverse("person_reassign", args=[northerner.external_id]))

    assert response.status_code == 404


def test_a_team_lead_reaching_a_person_by_break_glass_cannot_reassign_them(
    client_as, south, alice, carl, jo
):
    south_lead = UserFactory(username="sally", role=Role.TEAM_LEAD, team=south)
    break_glass_grant_create(
        user=south_lead, service_user=jo, reason="Covering the North duty line tonight, Jo rang."
    )
    client = client_as(south_lead)

    record = client.get(reverse("person_detail", args=[jo.external_id]))
    page = client.get(reverse("person_reassign", args=[jo.external_id]))
    posted = client.post(
        reverse("person_reassign", args=[jo.external_id]), {"keyworker": carl.pk, **WHY}
    )

    assert record.status_code == 200
    assert reverse("person_reassign", args=[jo.external_id]) not in record.content.decode()
    assert (page.status_code, posted.status_code) == (404, 404)
    with pytest.raises(PermissionDenied):
        service_user_reassign(service_user=jo, keyworker=carl, reassigned_by=south_lead, **WHY)
    jo.refresh_from_db()
    assert jo.keyworker == alice
    assert not Reassignment.objects.exists()


@pytest.mark.parametrize("name", ["alice", "gina"])
def test_only_team_leads_may_reassign(client_as, request, jo, name):
    client = client_as(request.getfixturevalue(name))

    assert client.get(reverse("person_reassign", args=[jo.external_id])).status_code == 403
    assert client.get(reverse("team_caseloads")).status_code == 403


def test_someone_outside_the_team_gets_404_for_its_people(client_as, bob, jo):
    assert client_as(bob).get(reverse("person_reassign", args=[jo.external_id])).status_code == 404


@pytest.mark.parametrize("name", ["cora", "adam"])
def test_people_without_records_access_cannot_reach_the_pages(client_as, request, jo, name):
    client = client_as(request.getfixturevalue(name))

    assert client.get(reverse("person_reassign", args=[jo.external_id])).status_code == 404
    assert client.get(reverse("team_caseloads")).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, jo):
    response = client.get(reverse("team_caseloads"))

    assert response.status_code == 302
    assert reverse("login") in response.url


def test_a_team_lead_sees_the_team_page_in_the_navigation(client_as, tess, alice):
    def linked(user) -> list[str]:
        response = client_as(user).get(reverse("home"), follow=True)
        return [url for _, url in response.context["nav_links"]]

    # The links, not the page's text: "/team/" is also part of "/caseload/team/".
    assert reverse("team_caseloads") in linked(tess)
    assert reverse("team_caseloads") not in linked(alice)


def test_opening_the_pages_is_recorded_as_a_read(client_as, tess, jo):
    from cases.models import AccessEvent, AccessKind

    client = client_as(tess)
    client.get(reverse("team_caseloads"))
    client.get(reverse("person_reassign", args=[jo.external_id]))

    events = list(AccessEvent.objects.order_by("pk").values_list("kind", "service_user_id"))
    assert events == [(AccessKind.LIST, None), (AccessKind.RECORD, jo.pk)]


# Why they move, the handover note, and the flag they carry -------------------------


def test_the_move_keeps_why_and_the_handover_note(alice, carl, tess, jo):
    service_user_reassign(service_user=jo, keyworker=carl, reassigned_by=tess, **WHY)

    record = Reassignment.objects.get(service_user=jo)
    assert (record.reason, record.handover_note) == (WHY["reason"], WHY["handover_note"])


@pytest.mark.parametrize("missing", ["reason", "handover_note"])
def test_a_move_without_a_reason_or_a_handover_note_is_refused_at_the_field(
    client_as, alice, carl, tess, jo, missing
):
    with pytest.raises(ValidationError) as refused:
        service_user_reassign(
            service_user=jo, keyworker=carl, reassigned_by=tess, **{**WHY, missing: "  "}
        )
    assert missing in refused.value.message_dict

    url = reverse("person_reassign", args=[jo.external_id])
    response = client_as(tess).post(url, {"keyworker": carl.pk, **WHY, missing: ""})
    assert response.status_code == 400
    assert response.context["form"].errors[missing]
    jo.refresh_from_db()
    assert jo.keyworker == alice
    assert not Reassignment.objects.exists()


def test_the_page_shows_the_persons_open_flag_with_its_reasons(client_as, tess, jo):
    make_flag(jo, tier="very_high", summary="released from prison 3 days ago")

    content = client_as(tess).get(reverse("person_reassign", args=[jo.external_id])).content
    html = content.decode()

    assert "Their open risk flag" in html
    assert 'data-tier="very_high"' in html
    assert "Released from prison" in html
    assert 'name="reason"' in html
    assert 'name="handover_note"' in html


def test_the_page_says_when_there_is_no_open_flag(client_as, tess, jo):
    html = client_as(tess).get(reverse("person_reassign", args=[jo.external_id])).content.decode()

    assert "no open risk flag" in html


def test_the_new_keyworker_reads_the_handover_note_on_the_record(client_as, alice, carl, tess, jo):
    service_user_reassign(service_user=jo, keyworker=carl, reassigned_by=tess, **WHY)
    record = reverse("person_detail", args=[jo.external_id])

    for_carl = client_as(carl).get(record).content.decode()
    assert "Handed over to you on" in for_carl
    assert "ring on Mondays, not before 10." in for_carl
    assert "Keyworker changes" in for_carl
    assert "Alice is leaving the team." in for_carl

    # Others in the team see the move in the record's history, not addressed to them.
    for_alice = client_as(alice).get(record).content.decode()
    assert "Handed over to you" not in for_alice
    assert "ring on Mondays, not before 10." in for_alice
