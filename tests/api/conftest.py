"""The commissioner API's cast: cora's client and her token, and calls made with it.

- `commissioning`: the API client cora belongs to (pseudonyms of its own)
- `cora_token`: (token, raw) for cora, valid for 30 days
- `api_as(user_or_raw_token)`: a Django test client that calls as a session user or a token
"""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cases import services
from cases.models import ApiClient
from tests.factories import EpisodeFactory, ServiceUserFactory


@pytest.fixture(autouse=True)
def fresh_throttles():
    # Throttle counts live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commissioning(db):
    return ApiClient.objects.create(name="North Commissioning")


def issue_token(client: ApiClient, user, *, days: int = 30, name: str = "returns"):
    return services.api_token_create(
        client=client,
        user=user,
        name=name,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        created_by=None,
    )


@pytest.fixture
def cora_token(commissioning, cora):
    return issue_token(commissioning, cora)


@pytest.fixture
def api_as(db):
    def calling_as(who) -> Client:
        if isinstance(who, str):
            return Client(headers={"Authorization": f"Bearer {who}"})
        client = Client()
        client.force_login(who)
        return client

    return calling_as


@pytest.fixture
def cora_api(api_as, cora_token):
    return api_as(cora_token[1])


@pytest.fixture
def south_person(south, bob):
    person = ServiceUserFactory(team=south, keyworker=bob, last_name="Southern")
    EpisodeFactory(service_user=person)
    return person


@pytest.fixture
def north_person(jo):
    EpisodeFactory(service_user=jo)
    return jo
