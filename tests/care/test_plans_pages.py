"""The care plan's pages: written by the person's team, read by whoever sees the person
(governance reads, writes nothing), 404 outside scope; bad input refused at its field
with nothing written; the plan on the person page and on the caseload."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from care import services
from care.models import CarePlan, GoalContact, PlanGoal, PlanReview
from cases.models import AccessEvent, Contact
from tests.care.factories import goal_of, plan_of
from tests.factories import EpisodeFactory, ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def url(name: str, person, *args) -> str:
    return reverse(name, args=[person.external_id, *args])


def plan_data(**changes) -> dict:
    return {
        "agreed_on": days_ago(0).isoformat(),
        "agreed_how": "in_person",
        "review_every_weeks": "12",
        **changes,
    }


def goal_data(**changes) -> dict:
    return {
        "domain": "housing",
        "what": "Move into the supported flat.",
        "by_when": days_ago(-60).isoformat(),
        "who_helps": "Keyworker and housing officer",
        **changes,
    }


def test_a_keyworker_writes_a_plan_with_two_goals_and_records_a_contact_against_one(
    client_as, alice, jo
):
    client = client_as(alice)
    assert client.post(url("care_plan_create", jo), plan_data()).status_code == 302
    assert client.post(url("plan_goal_create", jo), goal_data()).status_code == 302
    assert (
        client.post(
            url("plan_goal_create", jo),
            goal_data(domain="substance_use", what="Stop using on top of the script."),
        ).status_code
        == 302
    )
    housing = PlanGoal.objects.get(domain="housing")
    form = client.get(url("plan_contact_create", jo), {"goal": str(housing.external_id)})
    assert form.context["form"]["goals"].value() == [str(housing.external_id)]

    response = client.post(
        url("plan_contact_create", jo),
        {
            "contact_date": days_ago(0).isoformat(),
            "kind": "appointment",
            "status": "attended",
            "goals": [str(housing.external_id)],
        },
    )

    assert response.status_code == 302
    assert response.url == url("care_plan", jo)
    link = GoalContact.objects.get()
    assert (link.goal, link.contact.service_user, link.contact.staff) == (housing, jo, alice)
    content = client.get(url("care_plan", jo)).content.decode()
    assert "Move into the supported flat." in content
    assert "Stop using on top of the script." in content
    assert f"{days_ago(0):%d/%m/%Y}: Appointment, attended" in content
    assert f"due {days_ago(-84):%d/%m/%Y}" in content


def test_a_review_closes_a_goal_and_moves_the_next_review_on(client_as, alice, jo):
    plan = plan_of(jo, alice, agreed=100, weeks=12)
    done = goal_of(plan, alice, domain="money", what="Clear the rent arrears.")
    kept = goal_of(plan, alice, domain="housing")
    client = client_as(alice)

    response = client.post(
        url("plan_review_create", jo),
        {
            "reviewed_on": days_ago(1).isoformat(),
            "who": "Jo and their keyworker",
            "summary": "Arrears cleared; the flat is next.",
            f"goal_{done.external_id}": "achieved",
            f"goal_{kept.external_id}": "carry_on",
        },
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.review_due_on == days_ago(1 - 84)
    done.refresh_from_db()
    assert (done.state, done.state_on) == ("achieved", days_ago(1))
    content = client.get(url("care_plan", jo)).content.decode()
    assert "Arrears cleared; the flat is next." in content
    assert "Closed at this review: Clear the rent arrears. (achieved)" in content


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (plan_data(agreed_on=days_ago(-1).isoformat()), "agreed_on", "cannot be in the future"),
        (plan_data(review_every_weeks="0"), "review_every_weeks", "at least every week"),
        (plan_data(review_every_weeks="60"), "review_every_weeks", "at least once a year"),
        (plan_data(agreed_how=""), "agreed_how", "Choose how the plan was agreed"),
    ],
)
def test_a_bad_plan_is_refused_at_its_field_and_nothing_is_written(
    client_as, alice, jo, data, field, message
):
    response = client_as(alice).post(url("care_plan_create", jo), data)

    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert not CarePlan.objects.exists()


def test_a_bad_goal_or_review_is_refused_at_its_field_and_nothing_is_written(client_as, alice, jo):
    plan = plan_of(jo, alice, agreed=20)
    goal = goal_of(plan, alice)
    client = client_as(alice)

    early = client.post(url("plan_goal_create", jo), goal_data(by_when=days_ago(30).isoformat()))
    no_date = client.post(
        url("plan_goal_edit", jo, goal.external_id), goal_data(state="achieved", state_on="")
    )
    review = client.post(
        url("plan_review_create", jo),
        {"reviewed_on": days_ago(25).isoformat(), "who": "", "summary": " "},
    )

    assert early.status_code == no_date.status_code == review.status_code == 400
    assert "before the plan was agreed" in early.context["form"].errors["by_when"][0]
    assert "Enter the date the goal was achieved" in no_date.context["form"].errors["state_on"][0]
    errors = review.context["form"].errors
    assert "before the plan was agreed" in errors["reviewed_on"][0]
    assert errors["who"] == ["Say who took part in the review."]
    assert errors["summary"] == ["Write a short summary of the review."]
    assert PlanGoal.objects.get() == goal
    goal.refresh_from_db()
    assert goal.state == "open"
    assert not PlanReview.objects.exists()


def test_a_contact_without_a_goal_or_with_a_bad_date_writes_nothing(client_as, alice, jo):
    goal = goal_of(plan_of(jo, alice), alice)
    client = client_as(alice)
    base = {"contact_date": days_ago(0).isoformat(), "kind": "phone", "status": "attended"}

    no_goal = client.post(url("plan_contact_create", jo), base)
    future = client.post(
        url("plan_contact_create", jo),
        {**base, "contact_date": days_ago(-2).isoformat(), "goals": [str(goal.external_id)]},
    )

    assert no_goal.status_code == future.status_code == 400
    assert no_goal.context["form"].errors["goals"] == [
        "Choose the goal or goals the contact worked on."
    ]
    assert "today or earlier" in future.context["form"].errors["contact_date"][0]
    assert not Contact.objects.exists()
    assert not GoalContact.objects.exists()


def test_without_a_plan_the_pages_say_to_write_one_first_and_write_nothing(client_as, alice, jo):
    client = client_as(alice)
    for name in ("plan_goal_create", "plan_review_create", "plan_contact_create"):
        page = client.get(url(name, jo))
        assert page.status_code == 200
        assert "has no care plan yet" in page.content.decode()
        assert client.post(url(name, jo), goal_data()).status_code == 400
    assert not PlanGoal.objects.exists()


def test_only_a_goal_of_the_current_plan_can_be_changed(client_as, alice, jo, north):
    old = goal_of(plan_of(jo, alice, agreed=100), alice)
    plan_of(jo, alice, agreed=1)
    someone = ServiceUserFactory(team=north, keyworker=alice)
    theirs = goal_of(plan_of(someone, alice), alice)
    client = client_as(alice)

    assert client.get(url("plan_goal_edit", jo, old.external_id)).status_code == 404
    assert client.get(url("plan_goal_edit", jo, theirs.external_id)).status_code == 404
    assert client.get(url("plan_goal_edit", someone, theirs.external_id)).status_code == 200


def test_an_earlier_plan_is_shown_as_kept_and_a_bad_plan_reference_is_400(client_as, alice, jo):
    old = plan_of(jo, alice, agreed=100)
    goal_of(old, alice, what="A goal of the first plan.")
    plan_of(jo, alice, agreed=1)
    client = client_as(alice)

    earlier = client.get(url("care_plan", jo), {"plan": str(old.external_id)})
    bad = client.get(url("care_plan", jo), {"plan": "not-a-plan"})
    unknown = client.get(url("care_plan", jo), {"plan": "0" * 32})

    assert earlier.status_code == 200
    content = earlier.content.decode()
    assert "A goal of the first plan." in content
    assert "replaced by a new plan" in content
    assert "Change<span" not in content
    assert bad.status_code == 400
    assert unknown.status_code == 404


def test_another_teams_keyworker_finds_no_such_person_and_writes_nothing(client_as, bob, alice, jo):
    goal = goal_of(plan_of(jo, alice), alice)
    client = client_as(bob)
    for name in ("care_plan", "care_plan_create", "plan_goal_create", "plan_review_create"):
        assert client.get(url(name, jo)).status_code == 404
        assert client.post(url(name, jo), plan_data()).status_code == 404
    assert client.get(url("plan_goal_edit", jo, goal.external_id)).status_code == 404
    assert client.post(url("plan_contact_create", jo), {}).status_code == 404
    assert CarePlan.objects.count() == 1


def test_a_commissioner_finds_no_such_person(client_as, cora, alice, jo):
    goal_of(plan_of(jo, alice), alice)
    client = client_as(cora)
    assert client.get(url("care_plan", jo)).status_code == 404
    assert client.get(url("care_plan_create", jo)).status_code == 404


def test_governance_reads_the_plan_but_writes_nothing(client_as, gina, alice, jo):
    goal_of(plan_of(jo, alice), alice, what="Register with a GP.")
    client = client_as(gina)
    before = AccessEvent.objects.count()

    page = client.get(url("care_plan", jo))

    assert page.status_code == 200
    assert "Register with a GP." in page.content.decode()
    assert "Add a goal" not in page.content.decode()
    assert AccessEvent.objects.count() == before + 1
    assert client.post(url("care_plan_create", jo), plan_data()).status_code == 403
    assert CarePlan.objects.count() == 1


def with_goals(person, worker, count: int):
    plan = plan_of(person, worker, agreed=200)
    domains = ("housing", "money", "substance_use", "work")
    for n in range(count):
        goal = goal_of(plan, worker, domain=domains[n % 4], what=f"Goal {n}.")
        if n % 3 == 0:
            services.plan_goal_change(goal=goal, state="achieved", state_on=days_ago(5))
    return person


def person_page_queries(client, person) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("person_detail", args=[person.external_id]))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_person_page_shows_the_plan_in_the_same_queries_for_5_goals_and_for_200(
    client_as, alice, north
):
    few = with_goals(ServiceUserFactory(team=north, keyworker=alice), alice, 5)
    many = with_goals(ServiceUserFactory(team=north, keyworker=alice), alice, 200)
    client = client_as(alice)
    person_page_queries(client, few)  # the session's first request touches more

    few_count, few_page = person_page_queries(client, few)
    many_count, many_page = person_page_queries(client, many)

    assert few_count == many_count
    assert "Goal 199." in many_page
    assert "Housing:" in few_page
    assert f"Review overdue: was due {days_ago(200 - 84):%d/%m/%Y}" in few_page
    assert reverse("care_plan", args=[few.external_id]) in few_page


def test_the_person_page_says_when_a_first_plan_is_due(client_as, alice, jo):
    EpisodeFactory(service_user=jo, referral_date=days_ago(10), start_date=days_ago(5))

    content = client_as(alice).get(reverse("person_detail", args=[jo.external_id])).content
    assert f"A first plan is due by {days_ago(5 - 21):%d/%m/%Y}" in content.decode()


def test_the_caseload_shows_the_plan_review_due_with_overdue_in_words(client_as, alice, north):
    overdue = ServiceUserFactory(team=north, keyworker=alice, last_name="Overdue")
    EpisodeFactory(service_user=overdue)
    plan_of(overdue, alice, agreed=100, weeks=8)
    due = ServiceUserFactory(team=north, keyworker=alice, last_name="Due")
    EpisodeFactory(service_user=due)
    plan_of(due, alice, agreed=10, weeks=12)
    none = ServiceUserFactory(team=north, keyworker=alice, last_name="None")
    EpisodeFactory(service_user=none, referral_date=days_ago(60), start_date=days_ago(50))

    response = client_as(alice).get(reverse("caseload", args=["mine"]))

    content = response.content.decode()
    assert "Plan review" in content
    assert f"Overdue since {days_ago(100 - 56):%d/%m/%Y}" in content
    assert days_ago(10 - 84).strftime("%d/%m/%Y") in content
    assert f"No plan: overdue since {days_ago(50 - 21):%d/%m/%Y}" in content
    rows = {row.record.last_name: row.record for row in response.context["table"].paginated_rows}
    assert rows["Due"].plan_review_due == days_ago(10 - 84)
    assert rows["None"].plan_review_due is None
