"""Backtests in the admin: started from a rule set, run on the workers, read side by side,
and shown on the activation's confirmation page (which offers no activation without one)."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cases.models import Role
from risk import services
from risk.admin import BACKTEST_NOT_QUEUED
from risk.models import Backtest, RuleSet
from tests.factories import UserFactory
from tests.risk.conftest import backtested, neutral_person, released

pytestmark = pytest.mark.django_db

RULE_SETS = reverse("admin:risk_ruleset_changelist")
BACKTESTS = reverse("admin:risk_backtest_changelist")


@pytest.fixture
def draft(adam):
    return services.rule_set_copy(source=RuleSet.objects.get(version=2), user=adam)


def action(client, name, rule_set, **extra):
    return client.post(RULE_SETS, {"action": name, ACTION_CHECKBOX_NAME: [rule_set.pk], **extra})


def test_an_administrator_backtests_a_draft_against_the_active_version(client_as, adam, draft):
    released(neutral_person(), days=5)
    client = client_as(adam)

    response = action(client, "backtest", draft)

    run = Backtest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:risk_backtest_change", args=[run.pk])
    # The workers run it (at once, in the tests' eager Celery).
    assert (run.status, run.versions, len(run.dates)) == ("done", [4, 2], 12)
    assert run.requested_by == adam
    assert set(run.results["versions"]) == {"4", "2"}
    # The last date's following 90 days have passed: its outcomes are all on record.
    assert run.dates[-1] == (timezone.localdate() - datetime.timedelta(days=90)).isoformat()


def test_a_backtests_page_shows_the_versions_side_by_side(
    client_as, adam, draft, django_assert_max_num_queries
):
    released(neutral_person(), days=5)
    run = backtested(draft, user=adam)
    client = client_as(adam)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:risk_backtest_change", args=[run.pk]))

    content = page.content.decode()
    assert page.status_code == 200
    assert '<th scope="col">Version 4</th><th scope="col">Version 2</th>' in content
    for title in (
        "Share of the population in each tier",
        "Deaths in the following 28 days, by tier beforehand",
        "Deaths in the following 90 days, by tier beforehand",
        "Near-fatal overdoses in the following 90 days, by tier beforehand",
        "Capture per % flagged, high or above",
        "Lead time from the first flag",
    ):
        assert title in content


def test_the_backtests_list_reads_in_a_fixed_number_of_queries(
    client_as, adam, draft, django_assert_max_num_queries
):
    backtested(draft, user=adam)
    client = client_as(adam)
    client.get(BACKTESTS)
    backtested(draft, user=adam)
    backtested(draft, user=adam)

    with django_assert_max_num_queries(10):
        page = client.get(BACKTESTS)

    assert page.status_code == 200
    assert page.content.decode().count("version 4 beside version 2") == 3


def test_people_without_rule_set_rights_neither_see_nor_start_backtests(client_as, gina, draft):
    run = backtested(draft)
    staff = UserFactory(username="sam", role=Role.ADMINISTRATOR, is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_ruleset"))

    assert client_as(gina).get(BACKTESTS).status_code == 302
    client = client_as(staff)
    assert client.get(BACKTESTS).status_code == 403
    assert client.get(reverse("admin:risk_backtest_change", args=[run.pk])).status_code == 403
    assert action(client, "backtest", draft).status_code in (200, 403)
    assert Backtest.objects.count() == 1


def test_the_confirmation_offers_no_activation_without_a_backtest(client_as, adam, draft):
    client = client_as(adam)

    page = action(client, "activate", draft).content.decode()

    assert "has no backtest of its rules as they now stand" in page
    assert "Yes, activate version 4" not in page
    assert 'value="Backtest version 4 against the active version"' in page
    refused = action(client, "activate", draft, confirmed="yes")
    assert refused.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_confirmation_shows_the_drafts_backtest_beside_the_active_versions(
    client_as, adam, draft
):
    run = backtested(draft)
    client = client_as(adam)

    page = action(client, "activate", draft).content.decode()

    assert "Yes, activate version 4" in page
    assert reverse("admin:risk_backtest_change", args=[run.pk]) in page
    assert '<th scope="col">Version 4</th><th scope="col">Version 2</th>' in page
    assert "Deaths in the following 90 days, by tier beforehand" in page


def test_a_backtest_that_cannot_be_queued_says_so(client_as, adam, draft, redis_away):
    response = action(client_as(adam), "backtest", draft)

    assert response.status_code == 302
    assert response.url == RULE_SETS
    run = Backtest.objects.get()
    assert (run.status, run.error) == ("failed", BACKTEST_NOT_QUEUED)
