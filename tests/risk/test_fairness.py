"""The fairness report, on a population worked out by hand.

The period is the second quarter of 2026; the risk population is taken on 30/06/2026.
Everyone lives in the same local authority and is of the same ethnicity, so those splits
have one group, which is the whole population (and is never compared with a rest of
nobody). By sex and by age band (born 1980: 45-54; born 1995: 25-34):

                        in the population   flagged on 30/06 (tiers)      outreach flags
    men, born 1980      20                  15 (5 very high, 10 high)     15, 10 reached
    men, born 1995      20                  15 (10 high, 5 raised)        10, 10 reached
    women, born 1980    20                  5 (raised)                    -
    women, born 1995    20                  5 (raised)                    -

and outside the population on 30/06: 5 men born 1980 who died on 01/06 with a very high
flag open since March (captured, at high or above); 5 men born 1995 who overdosed on 15/04,
the day their raised flag was raised (not open the day before: not captured); 5 women
born 1995 who overdosed on 10/06, never flagged.
"""

import datetime

import jsonschema
import pytest
from django.urls import reverse

from cases.models import AccessEvent, LocalAuthority, ServiceUser
from outcomes.figures import FigureFilters
from risk.fairness import (
    CHARACTERISTICS,
    FAIRNESS_SCHEMA,
    Z_THRESHOLD,
    fairness_report,
    z_score,
)
from risk.fairness.counts import _statements
from tests.factories import EventFactory
from tests.outcomes.figures.conftest import D, person, quarter_two, treated
from tests.risk.test_figures import flagged, reach

pytestmark = pytest.mark.django_db

OLDER, YOUNGER = D(1980, 5, 1), D(1995, 5, 1)
OLDER_BAND, YOUNGER_BAND = "45-54", "25-34"
HIGHER = "Higher than the whole population, by more than chance"
LOWER = "Lower than the whole population, by more than chance"


def in_treatment(team, *, sex: str, born: datetime.date, ethnicity: str = "A"):
    who = person(team=team, sex=sex, born=born, ethnicity=ethnicity)
    treated(who, started=D(2026, 1, 10))
    return who


def group(team, count: int, *, sex: str, born: datetime.date, tier: str | None, reached: int, by):
    """`count` people in treatment; the first `reached` of them flagged at `tier` on
    01/05 are reached two days later."""
    people = [in_treatment(team, sex=sex, born=born) for _ in range(count)]
    for i, who in enumerate(people):
        if tier is not None:
            flagged(who, tier, D(2026, 5, 1), ("male",))
            if i < reached:
                reach(who, D(2026, 5, 3), by)
    return people


@pytest.fixture
def population(north, tess):
    group(north, 5, sex="M", born=OLDER, tier="very_high", reached=5, by=tess)
    group(north, 10, sex="M", born=OLDER, tier="high", reached=5, by=tess)
    group(north, 5, sex="M", born=OLDER, tier=None, reached=0, by=tess)
    group(north, 10, sex="M", born=YOUNGER, tier="high", reached=10, by=tess)
    group(north, 5, sex="M", born=YOUNGER, tier="raised", reached=0, by=tess)
    group(north, 5, sex="M", born=YOUNGER, tier=None, reached=0, by=tess)
    group(north, 5, sex="F", born=OLDER, tier="raised", reached=0, by=tess)
    group(north, 15, sex="F", born=OLDER, tier=None, reached=0, by=tess)
    group(north, 5, sex="F", born=YOUNGER, tier="raised", reached=0, by=tess)
    group(north, 15, sex="F", born=YOUNGER, tier=None, reached=0, by=tess)
    for _ in range(5):
        died = in_treatment(north, sex="M", born=OLDER)
        flagged(died, "very_high", D(2026, 3, 1), ("male",))
        ServiceUser.objects.filter(pk=died.pk).update(date_of_death=D(2026, 6, 1))
    for _ in range(5):
        overdosed = person(team=north, sex="M", born=YOUNGER)
        flagged(overdosed, "raised", D(2026, 4, 15), ("male",))
        EventFactory(service_user=overdosed, kind="non_fatal_overdose", occurred_on=D(2026, 4, 15))
    for _ in range(5):
        overdosed = person(team=north, sex="F", born=YOUNGER)
        EventFactory(service_user=overdosed, kind="non_fatal_overdose", occurred_on=D(2026, 6, 10))


