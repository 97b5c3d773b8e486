"""Every dashboard figure on a small dataset whose answers are worked out by hand below.

The period is the calendar year 2025. In it:

- A: drug death on 10/02/2025, North, in treatment. A very high flag raised 01/02/2025
  and still open; an outreach attempt on 05/02/2025 reached them. Died at home, not
  witnessed, no naloxone kit. Heroin and alcohol implicated, cannabis found but not.
- B: drug death on 20/05/2025, North, left treatment on 15/01/2025 (within 6 months).
  A high flag from 01/03/2025 to 01/05/2025 (so not flagged at death, but within the
  28 days before); an attempt on 10/05/2025 did not reach them. Died in a public place.
  Heroin and pregabalin implicated.
- C: alcohol death on 05/08/2025, South, left treatment on 01/06/2024 (over 6 months).
  A raised flag that ended on 01/03/2025, outside the 90 days before. Died at home.
  Alcohol implicated.
- D: drug death on 11/11/2025 of someone never known. Died in a hostel. Fentanyl.
- E: near-fatal overdose on 02/05/2025 of someone never known.
- F: drug death on 20/12/2024, outside the period.
"""

import datetime

import pytest
from django.urls import reverse

from deathreviews import dashboard
from deathreviews.models import LearningTheme
from risk import services as risk_services
from risk.models import Flag
from tests.deathreviews.conftest import add_action, add_finding, notify, update
from tests.factories import EpisodeFactory, ServiceUserFactory, days_ago, discharge_reason
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def person(team, referral: str, discharged: str | None = None):
    someone = ServiceUserFactory(team=team)
    EpisodeFactory(
        service_user=someone,
        referral_date=d(referral),
        start_date=d(referral),
        triage_date=d(referral),
        discharge_date=d(discharged) if discharged else None,
        discharge_reason=discharge_reason("dropped_out") if discharged else None,
    )
    return someone


@pytest.fixture
def dataset(gina, alice, north, south):
    alone = LearningTheme.objects.get(name="Using alone")
    naloxone = LearningTheme.objects.get(name="Naloxone not present or not used")

    a = person(north, "2024-01-01")
    make_flag(a, tier="very_high", raised_on=d("2025-02-01"))
    risk_services.outreach_attempt_create(
        service_user=a,
        recorded_by=alice,
        attempted_on=d("2025-02-05"),
        method="phone",
        outcome="contacted",
    )
    review_a = notify(gina, person=a, occurred_on=d("2025-02-10"))
    update(
        review_a,
        gina,
        place_of_death="own_home",
        witnessed=False,
        naloxone_present=False,
        themes=[alone, naloxone],
    )
    add_finding(review_a, gina, "heroin")
    add_finding(review_a, gina, "alcohol")
    add_finding(review_a, gina, "cannabis", implicated=False)
    add_action(review_a, gina, due_on=d("2025-06-01"), description="Overdue one")
    add_action(review_a, gina, due_on=d("2025-06-01"), description="Done one", status="done")

    b = person(north, "2024-01-01", discharged="2025-01-15")
    flag_b = make_flag(b, tier="high", raised_on=d("2025-03-01"))
    Flag.objects.filter(pk=flag_b.pk).update(
        ended_on=d("2025-05-01"), status="ended", end_reason="stopped_firing"
    )
    risk_services.outreach_attempt_create(
        service_user=b,
        recorded_by=alice,
        attempted_on=d("2025-05-10"),
        method="visit",
        outcome="not_contactable",
    )
    review_b = notify(gina, person=b, occurred_on=d("2025-05-20"))
    update(review_b, gina, place_of_death="public", themes=[alone])
    add_finding(review_b, gina, "heroin")
    add_finding(review_b, gina, "pregabalin")
    add_action(review_b, gina, due_on=days_ago(-30))

    c = person(south, "2023-01-01", discharged="2024-06-01")
    flag_c = make_flag(c, tier="raised", raised_on=d("2025-01-01"))
    Flag.objects.filter(pk=flag_c.pk).update(
        ended_on=d("2025-03-01"), status="ended", end_reason="stopped_firing"
    )
    review_c = notify(gina, person=c, kind="alcohol_death", occurred_on=d("2025-08-05"))
    update(review_c, gina, place_of_death="own_home")
    add_finding(review_c, gina, "alcohol")

    review_d = notify(gina, person_name="Dee Unknown", occurred_on=d("2025-11-11"))
    update(review_d, gina, place_of_death="hostel")
    add_finding(review_d, gina, "fentanyl")

    notify(gina, person_name="Eve Unknown", kind="near_fatal", occurred_on=d("2025-05-02"))
    notify(gina, person_name="Fay Earlier", occurred_on=d("2024-12-20"))
    return {"a": a}


