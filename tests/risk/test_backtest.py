"""The backtest against the database: it reads history as it stood on each date, writes
no flags, runs on a Celery task, and gates the activation of a draft."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from risk import services, tasks
from risk.backtest import run_backtest
from risk.models import Backtest, Flag, RecomputeRun, RuleSet
from tests.factories import EventFactory
from tests.risk.conftest import backtested, days_ago, neutral_person, released

pytestmark = pytest.mark.django_db


def test_the_backtest_ignores_records_dated_after_each_as_of_date():
    as_of = days_ago(30)
    # Released 5 days before the date: high then. Her overdose 10 days after the date
    # would make her very high, had the backtest seen it.
    found = neutral_person()
    released(found, 35)
    EventFactory(
        service_user=found,
        kind="non_fatal_overdose",
        occurred_on=days_ago(20),
        taken_to_hospital=True,
        information_source="ambulance",
    )
    # Released 20 days after the date, and dead 25 days after it: unflagged on the date.
    missed = neutral_person()
    released(missed, 10)
    missed.date_of_death = days_ago(5)
    missed.save(update_fields=["date_of_death"])

    results = run_backtest(versions=[2], dates=[as_of])

    figures = results["versions"]["2"]
    assert figures["per_date"] == [
        {"as_of": as_of.isoformat(), "population": 2, "very_high": 0, "high": 1, "raised": 0}
    ]
    deaths = figures["outcomes"]["death"]["28"]
    assert (deaths["unflagged"], deaths["total"]) == (1, 1)
    overdoses = figures["outcomes"]["overdose"]["28"]
    assert (overdoses["high"], overdoses["total"]) == (1, 1)
    assert overdoses["lead_time_days"] == {"median": 10.0, "q1": 10.0, "q3": 10.0}
    assert figures["tier_share_pct"]["high_or_above"] == 50.0
    assert overdoses["capture_per_pct_flagged_high_or_above"] == 2.0
    assert results["dates"] == [as_of.isoformat()]
    assert results["windows_days"] == [28, 90]
    assert not Flag.objects.exists()
    assert not RecomputeRun.objects.exists()


def test_the_task_runs_a_queued_backtest_once(adam):
    active = RuleSet.objects.get(status="active")
    run = services.backtest_request(rule_sets=[active], dates=[days_ago(7)], user=adam)
    assert run.status == Backtest.Status.QUEUED

    assert tasks.backtest_run(run.pk) == run.pk
    run.refresh_from_db()
    assert run.status == Backtest.Status.DONE
    assert run.results["versions"]["2"]["per_date"][0]["as_of"] == days_ago(7).isoformat()
    finished = run.finished_at

    tasks.backtest_run(run.pk)
    run.refresh_from_db()
    assert run.finished_at == finished


def test_a_backtest_that_fails_records_its_error():
    run = Backtest.objects.create(versions=[99], dates=[days_ago(1).isoformat()])

    run = services.backtest_perform(backtest_id=run.pk)

    assert run.status == Backtest.Status.FAILED
    assert "There is no rule set version 99" in run.error


# The activation's gate -----------------------------------------------------------


@pytest.fixture
def draft(adam):
    return services.rule_set_copy(source=RuleSet.objects.get(status="active"), user=adam)


def test_activation_refuses_a_draft_without_a_backtest(draft, adam):
    with pytest.raises(ValidationError, match="Run a backtest of version 4 beside the active"):
        services.rule_set_activate(rule_set=draft, user=adam)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_activation_refuses_a_backtest_of_the_draft_alone_or_still_running(draft, adam):
    alone = services.backtest_request(rule_sets=[draft], dates=[days_ago(1)])
    services.backtest_perform(backtest_id=alone.pk)
    services.backtest_request(
        rule_sets=[draft, RuleSet.objects.get(version=2)], dates=[days_ago(1)]
    )

    with pytest.raises(ValidationError, match="Run a backtest"):
        services.rule_set_activate(rule_set=draft, user=adam)


@pytest.mark.parametrize("edit", ["weight", "threshold"])
def test_activation_refuses_a_draft_edited_since_its_backtest(draft, adam, edit):
    backtested(draft)
    if edit == "weight":
        draft.rules.filter(code="male").update(weight=Decimal("0.70"))
    else:
        RuleSet.objects.filter(pk=draft.pk).update(high_threshold=Decimal("2.80"))

    with pytest.raises(ValidationError, match="Run a backtest"):
        services.rule_set_activate(rule_set=draft, user=adam)


def test_activation_goes_ahead_with_a_done_backtest_beside_the_active_version(draft, adam):
    backtested(draft)

    services.rule_set_activate(rule_set=draft, user=adam)

    draft.refresh_from_db()
    assert draft.status == "active"
    assert RuleSet.objects.get(version=2).status == "retired"
