import datetime

import pytest
from django.urls import reverse

from cases.forms import ContactForm, InterventionForm
from cases.models import Intervention, TreatmentEpisode
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    EventFactory,
    NaloxoneSupplyFactory,
    TopFactory,
    days_ago,
    discharge_reason,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(jo):
    return EpisodeFactory(service_user=jo, referral_date=days_ago(300))


def test_the_record_shows_every_kind_of_history_newest_first(client_as, alice, jo, episode):
    Intervention.objects.create(
        episode=episode,
        kind="pharmacological",
        medicine="methadone",
        intention="maintenance",
        start_date=days_ago(280),
        end_date=days_ago(20),
        exit_status="unplanned",
    )
    EventFactory(service_user=jo, kind="prison_release", occurred_on=days_ago(9))
    EventFactory(
        service_user=jo,
        kind="non_fatal_overdose",
        occurred_on=days_ago(40),
        taken_to_hospital=True,
        information_source="ambulance",
        naloxone_doses=2,
    )
    ContactFactory(service_user=jo, status="dna", contact_date=days_ago(5))
    NaloxoneSupplyFactory(service_user=jo, supplied_on=days_ago(700), expiry_date=days_ago(10))
    TopFactory(episode=episode, top_date=days_ago(290), opiuse=20)
    TopFactory(episode=episode, stage="R", top_date=days_ago(100), opiuse=4)

    response = client_as(alice).get(reverse("person_detail", args=[jo.external_id]))

    content = response.content.decode()
    assert response.status_code == 200
    assert [e["title"] for e in response.context["timeline"]][:3] == [
        "Appointment: did not attend",
        "Released from prison",
        "Stopped OST: Methadone (unplanned)",
    ]
    assert "taken to hospital; naloxone doses 2; reported by ambulance service" in content
    assert f"Kit expired {days_ago(10):%d/%m/%Y}" in content
    assert response.context["trajectory"]["use"][0]["values"] == [20, 4]
    assert 'id="top-trajectory"' in content


def test_governance_sees_the_record_without_the_buttons_to_change_it(client_as, gina, jo, episode):
    content = client_as(gina).get(reverse("person_detail", args=[jo.external_id])).content.decode()

    assert "Jo Bloggs" in content
    assert reverse("event_create", args=[jo.external_id]) not in content


def test_discharging_an_episode_records_the_reason_and_leaves_the_caseload_row(
    client_as, alice, jo, episode
):
    url = reverse("episode_edit", args=[jo.external_id, episode.external_id])
    data = {
        "referral_date": episode.referral_date.isoformat(),
        "referral_source": "self",
        "substance_1": episode.substance_1_id,
        "discharge_date": days_ago(3).isoformat(),
        "discharge_reason": discharge_reason("dropped_out").pk,
    }

    response = client_as(alice).post(url, data)

    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.unplanned_exit
    assert not TreatmentEpisode.objects.filter(
        service_user=jo, discharge_date__isnull=True
    ).exists()


def test_an_ost_prescription_needs_its_medicine_and_intention(jo, episode):
    form = InterventionForm(
        {
            "episode": episode.pk,
            "kind": "pharmacological",
            "setting": "community",
            "start_date": days_ago(10).isoformat(),
        },
        service_user=jo,
    )

    assert not form.is_valid()
    assert form.errors["medicine"] == ["Choose the medicine prescribed."]
    assert form.errors["intention"] == ["Choose the prescribing intention."]


def test_an_intervention_cannot_start_before_its_episode(jo, episode):
    form = InterventionForm(
        {
            "episode": episode.pk,
            "kind": "psychosocial",
            "setting": "community",
            "start_date": (episode.referral_date - datetime.timedelta(days=1)).isoformat(),
        },
        service_user=jo,
    )

    assert not form.is_valid()
    assert form.errors["start_date"] == [
        "The intervention cannot start before the episode's referral."
    ]


def test_an_intervention_can_only_be_added_to_this_persons_episodes(jo, episode, north):
    someone_else = EpisodeFactory(service_user__team=north)
    form = InterventionForm(
        {
            "episode": someone_else.pk,
            "kind": "psychosocial",
            "setting": "community",
            "start_date": days_ago(10).isoformat(),
        },
        service_user=jo,
    )

    assert not form.is_valid()
    assert "episode" in form.errors


@pytest.mark.parametrize(
    ("status", "day", "field", "message"),
    [
        (
            "attended",
            days_ago(-2),
            "contact_date",
            "Attendance can only be recorded for today or earlier.",
        ),
        (
            "booked",
            days_ago(2),
            "status",
            "A past appointment cannot still be booked: record whether they attended.",
        ),
    ],
)
def test_a_contact_status_must_fit_its_date(jo, status, day, field, message):
    form = ContactForm(
        {"contact_date": day.isoformat(), "kind": "appointment", "status": status}, service_user=jo
    )

    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_booked_appointments_show_as_due_not_as_history(client_as, alice, jo, episode):
    ContactFactory(service_user=jo, status="booked", contact_date=days_ago(-7))

    response = client_as(alice).get(reverse("person_detail", args=[jo.external_id]))

    due = [(item.what, item.on) for item, _ in response.context["due"]]
    assert ("Appointment", days_ago(-7)) in due
    assert all(e["day"] <= days_ago(0) for e in response.context["timeline"])


def test_the_summary_shows_current_ost_and_says_when_there_is_none(client_as, alice, jo, episode):
    url = reverse("person_detail", args=[jo.external_id])
    stopped = Intervention.objects.create(
        episode=episode,
        kind="pharmacological",
        medicine="methadone",
        intention="maintenance",
        start_date=days_ago(200),
        end_date=days_ago(20),
        exit_status="planned",
    )
    assert "None current" in client_as(alice).get(url).content.decode()

    Intervention.objects.create(
        episode=episode,
        kind="pharmacological",
        medicine="buprenorphine",
        intention="maintenance",
        start_date=days_ago(10),
    )
    content = client_as(alice).get(url).content.decode()

    assert f"Buprenorphine (sublingual) since {days_ago(10):%d/%m/%Y}" in content
    assert f"Methadone since {stopped.start_date:%d/%m/%Y}" not in content


def test_an_overdose_nobody_knew_the_hospital_trip_of_says_so(client_as, alice, jo):
    EventFactory(
        service_user=jo,
        kind="non_fatal_overdose",
        occurred_on=days_ago(40),
        taken_to_hospital=None,
        information_source="peer",
    )
    content = client_as(alice).get(reverse("person_detail", args=[jo.external_id])).content
    assert "not known whether taken to hospital" in content.decode()
