"""A review's values read the same wherever they are shown; only "nothing recorded" varies."""

import datetime

import pytest

from cases.wording import uk_date, words
from deathreviews.models import LearningTheme, Review
from deathreviews.templatetags.review_tags import NOT_RECORDED, display


def field(name: str):
    return Review._meta.get_field(name)


def test_dates_read_in_uk_format_from_a_date_or_an_iso_date():
    assert uk_date(datetime.date(2026, 5, 17)) == "17/05/2026"
    assert uk_date("2026-05-17") == "17/05/2026"
    assert uk_date(None) == "—"
    assert uk_date("", empty="") == ""


@pytest.mark.parametrize(
    ("value", "name", "shown"),
    [
        (True, "witnessed", "Yes"),
        (False, "witnessed", "No"),
        ("own_home", "place_of_death", "Their own home"),
        (datetime.date(2026, 1, 2), "occurred_on", "02/01/2026"),
        ("Kitchen", "place_detail", "Kitchen"),
        (["Alone", "Prison release"], None, "Alone, Prison release"),
    ],
)
def test_a_value_reads_in_words(value, name, shown):
    assert words(value, field(name) if name else None) == shown


@pytest.mark.parametrize("value", [None, "", []])
def test_nothing_recorded_reads_as_the_caller_says(value):
    assert words(value) == "—"
    assert words(value, empty="empty") == "empty"


@pytest.mark.django_db
def test_the_review_page_names_people_and_themes(gina, review):
    review.reviewer = gina
    review.save()
    review.themes.set(LearningTheme.objects.order_by("name")[:1])

    assert display(review, "reviewer") == gina.display_name
    assert display(review, "themes") == LearningTheme.objects.order_by("name")[0].name
    assert display(review, "joint_agencies") == NOT_RECORDED
    assert display(review, "naloxone_used") == NOT_RECORDED
