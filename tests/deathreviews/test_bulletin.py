"""The learning bulletin: anonymised learning from signed-off reviews, for all staff."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deathreviews.models import LearningTheme
from deathreviews.services import ReviewIncomplete
from tests.deathreviews.conftest import (
    FINDINGS_FIELDS,
    add_action,
    approve_for_bulletin,
    move,
    notify,
    signed_off,
    to_panel_held,
    update,
)
from tests.factories import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(gina, jo):
    """A signed-off review of Jo's death, with a theme and an action."""
    jo.nhs_number = "9434765919"
    jo.save()
    review = notify(gina, person=jo, occurred_on=days_ago(40))
    update(
        review,
        gina,
        place_of_death="public",
        place_detail="Behind the bus station on Mill Lane",
        themes=[LearningTheme.objects.get(name="Using alone")],
    )
    signed_off(review, gina)
    return approve_for_bulletin(review, gina)


def test_it_shows_the_learning_themes_and_actions_of_signed_off_reviews(client_as, cora, shared):
    page = client_as(cora).get(reverse("review_bulletin")).content.decode()

    assert FINDINGS_FIELDS["bulletin_learning"] in page
    assert "Using alone" in page
    assert "Offer naloxone at every prison release." in page
    assert "Drug-related death" in page


def test_nothing_on_it_identifies_the_person(client_as, alice, jo, shared):
    page = client_as(alice).get(reverse("review_bulletin")).content.decode()
    # The sign-out form's random token can hold any short name ("Jo") by chance.
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)

    for identifying in (
        jo.first_name,
        jo.last_name,
        jo.client_ref,
        jo.nhs_number,
        shared.reference,
        str(shared.external_id),
        str(jo.external_id),
        f"{shared.occurred_on:%d/%m/%Y}",
        shared.occurred_on.isoformat(),
        "Mill Lane",
        "Street or public place",
        jo.team.name,
        FINDINGS_FIELDS["learning"],
        FINDINGS_FIELDS["missed_opportunities"],
    ):
        assert identifying not in page, identifying


def test_it_shows_the_quarter_of_death_at_most(client_as, alice, shared):
    day = shared.occurred_on
    quarter = f"{day.year} Q{(day.month - 1) // 3 + 1}"

    assert quarter in client_as(alice).get(reverse("review_bulletin")).content.decode()


def test_reviews_not_yet_signed_off_stay_off_it(client_as, alice, gina):
    review = notify(gina, person_name="Sam Unknown")
    to_panel_held(review, gina)
    update(review, gina, **FINDINGS_FIELDS)

    response = client_as(alice).get(reverse("review_bulletin"))

    assert response.context["entries"] == []
    assert "No signed-off learning to share yet." in response.content.decode()


def test_it_filters_by_theme(client_as, alice, gina, shared):
    other = notify(gina, person_name="Lee Other")
    signed_off(other, gina)
    approve_for_bulletin(other, gina)
    theme = LearningTheme.objects.get(name="Using alone")

    response = client_as(alice).get(reverse("review_bulletin"), {"theme": theme.pk})

    assert len(response.context["entries"]) == 1


def test_sign_off_is_refused_while_the_shared_learning_names_the_person(gina, jo):
    review = notify(gina, person=jo)
    to_panel_held(review, gina)
    update(review, gina, **FINDINGS_FIELDS, toxicology_status="not_available", cause_of_death="1a")
    add_action(review, gina)
    # Written before the check at the field existed, or by a bulk update.
    type(review).objects.filter(pk=review.pk).update(
        bulletin_learning=f"{jo.client_ref} was not offered naloxone."
    )

    with pytest.raises(ReviewIncomplete) as refused:
        move(review, gina, "sign_off")

    [item] = refused.value.missing
    assert (item.domain, item.field) == ("findings", "bulletin_learning")
    assert f"their client reference ({jo.client_ref})" in item.message


@pytest.mark.parametrize(
    ("what", "text"),
    [
        ("their name", "Jo had no kit."),
        ("their name", "BLOGGS had no kit."),
        ("their NHS number", "Record 9434765919 showed no kit."),
    ],
)
def test_the_shared_learning_is_checked_for_name_and_nhs_number(gina, jo, what, text):
    jo.nhs_number = "9434765919"
    jo.save()
    review = notify(gina, person=jo)

    with pytest.raises(ValidationError) as refused:
        update(review, gina, bulletin_learning=text)

    assert what in refused.value.message_dict["bulletin_learning"][0]


def test_a_name_inside_another_word_is_not_mistaken_for_the_person(gina, jo):
    review = notify(gina, person=jo)

    update(review, gina, bulletin_learning="Joint working with housing helped.")

    review.refresh_from_db()
    assert review.bulletin_learning.startswith("Joint")


def test_the_shared_learning_of_someone_unknown_is_checked_for_their_name(gina):
    review = notify(gina, person_name="Sam Unknown")

    with pytest.raises(ValidationError, match="their name"):
        update(review, gina, bulletin_learning="Sam had been sleeping rough.")
