import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risk.models import OutreachAttempt
from tests.factories import ContactFactory, ServiceUserFactory, days_ago
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db

UNCONTACTED = reverse("outreach_uncontacted")


def shown(client) -> list[str]:
    response = client.get(UNCONTACTED)
    assert response.status_code == 200
    return [flag.service_user.last_name for flag in response.context["page"].object_list]


def flagged(team, name, tier="very_high", raised=3, keyworker=None):
    person = ServiceUserFactory(team=team, keyworker=keyworker, last_name=name)
    make_flag(person, tier=tier, raised_on=days_ago(raised))
    return person


def test_team_leads_see_high_flags_with_no_contact_after_two_days(client_as, tess, north, south):
    flagged(north, "Waiting", raised=3)
    flagged(north, "Older", tier="high", raised=9)
    flagged(north, "Today", raised=1)
    flagged(north, "Raisedtier", tier="raised", raised=9)
    seen = flagged(north, "Seen", raised=5)
    ContactFactory(service_user=seen, contact_date=days_ago(1))
    before = flagged(north, "Before", raised=5)
    ContactFactory(service_user=before, contact_date=days_ago(8))
    reached = flagged(north, "Reached", raised=5)
    OutreachAttempt.objects.create(
        service_user=reached,
        attempted_on=days_ago(2),
        method="phone",
        outcome="agreed_to_attend",
        recorded_by=tess,
    )
    tried = flagged(north, "Tried", raised=5)
    OutreachAttempt.objects.create(
        service_user=tried,
        attempted_on=days_ago(2),
        method="phone",
        outcome="not_contactable",
        recorded_by=tess,
    )
    flagged(south, "Elsewhere", raised=5)

    assert shown(client_as(tess)) == ["Before", "Tried", "Waiting", "Older"]


def test_governance_sees_everyone_and_keyworkers_are_refused(
    client, client_as, gina, alice, cora, adam, north, south
):
    flagged(north, "North")
    flagged(south, "South")

    assert sorted(shown(client_as(gina))) == ["North", "South"]
    assert client_as(alice).get(UNCONTACTED).status_code == 403
    assert client_as(cora).get(UNCONTACTED).status_code == 403
    assert client_as(adam).get(UNCONTACTED).status_code == 403
    client.logout()
    assert client.get(UNCONTACTED).status_code == 302


def test_the_page_says_how_long_each_has_waited(client_as, tess, north):
    flagged(north, "Waiting", raised=4)

    content = client_as(tess).get(UNCONTACTED).content.decode()

    assert "4 days" in content
    assert f"{days_ago(4):%d/%m/%Y}" in content
    assert "Very high" in content


def test_the_page_runs_the_same_queries_for_2_flags_and_for_30(client_as, tess, north):
    client = client_as(tess)
    for i in range(2):
        flagged(north, f"Few{i}")
    with CaptureQueriesContext(connection) as few:
        client.get(UNCONTACTED)
    for i in range(28):
        flagged(north, f"Many{i}", tier="high")
    with CaptureQueriesContext(connection) as many:
        response = client.get(UNCONTACTED)

    assert len(response.context["page"].object_list) == 30
    assert len(few) == len(many)
