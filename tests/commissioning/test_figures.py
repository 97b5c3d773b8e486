"""The figure endpoints: each family through the API, with the named cast.

The dataset is worked out by hand (period: the second quarter of 2026, beside
the first). Every person has heroin as their problem substance and has been in
treatment since 10/01/2026, so each counts in both quarters' opioid users:

- North (alice's team), living in the first local authority: 5 people, each
  supplied a naloxone kit on 01/02/2026 that expires on 01/01/2027;
- South (bob's team), living in the second local authority: 5 people with no kit.

So naloxone coverage is 5 of 10 (50.0%) for the whole service, 5 of 5 for
North and 0 of 5 for the second local authority, in both quarters.
"""

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Team
from commissioning.figures.endpoint import TEAM_SPLIT_LIMIT
from commissioning.models import ApiClient, ApiRequestLog
from outcomes.figures import SEGMENTS
from outcomes.figures.filters import last_whole_quarter
from tests.commissioning.conftest import issue_token
from tests.factories import TeamFactory
from tests.outcomes.figures.conftest import (
    assert_no_small_count,
    mixed_person,
    person,
    several,
    supply,
    treated,
)

pytestmark = pytest.mark.django_db

D = datetime.date
Q2 = {"from": "2026-04-01", "to": "2026-06-30"}
NALOXONE = reverse("api_figure_naloxone_coverage")
FAMILIES = ("outcome_summary", "naloxone_coverage", "flags_and_outreach", "overdose_pathway")
# Served beside them, tested in tests/commissioning/test_more_figure_families.py.
MORE_FAMILIES = (
    "treatment_exits",
    "top_outcomes",
    "harm_reduction",
    "criminal_justice_and_families",
)


def url(name: str) -> str:
    return reverse(f"api_figure_{name}")


def coverage(result: dict, key: str = "naloxone_kit_supplied", segment=None) -> tuple:
    """(numerator, denominator, value) now and in the previous period."""
    [row] = [r for r in result["figures"] if r["key"] == key and r["segment_value"] == segment]
    before = row["previous"]
    return (
        (row["numerator"], row["denominator"], row["value"]),
        (before["numerator"], before["denominator"], before["value"]),
    )


@pytest.fixture
def opioid_users(north, south, alice, bob, authorities):
    def north_person():
        who = person(team=north, local_authority=authorities[0])
        treated(who, started=D(2026, 1, 10))
        supply(who, on=D(2026, 2, 1), expires=D(2027, 1, 1))

    def south_person():
        who = person(team=south, local_authority=authorities[1])
        treated(who, started=D(2026, 1, 10))

    several(5, north_person)
    several(5, south_person)


def test_a_commissioner_gets_the_whole_services_figures_beside_the_previous_quarter(
    cora_api, opioid_users
):
    response = cora_api.get(NALOXONE, Q2)

    assert response.status_code == 200
    result = response.json()
    assert result["family"] == "naloxone_coverage"
    assert result["period"] == {"start": "2026-04-01", "end": "2026-06-30", "days": 91}
    assert result["previous_period"] == {
        "start": "2026-01-01",
        "end": "2026-03-31",
        "days": 90,
        "rule": "previous_whole_months",
    }
    assert coverage(result) == ((5, 10, 50.0), (5, 10, 50.0))
    assert coverage(result, "naloxone_kit_in_date") == ((5, 10, 50.0), (5, 10, 50.0))


def test_alices_figures_count_only_norths_people(api_as, alice, opioid_users):
    result = api_as(alice).get(NALOXONE, Q2).json()

    assert coverage(result) == ((5, 5, 100.0), (5, 5, 100.0))


def test_a_keyworker_asking_for_another_team_is_refused_at_team(api_as, alice, south):
    response = api_as(alice).get(NALOXONE, {**Q2, "team": south.pk})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "team": [f"Team {south.pk} is outside the teams you may see."]
    }


def test_governance_counts_the_whole_service(api_as, gina, opioid_users):
    assert coverage(api_as(gina).get(NALOXONE, Q2).json())[0] == (5, 10, 50.0)


def test_a_commissioner_limited_to_a_local_authority_counts_only_its_residents(
    api_as, cora, authorities, opioid_users
):
    limited = ApiClient.objects.create(name="Second Authority Commissioning")
    limited.local_authorities.set([authorities[1]])
    token = issue_token(limited, cora)[1]

    result = api_as(token).get(NALOXONE, Q2).json()

    assert coverage(result) == ((0, 5, 0.0), (0, 5, 0.0))


