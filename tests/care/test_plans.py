"""The care and recovery plan's rules: one current plan (a new one supersedes the last,
which is kept), goals open or closed with a date, reviews that move the due date on,
contacts recorded against goals with their link in one transaction, what the plan makes
due, and the write history. Plans, goals and reviews are never deleted."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from care import services
from care.models import CarePlan, GoalContact, PlanGoal, PlanReview
from care.selectors import plans_due, plans_for_person
from care.selectors.plans import plan_page_for
from cases.models import Contact
from tests.care.factories import goal_of, plan_of
from tests.factories import ContactFactory, EpisodeFactory, days_ago

pytestmark = pytest.mark.django_db


def test_a_plan_is_due_for_review_its_interval_after_it_was_agreed(alice, jo):
    plan = plan_of(jo, alice, agreed=10, weeks=8)

    assert plan.review_due_on == days_ago(10) + datetime.timedelta(weeks=8)
    assert plans_due(jo, today=days_ago(0))[0].what == "Care plan review"
    assert plans_due(jo, today=days_ago(0))[0].on == plan.review_due_on


def test_a_new_plan_supersedes_the_last_which_is_kept_with_its_goals(alice, jo):
    first = plan_of(jo, alice, agreed=200)
    kept_open = goal_of(first, alice, domain="housing", by=150)
    done = goal_of(first, alice, domain="money", by=150)
    services.plan_goal_change(goal=done, state="achieved", state_on=days_ago(100))

    second = plan_of(jo, alice, agreed=5, carry_open_goals=True)

    first.refresh_from_db()
    assert first.superseded_at is not None
    assert second.is_current
    assert CarePlan.objects.filter(service_user=jo).count() == 2
    assert set(first.goals.values_list("pk", flat=True)) == {kept_open.pk, done.pk}
    carried = second.goals.get()
    assert (carried.what, carried.state, carried.domain) == (kept_open.what, "open", "housing")
    # Its date could not be before the new plan was agreed: it moves to that day.
    assert carried.by_when == days_ago(5)


def test_a_person_has_one_current_plan_whatever_writes_it(alice, jo):
    plan = plan_of(jo, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        CarePlan.objects.create(
            service_user=jo,
            created_by=alice,
            agreed_on=days_ago(1),
            agreed_how="phone",
            review_due_on=days_ago(-80),
        )
    assert CarePlan.objects.get(service_user=jo) == plan


def test_a_review_closes_goals_carries_the_rest_and_moves_the_due_date_on(alice, jo):
    plan = plan_of(jo, alice, agreed=100, weeks=12)
    achieved = goal_of(plan, alice, domain="housing")
    carried = goal_of(plan, alice, domain="money")

    review = services.plan_review_record(
        plan=plan,
        recorded_by=alice,
        reviewed_on=days_ago(2),
        who="Jo and their keyworker",
        summary="Moved into the flat.",
        closing={achieved: "achieved"},
    )

    plan.refresh_from_db()
    achieved.refresh_from_db()
    carried.refresh_from_db()
    assert plan.review_due_on == days_ago(2) + datetime.timedelta(weeks=12)
    assert (achieved.state, achieved.state_on, achieved.closed_at_review) == (
        "achieved",
        days_ago(2),
        review,
    )
    assert carried.state == "open"


def test_a_late_recorded_earlier_review_does_not_move_the_due_date_back(alice, jo):
    plan = plan_of(jo, alice, agreed=200, weeks=12)
    for day in (3, 60):
        services.plan_review_record(
            plan=plan, recorded_by=alice, reviewed_on=days_ago(day), who="Jo", summary="Seen."
        )
    plan.refresh_from_db()
    assert plan.review_due_on == days_ago(3) + datetime.timedelta(weeks=12)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reviewed_on": days_ago(-1)}, "reviewed_on", "cannot be in the future"),
        ({"reviewed_on": days_ago(40)}, "reviewed_on", "before the plan was agreed"),
        ({"summary": "  "}, "summary", "short summary"),
    ],
)
def test_a_bad_review_is_refused_and_nothing_moves(alice, jo, fields, field, message):
    plan = plan_of(jo, alice, agreed=30)
    due = plan.review_due_on
    with pytest.raises(ValidationError) as refused:
        services.plan_review_record(
            plan=plan,
            recorded_by=alice,
            **{"reviewed_on": days_ago(1), "who": "Jo", "summary": "Fine.", **fields},
        )
    assert message in refused.value.message_dict[field][0]
    plan.refresh_from_db()
    assert plan.review_due_on == due
    assert not PlanReview.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"by_when": days_ago(40)}, "by_when", "before the plan was agreed"),
        ({"state": "achieved"}, "state_on", "Enter the date the goal was achieved"),
        ({"state": "open", "state_on": days_ago(1)}, "state_on", "leave it empty"),
        ({"state": "achieved", "state_on": days_ago(-2)}, "state_on", "cannot be in the future"),
        ({"state": "not_relevant", "state_on": days_ago(45)}, "state_on", "before the plan"),
    ],
)
def test_a_goal_is_checked_at_its_field(alice, jo, fields, field, message):
    plan = plan_of(jo, alice, agreed=30)
    goal = PlanGoal(
        plan=plan,
        created_by=alice,
        **{
            "domain": "housing",
            "what": "A flat.",
            "by_when": days_ago(-30),
            "who_helps": "Keyworker",
            **fields,
        },
    )
    with pytest.raises(ValidationError) as refused:
        goal.full_clean()
    assert message in refused.value.message_dict[field][0]


def test_a_contact_against_goals_is_written_with_its_links_or_not_at_all(alice, jo, north):
    plan = plan_of(jo, alice)
    housing = goal_of(plan, alice, domain="housing")
    money = goal_of(plan, alice, domain="money")
    fields = {"contact_date": days_ago(0), "kind": "appointment", "status": "attended"}

    contact = services.contact_against_goals(
        service_user=jo, staff=alice, goals=[housing, money], **fields
    )
    assert set(GoalContact.objects.filter(contact=contact).values_list("goal", flat=True)) == {
        housing.pk,
        money.pk,
    }

    # A goal of someone else's plan: neither the contact nor a link is written.
    other = goal_of(plan_of(EpisodeFactory(team=north).service_user, alice), alice)
    with pytest.raises(ValidationError):
        services.contact_against_goals(service_user=jo, staff=alice, goals=[other], **fields)
    # A contact the model refuses: no link is left behind.
    with pytest.raises(ValidationError):
        services.contact_against_goals(
            service_user=jo,
            staff=alice,
            goals=[housing],
            **{**fields, "contact_date": days_ago(-3)},
        )
    assert Contact.objects.filter(service_user=jo).count() == 1
    assert GoalContact.objects.count() == 2


def test_plans_due_asks_for_a_first_plan_from_the_episodes_start(alice, jo, settings):
    EpisodeFactory(service_user=jo, referral_date=days_ago(40), start_date=days_ago(30))

    (due,) = plans_due(jo, today=days_ago(0))
    assert (due.what, due.on) == ("Write a care plan", days_ago(30 - 21))
    assert due.overdue(days_ago(0))

    settings.LANTERN_CARE_PLAN_WITHIN_DAYS = 42
    assert plans_due(jo, today=days_ago(0))[0].on == days_ago(30 - 42)

    plan_of(jo, alice)
    assert [d.what for d in plans_due(jo, today=days_ago(0))] == ["Care plan review"]


def test_no_plan_is_due_without_an_open_started_episode(jo):
    assert plans_due(jo, today=days_ago(0)) == []
    EpisodeFactory(service_user=jo, referral_date=days_ago(9), triage_date=None, start_date=None)
    assert plans_due(jo, today=days_ago(0)) == []


def test_plans_due_reads_a_fixed_number_of_queries(alice, jo, django_assert_max_num_queries):
    plan = plan_of(jo, alice)
    for n in range(12):
        goal_of(plan, alice, what=f"Goal {n}")
    with django_assert_max_num_queries(1):
        plans_due(jo, today=days_ago(0))


def test_the_plan_page_reads_goals_contacts_and_reviews_in_a_fixed_number_of_queries(
    alice, jo, django_assert_num_queries
):
    plan = plan_of(jo, alice, agreed=90)
    goals = [goal_of(plan, alice, what=f"Goal {n}") for n in range(6)]
    for goal in goals:
        for _ in range(3):
            GoalContact.objects.create(goal=goal, contact=ContactFactory(service_user=jo))
    for day in (60, 30):
        services.plan_review_record(
            plan=plan,
            recorded_by=alice,
            reviewed_on=days_ago(day),
            who="Jo",
            summary="Seen.",
            closing={goals.pop(): "achieved"},
        )

    with django_assert_num_queries(5):
        page = plan_page_for(jo, plan_id=None)
        assert all(len(goal.links) == 3 for goal in page.goals)
        assert [len(r.goals_closed.all()) for r in page.reviews] == [1, 1]


def test_the_history_keeps_each_write_and_the_database_refuses_deletes(alice, jo):
    plan = plan_of(jo, alice)
    goal = goal_of(plan, alice)
    services.plan_goal_change(goal=goal, what="Move into the flat by spring.")
    review = services.plan_review_record(
        plan=plan, recorded_by=alice, reviewed_on=days_ago(0), who="Jo", summary="Seen."
    )

    assert [e.what for e in goal.history.order_by("pgh_id")] == [
        "Move into the supported flat.",
        "Move into the flat by spring.",
    ]
    assert plan.history.count() == 2  # written, then its due date moved on by the review
    refused = (IntegrityError, InternalError, ProgrammingError)
    for model, pk in ((PlanReview, review.pk), (PlanGoal, goal.pk), (CarePlan, plan.pk)):
        with (
            pytest.raises(refused, match="never deleted"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [pk])
    assert PlanGoal.objects.filter(pk=goal.pk).exists()


def test_the_person_pages_section_reads_in_one_query(alice, jo, django_assert_num_queries):
    EpisodeFactory(service_user=jo, referral_date=days_ago(40), start_date=days_ago(30))
    with django_assert_num_queries(1):
        none = plans_for_person(jo, today=days_ago(0))
    assert none["care_plan"] is None
    assert none["care_plan_first_due"] == days_ago(30 - 21)
    assert none["care_plan_first_overdue"]

    plan = plan_of(jo, alice, agreed=20, weeks=2)
    goal_of(plan, alice, domain="money", what="Pay the arrears.")
    done = goal_of(plan, alice, domain="housing", what="A flat.")
    services.plan_goal_change(goal=done, state="achieved", state_on=days_ago(1))
    with django_assert_num_queries(1):
        section = plans_for_person(jo, today=days_ago(0))
    assert section["care_plan"].review_due_on == days_ago(20 - 14)
    assert section["care_plan_review_overdue"]
    assert section["care_plan_open_goals"] == 1
    assert section["care_plan_first_due"] is None
    assert [(d, [g.what for g in goals]) for d, goals in section["care_plan_goals"]] == [
        ("Housing", ["A flat."]),
        ("Money", ["Pay the arrears."]),
    ]