def cell(result, key, *, segment=None, value=None, category=None) -> dict:
    found = [
        r
        for r in result["figures"]
        if (r["key"], r["segment"], r["segment_value"], r["category"])
        == (key, segment, value, category)
    ]
    assert len(found) == 1, (key, segment, value, category, len(found))
    return found[0]


def shown(row: dict) -> tuple:
    return row["numerator"], row["denominator"], row["value"], row["difference_words"]


def test_the_flag_rate_and_tier_mix_of_each_group_beside_the_whole_population(population):
    result = fairness_report(quarter_two())

    assert shown(cell(result, "flag_rate")) == (40, 80, 50.0, None)
    assert shown(cell(result, "flag_rate", segment="sex", value="M")) == (30, 40, 75.0, HIGHER)
    assert shown(cell(result, "flag_rate", segment="sex", value="F")) == (10, 40, 25.0, LOWER)
    # Both age bands are flagged alike: no mark.
    older = cell(result, "flag_rate", segment="age_band", value=OLDER_BAND)
    assert shown(older) == (20, 40, 50.0, None)
    assert older["z"] == 0.0
    tiers = {
        t: shown(cell(result, "tier_mix", category=t))[:3] for t in ("very_high", "high", "raised")
    }
    assert tiers == {
        "very_high": (5, 40, 12.5),
        "high": (20, 40, 50.0),
        "raised": (15, 40, 37.5),
    }
    women_raised = cell(result, "tier_mix", segment="sex", value="F", category="raised")
    assert shown(women_raised) == (10, 10, 100.0, HIGHER)


def test_outreach_within_7_days_uses_the_very_high_and_high_flags_raised_in_the_period(
    population,
):
    result = fairness_report(quarter_two())

    assert shown(cell(result, "reached_within_7_days"))[:3] == (20, 25, 80.0)
    men = cell(result, "reached_within_7_days", segment="sex", value="M")
    assert shown(men)[:3] == (20, 25, 80.0)
    # Women had no outreach flag: a rate over nobody, not a secret, and not compared.
    women = cell(result, "reached_within_7_days", segment="sex", value="F")
    assert (women["numerator"], women["denominator"], women["value"], women["suppressed"]) == (
        0,
        0,
        None,
        False,
    )
    assert women["z"] is None
    younger = cell(result, "reached_within_7_days", segment="age_band", value=YOUNGER_BAND)
    assert shown(younger)[:3] == (10, 10, 100.0)
    assert not men["provisional"]


def test_deaths_and_overdoses_are_captured_by_a_flag_open_the_day_before(population):
    result = fairness_report(quarter_two())

    assert shown(cell(result, "outcomes"))[:3] == (15, None, 15)
    assert cell(result, "outcomes", category="death")["value"] == 5
    assert cell(result, "outcomes", category="overdose")["value"] == 10
    assert shown(cell(result, "captured"))[:3] == (5, 15, 33.3)
    assert shown(cell(result, "captured_high"))[:3] == (5, 15, 33.3)
    # The deaths were of men born 1980, flagged very high since March: all captured,
    # more than chance would give; the overdoses of the flag raised that very day were not.
    older = cell(result, "captured_high", segment="age_band", value=OLDER_BAND)
    assert shown(older) == (5, 5, 100.0, HIGHER)
    younger = cell(result, "captured", segment="age_band", value=YOUNGER_BAND)
    assert shown(younger) == (0, 10, 0.0, LOWER)
    # Men 5 of 10, women 0 of 5: a difference chance could give (|z| about 1.9).
    men = cell(result, "captured", segment="sex", value="M")
    assert shown(men) == (5, 10, 50.0, None)
    assert 1.9 < men["z"] < Z_THRESHOLD


