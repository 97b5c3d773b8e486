"""Every form says what is wrong at the field, and a refused form saves nothing."""

import pytest
from django.urls import reverse

from cases.forms import ContactForm, EpisodeForm, EventForm, NaloxoneSupplyForm, ServiceUserForm
from cases.models import Event, ServiceUser
from tests.factories import EpisodeFactory, days_ago, discharge_reason, substance

pytestmark = pytest.mark.django_db


def person_errors(alice, data):
    form = ServiceUserForm(data, user=alice)
    assert not form.is_valid()
    return form.errors


def test_a_valid_person_is_accepted(alice, person_data):
    form = ServiceUserForm(
        {**person_data, "nhs_number": "943 476 5919", "postcode": "me4 4qu"}, user=alice
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["nhs_number"] == "9434765919"
    assert form.cleaned_data["postcode"] == "ME4 4QU"


@pytest.mark.parametrize(
    ("nhs_number", "message"),
    [
        ("943476591", "An NHS number has 10 digits"),
        ("94347659190", "An NHS number has 10 digits"),
        ("943476591X", "An NHS number has 10 digits"),
        ("9434765918", "check digit does not match"),
    ],
)
def test_a_wrong_nhs_number_is_explained(alice, person_data, nhs_number, message):
    errors = person_errors(alice, {**person_data, "nhs_number": nhs_number})

    assert message in errors["nhs_number"][0]


def test_an_nhs_number_is_optional(alice, person_data):
    assert ServiceUserForm({**person_data, "nhs_number": ""}, user=alice).is_valid()


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (days_ago(-1), "The date of birth is in the future."),
        (days_ago(115 * 365), "check the year"),
        (days_ago(5 * 365), "aged 10 or over"),
    ],
)
def test_an_implausible_date_of_birth_is_explained(alice, person_data, born, message):
    errors = person_errors(alice, {**person_data, "date_of_birth": born.isoformat()})

    assert message in errors["date_of_birth"][0]


def test_a_date_that_does_not_exist_is_explained(alice, person_data):
    errors = person_errors(alice, {**person_data, "date_of_birth": "1980-02-30"})

    assert errors["date_of_birth"] == ["Enter a real date as dd/mm/yyyy, for example 27/03/2025."]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "NOT A CODE", "Enter a UK postcode"),
        ("phone", "12345", "Enter a UK phone number"),
    ],
)
def test_contact_details_are_checked(alice, person_data, field, value, message):
    assert message in person_errors(alice, {**person_data, field: value})[field][0]


@pytest.mark.parametrize(
    "field", ["first_name", "last_name", "date_of_birth", "sex", "local_authority"]
)
def test_required_identity_fields_say_what_is_missing(alice, person_data, field):
    errors = person_errors(alice, {**person_data, field: ""})

    assert errors[field][0].startswith(("Enter the", "Choose the"))


def test_a_keyworker_cannot_put_someone_in_another_team(alice, person_data, south):
    errors = person_errors(alice, {**person_data, "team": south.pk})

    assert "team" in errors


def test_the_same_nhs_number_cannot_be_given_to_two_people(client_as, alice, person_data):
    client = client_as(alice)
    first = client.post(reverse("person_create"), {**person_data, "nhs_number": "9434765919"})
    assert first.status_code == 302
    added = ServiceUser.objects.get()

    second = client.post(
        reverse("person_create"),
        {**person_data, "nhs_number": "9434765919", "different_person": "on"},
    )

    assert second.status_code == 400
    assert second.context["form"].errors["nhs_number"] == [
        f"Jamie Example ({added.client_ref}) already has this NHS number: open their record "
        "rather than adding them again."
    ]
    assert ServiceUser.objects.count() == 1


def test_adding_a_person_gives_them_a_reference_and_opens_their_record(
    client_as, alice, person_data
):
    response = client_as(alice).post(reverse("person_create"), person_data)

    person = ServiceUser.objects.get()
    assert person.client_ref.startswith("LAN-")
    assert response.url == reverse("person_detail", args=[person.external_id])


def episode_errors(person, **data):
    base = {
        "referral_date": days_ago(30).isoformat(),
        "referral_source": "self",
        "substance_1": substance("heroin").pk,
    }
    form = EpisodeForm({**base, **data}, service_user=person)
    assert not form.is_valid()
    return form.errors


def test_an_episode_checks_the_order_of_its_dates(jo):
    errors = episode_errors(
        jo, triage_date=days_ago(40).isoformat(), start_date=days_ago(35).isoformat()
    )

    assert errors["triage_date"] == ["Triage cannot be before the referral date."]
    assert errors["start_date"] == ["The care plan cannot start before the referral date."]


