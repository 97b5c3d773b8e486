import pytest
from django.urls import reverse

from tests.cases.conftest import caseload_queries
from tests.factories import EpisodeFactory, ServiceUserFactory, TopFactory
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db

CASELOAD = reverse("caseload", args=["mine"])


def person(team, keyworker, name, tier=None, score=5):
    someone = ServiceUserFactory(team=team, keyworker=keyworker, last_name=name)
    TopFactory(episode=EpisodeFactory(service_user=someone))
    if tier:
        make_flag(someone, tier=tier, summary=f"{name.lower()} reason", score=score)
    return someone


def names(client, **params) -> list[str]:
    response = client.get(CASELOAD, params)
    assert response.status_code == 200
    return [row.record.last_name for row in response.context["table"].paginated_rows]


def test_the_risk_column_shows_tier_in_words_with_an_icon_and_the_reasons(client_as, alice, north):
    person(north, alice, "Flagged", "high")
    person(north, alice, "Calm")

    content = client_as(alice).get(CASELOAD).content.decode()

    assert "bi-exclamation-triangle-fill" in content
    assert "High</span>" in content
    assert "Flagged reason" in content
    assert "Not flagged" in content


def test_the_caseload_sorts_by_tier_highest_first(client_as, alice, north):
    person(north, alice, "Araised", "raised")
    person(north, alice, "Bnone")
    person(north, alice, "Cvery", "very_high")
    person(north, alice, "Dhigh", "high")
    client = client_as(alice)

    assert names(client, sort="risk") == ["Cvery", "Dhigh", "Araised", "Bnone"]
    assert names(client, sort="-risk") == ["Bnone", "Araised", "Dhigh", "Cvery"]


def test_the_caseload_opens_highest_tier_first_then_heaviest_weight_then_by_name(
    client_as, alice, north
):
    person(north, alice, "Anone")
    person(north, alice, "Braised", "raised", score=2)
    person(north, alice, "Chigh", "high", score=3)
    person(north, alice, "Dhigh", "high", score=4)
    person(north, alice, "Ehigh", "high", score=3)
    person(north, alice, "Zvery", "very_high", score=5)

    assert names(client_as(alice)) == ["Zvery", "Dhigh", "Chigh", "Ehigh", "Braised", "Anone"]


def test_the_caseload_still_sorts_by_name_when_asked(client_as, alice, north):
    person(north, alice, "Bflagged", "very_high")
    person(north, alice, "Anone")

    assert names(client_as(alice), sort="name") == ["Anone", "Bflagged"]


def test_the_caseload_filters_by_tier(client_as, alice, north):
    person(north, alice, "Very", "very_high")
    person(north, alice, "High", "high")
    person(north, alice, "Nobody")
    client = client_as(alice)

    assert names(client, tier="very_high") == ["Very"]
    assert names(client, tier="none") == ["Nobody"]


def test_flags_add_no_queries_per_row(client_as, alice, north):
    client = client_as(alice)
    for i in range(3):
        person(north, alice, f"Few{i}", "high")
    few = caseload_queries(client, sort="risk")[0]
    few_unsorted = caseload_queries(client)[0]
    for i in range(30):
        person(north, alice, f"Many{i}", ("very_high", "high", "raised", None)[i % 4])

    assert caseload_queries(client, sort="risk")[0] == few
    assert caseload_queries(client)[0] == few_unsorted


def test_an_ended_flag_does_not_show_on_the_caseload(client_as, alice, north):
    someone = person(north, alice, "Ended", "high")
    someone.flags.update(ended_on=someone.flags.get().raised_on, status="ended")

    assert "Not flagged" in client_as(alice).get(CASELOAD).content.decode()