def test_a_split_with_one_group_compares_nothing(population):
    result = fairness_report(quarter_two())

    ethnicity = [r for r in result["figures"] if r["segment"] == "ethnicity" and r["numerator"]]
    assert ethnicity
    assert all(r["z"] is None and r["difference"] is None for r in ethnicity)


def test_the_report_holds_to_its_schema_with_a_row_for_every_group(population):
    result = fairness_report(quarter_two())

    jsonschema.validate(result, FAIRNESS_SCHEMA)
    assert {r["segment"] for r in result["figures"]} == {None, *CHARACTERISTICS}
    assert result["population_on"] == "2026-06-30"
    assert result["test"]["threshold"] == Z_THRESHOLD
    assert "serviceuser" not in str(result).lower()


def test_small_groups_are_withheld_and_never_marked(north, tess):
    for _ in range(20):
        who = in_treatment(north, sex="M", born=OLDER)
        flagged(who, "high", D(2026, 5, 1), ("male",))
    for _ in range(20):
        in_treatment(north, sex="F", born=OLDER)
    # Three people of another ethnicity, all flagged: far above the rest, but too few to show.
    for _ in range(3):
        who = in_treatment(north, sex="F", born=OLDER, ethnicity="H")
        flagged(who, "high", D(2026, 5, 1), ("male",))

    result = fairness_report(quarter_two())

    few = cell(result, "flag_rate", segment="ethnicity", value="H")
    assert (few["numerator"], few["denominator"], few["value"], few["suppressed"]) == (
        None,
        None,
        None,
        True,
    )
    assert (few["difference"], few["z"]) == (None, None)
    # The rest of the ethnicities would give it back from the whole: one is withheld too.
    others = [
        r
        for r in result["figures"]
        if r["key"] == "flag_rate" and r["segment"] == "ethnicity" and r["suppressed"]
    ]
    assert len(others) >= 2
    # The women's count differs from the whole by the men's, which are shown: no leak.
    women = cell(result, "flag_rate", segment="sex", value="F")
    assert women["numerator"] is None
    assert all(r["difference"] is None for r in result["figures"] if r["suppressed"])


def test_a_team_scope_counts_only_its_people(population, south):
    elsewhere = in_treatment(south, sex="M", born=OLDER)
    flagged(elsewhere, "very_high", D(2026, 5, 1), ("male",))

    north_only = fairness_report(quarter_two(person_scope=[population_team_id()]))
    everyone = fairness_report(quarter_two())

    assert cell(north_only, "flag_rate")["denominator"] == 80
    assert cell(everyone, "flag_rate")["denominator"] == 81


def population_team_id() -> int:
    return ServiceUser.objects.filter(sex="F").values_list("team_id", flat=True).first()


def test_the_z_score_is_the_pooled_two_proportion_test():
    assert z_score((30, 40), (40, 80)) == pytest.approx(4.472, abs=0.001)
    assert z_score((5, 5), (5, 5)) is None  # nobody else
    assert z_score((0, 5), (0, 10)) is None  # nobody has it


# Disability, sexual orientation and religion ------------------------------------------
#
# 73 people in treatment on 30/06/2026, of one sex, age band, ethnicity and local authority:
#
#                                   disability      orientation    religion     flagged
#     20 (10 with one kind, 10 two) disabled        heterosexual   christian    20 (high)
#     20                            none            heterosexual   none          0
#      3                            none            heterosexual   muslim        0
#     30 never asked                not recorded    not recorded   not recorded  8 (raised)
#
# By disability: 20 of 20 disabled are flagged against 8 of the other 53 (z about 6.65),
# none of the 23 with no disability against 28 of 50 (z about -4.57), and 8 of 30 not
# recorded against 20 of 43 (z about -1.72, a difference chance could give). The 3 Muslims
# are too few to show; the 20 of no religion, the smallest other group, are withheld beside
# them, since the whole minus the rest would give the 3 back; their unflagged rests too.


