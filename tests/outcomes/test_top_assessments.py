import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from outcomes.forms import TopAssessmentForm
from outcomes.models import Stage, TopAssessment
from outcomes.services import top_assessment_create
from outcomes.top_items import NUMERIC_ITEMS, TOP_ITEMS
from tests.factories import EpisodeFactory, TopFactory, days_ago, discharge_reason

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(jo):
    return EpisodeFactory(service_user=jo, referral_date=days_ago(300))


def top_form(episode, **values):
    data = {"episode": episode.pk, "stage": "S", "top_date": days_ago(290).isoformat(), **values}
    return TopAssessmentForm(data, service_user=episode.service_user)


def boundary_cases():
    for item in NUMERIC_ITEMS:
        low, high = item.bounds
        yield pytest.param(item, low - 1, False, id=f"{item.code}-below")
        yield pytest.param(item, low, True, id=f"{item.code}-lowest")
        yield pytest.param(item, high, True, id=f"{item.code}-highest")
        yield pytest.param(item, high + 1, False, id=f"{item.code}-above")


@pytest.mark.parametrize(("item", "value", "valid"), list(boundary_cases()))
def test_each_item_accepts_its_range_and_rejects_one_past_either_end(episode, item, value, valid):
    extra = {"other_substance_name": "ketamine"} if item.code == "OTDRGUSE" else {}
    form = top_form(episode, **{item.field: str(value)}, **extra)

    assert form.is_valid() is valid
    if not valid:
        message = form.errors[item.field][0]
        assert message.startswith(f"{item.code} {value} is ")
        assert str(item.bounds[1]) in message


def test_an_opioid_day_count_above_28_says_so_in_words(episode):
    form = top_form(episode, opiuse="31")

    assert not form.is_valid()
    assert form.errors["opiuse"] == ["OPIUSE 31 is above 28: enter 0 to 28 days in the last 28."]


@pytest.mark.parametrize("item", NUMERIC_ITEMS, ids=lambda i: i.code)
def test_each_number_input_carries_its_range_so_the_browser_helps_before_sending(episode, item):
    low, high = item.bounds
    html = str(top_form(episode)[item.field])

    assert 'type="number"' in html
    assert f'min="{low}"' in html
    assert f'max="{high}"' in html
    assert 'step="1"' in html
    assert f'data-max-message="{item.code} is above {high}: ' in html
    assert f'data-min-message="{item.code} is below {low}: ' in html


@pytest.mark.parametrize("item", NUMERIC_ITEMS, ids=lambda i: i.code)
def test_the_database_refuses_out_of_range_values_even_without_the_form(episode, item):
    top = TopAssessment(
        service_user=episode.service_user, episode=episode, stage="S", top_date=days_ago(290)
    )
    setattr(top, item.field, item.bounds[1] + 1)

    with pytest.raises(IntegrityError), transaction.atomic():
        top.save()


def test_not_disclosed_is_stored_as_empty_and_kept_apart_from_zero(episode, alice):
    form = top_form(episode, opiuse="", crause="0", sharing="")
    assert form.is_valid(), form.errors

    top = top_assessment_create(
        service_user=episode.service_user, recorded_by=alice, **form.cleaned_data
    )
    top.refresh_from_db()

    assert top.opiuse is None
    assert top.crause == 0
    assert top.sharing is None


def test_a_yes_no_item_takes_yes_no_or_not_disclosed(episode):
    assert top_form(episode, sharing="true").is_valid()
    assert top_form(episode, sharing="false").is_valid()
    assert top_form(episode, sharing="").is_valid()
    assert {item.code for item in TOP_ITEMS if item.kind == "yesno"} == {
        "SHARING",
        "OTHTHEFT",
        "ASSAULT",
        "ACUTHPBM",
        "HRISK",
    }


def test_words_instead_of_a_number_get_a_clear_message(episode):
    form = top_form(episode, opiuse="lots")

    assert not form.is_valid()
    assert form.errors["opiuse"] == ["OPIUSE must be a whole number from 0 to 28."]


def create(episode, stage, day, user=None):
    return top_assessment_create(
        service_user=episode.service_user,
        episode=episode,
        stage=stage,
        top_date=day,
        recorded_by=user,
    )


def stage_error(episode, stage, day, field="stage"):
    with pytest.raises(ValidationError) as raised:
        create(episode, stage, day)
    return raised.value.message_dict[field][0]


def test_an_episode_has_only_one_start_top(episode):
    create(episode, Stage.START, days_ago(290))

    message = stage_error(episode, Stage.START, days_ago(100))

    assert "already has a start TOP" in message
    assert "Record this one as a review" in message


def test_a_review_top_needs_a_start_top_first(episode):
    assert stage_error(episode, Stage.REVIEW, days_ago(100)) == (
        "A review TOP needs a start TOP for this episode first."
    )
    create(episode, Stage.START, days_ago(290))
    assert create(episode, Stage.REVIEW, days_ago(100)).stage == "R"


def test_a_review_cannot_come_before_the_start_top(episode):
    create(episode, Stage.START, days_ago(200))

    assert "before the start TOP" in stage_error(episode, Stage.REVIEW, days_ago(250), "top_date")


def test_a_top_cannot_be_dated_before_the_referral(episode):
    message = stage_error(episode, Stage.START, days_ago(301), "top_date")

    assert message.startswith("The interview date is before this episode's referral")


def test_a_top_cannot_be_dated_in_the_future(episode):
    tomorrow = days_ago(-1)

    assert (
        stage_error(episode, Stage.START, tomorrow, "top_date")
        == "The interview date is in the future."
    )


def test_a_top_after_discharge_must_be_a_post_exit_top(episode):
    episode.discharge_date = days_ago(50)
    episode.discharge_reason = discharge_reason("completed_drug_free")
    episode.save()
    create(episode, Stage.START, days_ago(290))

    assert "record a post-exit TOP instead" in stage_error(
        episode, Stage.REVIEW, days_ago(20), "top_date"
    )
    assert create(episode, Stage.POST_EXIT, days_ago(20)).stage == "P"


def test_a_post_exit_top_needs_the_episode_to_have_ended(episode):
    message = stage_error(episode, Stage.POST_EXIT, days_ago(20))

    assert "this episode is still open" in message


def test_an_episode_has_only_one_exit_top(episode):
    create(episode, Stage.START, days_ago(290))
    create(episode, Stage.EXIT, days_ago(10))

    assert stage_error(episode, Stage.EXIT, days_ago(5)) == "This episode already has an exit TOP."


def test_the_database_also_refuses_a_second_start_top(episode):
    TopFactory(episode=episode)

    with pytest.raises(IntegrityError), transaction.atomic():
        TopFactory(episode=episode, top_date=episode.referral_date + datetime.timedelta(days=30))


def test_another_persons_episode_is_refused(episode, north):
    other = EpisodeFactory(service_user__team=north)

    with pytest.raises(ValidationError) as raised:
        top_assessment_create(
            service_user=episode.service_user,
            episode=other,
            stage="S",
            top_date=days_ago(10),
            recorded_by=None,
        )
    assert "belongs to someone else" in raised.value.message_dict["episode"][0]


def test_the_form_suggests_a_start_top_then_reviews(episode):
    fresh = TopAssessmentForm(service_user=episode.service_user)
    assert fresh["stage"].value() == Stage.START
    assert fresh["episode"].value() == episode.pk

    TopFactory(episode=episode)

    assert TopAssessmentForm(service_user=episode.service_user)["stage"].value() == Stage.REVIEW
