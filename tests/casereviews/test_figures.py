"""The case review figures, on a dataset worked out by hand.

In 2025, North has 15 people whose flag reached very high: 10 on 1 March, of whom
5 were reviewed on 5 March (within 7 days) and 5 on 12 March (11 days: within 14, not
7), and 5 on 1 June, never reviewed. So 15 flags, 5 reviewed within 7 days (33.3%),
10 within 14 (66.7%).

The 5 March meeting set 10 actions due 1 April: 5 done on 30 March (on time), 5 on
10 April (late): 50% on time.

On 1 August, 5 of those reviewed on 5 March died, and 5 of the never reviewed: 10
deaths of people flagged very high before, 5 reviewed before (50%). On 1 September,
the 5 reviewed on 12 March had a non-fatal overdose: 5 overdoses, all reviewed before.
Someone never flagged very high who died is not counted. 2024 has nothing.
"""

import datetime

import pytest

from casereviews import services
from casereviews.figures import case_review_figures
from casereviews.models import ReviewAction
from cases.models import ServiceUser
from outcomes.figures import FigureFilters
from tests.casereviews.conftest import held_meeting, make_flag
from tests.deathreviews.conftest import figure_rows as rows
from tests.factories import EventFactory, ServiceUserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = FigureFilters(start=D(2025, 1, 1), end=D(2025, 12, 31))


@pytest.fixture
def dataset(north, alice, tess):
    people = [ServiceUserFactory(team=north, keyworker=alice) for _ in range(15)]
    for person in people[:10]:
        make_flag(person, raised_on=D(2025, 3, 1))
    for person in people[10:]:
        make_flag(person, raised_on=D(2025, 6, 1))
    early = held_meeting(north, tess, people[:5], on=D(2025, 3, 5))
    held_meeting(north, tess, people[5:10], on=D(2025, 3, 12))
    for i, reviewed in enumerate(list(early.reviewed.all()) * 2):
        action = services.action_set(
            reviewed=reviewed, description="Offer naloxone", owner=alice, due_on=D(2025, 4, 1)
        )
        done = D(2025, 3, 30) if i < 5 else D(2025, 4, 10)
        ReviewAction.objects.filter(pk=action.pk).update(done_on=done)
    died = [p.pk for p in people[:5] + people[10:]]
    ServiceUser.objects.filter(pk__in=died).update(date_of_death=D(2025, 8, 1))
    never_flagged = ServiceUserFactory(team=north)
    ServiceUser.objects.filter(pk=never_flagged.pk).update(date_of_death=D(2025, 8, 1))
    for person in people[5:10]:
        EventFactory(
            service_user=person,
            kind="non_fatal_overdose",
            status="happened",
            occurred_on=D(2025, 9, 1),
        )
    return people


def test_the_share_of_very_high_flags_reviewed_within_7_and_14_days(dataset):
    result = case_review_figures(YEAR)

    assert result["family"] == "case_reviews"
    assert rows(result, "very_high_flags")[None] == ((15, None, 15), (0, None, 0))
    assert rows(result, "reviewed_within_7_days")[None][0] == (5, 15, 33.3)
    assert rows(result, "reviewed_within_14_days")[None][0] == (10, 15, 66.7)


def test_the_share_of_actions_done_on_time(dataset):
    result = case_review_figures(YEAR)

    assert rows(result, "actions_due")[None][0] == (10, None, 10)
    assert rows(result, "actions_done_on_time")[None][0] == (5, 10, 50.0)


def test_whether_people_who_died_or_overdosed_had_been_reviewed_before(dataset):
    result = case_review_figures(YEAR)

    assert rows(result, "deaths_after_very_high")[None][0] == (10, None, 10)
    assert rows(result, "deaths_reviewed_before")[None][0] == (5, 10, 50.0)
    assert rows(result, "overdoses_after_very_high")[None][0] == (5, None, 5)
    assert rows(result, "overdoses_reviewed_before")[None][0] == (5, 5, 100.0)


def test_small_numbers_are_withheld(north, alice, tess):
    people = [ServiceUserFactory(team=north, keyworker=alice) for _ in range(3)]
    for person in people:
        make_flag(person, raised_on=D(2025, 3, 1))
    held_meeting(north, tess, people[:1], on=D(2025, 3, 2))

    result = case_review_figures(YEAR)

    assert rows(result, "very_high_flags")[None][0] == (None, None, None)
    assert rows(result, "reviewed_within_7_days")[None][0] == (None, None, None)


def test_a_team_filter_counts_only_its_people(dataset, south):
    result = case_review_figures(
        FigureFilters(start=D(2025, 1, 1), end=D(2025, 12, 31), team_ids=[south.pk])
    )

    assert rows(result, "very_high_flags")[None][0] == (0, None, 0)
