"""Whom the API reaches: one rule (`api_scope`) for an extract's rows and a figure's counts."""

import pytest

from cases.models import ServiceUser
from commissioning.models import ApiClient
from commissioning.selectors import api_scope
from tests.factories import ServiceUserFactory

pytestmark = pytest.mark.django_db


def counted(scope) -> set[int]:
    """The people a figure counts: those of `team_ids()` living in `local_authority_ids`."""
    people = ServiceUser.objects.all()
    team_ids = scope.team_ids()
    if team_ids is not None:
        people = people.filter(team_id__in=team_ids)
    if scope.local_authority_ids is not None:
        people = people.filter(local_authority_id__in=scope.local_authority_ids)
    return set(people.values_list("pk", flat=True))


@pytest.fixture
def everyone(north, south, jo, bob, authorities):
    first, second = authorities[:2]
    ServiceUserFactory(team=north, local_authority=second)
    ServiceUserFactory(team=south, keyworker=bob, local_authority=first)
    ServiceUserFactory(team=south, keyworker=bob, local_authority=second)
    return set(ServiceUser.objects.values_list("pk", flat=True))


@pytest.fixture
def limited_client(authorities):
    client = ApiClient.objects.create(name="First Authority")
    client.local_authorities.add(authorities[0])
    return client


@pytest.mark.parametrize("who", ["alice", "tess", "bob", "gina", "cora", "adam"])
def test_a_figure_counts_exactly_the_people_an_extract_sends(
    request, everyone, limited_client, who
):
    user = request.getfixturevalue(who)
    for client in (None, limited_client, ApiClient.objects.create(name="Whole service")):
        scope = api_scope(user, client)

        assert counted(scope) == set(scope.people().values_list("pk", flat=True)), client


def test_a_commissioner_reaches_only_their_clients_local_authorities(
    everyone, limited_client, cora, authorities
):
    scope = api_scope(cora, limited_client)

    assert scope.team_ids() is None
    assert scope.local_authority_ids == {authorities[0].pk}
    assert set(scope.people().values_list("local_authority_id", flat=True)) == {authorities[0].pk}


def test_a_commissioner_without_an_active_client_reaches_nobody(everyone, limited_client, cora):
    limited_client.is_active = False
    limited_client.save()

    for client in (None, limited_client):
        scope = api_scope(cora, client)
        assert counted(scope) == set()
        assert not scope.people().exists()


def test_staff_reach_their_teams_and_governance_everyone(everyone, north, alice, bob, gina):
    assert api_scope(alice, None).team_ids() == {north.pk}
    assert bob.pk not in set(api_scope(alice, None).people().values_list("keyworker", flat=True))
    assert api_scope(gina, None).team_ids() is None
    assert counted(api_scope(gina, None)) == everyone


def test_an_administrator_reaches_nobody(everyone, adam):
    assert api_scope(adam, None).team_ids() == frozenset()
    assert not api_scope(adam, None).people().exists()