def test_a_discharge_needs_its_reason_and_a_reason_needs_its_date(jo):
    assert episode_errors(jo, discharge_date=days_ago(1).isoformat())["discharge_reason"] == [
        "Give the reason for discharge."
    ]
    reason = discharge_reason("dropped_out").pk
    assert episode_errors(jo, discharge_reason=reason)["discharge_date"] == [
        "Give the discharge date for this discharge reason."
    ]


def test_a_second_open_episode_is_refused_with_a_reason(jo):
    EpisodeFactory(service_user=jo)

    errors = episode_errors(jo)

    assert "already has an open episode" in errors["__all__"][0]


def test_the_episode_derives_successful_completion_and_unplanned_exit(jo):
    done = EpisodeFactory(
        service_user=jo,
        discharge_date=days_ago(10),
        discharge_reason=discharge_reason("completed_drug_free"),
    )
    dropped = EpisodeFactory(
        service_user=jo,
        referral_date=days_ago(600),
        discharge_date=days_ago(400),
        discharge_reason=discharge_reason("dropped_out"),
    )

    assert done.successful_completion
    assert not done.unplanned_exit
    assert dropped.unplanned_exit
    assert not dropped.successful_completion


def test_an_overdose_needs_its_minimum_record(jo):
    form = EventForm(
        {"kind": "non_fatal_overdose", "occurred_on": days_ago(2).isoformat()}, service_user=jo
    )

    assert not form.is_valid()
    assert form.errors["information_source"] == ["Say who told the service about the overdose."]
    # A notifier often cannot say: left empty, taken to hospital is recorded as not known.
    assert "taken_to_hospital" not in form.errors


def test_other_events_cannot_carry_overdose_details(jo):
    form = EventForm(
        {"kind": "prison_release", "occurred_on": days_ago(2).isoformat(), "naloxone_doses": "2"},
        service_user=jo,
    )

    assert not form.is_valid()
    assert form.errors["naloxone_doses"] == ["Only an overdose record has this detail."]


def test_a_refused_overdose_saves_nothing(client_as, alice, jo):
    response = client_as(alice).post(
        reverse("event_create", args=[jo.external_id]),
        {"kind": "non_fatal_overdose", "occurred_on": days_ago(2).isoformat(), "place": "Home"},
    )

    assert response.status_code == 400
    assert 'value="Home"' in response.content.decode()
    assert not Event.objects.exists()


def test_an_overdose_with_its_minimum_record_is_saved(client_as, alice, jo):
    response = client_as(alice).post(
        reverse("event_create", args=[jo.external_id]),
        {
            "kind": "non_fatal_overdose",
            "occurred_on": days_ago(2).isoformat(),
            "occurred_at_time": "23:15",
            "substances_suspected": ["opioids", "benzodiazepines"],
            "naloxone_doses": "2",
            "responders": ["ambulance"],
            "taken_to_hospital": "true",
            "information_source": "ambulance",
        },
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.substances_suspected == ["opioids", "benzodiazepines"]
    assert event.recorded_by == alice


def test_a_naloxone_kit_must_expire_after_it_was_supplied(jo):
    form = NaloxoneSupplyForm(
        {
            "supplied_on": days_ago(5).isoformat(),
            "recipient": "person",
            "formulation": "nasal",
            "supply_type": "repeat",
            "batch_number": "B1",
            "expiry_date": days_ago(6).isoformat(),
            "setting": "service",
        },
        service_user=jo,
    )

    assert not form.is_valid()
    assert form.errors["expiry_date"] == [
        "The kit's expiry date must be after the date it was supplied."
    ]
    assert form.errors["repeat_reason"] == ["Say why a repeat kit was needed."]


@pytest.mark.parametrize("pasted", ["Jamie\x00", "Ja\x1bmie", "Jamie\x08", "\x7fJamie"])
def test_a_pasted_control_character_is_refused_at_its_field(alice, person_data, pasted):
    errors = person_errors(alice, {**person_data, "first_name": pasted})

    assert errors["first_name"] == [
        "This text holds an invisible control character, usually pasted in from another "
        "program. Type it again, or paste it as plain text."
    ]


def test_line_breaks_and_tabs_are_kept_in_notes(jo):
    form = EventForm(
        {"kind": "other", "occurred_on": days_ago(1).isoformat(), "notes": "Seen\r\n\tat home"},
        service_user=jo,
    )

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("0001-01-01", "Check the year: Lantern holds no dates before 01/01/1900."),
        ("1899-12-31", "Check the year: Lantern holds no dates before 01/01/1900."),
        ("9999-12-31", "Check the year: this is more than 10 years from today."),
    ],
)
def test_a_mistyped_year_is_refused_at_its_field(jo, day, message):
    form = ContactForm(
        {"contact_date": day, "kind": "appointment", "status": "booked"}, service_user=jo
    )

    assert form.errors["contact_date"] == [message]
