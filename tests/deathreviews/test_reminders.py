"""The daily reminder: which actions it lists, one email per owner, and never twice a day."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from config.celery import app
from deathreviews import selectors, services, tasks
from deathreviews.models import ActionReminder, Review, ReviewStatus
from tests.deathreviews.conftest import add_action, notify
from tests.factories import UserFactory, days_ago

pytestmark = pytest.mark.django_db

TODAY = days_ago(0)


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def owner(db):
    return UserFactory(first_name="Olu", last_name="Owner", email="olu@example.org")


def due_in(review, user, owner, days, **fields):
    return add_action(
        review,
        user,
        owner=owner,
        due_on=TODAY + datetime.timedelta(days=days),
        description=fields.pop("description", f"Action due in {days} days"),
        **fields,
    )


def selected(on=TODAY) -> list[str]:
    return [a.description for a in selectors.actions_due_for_reminder(on)]


def test_it_selects_actions_due_within_seven_days_and_overdue(gina, review, owner):
    due_in(review, gina, owner, 7)
    due_in(review, gina, owner, 8)
    due_in(review, gina, owner, 0)
    due_in(review, gina, owner, -3)

    assert selected() == ["Action due in -3 days", "Action due in 0 days", "Action due in 7 days"]


def test_it_leaves_out_done_and_not_done_actions(gina, review, owner):
    due_in(review, gina, owner, 1, description="Done", status="done")
    due_in(
        review,
        gina,
        owner,
        1,
        description="Not done",
        status="not_done",
        not_done_reason="Service decommissioned.",
    )
    due_in(review, gina, owner, 1, description="In progress", status="in_progress")

    assert selected() == ["In progress"]


def test_it_leaves_out_actions_of_closed_reviews(gina, review, owner):
    due_in(review, gina, owner, 1)
    Review.objects.filter(pk=review.pk).update(status=ReviewStatus.CLOSED)

    assert selected() == []


def test_it_leaves_out_owners_who_cannot_receive_it(gina, review):
    left = UserFactory(email="gone@example.org", is_active=False)
    no_email = UserFactory(email="")
    due_in(review, gina, left, 1)
    due_in(review, gina, no_email, 1)

    assert selected() == []


def test_each_owner_gets_one_email_listing_their_actions(gina, review, owner):
    other = UserFactory(first_name="Pat", email="pat@example.org")
    second = notify(gina, person_name="Lee Other")
    due_in(review, gina, owner, -2, description="Overdue one")
    due_in(second, gina, owner, 5, description="Due soon")
    due_in(review, gina, owner, 9, description="Not yet")
    due_in(review, gina, other, 3, description="Pat's action")

    sent = services.action_reminders_send(on=TODAY)

    assert sent == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    olu = by_recipient["olu@example.org"]
    assert olu.subject == "Lantern: 2 review actions due or overdue"
    assert (
        f"{review.reference}: Overdue one (due {days_ago(2):%d/%m/%Y}, overdue by 2 days)"
        in olu.body
    )
    assert f"{second.reference}: Due soon (due {days_ago(-5):%d/%m/%Y}, due in 5 days)" in olu.body
    assert "Not yet" not in olu.body
    assert f"{settings.LANTERN_SITE_URL}/reviews/actions/?show=open" in olu.body
    assert by_recipient["pat@example.org"].subject == "Lantern: 1 review action due or overdue"


def test_the_email_never_names_the_person_under_review(gina, jo, owner):
    review = notify(gina, person=jo)
    due_in(review, gina, owner, 1)

    services.action_reminders_send(on=TODAY)

    body = mail.outbox[0].body
    assert jo.last_name not in body
    assert jo.client_ref not in body


def test_a_retry_on_the_same_day_sends_nothing_twice(gina, review, owner):
    due_in(review, gina, owner, 1)

    assert services.action_reminders_send(on=TODAY) == 1
    assert services.action_reminders_send(on=TODAY) == 0

    assert len(mail.outbox) == 1
    assert ActionReminder.objects.get().actions == 1


def test_the_next_day_reminds_again(gina, review, owner):
    due_in(review, gina, owner, 1)

    services.action_reminders_send(on=TODAY)
    services.action_reminders_send(on=TODAY + datetime.timedelta(days=1))

    assert len(mail.outbox) == 2


@override_settings(EMAIL_BACKEND="tests.deathreviews.test_reminders.FailingBackend")
def test_a_failed_send_leaves_nothing_that_would_stop_the_retry(gina, review, owner):
    due_in(review, gina, owner, 1)

    with pytest.raises(ConnectionRefusedError):
        services.action_reminders_send(on=TODAY)

    assert not ActionReminder.objects.exists()


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server is down.")


def test_the_task_sends_through_the_service(gina, review, owner):
    due_in(review, gina, owner, 1)

    assert tasks.review_action_reminders_send.delay(TODAY.isoformat()).get() == 1
    assert len(mail.outbox) == 1


def test_the_beat_entry_runs_the_reminders_at_seven_london_time():
    entry = settings.CELERY_BEAT_SCHEDULE["review-action-reminders"]
    schedule = entry["schedule"]
    schedule.app = app

    assert entry["task"] == "deathreviews.tasks.review_action_reminders_send"
    assert (schedule.hour, schedule.minute) == ({7}, {0})
    assert schedule.day_of_week == set(range(7))
    assert settings.CELERY_TIMEZONE == "Europe/London"
