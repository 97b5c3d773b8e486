"""The newer figure families read in bulk too: a fixed number of statements however many
people there are, and nothing about people outside the filters."""

import datetime

import pytest

from care.figures import harm_reduction, harm_reduction_tables
from care.services import bbv_test_record, care_plan_start, nsp_contact_record
from cases.models import TreatmentEpisode
from cases.services import contact_create, event_create
from outcomes.figures.exits import treatment_exits
from outcomes.figures.justice_families import criminal_justice_and_families
from outcomes.figures.top_outcomes import top_outcomes
from tests.outcomes.figures.conftest import D, person, quarter_two, several, top, treated
from tests.outcomes.figures.test_loading import reads

pytestmark = pytest.mark.django_db

FAMILIES = (treatment_exits, top_outcomes, harm_reduction, criminal_justice_and_families)


def someone(team, worker):
    who = person(team=team)
    record = treated(who, started=D(2025, 9, 1), discharged=D(2026, 5, 1), reason="dropped_out")
    TreatmentEpisode.objects.filter(pk=record.pk).update(injecting_status="current")
    top(record, "S", D(2025, 9, 1), psyhstat=10)
    top(record, "R", D(2026, 3, 1), psyhstat=12)
    bbv_test_record(
        service_user=who,
        recorded_by=worker,
        virus="hcv_antibody",
        offered_on=D(2026, 2, 1),
        accepted=True,
        tested_on=D(2026, 2, 1),
    )
    care_plan_start(
        service_user=who,
        created_by=worker,
        agreed_on=D(2026, 1, 5),
        agreed_how="in_person",
        review_every_weeks=12,
    )
    nsp_contact_record(
        team=team, service_user=who, recorded_by=worker, contact_on=D(2026, 5, 1), foil=5
    )
    event_create(
        service_user=who, recorded_by=worker, kind="prison_release", occurred_on=D(2026, 5, 2)
    )
    contact_create(
        service_user=who,
        staff=worker,
        contact_date=D(2026, 5, 2) + datetime.timedelta(days=3),
        kind="phone",
        status="attended",
    )


def test_each_family_reads_the_same_number_of_statements_for_few_people_or_many(
    monkeypatch, north, tess
):
    filters = quarter_two(segment="team")
    several(2, lambda: someone(north, tess))
    few = [reads(monkeypatch, family, filters) for family in FAMILIES]
    several(12, lambda: someone(north, tess))

    many = [reads(monkeypatch, family, filters) for family in FAMILIES]

    assert many == few
    # One statement per table read, plus the people's segment values.
    assert [copies for copies, _ in many] == [3, 3, 6, 4]


def test_only_the_people_the_filters_allow_are_counted(north, south, tess, bob):
    several(2, lambda: someone(north, tess))
    several(3, lambda: someone(south, bob))

    north_only, _, _ = harm_reduction_tables(quarter_two(team_ids=[north.pk]))
    nobody, _, _ = harm_reduction_tables(quarter_two(person_scope=[]))

    assert north_only.counts[("in_treatment", "all", "all")] == 2
    assert north_only.counts[("nsp_contacts", "all", "all")] == 2
    assert all(count == 0 for count in nobody.counts.values())
