"""The harm reduction figures (`care.figures.harm_reduction`), each on a dataset worked out
by hand. The period is the second quarter of 2026 (to 30/06), compared with the first (to
31/03); hepatitis C tests count in the 12 months to each period's last day.
"""

import jsonschema
import pytest
import time_machine

from care.figures import harm_reduction, harm_reduction_tables
from care.services import (
    bbv_test_record,
    care_plan_start,
    hep_b_vaccination_record,
    nsp_contact_record,
    plan_review_record,
)
from cases.models import TreatmentEpisode
from outcomes.figures import RESULT_SCHEMA
from tests.outcomes.figures.conftest import D, person, quarter_two, row, several, shown, treated

pytestmark = pytest.mark.django_db


def in_treatment(injecting: str, **person_fields):
    who = person(**person_fields)
    record = treated(who, started=D(2025, 9, 1))
    TreatmentEpisode.objects.filter(pk=record.pk).update(injecting_status=injecting)
    return who


def hep_c(who, worker, offered, *, accepted=True, tested=None):
    bbv_test_record(
        service_user=who,
        recorded_by=worker,
        virus="hcv_antibody",
        offered_on=offered,
        accepted=accepted,
        tested_on=tested,
    )


def plan(who, worker, agreed, weeks, reviewed=None):
    made = care_plan_start(
        service_user=who,
        created_by=worker,
        agreed_on=agreed,
        agreed_how="in_person",
        review_every_weeks=weeks,
    )
    if reviewed:
        plan_review_record(
            plan=made, recorded_by=worker, reviewed_on=reviewed, who="Them", summary="Fine."
        )


@pytest.fixture
def in_treatment_with_tests_and_plans(tess):
    # A: 5 injecting now, tested for hepatitis C on 05/03/2026 (offered 01/03), with a plan
    # agreed 01/05/2026 reviewed every 12 weeks (due 24/07: in date on 30/06).
    def a():
        who = in_treatment("current")
        hep_c(who, tess, D(2026, 3, 1), tested=D(2026, 3, 5))
        plan(who, tess, D(2026, 5, 1), 12)

    # B: 5 injecting now, tested 02/05/2025 (more than 12 months before 30/06/2026, not
    # before 31/03/2026), plan agreed 05/01/2026 every 4 weeks, reviewed 15/06 (due 13/07:
    # in date on 30/06; on 31/03 it was overdue since 02/02).
    def b():
        who = in_treatment("current")
        hep_c(who, tess, D(2025, 5, 1), tested=D(2025, 5, 2))
        plan(who, tess, D(2026, 1, 5), 4, reviewed=D(2026, 6, 15))

    # C: 5 who injected before, offered a test 01/04/2026 and declined; a plan agreed
    # 05/01/2026 every 4 weeks, never reviewed: overdue.
    def c():
        who = in_treatment("previous")
        hep_c(who, tess, D(2026, 4, 1), accepted=False)
        plan(who, tess, D(2026, 1, 5), 4)

    # D: 5 who never injected, offered a test anyway (not in the denominator), no plan.
    def d():
        hep_c(in_treatment("never"), tess, D(2026, 4, 1))

    for make in (a, b, c, d):
        several(5, make)


def test_hepatitis_c_tests_of_people_who_inject_or_have_injected(
    in_treatment_with_tests_and_plans,
):
    result = harm_reduction(quarter_two())
    jsonschema.validate(result, RESULT_SCHEMA)

    # To 30/06: 15 inject or injected (A, B, C); offered in the 12 months: A and C (10);
    # accepted and tested: A (5). To 31/03: offered, accepted and tested: A and B (10).
    assert shown(row(result, "hep_c_offered", client_group="all")) == (
        (10, 15, 66.7),
        (10, 15, 66.7),
    )
    assert shown(row(result, "hep_c_accepted", client_group="all")) == (
        (5, 15, 33.3),
        (10, 15, 66.7),
    )
    assert shown(row(result, "hep_c_tested", client_group="all")) == (
        (5, 15, 33.3),
        (10, 15, 66.7),
    )