@pytest.fixture
def figures(dataset, gina):
    return dashboard.dashboard(gina, START, END)


def test_the_totals(figures):
    assert figures["totals"] == {
        "reviews": 5,
        "deaths": 4,
        "drug_deaths": 3,
        "alcohol_deaths": 1,
        "near_fatal": 1,
    }


def test_reviews_by_quarter(figures):
    assert figures["by_quarter"] == [
        {"quarter": "2025 Q1", "drug_death": 1, "alcohol_death": 0, "near_fatal": 0},
        {"quarter": "2025 Q2", "drug_death": 1, "alcohol_death": 0, "near_fatal": 1},
        {"quarter": "2025 Q3", "drug_death": 0, "alcohol_death": 1, "near_fatal": 0},
        {"quarter": "2025 Q4", "drug_death": 1, "alcohol_death": 0, "near_fatal": 0},
    ]


def test_reviews_by_team(figures):
    assert figures["by_team"] == [
        {"team": "North", "deaths": 2, "near_fatal": 0},
        {"team": "Not known to the service", "deaths": 1, "near_fatal": 1},
        {"team": "South", "deaths": 1, "near_fatal": 0},
    ]


def test_deaths_by_place(figures):
    assert figures["by_place"] == [
        {"place": "Their own home", "deaths": 2, "share": 50.0},
        {"place": "Hostel or supported accommodation", "deaths": 1, "share": 25.0},
        {"place": "Street or public place", "deaths": 1, "share": 25.0},
    ]


def test_deaths_by_circumstance(figures):
    witnessed = figures["by_circumstance"][0]
    kit = figures["by_circumstance"][1]

    assert witnessed == {
        "circumstance": "Witnessed",
        "yes": 0,
        "no": 1,
        "unknown": 3,
        "share_yes": 0.0,
    }
    assert (kit["circumstance"], kit["no"], kit["unknown"]) == ("Naloxone kit present", 1, 3)


def test_treatment_status_at_death(figures):
    assert [(t["status"], t["deaths"], t["share"]) for t in figures["treatment"]] == [
        ("In treatment", 1, 25.0),
        ("Left treatment in the 6 months before", 1, 25.0),
        ("Left treatment more than 6 months before", 1, 25.0),
        ("Known, but never in treatment", 0, 0.0),
        ("Never known to the service", 1, 25.0),
    ]


def test_the_engine_track_record_by_tier(figures):
    track = figures["track"]

    assert (track["deaths"], track["known"], track["never_known"]) == (4, 3, 1)
    assert [(w["label"], w["flagged"], w["share"], w["tiers"]) for w in track["windows"]] == [
        ("At death", 1, 33.3, {"very_high": 1, "high": 0, "raised": 0}),
        ("In the 28 days before", 2, 66.7, {"very_high": 1, "high": 1, "raised": 0}),
        ("In the 90 days before", 2, 66.7, {"very_high": 1, "high": 1, "raised": 0}),
    ]


