import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from risk.models import Flag, FlagOverride, RecomputeRun, Rule, RuleSet
from risk.services import flags_recompute
from tests.factories import days_ago

pytestmark = pytest.mark.django_db

RULE_SETS = reverse("admin:risk_ruleset_changelist")


def version(number) -> RuleSet:
    return RuleSet.objects.get(version=number)


def run_action(client, action, rule_set, **extra):
    return client.post(RULE_SETS, {"action": action, ACTION_CHECKBOX_NAME: [rule_set.pk], **extra})


def test_an_administrator_copies_the_active_version_to_a_draft(client_as, adam):
    response = run_action(client_as(adam), "copy_as_draft", version(1))

    draft = version(2)
    assert response.status_code == 302
    assert response.url == reverse("admin:risk_ruleset_change", args=[draft.pk])
    assert draft.status == RuleSet.Status.DRAFT
    assert draft.rules.count() == version(1).rules.count()


def test_a_draft_is_editable_and_the_active_version_is_not(client_as, adam):
    client = client_as(adam)
    run_action(client, "copy_as_draft", version(1))
    active, draft = version(1), version(2)

    draft_page = client.get(reverse("admin:risk_ruleset_change", args=[draft.pk]))
    active_page = client.get(reverse("admin:risk_ruleset_change", args=[active.pk]))

    assert draft_page.context["has_change_permission"] is True
    assert active_page.status_code == 200
    assert active_page.context["has_change_permission"] is False
    posted = client.post(reverse("admin:risk_ruleset_change", args=[active.pk]), {"name": "x"})
    assert posted.status_code == 403
    assert client.post(reverse("admin:risk_ruleset_delete", args=[active.pk])).status_code == 403
    assert version(1).name != "x"


def test_activating_asks_first_then_retires_the_old_version(client_as, adam):
    client = client_as(adam)
    run_action(client, "copy_as_draft", version(1))
    Rule.objects.filter(rule_set=version(2), code="prison_release_2w").update(weight=2.5)

    asked = run_action(client, "activate", version(2))
    assert asked.status_code == 200
    content = asked.content.decode()
    assert "Activate rule set version 2?" in content
    assert "prison_release_2w: weight changed" in content
    assert version(2).status == RuleSet.Status.DRAFT

    done = run_action(client, "activate", version(2), confirmed="yes")

    assert done.status_code == 302
    assert version(2).status == RuleSet.Status.ACTIVE
    assert version(1).status == RuleSet.Status.RETIRED
    assert Rule.objects.get(rule_set=version(2), code="prison_release_2w").version == 2


def test_only_a_draft_can_be_activated(client_as, adam):
    client = client_as(adam)
    response = run_action(client, "activate", version(1), confirmed="yes")

    assert response.status_code == 302
    assert version(1).status == RuleSet.Status.ACTIVE


def test_runs_are_listed_read_only_with_counts_by_tier(client_as, adam, jo):
    flags_recompute(as_of=days_ago(0))
    run = RecomputeRun.objects.get()
    client = client_as(adam)

    listing = client.get(reverse("admin:risk_recomputerun_changelist"))

    assert listing.status_code == 200
    assert "Very high / high / raised" in listing.content.decode()
    assert client.get(reverse("admin:risk_recomputerun_add")).status_code == 403
    change = reverse("admin:risk_recomputerun_change", args=[run.pk])
    assert client.get(change).context["has_change_permission"] is False
    assert client.post(change, {"status": "failed"}).status_code == 403


def test_flags_and_overrides_are_not_in_the_admin():
    # They are records of people, read on each person's record (cases.access.ADMIN_MODELS).
    assert Flag not in admin.site._registry
    assert FlagOverride not in admin.site._registry


def test_staff_outside_administration_cannot_reach_rule_sets(client_as, alice, gina):
    for user in (alice, gina):
        response = client_as(user).get(RULE_SETS)
        assert response.status_code == 302
        assert "/admin/login/" in response.url
