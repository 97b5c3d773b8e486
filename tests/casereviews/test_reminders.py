"""Case review actions reach their owners: a daily email, once a day, from the beat schedule."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from casereviews import services, tasks
from casereviews.models import ActionReminder
from tests.casereviews.conftest import held_meeting
from tests.factories import days_ago

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_the_reminders_are_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["case-review-action-reminders"]

    assert entry["task"] == "casereviews.tasks.case_review_action_reminders_send"


def test_owners_of_actions_due_within_a_week_or_overdue_get_one_email_a_day(north, tess, alice, jo):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=LONDON), tick=False):
        alice.email = "alice@example.org"
        alice.save(update_fields=["email"])
        tess.email = "tess@example.org"
        tess.save(update_fields=["email"])
        reviewed = held_meeting(north, tess, [jo], on=datetime.date(2026, 11, 2)).reviewed.get()
        for what, owner, due in (
            ("Offer naloxone", alice, datetime.date(2026, 11, 5)),
            ("Call probation", alice, datetime.date(2026, 11, 30)),
            ("Book a GP review", tess, datetime.date(2026, 11, 20)),
        ):
            services.action_set(reviewed=reviewed, description=what, owner=owner, due_on=due)

    with time_machine.travel(datetime.datetime(2026, 11, 10, 7, 5, tzinfo=LONDON), tick=False):
        assert tasks.case_review_action_reminders_send() == 1
        # A retry the same day sends nothing twice.
        assert tasks.case_review_action_reminders_send() == 0

    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    body = mail.outbox[0].body
    assert "overdue by 5 days" in body
    # The email names no one.
    assert "Jo" not in body
    assert "Bloggs" not in body
    assert "/case-reviews/my-actions/" in body

    with time_machine.travel(datetime.datetime(2026, 11, 14, 7, 5, tzinfo=LONDON), tick=False):
        assert tasks.case_review_action_reminders_send() == 2  # tess's is now within a week

    assert ActionReminder.objects.count() == 3


def test_a_done_action_is_not_reminded(north, tess, alice, jo):
    alice.email = "alice@example.org"
    alice.save(update_fields=["email"])
    reviewed = held_meeting(north, tess, [jo], on=days_ago(0)).reviewed.get()
    action = services.action_set(
        reviewed=reviewed, description="Offer naloxone", owner=alice, due_on=days_ago(0)
    )
    services.action_done(action=action, done_on=days_ago(0))

    assert services.action_reminders_send() == 0
