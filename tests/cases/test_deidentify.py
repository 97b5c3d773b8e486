"""The one de-identification check for free text leaving its audience (`cases.deidentify`)."""

import pytest

from cases.deidentify import identifying_details, listed, person_details
from cases.models import ServiceUser


def _person() -> ServiceUser:
    """A record as the check reads it; the check never touches the database."""
    return ServiceUser(
        first_name="Joanne",
        last_name="Bloggs",
        preferred_name="Jo",
        client_ref="LAN-000123",
        nhs_number="9434765919",
        phone="07700900123",
        address="Flat 2, 11 Station Road\nStrood",
        postcode="ME2 4QU",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Joanne had no kit at home.", "their name (Joanne)"),
        ("JO had no kit at home.", "their name (JO)"),
        # Relatives share the family name the record holds.
        ("Mrs Bloggs found her.", "their name (Bloggs)"),
        ("Record LAN-000123 showed no kit.", "their client reference (LAN-000123)"),
        ("She lived in Strood.", "their address (Strood)"),
        ("Found at 4 Mill Lane, ME4 6AB.", "a postcode (ME4 6AB)"),
        ("Write to me7 5qa about it.", "a postcode (me7 5qa)"),
        ("Found at 4 Mill Lane.", "a street address (4 Mill Lane)"),
        ("Write to the sister at 11 Station Road.", "a street address (11 Station Road)"),
        ("Found in Flat 3 of the block.", "a street address (Flat 3)"),
        ("Seen on Mill Lane.", "a street name (Mill Lane)"),
        ("Ring 07700 900123 first.", "a phone number (07700 900123)"),
        ("Ring +44 (0)1634 123456 first.", "a phone number (+44 (0)1634 123456)"),
        ("Ring 020 7946 0018 first.", "a phone number (020 7946 0018)"),
        ("NHS number 943 476 5919 was wrong.", "an NHS number (943 476 5919)"),
        ("NHS number 4857773456 was wrong.", "an NHS number (4857773456)"),
        ("Mail jo.bloggs@example.org about it.", "an email address (jo.bloggs@example.org)"),
        ("Found on 29/10/2026.", "an exact date (29/10/2026)"),
        ("Found on 2026-10-29.", "an exact date (2026-10-29)"),
        ("Found on 3.4.26.", "an exact date (3.4.26)"),
        ("Found on 29 October 2026.", "an exact date (29 October 2026)"),
        ("Found on the 1st of May.", "an exact date (1st of May)"),
        ("Found on October 29, 2026.", "an exact date (October 29, 2026)"),
    ],
)
def test_it_finds_each_kind_of_identifying_detail(text, expected):
    found = identifying_details(text, person_details(_person()))

    assert expected in [str(f) for f in found]


@pytest.mark.parametrize(
    "text",
    [
        "Offer naloxone at every contact in the weeks after a prison release.",
        "Joint working with housing helped.",  # "Jo" inside another word
        "Deaths rose in March 2026 and again in 2025 Q3.",  # a month, a year, a quarter
        "Offer support 24/7, and see half (1/2) of people within 2 weeks.",
        "A daily dose of 60 mg, reviewed 3 times in 12 months at 10:30.",
        "Keep 3 close contacts; review within 2 weeks of the drive to the clinic.",
        "The 2nd review may need more time.",
        "",
    ],
)
def test_innocent_learning_passes(text):
    assert identifying_details(text, person_details(_person())) == []


def test_the_issues_two_examples_are_each_found_in_full():
    action = "Write to the sister at 11 Station Road, Strood ME7 5QA about the inquest"
    learning = "Found at 4 Mill Lane, ME4 6AB on 29/10/2026"

    assert listed(identifying_details(action)) == (
        "a street address (11 Station Road); a postcode (ME7 5QA)"
    )
    assert listed(identifying_details(learning)) == (
        "a street address (4 Mill Lane); a postcode (ME4 6AB); an exact date (29/10/2026)"
    )


def test_each_detail_is_listed_once_in_the_order_it_appears():
    found = identifying_details(
        "Bloggs, then bloggs at ME4 6AB and ME4 6AB.", [("their name", "Bloggs")]
    )

    assert listed(found) == "their name (Bloggs); a postcode (ME4 6AB)"
