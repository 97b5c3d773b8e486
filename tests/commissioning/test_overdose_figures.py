"""The overdose pathway's figures through the API, with the named cast.

Worked out by hand, in the second quarter of 2026: five people of North (alice's team),
living in the first local authority, each had an overdose on Tue 12/05/2026 told by the
ambulance service; five people not yet known, held by South (bob's team), each had one
on the same day told by the police. So the whole service has 10 overdoses, North 5 and
South 5 (its people not yet known), and a commissioner limited to the first local
authority counts 5: people not yet known have no local authority, so they are left out.
"""

import pytest
from django.urls import reverse

from commissioning.models import ApiClient, ApiRequestLog
from tests.commissioning.conftest import issue_token
from tests.outcomes.figures.conftest import D, person, several
from tests.overdoses.conftest import at, overdose_of, overdose_of_someone_unknown

pytestmark = pytest.mark.django_db

OVERDOSES = reverse("api_figure_overdose_pathway")
Q2 = {"from": "2026-04-01", "to": "2026-06-30"}


def overdoses(result: dict, category=None) -> int | None:
    [row] = [
        r
        for r in result["figures"]
        if r["key"] == ("overdoses_by_source" if category else "overdoses")
        and r["category"] == category
        and r["segment_value"] is None
    ]
    return row["numerator"]


@pytest.fixture
def overdoses_in_may(north, south, alice, bob, authorities):
    several(
        5,
        lambda: overdose_of(
            person(team=north, local_authority=authorities[0]),
            at(D(2026, 5, 12), 9),
            "ambulance",
            alice,
        ),
    )
    several(5, lambda: overdose_of_someone_unknown(south, at(D(2026, 5, 12), 9), "police", bob))


def test_a_commissioner_gets_the_whole_services_overdoses(
    cora_api, commissioning, overdoses_in_may
):
    response = cora_api.get(OVERDOSES, Q2)

    assert response.status_code == 200
    result = response.json()
    assert result["family"] == "overdose_pathway"
    assert (overdoses(result), overdoses(result, "ambulance"), overdoses(result, "police")) == (
        10,
        5,
        5,
    )
    log = ApiRequestLog.objects.get()
    assert (log.client, log.extract, log.rows) == (
        commissioning,
        "figures:overdose_pathway",
        len(result["figures"]),
    )


def test_staff_count_their_own_teams_overdoses_and_the_people_not_yet_known_they_hold(
    api_as, alice, bob, overdoses_in_may
):
    assert overdoses(api_as(alice).get(OVERDOSES, Q2).json()) == 5
    south = api_as(bob).get(OVERDOSES, Q2).json()
    assert (overdoses(south), overdoses(south, "police")) == (5, 5)


def test_a_commissioner_limited_to_a_local_authority_does_not_count_people_not_yet_known(
    api_as, cora, authorities, overdoses_in_may
):
    limited = ApiClient.objects.create(name="First Authority Commissioning")
    limited.local_authorities.set([authorities[0]])

    result = api_as(issue_token(limited, cora)[1]).get(OVERDOSES, Q2).json()

    assert (overdoses(result), overdoses(result, "police")) == (5, 0)


def test_the_overdose_figures_are_refused_to_an_administrator_and_anonymous(api_as, adam, client):
    assert api_as(adam).get(OVERDOSES, Q2).status_code == 403
    assert client.get(OVERDOSES, Q2).status_code == 401


def test_a_keyworker_asking_for_another_teams_overdoses_is_refused(api_as, alice, south):
    response = api_as(alice).get(OVERDOSES, {**Q2, "team": south.pk})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "team": [f"Team {south.pk} is outside the teams you may see."]
    }
