"""Nothing is lost: every change is kept with who made it, and a stale save is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from deathreviews import services
from deathreviews.models import LearningTheme, Review, ReviewAction
from deathreviews.selectors import review_history
from deathreviews.services import EditConflict
from tests.deathreviews.conftest import add_action, notify, update
from tests.factories import UserFactory, days_ago

pytestmark = pytest.mark.django_db


def test_every_change_is_kept_with_who_made_it(gina, review):
    update(review, gina, place_of_death="own_home", witnessed=False)

    latest = review_history(review)[0]

    assert latest.who == "Gina " + gina.last_name
    assert latest.what == "Review"
    assert latest.verb == "changed"
    assert [(c.label, c.before, c.after) for c in latest.changes] == [
        ("Place", "—", "Their own home"),
        ("Witnessed", "—", "No"),
    ]


def test_the_first_entry_is_the_notification(gina, review):
    first = review_history(review)[-1]

    assert first.verb == "added"
    assert ("Name", "—", "Sam Unknown") in [(c.label, c.before, c.after) for c in first.changes]


def test_a_queryset_update_outside_the_services_is_kept_too(gina, review):
    Review.objects.filter(pk=review.pk).update(cause_of_death="1a Heroin toxicity")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE deathreviews_review SET place_detail = 'Bedroom' WHERE id = %s", [review.pk]
        )

    entries = review_history(review)

    assert [c.after for c in entries[0].changes] == ["Bedroom"]
    assert [c.after for c in entries[1].changes] == ["1a Heroin toxicity"]


# Each change in its own transaction, as requests make them: history orders by time.
@pytest.mark.django_db(transaction=True)
def test_parts_and_themes_appear_in_the_review_history(gina, review):
    adam = UserFactory(first_name="Adam", last_name="Owner")
    action = add_action(review, gina, owner=adam)
    services.part_update(
        part=action, user=gina, loaded_version=1, changes={"status": "in_progress"}
    )
    theme = LearningTheme.objects.get(name="Using alone")
    update(review, gina, themes=[theme])
    update(review, gina, themes=[])

    entries = review_history(review)

    assert [(e.what, e.verb) for e in entries[:4]] == [
        ("Learning theme", "removed"),
        ("Learning theme", "added"),
        ("Action", "changed"),
        ("Action", "added"),
    ]
    assert [(c.label, c.after) for c in entries[0].changes] == [("Theme", "Using alone")]
    assert ("Owner", "Adam Owner") in [(c.label, c.after) for c in entries[3].changes]


def test_a_save_from_a_stale_form_is_refused_and_writes_nothing(gina, adam, review):
    loaded = review.version
    services.review_update(
        review=review, user=adam, loaded_version=loaded, changes={"place_detail": "Kitchen"}
    )

    with pytest.raises(EditConflict) as conflict:
        services.review_update(
            review=review, user=gina, loaded_version=loaded, changes={"place_detail": "Hallway"}
        )

    assert conflict.value.current.place_detail == "Kitchen"
    assert conflict.value.current.updated_by == adam
    review.refresh_from_db()
    assert review.place_detail == "Kitchen"
    assert review.version == loaded + 1


def test_a_merged_save_with_the_new_version_goes_through(gina, adam, review):
    loaded = review.version
    services.review_update(
        review=review, user=adam, loaded_version=loaded, changes={"place_detail": "Kitchen"}
    )

    saved = services.review_update(
        review=review, user=gina, loaded_version=loaded + 1, changes={"place_detail": "Hallway"}
    )

    assert saved.place_detail == "Hallway"


def test_a_stale_transition_is_refused(gina, adam, review):
    loaded = review.version
    update(review, adam, reviewer=gina)

    with pytest.raises(EditConflict):
        services.review_transition(
            review=review, user=gina, name="start_gathering", loaded_version=loaded
        )


def test_a_stale_action_save_is_refused(gina, adam, review):
    action = add_action(review, gina)
    services.part_update(part=action, user=adam, loaded_version=1, changes={"status": "done"})

    with pytest.raises(EditConflict) as conflict:
        services.part_update(
            part=action, user=gina, loaded_version=1, changes={"due_on": days_ago(-60)}
        )

    assert conflict.value.current.status == "done"
    assert ReviewAction.objects.get(pk=action.pk).due_on == action.due_on


def test_done_actions_get_a_completion_date_and_reopened_ones_lose_it(gina, review):
    action = add_action(review, gina)

    done = services.part_update(
        part=action, user=gina, loaded_version=1, changes={"status": "done"}
    )
    assert done.completed_on == days_ago(0)
    reopened = services.part_update(
        part=action, user=gina, loaded_version=2, changes={"status": "open"}
    )
    assert reopened.completed_on is None


def test_an_action_naming_the_person_is_refused_at_its_description(gina, jo):
    review = notify(gina, person=jo)

    with pytest.raises(ValidationError) as refused:
        add_action(review, gina, description="Check Jo's GP had the discharge letter.")

    assert "description" in refused.value.message_dict
    assert "their name (Jo)" in refused.value.message_dict["description"][0]
