"""The hepatitis B vaccination course: doses in order on one schedule, the next dose due by
that schedule, immunity or refusal instead, each refused at its field when it cannot be
right."""

import pytest
from django.urls import reverse

from care.models import HepatitisBVaccination
from care.models.health import (
    DOSE_ONLY,
    IN_THE_FUTURE,
    NO_BOOSTER_ON_STANDARD,
    add_months,
    dose_due_on,
)
from care.selectors import vaccination_course_of
from tests.care.factories import hep_b_dose_of
from tests.factories import days_ago

pytestmark = pytest.mark.django_db


def url(person) -> str:
    return reverse("hep_b_vaccination_create", args=[person.external_id])


def dose(number: int, given: int, schedule: str = "standard") -> dict:
    return {
        "kind": "dose",
        "given_on": days_ago(given).isoformat(),
        "dose_number": str(number),
        "schedule": schedule,
    }


def test_a_keyworker_records_the_course_dose_by_dose(client_as, alice, jo):
    client = client_as(alice)
    assert client.post(url(jo), dose(1, 60, "accelerated")).status_code == 302
    assert client.post(url(jo), dose(2, 30, "accelerated")).status_code == 302

    content = client.get(reverse("person_detail", args=[jo.external_id])).content.decode()
    assert f"Dose 2 of 3 given {days_ago(30):%d/%m/%Y} (accelerated schedule)" in content
    assert client.post(url(jo), dose(3, 0, "accelerated")).status_code == 302
    course = vaccination_course_of(jo)
    assert course.completed
    assert course.next_dose() == (4, add_months(days_ago(60), 12))
    assert [d.recorded_by for d in course.doses] == [alice, alice, alice]


def test_another_teams_keyworker_finds_no_such_person_and_governance_writes_none(
    client_as, bob, gina, jo
):
    assert client_as(bob).get(url(jo)).status_code == 404
    assert client_as(bob).post(url(jo), dose(1, 3)).status_code == 404
    assert client_as(gina).post(url(jo), dose(1, 3)).status_code == 403
    assert not HepatitisBVaccination.objects.exists()


@pytest.mark.parametrize(
    ("before", "data", "field", "message"),
    [
        ([], dose(2, 3), "dose_number", "Record the doses in order: dose 1 is not recorded yet."),
        ([(1, 40)], dose(1, 3), "dose_number", "Dose 1 is already recorded."),
        (
            [(1, 40)],
            dose(2, 50),
            "given_on",
            f"This dose cannot be before dose 1 ({days_ago(40):%d/%m/%Y}).",
        ),
        (
            [(1, 40)],
            dose(2, 3, "super"),
            "schedule",
            "The course follows the standard schedule: keep the same one.",
        ),
        ([(1, 200), (2, 170), (3, 20)], dose(4, 3), "dose_number", NO_BOOSTER_ON_STANDARD),
        ([], dose(1, -2), "given_on", IN_THE_FUTURE),
        ([], {**dose(1, 3), "schedule": ""}, "schedule", "Choose the schedule the course follows."),
        ([], {**dose(1, 3), "dose_number": ""}, "dose_number", "Choose which dose this is."),
        ([], {**dose(1, 3), "kind": "declined"}, "dose_number", DOSE_ONLY),
        ([], {"kind": "", "given_on": days_ago(1).isoformat()}, "kind", "Choose what happened."),
    ],
)
def test_a_step_that_cannot_be_right_is_refused_at_its_field_and_nothing_is_written(
    client_as, alice, jo, before, data, field, message
):
    for number, given in before:
        hep_b_dose_of(jo, alice, number=number, given=given)
    count = HepatitisBVaccination.objects.count()

    response = client_as(alice).post(url(jo), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert HepatitisBVaccination.objects.count() == count


def test_immunity_or_a_refusal_stops_the_course(client_as, alice, jo):
    hep_b_dose_of(jo, alice, number=1, given=40)
    assert vaccination_course_of(jo).next_dose() == (2, add_months(days_ago(40), 1))
    client = client_as(alice)

    client.post(url(jo), {"kind": "declined", "given_on": days_ago(5).isoformat()})
    course = vaccination_course_of(jo)
    assert course.declined
    assert course.next_dose() is None
    assert course.in_words() == f"Declined ({days_ago(5):%d/%m/%Y})"

    client.post(url(jo), {"kind": "immune", "given_on": days_ago(1).isoformat()})
    assert vaccination_course_of(jo).in_words() == f"Immune (tested {days_ago(1):%d/%m/%Y})"


@pytest.mark.parametrize(
    ("schedule", "number", "after"),
    [
        ("standard", 2, "2026-02-15"),
        ("standard", 3, "2026-07-15"),
        ("accelerated", 3, "2026-03-15"),
        ("accelerated", 4, "2027-01-15"),
        ("super", 2, "2026-01-22"),
        ("super", 3, "2026-02-05"),
        ("super", 4, "2027-01-15"),
    ],
)
def test_each_dose_falls_due_by_its_schedule(schedule, number, after):
    import datetime

    assert dose_due_on(schedule, datetime.date(2026, 1, 15), number) == datetime.date.fromisoformat(
        after
    )


def test_a_month_later_from_the_31st_is_the_months_last_day():
    import datetime

    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert dose_due_on("standard", datetime.date(2026, 1, 1), 4) is None
