"""Tiers stay selective: every run's tier shares are shown, and the admin warns when very high
holds more than 5% of the population or very high plus high more than 15%."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from risk import engine
from risk.backtest_tables import backtest_tables
from risk.models import RecomputeRun, RuleSet
from risk.wording import selectivity_warning

pytestmark = pytest.mark.django_db

RUNS = reverse("admin:risk_recomputerun_changelist")


def published_run(as_of: datetime.date, population: int, **counts: int) -> RecomputeRun:
    return RecomputeRun.objects.create(
        as_of=as_of,
        rule_set=RuleSet.objects.get(status=RuleSet.Status.ACTIVE),
        started_at=timezone.now(),
        finished_at=timezone.now(),
        status=RecomputeRun.Status.PUBLISHED,
        population=population,
        counts_by_tier={"very_high": 0, "high": 0, "raised": 0, **counts},
    )


def test_shares_are_percentages_of_the_population_with_high_or_above():
    shares = engine.tier_shares({"very_high": 5, "high": 10, "raised": 20}, 200)

    assert shares == {
        "very_high": 2.5,
        "high": 5.0,
        "raised": 10.0,
        "high_or_above": 7.5,
        "flagged": 17.5,
    }
    assert engine.tier_shares({}, 0)["flagged"] == 0.0


@pytest.mark.parametrize(
    ("very_high", "high", "over"),
    [
        (50, 100, []),  # 5% and 15%: at the limits, selective
        (51, 99, ["very_high"]),
        (40, 111, ["high_or_above"]),
        (60, 100, ["very_high", "high_or_above"]),
    ],
)
def test_the_limits_are_five_and_fifteen_percent(very_high, high, over):
    shares = engine.tier_shares({"very_high": very_high, "high": high}, 1000)

    assert engine.unselective(shares) == over
    assert bool(selectivity_warning(shares)) is bool(over)


def test_the_warning_says_which_tier_holds_how_many_and_the_limit():
    shares = engine.tier_shares({"very_high": 60, "high": 100}, 1000)

    assert selectivity_warning(shares) == (
        "The tiers are not selective: very high holds 6.0% of the population (at most 5%); "
        "very high plus high holds 16.0% of the population (at most 15%). Flags that cover "
        "this many people stop being read; review the rule set's weights and thresholds "
        "against its backtest."
    )


def test_the_runs_page_shows_each_runs_shares_and_warns_of_the_latest(client_as, adam):
    today = timezone.localdate()
    published_run(today - datetime.timedelta(days=1), 1000, very_high=10, high=50, raised=90)
    published_run(today, 1000, very_high=60, high=100, raised=100)
    client = client_as(adam)

    with CaptureQueriesContext(connection) as two_runs:
        page = client.get(RUNS).content.decode()
    for days in range(2, 6):
        published_run(today - datetime.timedelta(days=days), 1000, raised=10)
    with CaptureQueriesContext(connection) as six_runs:
        client.get(RUNS)

    # The warning reads one run, whatever the page lists.
    assert len(six_runs) == len(two_runs)

    assert "1.0 / 5.0 / 9.0" in page
    assert "6.0 / 10.0 / 10.0 (not selective)" in page
    assert f"The latest run, as of {today:%d/%m/%Y}: The tiers are not selective" in page


def test_no_warning_while_the_latest_run_is_selective(client_as, adam):
    today = timezone.localdate()
    published_run(today - datetime.timedelta(days=1), 1000, very_high=60, high=100)
    published_run(today, 1000, very_high=30, high=90, raised=150)

    page = client_as(adam).get(RUNS).content.decode()

    assert "not selective" not in page.split("<table")[0]
    assert "3.0 / 9.0 / 15.0" in page


def test_a_backtest_says_whether_each_versions_tiers_stay_selective():
    def version(very_high: float, high_or_above: float) -> dict:
        shares = {"very_high": very_high, "high": high_or_above - very_high, "raised": 10.0}
        shares |= {"high_or_above": high_or_above, "flagged": high_or_above + 10.0}
        return {"population_mean": 1000.0, "tier_share_pct": shares, "outcomes": {}}

    results = {"windows_days": [], "versions": {"2": version(4.0, 12.0), "3": version(6.0, 16.0)}}

    (shares,) = backtest_tables(results, [2, 3])

    assert dict(shares["rows"])["Selective tiers"] == [
        "yes",
        "no: very high over 5%, very high plus high over 15%",
    ]
