"""Nothing in a person's record is dated before their birth: every dated record of a person
checks its dates through one validator (`DatedFromBirth`), at the field, in forms and services."""

import datetime

import pghistory.models
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from cases.models import Intervention, ServiceUser, TreatmentEpisode
from risk.models import OutreachAttempt
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    EventFactory,
    NaloxoneSupplyFactory,
    TopFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db

# Dates of a person's records that are not checked against birth, and why.
NOT_FROM_BIRTH = {
    ("cases", "NaloxoneSupply", "expiry_date"): "a kit's expiry, after its supply date",
    ("risk", "OutreachAttempt", "remind_on"): "a reminder, after the attempt",
    ("risk", "FlagOverride", "expires_on"): "an override's end, after today",
    ("risk", "Flag", "raised_on"): "computed by the recompute, not entered",
    ("risk", "Flag", "changed_on"): "computed by the recompute, not entered",
    ("risk", "Flag", "ended_on"): "computed by the recompute, not entered",
}


def belongs_to_a_person(model) -> bool:
    return any(
        isinstance(f, models.ForeignKey) and f.related_model in (ServiceUser, TreatmentEpisode)
        for f in model._meta.concrete_fields
    )


def test_every_date_of_every_persons_record_is_checked_against_their_birth():
    unchecked = []
    for app in ("cases", "outcomes", "risk"):
        for model in apps.get_app_config(app).get_models():
            if issubclass(model, pghistory.models.Event) or not belongs_to_a_person(model):
                continue
            checked = getattr(model, "DATES_FROM_BIRTH", ())
            for f in model._meta.concrete_fields:
                if not isinstance(f, models.DateField) or isinstance(f, models.DateTimeField):
                    continue
                key = (app, model.__name__, f.name)
                if f.name not in checked and key not in NOT_FROM_BIRTH:
                    unchecked.append(key)
    assert not unchecked


def intervention(person):
    episode = EpisodeFactory(service_user=person)
    return Intervention(episode=episode, kind="psychosocial", start_date=episode.start_date)


RECORDS = [
    (lambda person: EventFactory.build(service_user=person), "occurred_on"),
    (lambda person: ContactFactory.build(service_user=person), "contact_date"),
    (lambda person: NaloxoneSupplyFactory.build(service_user=person), "supplied_on"),
    (lambda person: EpisodeFactory.build(service_user=person), "referral_date"),
    (lambda person: TopFactory.build(episode=EpisodeFactory(service_user=person)), "top_date"),
    (intervention, "start_date"),
]


@pytest.mark.parametrize(("build", "field"), RECORDS, ids=[field for _, field in RECORDS])
def test_a_record_dated_before_the_persons_birth_is_refused_at_its_date(build, field, jo):
    record = build(jo)
    ServiceUser.objects.filter(pk=jo.pk).update(
        date_of_birth=getattr(record, field) + datetime.timedelta(days=1)
    )
    jo.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        record.full_clean()

    assert "before the person's date of birth" in refused.value.message_dict[field][0]


def test_an_outreach_attempt_before_birth_is_refused(jo, alice):
    attempt = OutreachAttempt(
        service_user=jo,
        attempted_on=jo.date_of_birth - datetime.timedelta(days=1),
        method="phone",
        outcome="no_answer",
        recorded_by=alice,
    )
    with pytest.raises(ValidationError) as refused:
        attempt.full_clean()
    assert "attempted_on" in refused.value.message_dict


def test_the_event_form_says_so_at_the_date(client_as, alice, jo):
    born = jo.date_of_birth
    response = client_as(alice).post(
        reverse("event_create", args=[jo.external_id]),
        {"kind": "prison_release", "status": "happened", "occurred_on": "1950-03-01"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["occurred_on"] == [
        f"This date is before the person's date of birth ({born:%d/%m/%Y}): check the year."
    ]
    assert not jo.events.exists()


def test_a_record_on_the_day_of_birth_is_accepted(jo):
    EventFactory.build(service_user=jo, kind="other", occurred_on=jo.date_of_birth).full_clean()
    assert days_ago(0) >= jo.date_of_birth


def test_a_date_of_birth_after_a_record_of_the_person_is_refused(jo):
    event = EventFactory(service_user=jo, kind="other", occurred_on=datetime.date(2005, 1, 1))
    jo.date_of_birth = event.occurred_on + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        jo.full_clean()

    assert refused.value.message_dict["date_of_birth"] == [
        f"The record holds an entry dated {event.occurred_on:%d/%m/%Y}, before this date of "
        "birth: check the year."
    ]
