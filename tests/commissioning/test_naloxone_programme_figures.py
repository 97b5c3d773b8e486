"""The naloxone programme's kits through the API, with the named cast.

Worked out by hand, in the second quarter of 2026: five North clients (alice's team),
living in the first local authority, each given a first kit on 01/05/2026 at the
service; and five kits given by South (bob's team) on the same day by outreach to peers
who are not clients. So the whole service supplied 10 kits, 5 to clients and 5 not;
alice counts North's 5, bob South's 5; and a commissioner limited to the first local
authority counts 5, since a kit to someone who is not a client has no local authority.
"""

import pytest
from django.urls import reverse

from cases.services import naloxone_supply_to_non_client
from commissioning.models import ApiClient
from tests.commissioning.conftest import issue_token
from tests.outcomes.figures.conftest import D, person, several, supply

pytestmark = pytest.mark.django_db

NALOXONE = reverse("api_figure_naloxone_coverage")
Q2 = {"from": "2026-04-01", "to": "2026-06-30"}


def kits(result: dict, category=None) -> int | None:
    [row] = [
        r
        for r in result["figures"]
        if r["key"] == "naloxone_kits" and r["category"] == category and r["segment_value"] is None
    ]
    return row["numerator"]


@pytest.fixture
def kits_in_may(north, south, bob, authorities):
    several(
        5,
        lambda: supply(
            person(team=north, local_authority=authorities[0]),
            on=D(2026, 5, 1),
            expires=D(2028, 5, 1),
        ),
    )
    several(
        5,
        lambda: naloxone_supply_to_non_client(
            team=south,
            supplied_by=bob,
            supplied_on=D(2026, 5, 1),
            expiry_date=D(2028, 5, 1),
            formulation="nasal",
            supply_type="first",
            batch_number="B3",
            setting="outreach",
            recipient="peer",
        ),
    )


def test_a_commissioner_counts_kits_to_clients_and_to_people_who_are_not(cora_api, kits_in_may):
    result = cora_api.get(NALOXONE, Q2).json()

    assert (kits(result), kits(result, "to_clients"), kits(result, "to_non_clients")) == (
        10,
        5,
        5,
    )


def test_staff_count_the_kits_their_own_team_supplied(api_as, alice, bob, kits_in_may):
    assert kits(api_as(alice).get(NALOXONE, Q2).json()) == 5
    assert kits(api_as(bob).get(NALOXONE, Q2).json(), "to_non_clients") == 5


def test_a_commissioner_limited_to_a_local_authority_does_not_count_non_client_kits(
    api_as, cora, authorities, kits_in_may
):
    limited = ApiClient.objects.create(name="First Authority Commissioning")
    limited.local_authorities.set([authorities[0]])

    result = api_as(issue_token(limited, cora)[1]).get(NALOXONE, Q2).json()

    assert (kits(result), kits(result, "to_non_clients")) == (5, 0)


def test_the_naloxone_figures_are_refused_to_an_administrator_and_anonymous(api_as, adam, client):
    assert api_as(adam).get(NALOXONE, Q2).status_code == 403
    assert client.get(NALOXONE, Q2).status_code == 401