def test_a_limited_commissioner_may_narrow_but_never_widen_their_local_authorities(
    api_as, cora, authorities, opioid_users
):
    limited = ApiClient.objects.create(name="Two Authorities")
    limited.local_authorities.set(authorities[:2])
    client = api_as(issue_token(limited, cora)[1])

    narrowed = client.get(NALOXONE, {**Q2, "local_authority": authorities[0].code})
    widened = client.get(NALOXONE, {**Q2, "local_authority": authorities[2].code})

    assert coverage(narrowed.json())[0] == (5, 5, 100.0)
    assert widened.status_code == 400
    assert widened.json()["errors"] == {
        "local_authority": [
            f"Your client's figures do not cover {authorities[2].code}: ask only for its "
            "own local authorities."
        ]
    }


def test_a_split_lists_each_value_with_the_whole_first(cora_api, authorities, opioid_users):
    result = cora_api.get(NALOXONE, {**Q2, "segment": "local_authority"}).json()

    assert result["segment"] == "local_authority"
    assert coverage(result, segment=None)[0] == (5, 10, 50.0)
    assert coverage(result, segment=authorities[0].code)[0] == (5, 5, 100.0)
    assert coverage(result, segment=authorities[1].code)[0] == (0, 5, 0.0)


def test_small_numbers_are_withheld_in_the_response(cora_api, north):
    def supplied():
        who = person(team=north)
        treated(who, started=D(2026, 1, 10))
        supply(who, on=D(2026, 2, 1), expires=D(2027, 1, 1))

    several(3, supplied)

    result = cora_api.get(NALOXONE, Q2).json()
    [row] = [r for r in result["figures"] if r["key"] == "naloxone_kit_supplied"]

    assert (row["numerator"], row["denominator"], row["value"], row["suppressed"]) == (
        None,
        None,
        None,
        True,
    )


def test_without_a_period_the_figures_are_for_the_last_whole_quarter(cora_api):
    result = cora_api.get(NALOXONE).json()

    # Today is in the fourth quarter of 2026 or later, so the last whole quarter ended
    # on the last day of a quarter before today.
    quarter = last_whole_quarter(datetime.date.fromisoformat(result["computed_on"]))
    assert result["period"]["start"] == quarter.start.isoformat()
    assert result["period"]["end"] == quarter.end.isoformat()
    assert result["previous_period"]["rule"] == "previous_whole_months"


def test_last_whole_quarter_is_the_quarter_before_the_one_today_is_in():
    assert last_whole_quarter(D(2026, 12, 1)).as_json() == {
        "start": "2026-07-01",
        "end": "2026-09-30",
        "days": 92,
    }
    assert last_whole_quarter(D(2026, 1, 1)).as_json() == {
        "start": "2025-10-01",
        "end": "2025-12-31",
        "days": 92,
    }
    assert last_whole_quarter(D(2026, 3, 31)).start == D(2025, 10, 1)


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        (
            {"from": "2026-04-01"},
            "to",
            "Give to as well as from, or neither for the last whole quarter.",
        ),
        (
            {"to": "2026-06-30"},
            "from",
            "Give from as well as to, or neither for the last whole quarter.",
        ),
        ({"from": "2026-04-01", "to": "2027-06-30"}, "to", None),
        ({"from": "2016-04-01", "to": "2026-06-30"}, "from", None),
        ({"from": "2026-06-30", "to": "2026-04-01"}, "to", "The period ends before it starts."),
        ({"from": "01/04/2026", "to": "2026-06-30"}, "from", None),
        ({"segment": "postcode"}, "segment", None),
        ({"team": "999999"}, "team", "No team has the id 999999."),
        ({"local_authority": "X99999999"}, "local_authority", None),
        ({"colour": "red"}, "colour", None),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(cora_api, params, parameter, message):
    response = cora_api.get(NALOXONE, params)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [parameter]
    if message is not None:
        assert errors[parameter] == [message]


def test_a_period_ending_after_today_is_refused_in_words(cora_api):
    # Within a year from today: a later end is refused as a mistyped year (tests/security/).
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    start = tomorrow - datetime.timedelta(days=60)
    response = cora_api.get(NALOXONE, {"from": start.isoformat(), "to": tomorrow.isoformat()})

    assert response.status_code == 400
    [message] = response.json()["errors"]["to"]
    assert message.startswith("The period ends after today")


