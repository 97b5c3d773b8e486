"""Where an open follow-up shows: at the top of its owner's worklist, on the overdue list of
team leads and governance, and on the person's record; each in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessEvent, AccessKind
from overdoses.models import FollowUp
from tests.factories import ServiceUserFactory
from tests.overdoses.factories import attempts, overdose_of, overdose_of_someone_unknown
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db

WORKLIST = reverse("outreach_worklist")
OVERDUE = reverse("follow_ups_overdue")


def overdue(follow_up: FollowUp, hours: int = 2, *, escalated_to=None) -> FollowUp:
    follow_up.due_at = timezone.now() - datetime.timedelta(hours=hours)
    if escalated_to is not None:
        follow_up.escalated_at = timezone.now()
        follow_up.escalated_to = escalated_to
    follow_up.save()
    return follow_up


def link(follow_up: FollowUp) -> str:
    return reverse("follow_up_detail", args=[follow_up.external_id])


def queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


# The worklist's top -------------------------------------------------------------------------


def test_the_follow_up_tops_its_owners_worklist_only(client_as, alice, bob, tess, jo):
    follow_up = overdose_of(jo, alice)

    mine = client_as(alice).get(WORKLIST)
    content = mine.content.decode()
    assert mine.context["follow_ups"] == [follow_up]
    assert content.index("Overdose follow-ups") < content.index("Flagged people")
    assert link(follow_up) in content
    assert "Jo Bloggs" in content
    assert "told by ambulance service" in content
    assert "0 attempts made" in content
    for other in (tess, bob):
        assert link(follow_up) not in client_as(other).get(WORKLIST).content.decode()


def test_the_worklist_names_someone_not_yet_known_by_what_is_known(client_as, alice, north):
    north.duty_worker = alice
    north.save()
    follow_up = overdose_of_someone_unknown(north, alice)

    content = client_as(alice).get(WORKLIST).content.decode()

    assert follow_up.owner == alice
    assert "Not yet known: Tall man, red jacket, called Dev" in content


def test_an_overdue_follow_up_says_so_on_the_worklist(client_as, alice, jo):
    overdue(overdose_of(jo, alice))
    attempts(FollowUp.objects.get(), alice, 2)

    content = client_as(alice).get(WORKLIST).content.decode()

    assert "Overdue" in content
    assert "2 attempts made" in content


def test_a_closed_follow_up_leaves_the_worklist(client_as, alice, jo):
    follow_up = overdose_of(jo, alice)
    client = client_as(alice)
    client.post(
        reverse("follow_up_close", args=[follow_up.external_id]),
        {"outcome": "died", "children_in_household": "not_known"},
    )

    assert client.get(WORKLIST).context["follow_ups"] == []


def test_the_worklist_counts_its_follow_ups_in_its_one_read(client_as, alice, jo, north):
    overdose_of(jo, alice)
    make_flag(ServiceUserFactory(team=north, keyworker=alice))

    client_as(alice).get(WORKLIST)

    assert list(AccessEvent.objects.values_list("kind", "rows")) == [(AccessKind.LIST, 2)]


def test_the_worklist_runs_the_same_queries_for_1_follow_up_and_for_12(client_as, alice, north):
    client = client_as(alice)
    overdose_of(ServiceUserFactory(team=north, keyworker=alice), alice)
    few, _ = queries(client, WORKLIST)
    for _ in range(11):
        follow_up = overdose_of(ServiceUserFactory(team=north, keyworker=alice), alice)
        attempts(follow_up, alice, 1)

    many, response = queries(client, WORKLIST)

    assert len(response.context["follow_ups"]) == 12
    assert few == many


# The overdue list -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "cora", "adam"])
def test_the_overdue_list_is_for_team_leads_and_governance(client_as, request, who):
    assert client_as(request.getfixturevalue(who)).get(OVERDUE).status_code == 403


@pytest.mark.parametrize("who", ["tess", "gina"])
def test_the_overdue_list_shows_owner_due_and_whom_it_was_escalated_to(
    client_as, request, who, alice, tess, jo, north
):
    late = overdue(overdose_of(jo, alice), escalated_to=tess)
    on_time = overdose_of(ServiceUserFactory(team=north, keyworker=alice), alice)

    response = client_as(request.getfixturevalue(who)).get(OVERDUE)

    content = response.content.decode()
    assert list(response.context["page"].object_list) == [late]
    assert link(late) in content
    assert link(on_time) not in content
    assert "Alice" in content
    assert "Tess" in content
    assert list(AccessEvent.objects.values_list("kind", "rows")) == [(AccessKind.LIST, 1)]


def test_the_overdue_list_leaves_out_other_teams(client_as, tess, bob, south):
    overdue(overdose_of(ServiceUserFactory(team=south, keyworker=bob), bob))

    assert list(client_as(tess).get(OVERDUE).context["page"].object_list) == []


def test_the_overdue_list_runs_the_same_queries_for_2_and_for_20(client_as, tess, alice, north):
    client = client_as(tess)
    for _ in range(2):
        overdue(overdose_of(ServiceUserFactory(team=north, keyworker=alice), alice))
    few, _ = queries(client, OVERDUE)
    for _ in range(18):
        late = overdue(
            overdose_of(ServiceUserFactory(team=north, keyworker=alice), alice), escalated_to=tess
        )
        attempts(late, alice, 1)

    many, response = queries(client, OVERDUE)

    assert response.context["page"].paginator.count == 20
    assert few == many


# The person's record ----------------------------------------------------------------------------


def test_the_person_page_says_which_step_is_open(client_as, alice, jo):
    follow_up = overdose_of(jo, alice)
    attempts(follow_up, alice, 2)

    content = client_as(alice).get(reverse("person_detail", args=[jo.external_id])).content
    text = content.decode()

    overdose_day = f"{follow_up.overdose.occurred_on:%d/%m/%Y}"
    assert f"Overdose on {overdose_day}: follow-up due" in text
    assert "2 attempts" in text
    assert link(follow_up) in text


def test_the_person_page_says_when_the_step_is_overdue_and_escalated(client_as, alice, tess, jo):
    overdue(overdose_of(jo, alice), escalated_to=tess)

    text = client_as(alice).get(reverse("person_detail", args=[jo.external_id])).content.decode()

    assert "Overdue" in text
    assert "Escalated to Tess" in text


def test_the_open_step_costs_the_person_page_no_query_beyond_its_own(client_as, alice, tess, jo):
    client = client_as(alice)
    url = reverse("person_detail", args=[jo.external_id])
    without, _ = queries(client, url)
    follow_up = overdue(overdose_of(jo, alice), escalated_to=tess)
    attempts(follow_up, alice, 3)

    with_one, response = queries(client, url)

    assert response.context["follow_up"] == follow_up
    assert with_one == without


def test_the_persons_timeline_says_when_hospital_is_not_known(client_as, alice, jo):
    overdose_of(jo, alice, taken_to_hospital=None)

    text = client_as(alice).get(reverse("person_detail", args=[jo.external_id])).content.decode()

    assert "not known whether taken to hospital" in text
    assert "not taken to hospital" not in text