def test_plans_in_date_of_everyone_in_treatment(in_treatment_with_tests_and_plans):
    result = harm_reduction(quarter_two())

    # 20 in treatment; A and B in date on 30/06; nobody on 31/03.
    assert shown(row(result, "plans_in_date", client_group="all")) == (
        (10, 20, 50.0),
        (0, 20, 0.0),
    )


def test_a_replaced_plan_is_not_current_after_the_day_it_was_replaced(tess):
    who = in_treatment("never")
    with time_machine.travel(D(2026, 2, 1), tick=False):
        plan(who, tess, D(2026, 1, 5), 52)
    with time_machine.travel(D(2026, 5, 1), tick=False):
        plan(who, tess, D(2026, 5, 1), 1)

    current, previous, _ = harm_reduction_tables(quarter_two())

    # On 31/03 the yearly plan was current and in date; on 30/06 the weekly plan that
    # replaced it was due on 08/05: overdue.
    assert previous.counts[("plan_in_date", "all", "all")] == 1
    assert current.counts[("plan_in_date", "all", "all")] == 0


def test_hepatitis_b_courses_started_and_completed(tess):
    def dose(who, number, on):
        hep_b_vaccination_record(
            service_user=who,
            recorded_by=tess,
            kind="dose",
            given_on=on,
            dose_number=number,
            schedule="super",
        )

    def starting():
        dose(person(), 1, D(2026, 5, 1))

    def completing():
        who = person()
        dose(who, 1, D(2026, 3, 1))
        dose(who, 2, D(2026, 3, 8))
        dose(who, 3, D(2026, 4, 1))

    several(5, starting)
    several(5, completing)

    result = harm_reduction(quarter_two())

    # Started: 5 in the quarter, the 5 others in the first. Completed: 5, none before.
    assert shown(row(result, "hep_b_courses_started")) == ((5, None, 5), (5, None, 5))
    assert shown(row(result, "hep_b_courses_completed")) == ((5, None, 5), (0, None, 0))


def test_needle_exchange_contacts_and_people_with_a_small_count_withheld(tess, north):
    def named():
        who = person(team=north)
        for on in (D(2026, 4, 10), D(2026, 5, 10)):
            nsp_contact_record(
                team=north, service_user=who, recorded_by=tess, contact_on=on, needles_syringes=10
            )

    several(5, named)
    several(
        3,
        lambda: nsp_contact_record(
            team=north, recorded_by=tess, contact_on=D(2026, 6, 1), advice_given=True
        ),
    )

    result = harm_reduction(quarter_two())

    # 13 contacts: 10 named (5 people, 2 each) and 3 anonymous. The 3 is withheld, so the
    # 10 is too (13 - 10 would give it back), and the 5 people with it (10 contacts of
    # 5 people would give the 5 repeat contacts back, and with them the 10).
    assert row(result, "nsp_contacts")["numerator"] == 13
    for category in ("named", "anonymous"):
        figure = row(result, "nsp_contacts", category=category)
        assert (figure["numerator"], figure["suppressed"]) == (None, True), category
    assert row(result, "nsp_people")["numerator"] is None
    current, _, _ = harm_reduction_tables(quarter_two())
    assert current.counts[("nsp_people", "all", "all")] == 5


def test_anonymous_contacts_count_only_when_no_local_authority_is_asked_for(
    tess, north, authorities
):
    several(
        5,
        lambda: nsp_contact_record(
            team=north, recorded_by=tess, contact_on=D(2026, 6, 1), advice_given=True
        ),
    )

    everyone = harm_reduction(quarter_two())
    by_team = harm_reduction(quarter_two(segment="team"))
    one_authority = harm_reduction(quarter_two(local_authority_ids=[authorities[0].pk]))

    assert row(everyone, "nsp_contacts", category="anonymous")["numerator"] == 5
    assert row(by_team, "nsp_contacts", segment=str(north.pk))["numerator"] == 5
    assert row(one_authority, "nsp_contacts")["numerator"] == 0