def test_a_team_split_of_more_teams_than_the_limit_is_refused(cora_api, settings):
    service = TeamFactory().service
    Team.objects.bulk_create(
        Team(service=service, name=f"Extra team {i}") for i in range(TEAM_SPLIT_LIMIT)
    )

    response = cora_api.get(NALOXONE, {**Q2, "segment": "team"})

    assert response.status_code == 400
    [message] = response.json()["errors"]["segment"]
    assert message.startswith(
        f"A split by team gives every figure for each of {TEAM_SPLIT_LIMIT + 1}"
    )


def test_a_team_split_of_chosen_teams_is_served(cora_api, north, south, opioid_users):
    response = cora_api.get(NALOXONE, {**Q2, "segment": "team", "team": f"{north.pk},{south.pk}"})

    assert response.status_code == 200
    result = response.json()
    assert coverage(result, segment=str(north.pk))[0] == (5, 5, 100.0)
    assert coverage(result, segment=str(south.pk))[0] == (0, 5, 0.0)


@pytest.mark.parametrize("name", FAMILIES)
def test_every_family_is_served_and_recorded(cora_api, commissioning, opioid_users, name):
    response = cora_api.get(url(name), {**Q2, "segment": "sex"})

    assert response.status_code == 200
    result = response.json()
    assert result["family"] == name
    log = ApiRequestLog.objects.get()
    assert (log.client, log.extract, log.status) == (commissioning, f"figures:{name}", 200)
    assert log.rows == len(result["figures"]) > 0
    assert log.query == {"from": ["2026-04-01"], "to": ["2026-06-30"], "segment": ["sex"]}


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


def test_figures_have_a_rate_of_their_own(cora_api, settings):
    settings.LANTERN_API_FIGURE_RATE = "2/hour"

    statuses = [cora_api.get(NALOXONE, Q2).status_code for _ in range(3)]
    extract = cora_api.get(reverse("api_teams"))

    assert statuses == [200, 200, 429]
    assert extract.status_code == 200


def test_every_figure_endpoint_is_listed_at_the_api_root(cora_api):
    figures = cora_api.get(reverse("api_root")).json()["figures"]

    assert figures == {
        "outcome_summary": "http://testserver/api/v1/figures/outcome-summary/",
        "naloxone_coverage": "http://testserver/api/v1/figures/naloxone-coverage/",
        "flags_and_outreach": "http://testserver/api/v1/figures/flags-and-outreach/",
        "overdose_pathway": "http://testserver/api/v1/figures/overdose-pathway/",
        "case_reviews": "http://testserver/api/v1/figures/case-reviews/",
        "death_reviews": "http://testserver/api/v1/figures/death-reviews/",
        "fairness": "http://testserver/api/v1/figures/fairness/",
        "treatment_exits": "http://testserver/api/v1/figures/treatment-exits/",
        "top_outcomes": "http://testserver/api/v1/figures/top-outcomes/",
        "harm_reduction": "http://testserver/api/v1/figures/harm-reduction/",
        "criminal_justice_and_families": (
            "http://testserver/api/v1/figures/criminal-justice-and-families/"
        ),
    }
    assert list(figures) == [
        *FAMILIES,
        "case_reviews",
        "death_reviews",
        "fairness",
        *MORE_FAMILIES,
    ]


# No small number in a real response -------------------------------------------------


@pytest.fixture
def mixed_population(tess, north, south, authorities):
    """The figure tests' thin, mixed population (seeded), drawn over three teams."""
    rng = random.Random(2026)
    teams = [north, south, TeamFactory(name="East")]
    for _ in range(90):
        mixed_person(rng, teams, authorities, tess)


def test_no_count_from_one_to_four_leaves_in_any_response(cora_api, mixed_population):
    checked = withheld = 0
    for name in FAMILIES:
        for segment in (None, *SEGMENTS):
            params = {**Q2, **({"segment": segment} if segment else {})}
            response = cora_api.get(url(name), params)
            assert response.status_code == 200, (name, segment, response.content)
            for row in response.json()["figures"]:
                for values in (row, row["previous"]):
                    checked += 1
                    withheld += values["suppressed"]
                    assert_no_small_count(values, row)
    # Thin enough that suppression had work to do, not so thin that it withheld everything.
    assert 0.1 < withheld / checked < 0.9
