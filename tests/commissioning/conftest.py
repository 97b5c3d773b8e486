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

from cases.models import Intervention, InterventionType
from commissioning import services
from commissioning.models import ApiClient
from tests.conftest import sign_in_verified
from tests.factories import (
    EpisodeFactory,
    NaloxoneSupplyFactory,
    ServiceUserFactory,
    TopFactory,
    days_ago,
)


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
        return sign_in_verified(Client(), who)

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


def nhs_test_number(stem: str) -> str:
    """A valid NHS number from nine digits (the 999 range is reserved for testing)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(stem))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    assert check != 10, "choose another stem"
    return stem + str(check)


def full_history(person, *, recorded_by):
    """One of every record an extract carries, for `person`."""
    from risk.models import Flag, OutreachAttempt, RuleSet

    episode = EpisodeFactory(service_user=person, referral_date=days_ago(200))
    Intervention.objects.create(
        episode=episode,
        kind=InterventionType.PHARMACOLOGICAL,
        medicine="methadone",
        intention="maintenance",
        daily_dose_mg=60,
        start_date=days_ago(190),
    )
    NaloxoneSupplyFactory(service_user=person, supplied_on=days_ago(30))
    TopFactory(episode=episode)
    flag = Flag.objects.create(
        service_user=person,
        tier="high",
        tier_rank=2,
        score=3,
        summary=f"Released from prison ({person.last_name})",
        rule_codes=["prison-release"],
        rule_set=RuleSet.objects.get(status="active"),
        raised_on=days_ago(9),
        changed_on=days_ago(9),
    )
    OutreachAttempt.objects.create(
        service_user=person,
        flag=flag,
        attempted_on=days_ago(8),
        method="phone",
        outcome="contacted",
        notes=f"Spoke to {person.first_name} at home",
        recorded_by=recorded_by,
    )
    return person


@pytest.fixture
def records(north, south, alice, bob):
    """jo (North, consented) and sam (South, consented) with full histories, and
    una (North, consent not recorded) with hers. Each has identifiers that must never leave."""
    jo = ServiceUserFactory(
        team=north,
        keyworker=alice,
        first_name="Jo",
        last_name="Bloggs",
        nhs_number=nhs_test_number("999123457"),
        postcode="NE1 4ST",
        phone="07700900123",
        address="1 Lantern Lane, Newcastle",
        consent_to_ndtms=True,
    )
    sam = ServiceUserFactory(
        team=south,
        keyworker=bob,
        first_name="Sam",
        last_name="Southwell",
        nhs_number=nhs_test_number("999765432"),
        consent_to_ndtms=True,
    )
    una = ServiceUserFactory(
        team=north, keyworker=alice, first_name="Una", last_name="Unasked", consent_to_ndtms=None
    )
    for person, worker in ((jo, alice), (sam, bob), (una, alice)):
        full_history(person, recorded_by=worker)
    return {"jo": jo, "sam": sam, "una": una}


def extract_url(name: str) -> str:
    from django.urls import reverse

    return reverse(f"api_extract_{name}")


def json_rows(client, name: str, **params) -> list[dict]:
    """Every row of an extract through its JSON pages, following `next` to the end."""
    rows: list[dict] = []
    response = client.get(extract_url(name), params)
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        rows.extend(page["results"])
        if page["next"] is None:
            return rows
        response = client.get(page["next"])


def csv_text(client, name: str, **params) -> str:
    response = client.get(extract_url(name), {**params, "format": "csv"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode()


def csv_rows(client, name: str, **params) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(csv_text(client, name, **params))))


def as_csv_cell(value) -> str:
    """How a JSON value is written in the CSV form of the same extract."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
