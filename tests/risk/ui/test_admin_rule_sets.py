import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from risk.models import Flag, FlagOverride, RecomputeRun, Rule, RuleSet
from risk.services import flags_recompute
from tests.factories import days_ago
from tests.risk.conftest import backtested, neutral_person, released

pytestmark = pytest.mark.django_db

RULE_SETS = reverse("admin:risk_ruleset_changelist")


def version(number) -> RuleSet:
    return RuleSet.objects.get(version=number)


# The version in use (version 2, the overdose pathway's, as installed) and the one "Copy as a
# new draft" makes: version 3, the evidence-based draft, is installed beside them.
ACTIVE, DRAFT = 2, 4


def run_action(client, action, rule_set, **extra):
    return client.post(RULE_SETS, {"action": action, ACTION_CHECKBOX_NAME: [rule_set.pk], **extra})


def test_an_administrator_copies_the_active_version_to_a_draft(client_as, adam):
    response = run_action(client_as(adam), "copy_as_draft", version(ACTIVE))

    draft = version(DRAFT)
    assert response.status_code == 302
    assert response.url == reverse("admin:risk_ruleset_change", args=[draft.pk])
    assert draft.status == RuleSet.Status.DRAFT
    assert draft.rules.count() == version(ACTIVE).rules.count()
    assert draft.rules.get(code="overdose_90d").min_tier == "high"


def test_a_draft_is_editable_and_the_active_version_is_not(client_as, adam):
    client = client_as(adam)
    run_action(client, "copy_as_draft", version(ACTIVE))
    active, draft = version(ACTIVE), version(DRAFT)

    draft_page = client.get(reverse("admin:risk_ruleset_change", args=[draft.pk]))
    active_page = client.get(reverse("admin:risk_ruleset_change", args=[active.pk]))

    assert draft_page.context["has_change_permission"] is True
    assert active_page.status_code == 200
    assert active_page.context["has_change_permission"] is False
    posted = client.post(reverse("admin:risk_ruleset_change", args=[active.pk]), {"name": "x"})
    assert posted.status_code == 403
    assert client.post(reverse("admin:risk_ruleset_delete", args=[active.pk])).status_code == 403
    assert version(ACTIVE).name != "x"


def test_activating_asks_first_then_retires_the_old_version(client_as, adam):
    client = client_as(adam)
    run_action(client, "copy_as_draft", version(ACTIVE))
    Rule.objects.filter(rule_set=version(DRAFT), code="prison_release_2w").update(weight=2.5)
    Rule.objects.filter(rule_set=version(DRAFT), code="male").update(min_tier="raised")
    Rule.objects.filter(rule_set=version(DRAFT), code="overdose_90d").update(min_tier="")
    backtested(version(DRAFT))

    asked = run_action(client, "activate", version(DRAFT))
    assert asked.status_code == 200
    content = asked.content.decode()
    assert f"Activate rule set version {DRAFT}?" in content
    assert "prison_release_2w: weight 2.00 → 2.50" in content
    assert "male: never below none → Raised" in content
    assert "overdose_90d: never below High → none" in content
    assert version(DRAFT).status == RuleSet.Status.DRAFT

    done = run_action(client, "activate", version(DRAFT), confirmed="yes")

    assert done.status_code == 302
    assert version(DRAFT).status == RuleSet.Status.ACTIVE
    assert version(ACTIVE).status == RuleSet.Status.RETIRED
    assert Rule.objects.get(rule_set=version(DRAFT), code="prison_release_2w").version == 3
    assert Rule.objects.get(rule_set=version(DRAFT), code="male").version == 2


def test_only_a_draft_can_be_activated(client_as, adam):
    client = client_as(adam)
    response = run_action(client, "activate", version(ACTIVE), confirmed="yes")

    assert response.status_code == 302
    assert version(ACTIVE).status == RuleSet.Status.ACTIVE


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


def test_the_rule_set_editor_shows_the_rules_as_one_table_of_switches_windows_and_weights(
    client_as, adam
):
    client = client_as(adam)
    run_action(client, "copy_as_draft", version(ACTIVE))
    draft = version(DRAFT)

    page = client.get(reverse("admin:risk_ruleset_change", args=[draft.pk]))
    html = page.content.decode()

    rules = list(draft.rules.all())
    formset = page.context["inline_admin_formsets"][0]
    assert formset.opts.template == "admin/edit_inline/tabular.html"
    editable = [
        name
        for name, field in formset.formset.forms[0].fields.items()
        if field.widget.is_hidden is False
    ]
    assert sorted(editable) == [
        "enabled",
        "min_count",
        "min_tier",
        "weight",
        "window_from",
        "window_to",
    ]
    assert "Never below" in html
    # One line of the table a rule, and no text box but the version's notes.
    assert html.count("<textarea") == 1
    assert html.count('<tr class="form-row') == len(rules)
    assert html.count("<input") <= 8 * len(rules) + 30
    assert html.count("<select") == len(rules)
    for rule in rules:
        assert rule.code in html
        assert rule.title in html


