"""Religion, disability (several at once) and whether all of a parent's children live with them.

Each is asked on its form, checked at its field with a message a keyworker
understands, refused by the database when a write skips the form, and shown on the
person's record.
"""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.forms import EpisodeForm, ServiceUserForm
from cases.models import ServiceUser, TreatmentEpisode
from tests.factories import EpisodeFactory, days_ago, substance

pytestmark = pytest.mark.django_db


def test_a_person_may_have_several_disabilities_and_a_religion(alice, person_data):
    form = ServiceUserForm(
        {**person_data, "religion": "muslim", "disabilities": ["hearing", "mobility"]}, user=alice
    )

    assert form.is_valid(), form.errors
    person = form.save()
    person.refresh_from_db()
    assert (person.religion, person.disabilities) == ("muslim", ["hearing", "mobility"])


def test_no_disability_and_not_said_are_answers_on_their_own(alice, person_data):
    form = ServiceUserForm({**person_data, "disabilities": ["none", "sight"]}, user=alice)

    assert not form.is_valid()
    assert form.errors["disabilities"] == [
        "'No disability' cannot go with another answer: choose it alone."
    ]


def test_an_unknown_disability_is_refused_at_its_field(alice, person_data):
    form = ServiceUserForm({**person_data, "disabilities": ["tired"]}, user=alice)

    assert not form.is_valid()
    assert "disabilities" in form.errors


def test_the_database_refuses_no_disability_beside_another(jo):
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceUser.objects.filter(pk=jo.pk).update(disabilities=["not_stated", "speech"])


def _episode_errors(person, **data):
    base = {
        "referral_date": days_ago(30).isoformat(),
        "referral_source": "self",
        "substance_1": substance("heroin").pk,
    }
    form = EpisodeForm({**base, **data}, service_user=person)
    assert not form.is_valid()
    return form.errors


def test_all_or_some_of_the_children_is_asked_only_of_a_parent_with_children_at_home(jo):
    assert _episode_errors(jo, parental_status="false", all_children_live_with="true")[
        "all_children_live_with"
    ] == ["Say this only for a parent."]
    assert _episode_errors(
        jo, parental_status="true", children_living_with="0", all_children_live_with="false"
    )["all_children_live_with"] == [
        "Say this only when some children live with them: give how many first."
    ]


def test_a_parent_says_whether_all_their_children_live_with_them(jo):
    form = EpisodeForm(
        {
            "referral_date": days_ago(30).isoformat(),
            "referral_source": "self",
            "substance_1": substance("heroin").pk,
            "parental_status": "true",
            "children_living_with": "2",
            "all_children_live_with": "false",
        },
        service_user=jo,
    )

    assert form.is_valid(), form.errors
    assert form.save().all_children_live_with is False


def test_the_database_refuses_all_the_children_without_any_at_home(jo):
    episode = EpisodeFactory(service_user=jo, parental_status=True, children_living_with=0)

    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentEpisode.objects.filter(pk=episode.pk).update(all_children_live_with=True)


def test_the_record_shows_religion_and_each_disability(client_as, alice, jo):
    ServiceUser.objects.filter(pk=jo.pk).update(
        religion="buddhist", disabilities=["sight", "speech"]
    )

    content = client_as(alice).get(reverse("person_detail", args=[jo.external_id])).content
    text = content.decode()

    assert "Buddhist" in text
    assert "Sight, Speech" in text


def test_the_record_says_when_neither_is_recorded(client_as, alice, jo):
    text = client_as(alice).get(reverse("person_detail", args=[jo.external_id])).content.decode()

    assert text.count("Not recorded") >= 2
