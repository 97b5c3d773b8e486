"""Every write to a clinical model leaves history, however it is made."""

from contextlib import nullcontext

import pghistory
import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from psycopg import sql

from cases import services
from cases.models import Contact, ServiceUser
from outcomes.models import TopAssessment
from risk import services as risk_services
from risk.models import Flag, FlagOverride, FlagReason, OutreachAttempt, Rule, RuleSet
from tests.factories import ContactFactory, EpisodeFactory, TopFactory, days_ago
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db

CLINICAL = [
    "cases.ServiceUser",
    "cases.TreatmentEpisode",
    "cases.Intervention",
    "cases.Event",
    "cases.Contact",
    "cases.NaloxoneSupply",
    "cases.TeamMembership",
    "cases.BreakGlassGrant",
    "outcomes.TopAssessment",
    "risk.RuleSet",
    "risk.Rule",
    "risk.Flag",
    "risk.FlagReason",
    "risk.FlagOverride",
    "risk.OutreachAttempt",
]


def history(model, obj) -> list[str]:
    event_model = apps.get_model(model._meta.app_label, f"{model.__name__}Event")
    return list(
        event_model.objects.filter(pgh_obj_id=obj.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", flat=True)
    )


@pytest.mark.parametrize("label", CLINICAL)
def test_every_clinical_model_is_tracked_for_insert_update_and_delete(label):
    model = apps.get_model(label)
    event_model = apps.get_model(model._meta.app_label, f"{model.__name__}Event")
    labels = {tracker.label for tracker in event_model.pgh_trackers}
    assert labels == {"insert", "update", "delete"}


def test_a_queryset_update_leaves_history_with_the_values_before_and_after(jo):
    ServiceUser.objects.filter(pk=jo.pk).update(phone="07700900999")
    assert history(ServiceUser, jo) == ["insert", "update"]
    event = apps.get_model("cases", "ServiceUserEvent").objects.filter(pgh_obj=jo).last()
    assert event.phone == "07700900999"


def test_raw_sql_and_bulk_deletes_leave_history_too(jo, alice):
    contact = ContactFactory(service_user=jo, staff=alice)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_contact SET notes = 'by hand' WHERE id = %s", [contact.pk])
    Contact.objects.filter(pk=contact.pk).delete()
    assert history(Contact, contact) == ["insert", "update", "delete"]


@pytest.mark.parametrize("in_context", [False, True])
def test_a_composed_statement_runs_and_is_attributed_in_and_out_of_a_history_context(
    jo, alice, in_context
):
    # A literal % must survive the context's parameters being added to the statement.
    statement = sql.SQL("UPDATE cases_serviceuser SET address = {} WHERE id = {}").format(
        sql.Literal("Flat 50%s, 2 Mill Lane"), sql.Literal(jo.pk)
    )
    history_context = pghistory.context(user=alice.pk) if in_context else nullcontext()
    with history_context, connection.cursor() as cursor:
        cursor.execute(statement)
    jo.refresh_from_db()
    assert jo.address == "Flat 50%s, 2 Mill Lane"
    event = (
        apps.get_model("cases", "ServiceUserEvent")
        .objects.filter(pgh_obj=jo, pgh_label="update")
        .select_related("pgh_context")
        .get()
    )
    if in_context:
        assert event.pgh_context.metadata["user"] == alice.pk
    else:
        assert event.pgh_context is None


def test_a_bulk_update_of_many_rows_leaves_one_event_per_row(north, alice):
    from tests.factories import ServiceUserFactory

    people = [ServiceUserFactory(team=north) for _ in range(5)]
    ServiceUser.objects.filter(team=north).update(lives_alone=True)
    event_model = apps.get_model("cases", "ServiceUserEvent")
    assert event_model.objects.filter(pgh_label="update").count() == 5
    assert {e.pgh_obj_id for e in event_model.objects.filter(pgh_label="update")} == {
        p.pk for p in people
    }


def test_an_unchanged_row_leaves_no_update_event(jo):
    ServiceUser.objects.filter(pk=jo.pk).update(first_name=jo.first_name)
    assert history(ServiceUser, jo) == ["insert"]


def test_a_change_through_a_service_names_who_made_it(jo, alice):
    with pghistory.context(user=alice.pk):
        services.service_user_update(service_user=jo, updated_by=alice, phone="07700900111")
    event = (
        apps.get_model("cases", "ServiceUserEvent")
        .objects.filter(pgh_obj=jo, pgh_label="update")
        .select_related("pgh_context")
        .get()
    )
    assert event.pgh_context.metadata["user"] == alice.pk


def test_a_form_post_is_attributed_to_the_signed_in_user(client_as, alice, jo):
    response = client_as(alice).post(
        reverse("contact_create", args=[jo.external_id]),
        {
            "kind": "phone",
            "status": "attended",
            "contact_date": days_ago(1).strftime("%d/%m/%Y"),
            "notes": "seen",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contact = Contact.objects.get(service_user=jo)
    event = apps.get_model("cases", "ContactEvent").objects.get(pgh_obj=contact)
    assert event.pgh_context.metadata["user"] == alice.pk


def test_flags_their_reasons_and_human_changes_to_them_leave_history(jo, alice):
    flag = make_flag(jo, tier="high")
    reason = FlagReason.objects.get(flag=flag)
    Flag.objects.filter(pk=flag.pk).update(acknowledged_by=alice)
    FlagOverride.objects.create(
        flag=flag,
        service_user=jo,
        rule_codes=flag.rule_codes,
        reason="Known to the hospital team",
        expires_on=days_ago(-7),
        created_by=alice,
    )
    assert history(Flag, flag) == ["insert", "update"]
    assert history(FlagReason, reason) == ["insert"]
    assert apps.get_model("risk", "FlagOverrideEvent").objects.count() == 1


def test_the_nightly_publish_leaves_flag_history():
    from risk.services import flags_recompute
    from tests.risk.conftest import neutral_person, released

    person = neutral_person()
    released(person, 20)
    flags_recompute(as_of=days_ago(10))  # released 10 days before: raised
    flag = Flag.objects.get(service_user=person)
    assert history(Flag, flag) == ["insert"]
    reasons = list(flag.reasons.all())
    assert reasons
    assert all(history(FlagReason, reason) == ["insert"] for reason in reasons)
    flags_recompute(as_of=days_ago(0))  # released 20 days before: the flag ends
    assert history(Flag, flag) == ["insert", "update"]
    assert Flag.objects.get(pk=flag.pk).ended_on is not None


def test_rule_sets_rules_tops_and_outreach_are_tracked(jo, alice):
    rule_set = RuleSet.objects.get(status=RuleSet.Status.ACTIVE)
    rule = Rule.objects.filter(rule_set=rule_set).first()
    rule_events = history(Rule, rule)
    Rule.objects.filter(pk=rule.pk).update(weight=rule.weight)  # no change: no event
    RuleSet.objects.filter(pk=rule_set.pk).update(notes="seen")
    top = TopFactory(episode=EpisodeFactory(service_user=jo))
    make_flag(jo)
    attempt = risk_services.outreach_attempt_create(
        service_user=jo,
        recorded_by=alice,
        attempted_on=days_ago(0),
        method="phone",
        outcome="not_contactable",
    )

    assert history(Rule, rule) == rule_events
    assert history(RuleSet, rule_set)[-1] == "update"
    assert history(TopAssessment, top) == ["insert"]
    assert history(OutreachAttempt, attempt) == ["insert"]


def test_a_flag_summary_rewording_alone_leaves_no_event_but_anything_else_does(jo, alice):
    flag = make_flag(jo, tier="high")
    Flag.objects.filter(pk=flag.pk).update(summary="released from prison 4 days ago")
    assert history(Flag, flag) == ["insert"]
    Flag.objects.filter(pk=flag.pk).update(summary="released 5 days ago", score=9)
    assert history(Flag, flag) == ["insert", "update"]
    event = apps.get_model("risk", "FlagEvent").objects.filter(pgh_obj=flag).last()
    assert (event.summary, event.score) == ("released 5 days ago", 9)