def rules_form_data(client, draft: RuleSet, **changes) -> dict:
    """The draft's editor posted back as it stands, but for `changes`: {code: {field: value}}."""
    url = reverse("admin:risk_ruleset_change", args=[draft.pk])
    formset = client.get(url).context["inline_admin_formsets"][0].formset
    data = {
        "name": draft.name,
        "notes": "",
        "raised_threshold": draft.raised_threshold,
        "high_threshold": draft.high_threshold,
        "very_high_threshold": draft.very_high_threshold,
    }
    for name, value in formset.management_form.initial.items():
        data[f"{formset.prefix}-{name}"] = value
    for index, form in enumerate(formset.forms):
        rule = form.instance
        prefix = f"{formset.prefix}-{index}"
        data |= {
            f"{prefix}-id": rule.pk,
            f"{prefix}-rule_set": draft.pk,
            f"{prefix}-window_from": rule.window_from if rule.window_from is not None else "",
            f"{prefix}-window_to": rule.window_to if rule.window_to is not None else "",
            f"{prefix}-min_count": rule.min_count,
            f"{prefix}-weight": rule.weight,
            f"{prefix}-min_tier": rule.min_tier,
        }
        if rule.enabled:
            data[f"{prefix}-enabled"] = "on"
        for field, value in changes.get(rule.code, {}).items():
            if value is None:
                data.pop(f"{prefix}-{field}", None)
            else:
                data[f"{prefix}-{field}"] = value
    return data


def test_the_editor_saves_a_changed_weight_switch_and_minimum_tier(client_as, adam):
    client = client_as(adam)
    run_action(client, "copy_as_draft", version(ACTIVE))
    draft = version(DRAFT)
    url = reverse("admin:risk_ruleset_change", args=[draft.pk])
    data = rules_form_data(
        client,
        draft,
        prison_release_2w={"weight": "2.75"},
        no_naloxone={"enabled": None},
        repeat_overdose={"min_tier": "raised"},
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert str(draft.rules.get(code="prison_release_2w").weight) == "2.75"
    assert draft.rules.get(code="no_naloxone").enabled is False
    assert draft.rules.get(code="repeat_overdose").min_tier == "raised"


def test_the_editor_refuses_a_minimum_that_is_not_a_tier_at_its_row(client_as, adam):
    client = client_as(adam)
    run_action(client, "copy_as_draft", version(ACTIVE))
    draft = version(DRAFT)
    url = reverse("admin:risk_ruleset_change", args=[draft.pk])
    data = rules_form_data(
        client, draft, prison_release_2w={"weight": "2.75", "min_tier": "extreme"}
    )

    response = client.post(url, data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    (row,) = [form for form in formset.forms if form.instance.code == "prison_release_2w"]
    assert list(row.errors) == ["min_tier"]
    assert "extreme is not one of the available choices" in row.errors["min_tier"][0]
    rule = draft.rules.get(code="prison_release_2w")
    assert (str(rule.weight), rule.min_tier) == ("2.00", "high")


def test_activating_shows_each_change_as_old_to_new_and_how_many_would_change_tier(client_as, adam):
    released(neutral_person(), days=5)
    neutral_person()
    client = client_as(adam)
    run_action(client, "copy_as_draft", version(ACTIVE))
    draft = version(DRAFT)
    draft.rules.filter(code__startswith="prison_release").update(enabled=False)
    RuleSet.objects.filter(pk=draft.pk).update(high_threshold="2.80")

    page = run_action(client, "activate", draft).content.decode()

    assert "High from: 3.00 → 2.80" in page
    assert "prison_release_2w: enabled on → off" in page
    assert "1 person of 2 would change tier: 0 up (or newly flagged), 1 down" in page


def test_the_admin_names_each_section_in_plain_words(client_as, adam):
    page = client_as(adam).get(reverse("admin:index")).content.decode()

    for name in ("Sign-in lockouts", "Authenticator apps", "Death reviews", "Risk flags"):
        assert name in page
    for package_name in ("Axes", "Otp_Totp", "Deathreviews"):
        assert package_name not in page
