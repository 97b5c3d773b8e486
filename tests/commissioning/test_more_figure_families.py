"""The exits, TOP outcomes, harm reduction, and criminal justice and families figures
through the API, with the named cast (their definitions are tested without HTTP in
tests/outcomes/figures/ and tests/care/test_figures.py).

Worked out by hand, in the second quarter of 2026: North (alice's team) recorded 5
anonymous needle exchange contacts on 01/05/2026 and South (bob's team) 5 more; 5 North
people living in the first local authority were released from prison on 01/05/2026 and
seen 2 days later. So the whole service had 10 anonymous contacts, alice's figures count
North's 5, and a commissioner limited to the first local authority counts none (nobody
knows where an anonymous contact lives) but the 5 releases, all picked up.
"""

import datetime

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone

from care.services import nsp_contact_record
from cases.services import contact_create, event_create
from commissioning.figures.endpoint import FIGURE_RESULT_SCHEMA
from commissioning.models import ApiClient, ApiRequestLog
from tests.commissioning.conftest import issue_token
from tests.outcomes.figures.conftest import D, person, several

pytestmark = pytest.mark.django_db

Q2 = {"from": "2026-04-01", "to": "2026-06-30"}
FAMILIES = ("treatment_exits", "top_outcomes", "harm_reduction", "criminal_justice_and_families")


def url(name: str) -> str:
    return reverse(f"api_figure_{name}")


def value(result: dict, key: str, category=None) -> tuple:
    [row] = [
        r
        for r in result["figures"]
        if r["key"] == key
        and r["category"] == category
        and r["segment_value"] is None
        and r["client_group"] in (None, "all")
    ]
    return row["numerator"], row["denominator"], row["value"]


@pytest.fixture
def recorded(north, south, alice, bob, authorities):
    for team, worker in ((north, alice), (south, bob)):
        several(
            5,
            lambda team=team, worker=worker: nsp_contact_record(
                team=team, recorded_by=worker, contact_on=D(2026, 5, 1), advice_given=True
            ),
        )

    def released():
        who = person(team=north, local_authority=authorities[0])
        event_create(
            service_user=who, recorded_by=alice, kind="prison_release", occurred_on=D(2026, 5, 1)
        )
        contact_create(
            service_user=who,
            staff=alice,
            contact_date=D(2026, 5, 3),
            kind="appointment",
            status="attended",
        )

    several(5, released)


def test_a_commissioner_gets_the_whole_services_harm_reduction(cora_api, recorded):
    response = cora_api.get(url("harm_reduction"), Q2)

    assert response.status_code == 200
    result = response.json()
    jsonschema.validate(result, FIGURE_RESULT_SCHEMA)
    assert value(result, "nsp_contacts") == (10, None, 10)
    assert value(result, "nsp_contacts", "anonymous") == (10, None, 10)


def test_alices_figures_count_only_norths_contacts(api_as, alice, recorded):
    result = api_as(alice).get(url("harm_reduction"), Q2).json()

    assert value(result, "nsp_contacts") == (5, None, 5)


def test_a_keyworker_asking_for_another_team_is_refused_at_team(api_as, alice, south):
    response = api_as(alice).get(url("criminal_justice_and_families"), {"team": south.pk})

    assert response.status_code == 400
    assert "team" in response.json()["errors"]


def test_a_limited_commissioner_counts_its_residents_and_no_anonymous_contact(
    api_as, cora, authorities, recorded
):
    limited = ApiClient.objects.create(name="First authority")
    limited.local_authorities.set([authorities[0]])
    _, raw = issue_token(limited, cora, name="first")
    calling = api_as(raw)

    harm = calling.get(url("harm_reduction"), Q2).json()
    justice = calling.get(url("criminal_justice_and_families"), Q2).json()

    assert value(harm, "nsp_contacts") == (0, None, 0)
    assert value(justice, "prison_release_pick_up") == (5, 5, 100.0)


@pytest.mark.parametrize("name", FAMILIES)
def test_every_family_is_served_and_recorded(cora_api, commissioning, recorded, name):
    response = cora_api.get(url(name), {**Q2, "segment": "sex"})

    assert response.status_code == 200
    result = response.json()
    jsonschema.validate(result, FIGURE_RESULT_SCHEMA)
    assert result["family"] == name
    log = ApiRequestLog.objects.get()
    assert (log.client, log.extract, log.status) == (commissioning, f"figures:{name}", 200)
    assert log.rows == len(result["figures"]) > 0


@pytest.mark.parametrize("name", FAMILIES)
def test_every_family_is_refused_to_an_administrator_and_anonymous(api_as, adam, client, name):
    assert api_as(adam).get(url(name)).status_code == 403
    assert client.get(url(name)).status_code == 401


@pytest.mark.parametrize("name", FAMILIES)
def test_every_family_is_open_to_keyworkers_team_leads_and_governance(
    api_as, alice, tess, gina, name
):
    for who in (alice, tess, gina):
        assert api_as(who).get(url(name), Q2).status_code == 200


@pytest.mark.parametrize("name", FAMILIES)
def test_a_bad_segment_is_a_400_naming_it(cora_api, name):
    response = cora_api.get(url(name), {**Q2, "segment": "shoe_size"})

    assert response.status_code == 400
    assert "segment" in response.json()["errors"]


def test_a_period_ending_after_today_is_refused(cora_api):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = cora_api.get(url("top_outcomes"), {"from": "2026-04-01", "to": tomorrow.isoformat()})

    assert response.status_code == 400