def equality_person(team, *, disabilities, orientation, religion, tier):
    who = in_treatment(team, sex="M", born=OLDER)
    ServiceUser.objects.filter(pk=who.pk).update(
        disabilities=disabilities, sexual_orientation=orientation, religion=religion
    )
    if tier is not None:
        flagged(who, tier, D(2026, 5, 1), ("male",))
    return who


@pytest.fixture
def equalities(north):
    for i in range(20):
        kinds = ["mobility"] if i < 10 else ["mobility", "sight"]
        equality_person(
            north, disabilities=kinds, orientation="heterosexual", religion="christian", tier="high"
        )
    for _ in range(20):
        equality_person(
            north, disabilities=["none"], orientation="heterosexual", religion="none", tier=None
        )
    for _ in range(3):
        equality_person(
            north, disabilities=["none"], orientation="heterosexual", religion="muslim", tier=None
        )
    for i in range(30):
        equality_person(
            north, disabilities=[], orientation="", religion="", tier="raised" if i < 8 else None
        )


def test_each_disability_group_is_compared_with_the_whole_and_not_asked_is_a_group(equalities):
    result = fairness_report(quarter_two())

    assert shown(cell(result, "flag_rate")) == (28, 73, 38.4, None)
    # Two kinds of disability are one person in one group, not two.
    disabled = cell(result, "flag_rate", segment="disability", value="disabled")
    assert shown(disabled) == (20, 20, 100.0, HIGHER)
    assert disabled["segment_label"] == "Has a disability (any kind)"
    assert disabled["z"] == pytest.approx(6.65, abs=0.01)
    none = cell(result, "flag_rate", segment="disability", value="none")
    assert shown(none) == (0, 23, 0.0, LOWER)
    assert none["z"] == pytest.approx(-4.57, abs=0.01)
    not_asked = cell(result, "flag_rate", segment="disability", value="not_recorded")
    assert shown(not_asked) == (8, 30, 26.7, None)
    assert not_asked["segment_label"] == "Not recorded"
    assert not_asked["z"] == pytest.approx(-1.72, abs=0.01)
    # Nobody said they would rather not: a group of nobody, shown and never compared.
    unsaid = cell(result, "flag_rate", segment="disability", value="not_stated")
    assert (unsaid["numerator"], unsaid["denominator"], unsaid["z"]) == (0, 0, None)


def test_sexual_orientation_has_its_recorded_answers_and_not_recorded(equalities):
    result = fairness_report(quarter_two())

    straight = cell(result, "flag_rate", segment="sexual_orientation", value="heterosexual")
    assert shown(straight) == (20, 43, 46.5, None)
    assert straight["z"] == pytest.approx(1.72, abs=0.01)
    not_asked = cell(result, "flag_rate", segment="sexual_orientation", value="not_recorded")
    assert shown(not_asked) == (8, 30, 26.7, None)
    high = cell(
        result, "tier_mix", segment="sexual_orientation", value="heterosexual", category="high"
    )
    assert shown(high)[:3] == (20, 20, 100.0)


