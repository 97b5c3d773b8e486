"""A person's date of death: validated, recorded through one service, and from that date
they leave the risk population and the outreach worklist, and their record says so."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services as case_services
from risk import selectors as risk_selectors
from risk import services as risk_services
from risk.models import Flag
from tests.factories import days_ago
from tests.risk.conftest import neutral_person, released
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


def test_it_records_the_date_of_death_on_the_person(jo):
    case_services.service_user_record_death(service_user=jo, date_of_death=days_ago(3))

    jo.refresh_from_db()
    assert jo.date_of_death == days_ago(3)
    assert jo.has_died


def test_it_refuses_a_date_of_death_in_the_future(jo):
    with pytest.raises(ValidationError) as refused:
        case_services.service_user_record_death(service_user=jo, date_of_death=days_ago(-1))

    assert refused.value.message_dict == {"date_of_death": ["The date of death is in the future."]}
    jo.refresh_from_db()
    assert jo.date_of_death is None


def test_it_refuses_a_date_of_death_before_birth(jo):
    before_birth = jo.date_of_birth.replace(year=jo.date_of_birth.year - 1)

    with pytest.raises(ValidationError) as refused:
        case_services.service_user_record_death(service_user=jo, date_of_death=before_birth)

    assert "before the date of birth" in refused.value.message_dict["date_of_death"][0]


def test_the_model_check_refuses_the_same_dates(jo):
    jo.date_of_death = days_ago(-2)

    with pytest.raises(ValidationError) as refused:
        jo.full_clean()

    assert "date_of_death" in refused.value.message_dict


def test_the_record_and_caseload_row_say_when_the_person_died(client_as, alice, jo):
    case_services.service_user_record_death(service_user=jo, date_of_death=days_ago(10))
    expected = f"Died on {days_ago(10):%d/%m/%Y}"
    client = client_as(alice)

    record = client.get(reverse("person_detail", args=[jo.external_id]))
    caseload = client.get(reverse("caseload", args=["mine"]))

    assert expected in record.content.decode()
    assert expected in caseload.content.decode()


def test_a_person_who_died_leaves_the_worklist_at_once(alice, jo):
    make_flag(jo)
    assert [flag.service_user for flag in risk_selectors.worklist(alice)] == [jo]

    case_services.service_user_record_death(service_user=jo, date_of_death=days_ago(0))

    assert list(risk_selectors.worklist(alice)) == []


def test_every_list_of_open_flags_leaves_out_the_dead_from_the_day_they_died(alice, jo):
    make_flag(jo, tier="very_high", raised_on=days_ago(10))
    case_services.service_user_record_death(service_user=jo, date_of_death=days_ago(2))

    assert list(risk_selectors.open_flags_visible_to(alice)) == []
    assert list(risk_selectors.uncontacted_flags(alice)) == []
    earlier = risk_selectors.open_flags_visible_to(alice, on=days_ago(3))
    assert [flag.service_user for flag in earlier] == [jo]


def test_the_recompute_leaves_out_the_dead_and_ends_their_flag_as_died():
    person = neutral_person()
    released(person, 3)
    risk_services.flags_recompute(as_of=days_ago(1))
    flag = Flag.objects.get(service_user=person)
    assert flag.is_open

    case_services.service_user_record_death(service_user=person, date_of_death=days_ago(0))
    run = risk_services.flags_recompute(as_of=days_ago(0))

    flag.refresh_from_db()
    assert flag.ended_on == days_ago(0)
    assert flag.end_reason == Flag.EndReason.DIED
    assert run.population == 0


def test_the_person_is_in_the_population_until_the_day_they_died():
    person = neutral_person()
    released(person, 3)
    case_services.service_user_record_death(service_user=person, date_of_death=days_ago(0))

    yesterday = risk_services.flags_recompute(as_of=days_ago(1))

    assert yesterday.population == 1
    assert Flag.objects.filter(service_user=person, ended_on__isnull=True).exists()


def test_recording_a_death_recomputes_the_person_at_once(django_capture_on_commit_callbacks):
    person = neutral_person()
    released(person, 3)
    risk_services.flags_recompute_person(person_id=person.pk)
    assert Flag.objects.filter(service_user=person, ended_on__isnull=True).exists()

    with django_capture_on_commit_callbacks(execute=True):
        case_services.service_user_record_death(service_user=person, date_of_death=days_ago(0))

    flag = Flag.objects.get(service_user=person)
    assert flag.end_reason == Flag.EndReason.DIED