def test_the_lead_time_from_first_flag_to_death(figures):
    track = figures["track"]

    # A: 10/02 - 01/02 = 9 days; B: 20/05 - 01/03 = 80 days.
    assert track["lead_days_median"] == 44.5
    assert track["lead_bands"] == [
        {"band": "0–7 days", "deaths": 0},
        {"band": "8–28 days", "deaths": 1},
        {"band": "29–90 days", "deaths": 1},
        {"band": "Over 90 days", "deaths": 0},
    ]


def test_outreach_in_the_28_days_before(figures):
    track = figures["track"]

    assert (track["outreach_attempted"], track["outreach_attempted_share"]) == (2, 66.7)
    assert (track["outreach_reached"], track["outreach_reached_share"]) == (1, 33.3)


def test_substances_implicated(figures):
    assert figures["substances"] == [
        {"substance": "Alcohol", "reviews": 2},
        {"substance": "Heroin or morphine", "reviews": 2},
        {"substance": "Fentanyl or an analogue", "reviews": 1},
        {"substance": "Pregabalin", "reviews": 1},
    ]


def test_open_and_overdue_actions(figures):
    assert figures["actions"] == {"open": 2, "overdue": 1, "done": 1, "not_done": 0}


def test_recurring_learning_themes(figures):
    assert figures["themes"] == [
        {"theme": "Using alone", "reviews": 2},
        {"theme": "Naloxone not present or not used", "reviews": 1},
    ]


def test_the_track_record_does_not_move_with_the_live_flags(dataset, gina, figures):
    Flag.objects.filter(service_user=dataset["a"]).update(raised_on=d("2024-01-01"), tier="raised")

    assert dashboard.dashboard(gina, START, END)["track"] == figures["track"]


def test_a_narrower_period_counts_only_its_reviews(dataset, gina):
    q2 = dashboard.dashboard(gina, d("2025-04-01"), d("2025-06-30"))

    assert q2["totals"]["reviews"] == 2
    assert q2["track"]["known"] == 1


def test_roles_without_access_get_no_figures(dataset, alice):
    assert dashboard.dashboard(alice, START, END)["totals"]["reviews"] == 0


def test_the_page_shows_each_chart_with_its_numbers(dataset, client_as, gina):
    response = client_as(gina).get(
        reverse("review_dashboard"), {"from": "2025-01-01", "to": "2025-12-31"}
    )
    page = response.content.decode()

    for table in ("quarters", "track", "treatment", "substances"):
        assert f'id="chart-{table}"' in page
        assert f'id="table-{table}"' in page
    assert 'id="review-dashboard-data"' in page
    assert "<script>" not in page
    assert '<p class="h3 mb-0" id="total-drug">3</p>' in page


def test_a_bad_period_falls_back_with_a_message(client_as, gina):
    response = client_as(gina).get(reverse("review_dashboard"), {"from": "soon"})

    assert "“soon” is not a date" in response.content.decode()
    assert response.context["start"] == dashboard.default_period()[0]


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"to": "9999-12-31"}, "Check the year: a period ends by"),
        ({"from": "0001-01-01", "to": "9999-12-31"}, "Check the year: a period starts and ends on"),
        ({"from": "2010-01-01", "to": "2026-03-31"}, "The period is longer than 10 years"),
        ({"from": "2026-03-31", "to": "2026-01-01"}, "The period ends before it starts."),
    ],
)
def test_a_period_out_of_bounds_is_a_400_that_says_why_and_shows_the_default(
    client_as, gina, period, message
):
    response = client_as(gina).get(reverse("review_dashboard"), period)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Showing the default period instead." in page
    assert (response.context["start"], response.context["end"]) == dashboard.default_period()
    assert len(response.content) < 200_000


def test_the_default_period_is_this_quarter_and_the_four_before():
    assert dashboard.default_period(d("2026-05-17")) == (d("2025-04-01"), d("2026-05-17"))


def test_the_quarters_of_a_period_run_across_the_year_end():
    assert dashboard.quarters_between(d("2025-11-20"), d("2026-04-01")) == [
        "2025 Q4",
        "2026 Q1",
        "2026 Q2",
    ]