def test_a_small_religion_is_withheld_with_a_neighbour_and_never_marked(equalities):
    result = fairness_report(quarter_two())

    christian = cell(result, "flag_rate", segment="religion", value="christian")
    assert shown(christian) == (20, 20, 100.0, HIGHER)
    few = cell(result, "flag_rate", segment="religion", value="muslim")
    assert (few["denominator"], few["value"], few["suppressed"], few["z"]) == (
        None,
        None,
        True,
        None,
    )
    # The whole minus the other groups would give the 3 back: the smallest other is withheld.
    beside = cell(result, "flag_rate", segment="religion", value="none")
    assert (beside["denominator"], beside["suppressed"]) == (None, True)
    assert shown(cell(result, "flag_rate", segment="religion", value="not_recorded")) == (
        8,
        30,
        26.7,
        None,
    )
    # The same people split by disability lose nothing: no group there is small.
    disability = [
        r for r in result["figures"] if r["segment"] == "disability" and r["key"] == "flag_rate"
    ]
    assert not any(r["suppressed"] for r in disability)


def test_every_characteristic_is_read_in_the_one_statement_of_people():
    statements = _statements(quarter_two())

    assert set(statements) == {"people", "flags", "reached"}
    names = [c.name for c in statements["people"].columns]
    assert names == ["person_id", "in_population", *CHARACTERISTICS]


# The governance page --------------------------------------------------------------------


def test_governance_sees_a_table_per_characteristic_in_a_fixed_number_of_queries(
    population, client_as, gina, django_assert_num_queries
):
    client = client_as(gina)
    url = reverse("fairness_report")
    params = {"start": "01/04/2026", "end": "30/06/2026"}
    client.get(url, params)  # sessions and caches warmed
    with django_assert_num_queries(FAIRNESS_PAGE_QUERIES):
        response = client.get(url, params)

    assert response.status_code == 200
    page = response.content.decode()
    for characteristic in CHARACTERISTICS:
        assert f'id="table-{characteristic}"' in page
    assert "Whole population" in page
    assert HIGHER in page
    assert LOWER in page
    assert "2.58" in page
    assert "(30 of 40)" in page


# The session, the user, the local authorities' codes and names for the split, and the
# form's lists of teams and local authorities, whatever the number of people: the
# figures' rows are streamed in bulk by `core.frames`, beside the ORM.
FAIRNESS_PAGE_QUERIES = 6


def test_the_page_shows_aggregates_and_records_no_read(population, client_as, gina):
    before = AccessEvent.objects.count()
    response = client_as(gina).get(reverse("fairness_report"))

    assert response.status_code == 200
    assert AccessEvent.objects.count() == before


def test_a_team_lead_chooses_only_among_their_own_teams(population, client_as, tess, south):
    client = client_as(tess)
    url = reverse("fairness_report")

    mine = client.get(url, {"start": "01/04/2026", "end": "30/06/2026"})
    theirs = client.get(url, {"start": "01/04/2026", "end": "30/06/2026", "team": south.pk})

    assert mine.status_code == 200
    assert "South" not in [str(t) for t in mine.context["form"].fields["team"].queryset]
    assert theirs.status_code == 400


def test_a_period_that_cannot_be_shown_is_refused_at_the_field(client_as, gina):
    response = client_as(gina).get(
        reverse("fairness_report"), {"start": "30/06/2026", "end": "01/04/2026"}
    )

    assert response.status_code == 400
    assert response.context["report"] is None
    assert response.context["form"].errors


@pytest.mark.parametrize("who", ["alice", "cora", "bob"])
def test_keyworkers_and_commissioners_have_no_fairness_page(client_as, request, who):
    response = client_as(request.getfixturevalue(who)).get(reverse("fairness_report"))

    assert response.status_code == 403


def test_signing_in_comes_first(client):
    response = client.get(reverse("fairness_report"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_one_local_authority_narrows_the_report(population, client_as, gina):
    authority = LocalAuthority.objects.order_by("code").first()
    response = client_as(gina).get(
        reverse("fairness_report"),
        {"start": "01/04/2026", "end": "30/06/2026", "local_authority": authority.pk},
    )

    assert response.status_code == 200


def test_filters_ignore_a_segment_asked_for():
    filters = FigureFilters(start=D(2026, 4, 1), end=D(2026, 6, 30), segment="team")

    assert fairness_report(filters)["figures"][0]["segment"] is None
