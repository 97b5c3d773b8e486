"""The latest date a record may hold: ten years from today, to the day."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases.validators import validate_plausible_date


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (datetime.date(2026, 3, 31), datetime.date(2036, 3, 31)),
        (datetime.date(2026, 12, 1), datetime.date(2036, 12, 1)),
        # No 29 February ten years on: the 28th.
        (datetime.date(2028, 2, 29), datetime.date(2038, 2, 28)),
    ],
)
def test_dates_up_to_ten_years_ahead_are_taken_and_no_later(today, latest):
    noon = datetime.datetime(today.year, today.month, today.day, 12, tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        validate_plausible_date(latest)
        with pytest.raises(ValidationError, match="more than 10 years"):
            validate_plausible_date(latest + datetime.timedelta(days=1))
