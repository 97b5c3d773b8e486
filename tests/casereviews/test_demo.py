"""The demo's case reviews: a held meeting with decisions and actions, and a scheduled one
prefilled with the people still due, from their own random stream."""

import pytest

from casereviews.models import Meeting, MeetingStatus, ReviewAction
from demo.casereviews import seed_case_reviews
from tests.casereviews.conftest import make_flag
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def test_each_team_with_a_lead_gets_a_held_and_a_scheduled_meeting(north, tess, alice):
    people = [ServiceUserFactory(team=north, keyworker=alice) for _ in range(6)]
    for i, person in enumerate(people):
        make_flag(person, raised_on=days_ago(10 + i))

    result = seed_case_reviews(seed=7, today=days_ago(0))

    held = Meeting.objects.get(status=MeetingStatus.HELD)
    scheduled = Meeting.objects.get(status=MeetingStatus.SCHEDULED)
    assert (result.held, result.scheduled, result.reviewed) == (1, 1, 3)
    assert held.reviewed.exclude(decisions="").count() == 3
    assert ReviewAction.objects.count() == result.actions >= 3
    assert scheduled.reviewed.count() == 3
    assert not set(held.reviewed.values_list("service_user", flat=True)) & set(
        scheduled.reviewed.values_list("service_user", flat=True)
    )
    assert held.partners.count() == 2
