"""Who may use the API, and whose rows each receives; commissioners see no person's page."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from care.models import PlanGoal
from cases.models import LocalAuthority
from commissioning.models import ApiClient
from tests.care.factories import goal_of, plan_of
from tests.commissioning.conftest import extract_url, issue_token, json_rows
from tests.factories import EventFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db

EXTRACTS = [
    "people",
    "episodes",
    "interventions",
    "naloxone_supplies",
    "top_assessments",
    "flags",
    "outreach_attempts",
]


def api_urls() -> list[str]:
    return [extract_url(name) for name in EXTRACTS] + [
        reverse(name)
        for name in (
            "api_root",
            "api_schema",
            "api_docs",
            "api_redoc",
            "api_teams",
            "api_local_authorities",
        )
    ]


@pytest.mark.parametrize("url", api_urls())
def test_anonymous_callers_get_401(client, url):
    response = client.get(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("url", api_urls())
def test_an_administrator_gets_403_everywhere_in_the_api(api_as, adam, url):
    assert api_as(adam).get(url).status_code == 403


def test_a_commissioner_without_a_client_gets_403(api_as, cora, records):
    response = api_as(cora).get(extract_url("people"))

    assert response.status_code == 403
    assert "not linked to an active API client" in response.json()["detail"]


def test_a_commissioner_of_a_client_may_use_their_session(api_as, cora, commissioning, records):
    cora.api_client = commissioning
    cora.save()

    rows = json_rows(api_as(cora), "people")

    assert len(rows) == 3


@pytest.mark.parametrize("name", EXTRACTS)
def test_a_commissioner_receives_the_whole_service(cora_api, records, name):
    people = {row["person"] for row in json_rows(cora_api, name)}

    assert len(people) == 3


@pytest.mark.parametrize("name", EXTRACTS)
def test_alices_extract_has_no_south_people(api_as, alice, records, name):
    from commissioning.extracts.base import master_key, pseudonym

    people = {row["person"] for row in json_rows(api_as(alice), name)}

    assert people == {
        pseudonym("person", records[who].external_id, master_key()) for who in ("jo", "una")
    }


@pytest.mark.parametrize("name", EXTRACTS)
def test_bobs_extract_has_none_of_norths_people(api_as, bob, records, name):
    from commissioning.extracts.base import master_key, pseudonym

    people = {row["person"] for row in json_rows(api_as(bob), name)}

    assert people == {pseudonym("person", records["sam"].external_id, master_key())}


def test_governance_receives_everyone(api_as, gina, records):
    assert len(json_rows(api_as(gina), "people")) == 3


def test_a_keyworker_whose_membership_ended_receives_nobody(api_as, alice, records):
    from tests.factories import days_ago

    alice.memberships.update(ends_on=days_ago(1))

    assert json_rows(api_as(alice), "people") == []


def test_a_client_limited_to_local_authorities_receives_only_their_residents(api_as, cora, records):
    home, elsewhere = LocalAuthority.objects.order_by("code")[:2]
    sam = records["sam"]
    sam.local_authority = elsewhere
    sam.save()
    client = ApiClient.objects.create(name="Elsewhere Council")
    client.local_authorities.add(elsewhere)
    raw = issue_token(client, UserFactory(username="eve", role="commissioner"))[1]

    rows = json_rows(api_as(raw), "people")

    assert [row["local_authority"] for row in rows] == [elsewhere.code]
    # Asking for another local authority narrows further; it never widens.
    assert json_rows(api_as(raw), "people", local_authority=home.code) == []


# --- The HTML app: a commissioner reaches no person's page ------------------------------------


# Values for each URL parameter of a person's pages, by name. A page with a parameter not
# named here fails the test below until it is added, so a new page cannot be missed.
def person_url_values(person) -> dict:
    expected = person.events.filter(status="expected").first() or EventFactory(
        service_user=person, kind="prison_release", status="expected", occurred_on=days_ago(-7)
    )
    goal = PlanGoal.objects.filter(plan__service_user=person).first()
    if goal is None:
        goal = goal_of(plan_of(person, person.keyworker), person.keyworker)
    return {
        "external_id": person.external_id,
        "episode_id": person.episodes.first().external_id,
        "event_id": expected.external_id,
        "goal_id": goal.external_id,
        "consent_id": _consent_of(person).external_id,
    }


def _consent_of(person):
    """A consent of the person's to share with a partner, made the first time it is asked for."""
    from partners.models import Consent, PartnerOrganisation

    consent = Consent.objects.filter(service_user=person).first()
    if consent is not None:
        return consent
    organisation, _ = PartnerOrganisation.objects.get_or_create(
        name="Northshire Police", defaults={"kind": "police"}
    )
    return Consent.objects.create(
        service_user=person,
        organisation=organisation,
        given_on=days_ago(1),
        how="in_person",
        scope="Contacts and risk.",
        recorded_by=person.keyworker,
    )


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def person_pages(person) -> list[str]:
    values = person_url_values(person)
    urls = []
    for route, pattern in walk(get_resolver().url_patterns):
        # A review's pages carry the review's id, not a person's; tests/deathreviews holds
        # every review URL to 404 for commissioners.
        # Nor do the overdose pathway's: a follow-up's id, or that of someone not yet known to
        # the service (tests/overdoses and the route matrix hold them to 404 outside the
        # user's scope, for commissioners too).
        if (
            "<uuid:external_id>" not in route
            or route.startswith("reviews/")
            or route.startswith("overdoses/")
        ):
            continue
        params = pattern.pattern.converters.keys() | _resolver_params(route)
        missing = params - values.keys()
        assert not missing, f"{route}: give a value for {missing} in person_url_values"
        urls.append(reverse(pattern.name, kwargs={k: values[k] for k in params}))
    return urls


def _resolver_params(route: str) -> set[str]:
    import re

    return set(re.findall(r"<(?:\w+:)?(\w+)>", route))


def test_the_person_pages_are_found_from_the_resolver(records):
    pages = person_pages(records["jo"])

    assert len(pages) >= 12  # the record, its forms and the outreach actions
    assert reverse("person_detail", args=[records["jo"].external_id]) in pages


# Governance's own pages about a person (who viewed or changed the record).
GOVERNANCE_ONLY = ("/access/", "/access.csv")
# Reassigning a person is for their team lead (cases.access.REASSIGNING_ROLES).
TEAM_LEAD_ONLY = ("/reassign/",)


def test_every_person_page_opens_for_the_keyworker(client_as, alice, gina, tess, records):
    client = client_as(alice)
    for url in person_pages(records["jo"]):
        if url.endswith(GOVERNANCE_ONLY):
            assert client.get(url).status_code == 404, url
            assert client_as(gina).get(url).status_code == 200, url
            client = client_as(alice)
            continue
        if url.endswith(TEAM_LEAD_ONLY):
            assert client.get(url).status_code == 403, url
            assert client_as(tess).get(url).status_code == 200, url
            client = client_as(alice)
            continue
        assert client.get(url).status_code in (200, 405), url


def test_a_commissioner_gets_404_on_every_html_page_of_a_person(client_as, cora, records):
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save()
    client = client_as(cora)
    for url in person_pages(records["jo"]):
        # An action that takes only POST refuses GET first (405), revealing nothing.
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {}).status_code == 404, url
