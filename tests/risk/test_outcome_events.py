import datetime

import pytest

from risk.outcome_events import DEATH, OVERDOSE, outcome_events
from tests.factories import EventFactory, ServiceUserFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 3, 31)


def test_deaths_and_overdoses_inside_the_dates_are_the_outcomes():
    died = ServiceUserFactory(date_of_death=datetime.date(2026, 2, 10))
    ServiceUserFactory(date_of_death=datetime.date(2025, 12, 31))
    overdosed = ServiceUserFactory()
    EventFactory(service_user=overdosed, kind="non_fatal_overdose", occurred_on=END)
    EventFactory(
        service_user=overdosed,
        kind="non_fatal_overdose",
        occurred_on=END + datetime.timedelta(days=1),
    )
    EventFactory(service_user=overdosed, kind="prison_release", occurred_on=START)

    frame = outcome_events(START, END).sort_values("outcome")

    assert list(frame["person_id"]) == [died.pk, overdosed.pk]
    assert list(frame["outcome"]) == [DEATH, OVERDOSE]
    assert [day.date() for day in frame["on"]] == [datetime.date(2026, 2, 10), END]


def test_no_outcomes_give_an_empty_frame_of_the_same_columns():
    frame = outcome_events(START, END)

    assert frame.empty
    assert list(frame.columns) == ["person_id", "outcome", "on"]
