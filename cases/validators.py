"""Field validators for identity and contact details, with messages a keyworker understands."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import years_after

OLDEST_AGE = 110
YOUNGEST_AGE = 10

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_PHONE = re.compile(r"^(?:\+44|0)\d{9,10}$")


def validate_date_of_birth(value: datetime.date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError("The date of birth is in the future.")
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if age > OLDEST_AGE:
        raise ValidationError(
            f"This date of birth makes the person {age}; check the year (it must be within "
            f"the last {OLDEST_AGE} years)."
        )
    if age < YOUNGEST_AGE:
        raise ValidationError(
            f"This date of birth makes the person {age}; Lantern records people aged "
            f"{YOUNGEST_AGE} or over."
        )


def validate_date_of_death(value: datetime.date, born: datetime.date | None) -> None:
    if value > timezone.localdate():
        raise ValidationError("The date of death is in the future.")
    if born is not None and value < born:
        raise ValidationError(f"The date of death is before the date of birth ({born:%d/%m/%Y}).")


def validate_not_before_birth(value: datetime.date, born: datetime.date) -> None:
    """Nothing in a person's record happens before they were born: the one check every dated
    record of a person uses (`cases.models.DatedFromBirth`)."""
    if value < born:
        raise ValidationError(
            f"This date is before the person's date of birth ({born:%d/%m/%Y}): check the year."
        )


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value)


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not digits.isdigit() or len(digits) != 10:
        raise ValidationError("An NHS number has 10 digits, e.g. 943 476 5919.")
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        raise ValidationError(
            "This is not a valid NHS number: its check digit does not match. Check for a typing error."
        )


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s", "", value).upper()
    if len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def validate_postcode(value: str) -> None:
    if not _POSTCODE.match(normalise_postcode(value)):
        raise ValidationError("Enter a UK postcode, e.g. ME4 4QU.")


_GP_PRACTICE = re.compile(r"^[A-Z][0-9]{5}$")


def validate_gp_practice_code(value: str) -> None:
    if not _GP_PRACTICE.match(value.strip().upper()):
        raise ValidationError("Enter the practice code: a letter and five digits, e.g. A81001.")


def compact_phone(value: str) -> str:
    """A phone number as typed (spaces, brackets, dashes) as its digits and a leading +."""
    return re.sub(r"[\s()-]", "", value)


def validate_uk_phone(value: str) -> None:
    compact = compact_phone(value)
    if not _PHONE.match(compact):
        raise ValidationError("Enter a UK phone number, e.g. 07700 900123 or 01634 123456.")


# Tab, line feed and carriage return are how typed text breaks lines; every other
# control character (NUL, escape, backspace...) is invisible, arrives only by pasting
# from another program, and breaks exports (PostgreSQL refuses NUL outright).
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _is_control(c: str) -> bool:
    return unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS


def validate_no_control_characters(value: str) -> None:
    if any(_is_control(c) for c in value):
        raise ValidationError(
            "This text holds an invisible control character, usually pasted in from another "
            "program. Type it again, or paste it as plain text.",
            code="control_character",
        )


def mark_control_characters(value: str) -> str:
    """Text to record as it came, each control character shown as the replacement mark.

    For records of what someone asked (the audit of a search): nothing stored
    holds a control character, and PostgreSQL refuses a NUL outright.
    """
    return "".join("\ufffd" if _is_control(c) else c for c in value)


def strip_control_characters(value: str) -> str:
    """A search term without control characters: nothing stored holds one, so they only
    stop a search from matching (and PostgreSQL refuses a NUL outright)."""
    return "".join(c for c in value if not _is_control(c))


# Nothing Lantern records happened before 1900 (dates of birth have their own,
# narrower rule), and nothing it plans lies further ahead than this.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_YEARS_AHEAD = 10


def validate_plausible_date(value: datetime.date) -> None:
    if value < EARLIEST_DATE:
        raise ValidationError(
            f"Check the year: Lantern holds no dates before {EARLIEST_DATE:%d/%m/%Y}.",
            code="too_early",
        )
    today = timezone.localdate()
    latest = years_after(today, LATEST_YEARS_AHEAD)
    if value > latest:
        raise ValidationError(
            f"Check the year: this is more than {LATEST_YEARS_AHEAD} years from today.",
            code="too_late",
        )


# Every period a page or the API is asked for (the review dashboard, the NDTMS extract,
# the API's `from` and `to`) is held to one rule: from 1900 at the earliest, ending no
# more than a year from today, and at most 10 years long. A mistyped year then gets a
# message instead of a page of a thousand empty quarters, or a 500 for the year 10000.
LONGEST_PERIOD_YEARS = 10
PERIOD_DAYS_AHEAD = 366


def period_problems(start: datetime.date | None, end: datetime.date | None) -> dict[str, str]:
    """What is wrong with the period from `start` to `end` (either may be open), by
    "start" and "end"; empty when it can be shown."""
    problems: dict[str, str] = {}
    latest = timezone.localdate() + datetime.timedelta(days=PERIOD_DAYS_AHEAD)
    for name, value in (("start", start), ("end", end)):
        if value is None:
            continue
        if value < EARLIEST_DATE:
            problems[name] = (
                f"Check the year: a period starts and ends on {EARLIEST_DATE:%d/%m/%Y} or later."
            )
        elif value > latest:
            problems[name] = (
                f"Check the year: a period ends by {latest:%d/%m/%Y} (a year from today) "
                "at the latest."
            )
    if problems or start is None or end is None:
        return problems
    if end < start:
        problems["end"] = "The period ends before it starts."
    elif end >= years_after(start, LONGEST_PERIOD_YEARS):
        problems["start"] = (
            f"The period is longer than {LONGEST_PERIOD_YEARS} years: choose a shorter one."
        )
    return problems
