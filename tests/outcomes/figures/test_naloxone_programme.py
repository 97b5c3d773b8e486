"""The naloxone programme's kits and reach, on a dataset worked out by hand.

The period is the second quarter of 2026, beside the first. Five alike in each group,
every client in North and in treatment since 01/09/2025:

- P: opiate clients given their first kit on 01/05/2026 at the service.
- R: opiate clients first given a kit on 01/10/2025, and a repeat on 10/05/2026 at a
  pharmacy because it was used on them (on 08/05/2026).
- S: opiate clients with no kit.
- F: alcohol clients, whose family were given a first kit on 01/06/2026 by outreach.
- N: kits to hostel staff who are not clients, supplied by North in hospital on
  05/06/2026: repeats, the last kit used on someone else.
- M: kits to peers who are not clients, supplied by North on release from prison on
  10/02/2026 (the first quarter): first supplies.

So in the second quarter 15 people have opioid use (P, R, S), 5 of whom had their first
kit in the quarter: 33.3 per 100. 20 kits were supplied: 15 to clients and 5 not; 5 each
at the service, a pharmacy, by outreach and in hospital; 10 to the person at risk, 5 to
family and 5 to hostel staff; 10 first and 10 repeat; the 10 repeats were all because a
kit was used, 5 on the person and 5 on someone else. In the first quarter the same 15
people had no first kit (0.0 per 100); the 5 kits were M's.
"""

import pytest

from cases.services import naloxone_supply_create, naloxone_supply_to_non_client
from outcomes.figures import naloxone_coverage
from outcomes.figures.naloxone import naloxone_tables
from tests.outcomes.figures.conftest import D, person, quarter_two, row, several, shown, treated

pytestmark = pytest.mark.django_db


def kit(who, on, setting, recipient="person", supply_type="first", **fields):
    return naloxone_supply_create(
        service_user=who,
        supplied_by=None,
        supplied_on=on,
        expiry_date=D(2028, 1, 1),
        formulation="nasal",
        supply_type=supply_type,
        batch_number="B1",
        setting=setting,
        recipient=recipient,
        **fields,
    )


def non_client_kit(team, user, on, setting, recipient, supply_type="first", **fields):
    return naloxone_supply_to_non_client(
        team=team,
        supplied_by=user,
        supplied_on=on,
        expiry_date=D(2028, 1, 1),
        formulation="nasal",
        supply_type=supply_type,
        batch_number="B2",
        setting=setting,
        recipient=recipient,
        **fields,
    )


def client(team, substances=("heroin",)):
    who = person(team=team)
    treated(who, started=D(2025, 9, 1), substances=substances)
    return who


@pytest.fixture
def programme(north, alice):
    def p():
        kit(client(north), D(2026, 5, 1), "service")

    def r():
        who = client(north)
        kit(who, D(2025, 10, 1), "service")
        kit(
            who,
            D(2026, 5, 10),
            "pharmacy",
            supply_type="repeat",
            repeat_reason="used_self",
            kit_used_on=D(2026, 5, 8),
        )

    def f():
        kit(client(north, ("alcohol",)), D(2026, 6, 1), "outreach", recipient="family_friend")

    def n():
        non_client_kit(
            north,
            alice,
            D(2026, 6, 5),
            "hospital",
            "hostel_staff",
            supply_type="repeat",
            repeat_reason="used_other",
            kit_used_on=D(2026, 6, 1),
        )

    def m():
        non_client_kit(north, alice, D(2026, 2, 10), "prison_release", "peer")

    for make in (p, r, lambda: client(north), f, n, m):
        several(5, make)


def numerators(result, key, categories, segment=None):
    return {
        category: (
            row(result, key, category=category, segment=segment)["numerator"],
            row(result, key, category=category, segment=segment)["previous"]["numerator"],
        )
        for category in categories
    }


def test_first_supplies_per_100_people_with_opioid_use(programme):
    reach = row(naloxone_coverage(quarter_two()), "naloxone_first_supply_reach")

    assert shown(reach) == ((5, 15, 33.3), (0, 15, 0.0))


def test_kits_by_holder_outlet_recipient_and_supply_type(programme):
    result = naloxone_coverage(quarter_two())

    assert numerators(result, "naloxone_kits", [None, "to_clients", "to_non_clients"]) == {
        None: (20, 5),
        "to_clients": (15, 0),
        "to_non_clients": (5, 5),
    }
    assert numerators(
        result,
        "naloxone_kits_by_outlet",
        ["service", "outreach", "pharmacy", "prison_release", "hospital"],
    ) == {
        "service": (5, 0),
        "outreach": (5, 0),
        "pharmacy": (5, 0),
        "prison_release": (0, 5),
        "hospital": (5, 0),
    }
    assert numerators(
        result,
        "naloxone_kits_by_recipient",
        ["person", "family_friend", "peer", "hostel_staff", "worker"],
    ) == {
        "person": (10, 0),
        "family_friend": (5, 0),
        "peer": (0, 5),
        "hostel_staff": (5, 0),
        "worker": (0, 0),
    }
    assert numerators(result, "naloxone_kits_by_supply_type", ["first", "repeat"]) == {
        "first": (10, 5),
        "repeat": (10, 0),
    }
    assert numerators(result, "naloxone_repeat_kits_used", [None, "used_self", "used_other"]) == {
        None: (10, 0),
        "used_self": (5, 0),
        "used_other": (5, 0),
    }


def test_kits_to_people_who_are_not_clients_count_under_their_team_and_never_by_authority(
    programme, north, south, authorities
):
    by_team = naloxone_coverage(quarter_two(segment="team"))
    resident, _, _ = naloxone_tables(quarter_two(local_authority_ids=[authorities[0].pk]))
    southern, _, _ = naloxone_tables(quarter_two(team_ids=[south.pk]))

    assert numerators(by_team, "naloxone_kits", [None, "to_non_clients"], str(north.pk)) == {
        None: (20, 5),
        "to_non_clients": (5, 5),
    }
    # Every client lives in the first local authority (the factory's); N's kits are left out.
    assert resident.counts[("kits", "all", "all")] == 15
    assert resident.counts[("to_non_clients", "all", "all")] == 0
    assert southern.counts[("kits", "all", "all")] == 0


def test_few_kits_are_withheld(north, alice):
    several(3, lambda: non_client_kit(north, alice, D(2026, 5, 1), "outreach", "peer"))

    result = naloxone_coverage(quarter_two())

    kits = row(result, "naloxone_kits")
    assert (kits["numerator"], kits["value"], kits["suppressed"]) == (None, None, True)
    assert row(result, "naloxone_kits_by_outlet", category="outreach")["suppressed"] is True
    assert row(result, "naloxone_kits_by_outlet", category="pharmacy")["numerator"] == 0
