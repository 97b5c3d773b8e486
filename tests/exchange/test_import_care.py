"""Bulk import of the care record: each kind imports, each rule refuses at its row and
column, a file set with a problem writes nothing, and a second import changes nothing."""

import datetime
import textwrap

import pytest

from care.models import (
    CONCERN_NEEDS_ROLE,
    DOSE_ALREADY_GIVEN,
    DOSE_BEFORE_PREVIOUS,
    DOSE_OUT_OF_ORDER,
    GOAL_DUE_BEFORE_PLAN,
    NSP_TEAM_NOT_THE_PERSONS,
    RESULT_WITHOUT_TEST,
    REVIEW_BEFORE_PLAN,
    SCHEDULE_CHANGED,
    BloodBorneVirusTest,
    CarePlan,
    CaseNote,
    ChildInContact,
    HepatitisBVaccination,
    MentalHealthNeed,
    NeedleExchangeContact,
    OnwardReferral,
    PharmacyArrangement,
    PhysicalHealthCheck,
    PlanGoal,
    PlanReview,
    ProtectionReferral,
    RiskAssessment,
    SafeguardingConcern,
    SafeStorage,
)
from cases.models import ServiceUser
from exchange.importing import writing
from exchange.importing.care_specs import CARE_SPECS
from exchange.importing.loader import records_import
from exchange.models import ImportedRecord
from tests.exchange.conftest import GOOD_FILES

pytestmark = pytest.mark.django_db

PEOPLE = {"service_users": GOOD_FILES["service_users"]}

CARE_FILES = {
    "care_plans": """
        ref,person_ref,agreed_on,agreed_how,review_every_weeks,created_by
        CP-1,P-1,2025-01-20,in_person,12,alice
        CP-2,P-1,2025-06-01,phone,,alice
        CP-3,P-2,2024-03-10,writing,8,alice
    """,
    "plan_goals": """
        ref,plan_ref,domain,what,by_when,who_helps,state,state_on,created_by
        G-1,CP-2,substance_use,Cut down to weekends,2025-09-01,keyworker,,,alice
        G-2,CP-2,housing,Find a flat,2025-12-01,housing officer,achieved,2025-08-01,alice
    """,
    "plan_reviews": """
        ref,plan_ref,reviewed_on,who,summary,recorded_by
        R-1,CP-2,2025-07-01,"Jamie, keyworker",Going well,alice
    """,
    "risk_assessments": """
        ref,person_ref,assessed_on,uses_alone,reduced_tolerance,tolerance_reason,polydrug,alongside_opioids,recent_overdose,mental_health,housing_problem,housing,own_view,judgement,review_on,plan_steps,naloxone_held,naloxone_around,plan_review_on,assessed_by
        A-1,P-1,2025-06-02,yes,yes,prison,yes,benzodiazepines;alcohol,no,not_known,no,,Says they are careful,high,2025-09-02,not_alone;carry_naloxone,yes,no,2025-09-02,alice
    """,
    "safeguarding_children": """
        ref,person_ref,label,year_of_birth,lives_with,social_care,recorded_on,recorded_by
        K-1,P-1,A.B.,2016,lives_with,early_help,2025-02-01,alice
    """,
    "safe_storage": """
        ref,person_ref,locked_box_given_on,storage_discussed_on,supervised_consumption,supervised_since,updated_by
        S-1,P-1,2025-02-01,2025-02-01,Y,2025-01-20,alice
    """,
    "protection_referrals": """
        ref,person_ref,agency,agency_other,reason,made_on,chase_on,outcome,outcome_on,made_by
        PR-1,P-1,childrens_social_care,,Child at home,2025-02-02,,accepted,2025-02-10,alice
    """,
    "safeguarding_concerns": """
        ref,person_ref,kind,abuse_role,exploitation,raised_on,note,closed_on,raised_by
        SC-1,P-1,domestic_abuse,victim,,2025-03-01,Partner,,alice
        SC-2,P-2,exploitation,,cuckooing,2024-04-01,Home taken over,2024-05-01,alice
    """,
    "bbv_tests": """
        ref,person_ref,virus,offered_on,accepted,tested_on,result,result_on,recorded_by
        B-1,P-1,hcv_antibody,2025-01-20,Y,2025-01-20,negative,2025-02-01,alice
        B-2,P-2,hiv,2024-03-10,N,,,,alice
    """,
    "hep_b_vaccinations": """
        ref,person_ref,kind,given_on,dose_number,schedule,recorded_by
        H-1,P-1,dose,2025-01-20,1,standard,alice
        H-2,P-1,dose,2025-02-20,2,standard,alice
        H-3,P-2,declined,2024-03-10,,,alice
    """,
    "nsp_contacts": """
        ref,person_ref,team,contact_on,needles_syringes,foil,other_kit,advice_given,recorded_by
        X-1,P-1,North,2025-03-01,10,,5,Y,alice
        X-2,,North,2025-03-02,,20,,,alice
    """,
    "mental_health_needs": """
        ref,person_ref,recorded_on,diagnosis,treated_by,treated_since,recorded_by
        M-1,P-1,2025-02-01,depression,gp,2024-06-01,alice
    """,
    "pharmacy_arrangements": """
        ref,person_ref,pharmacy_name,dispensing,since,recorded_by
        PH-1,P-1,"Boots, High Street",daily_supervised,2025-01-20,alice
    """,
    "physical_health_checks": """
        ref,person_ref,checked_on,kind,outcome,recorded_by
        PC-1,P-1,2025-03-01,injection_sites,follow_up,alice
    """,
    "case_notes": """
        ref,person_ref,note_date,kind,text,written_by
        CN-1,P-1,2025-03-01,keywork,"Talked about the plan, and housing.",alice
    """,
    "onward_referrals": """
        ref,person_ref,organisation_kind,organisation_name,reason,made_on,follow_up_on,outcome,made_by
        OR-1,P-1,housing,Council housing options,Needs a flat,2025-03-01,2025-03-15,,alice
        OR-2,P-1,gp,Riverside Surgery,Health check,2025-03-01,2025-03-15,attended,alice
    """,
}

COUNTS = {
    CarePlan: 3,
    PlanGoal: 2,
    PlanReview: 1,
    RiskAssessment: 1,
    ChildInContact: 1,
    SafeStorage: 1,
    ProtectionReferral: 1,
    SafeguardingConcern: 2,
    BloodBorneVirusTest: 2,
    HepatitisBVaccination: 3,
    NeedleExchangeContact: 2,
    MentalHealthNeed: 1,
    PharmacyArrangement: 1,
    PhysicalHealthCheck: 1,
    CaseNote: 1,
    OnwardReferral: 2,
}


def counts() -> dict:
    return {model: model.objects.count() for model in COUNTS}


def changed(kind: str, old: str, new: str) -> dict[str, str]:
    files = {**PEOPLE, **CARE_FILES}
    text = textwrap.dedent(files[kind])
    assert old in text, old
    files[kind] = text.replace(old, new)
    return files


def problems_of(result) -> list[tuple[str, int, str, str]]:
    return [(p.file, p.row, p.column, p.message) for p in result.problems.kept]


def test_every_care_kind_has_a_file_in_the_test():
    assert {spec.kind for spec in CARE_SPECS} == set(CARE_FILES)


def test_a_valid_file_of_each_kind_imports(write_files, north, alice):
    result = records_import(files=write_files({**PEOPLE, **CARE_FILES}))

    assert result.imported, problems_of(result)
    assert counts() == COUNTS
    jamie = ServiceUser.objects.get(source_ref="P-1")
    current = CarePlan.objects.get(service_user=jamie, superseded_at__isnull=True)
    assert str(current.agreed_on) == "2025-06-01"
    assert current.review_every_weeks == 12  # empty means the model's default
    # The review moved the next review on: its interval after the review.
    assert str(current.review_due_on) == "2025-09-23"
    assert current.goals.count() == 2
    assert CarePlan.objects.filter(service_user=jamie).count() == 2
    assessment = RiskAssessment.objects.get()
    assert assessment.alongside_opioids == ["benzodiazepines", "alcohol"]
    assert assessment.assessed_by == alice
    assert ProtectionReferral.objects.get().chase_on.isoformat() == "2025-02-16"
    assert NeedleExchangeContact.objects.filter(service_user__isnull=True).count() == 1
    referral = OnwardReferral.objects.get(outcome="attended")
    assert referral.outcome_recorded_by == alice
    assert referral.outcome_recorded_at
    assert CaseNote.objects.get().written_by == alice
    # Each record kept its write history, as a form's save would.
    for model in COUNTS:
        assert (
            model.pgh_event_models["insert"].objects.filter(pgh_label="insert").count()
            == COUNTS[model]
        ), model
    assert ImportedRecord.objects.count() == sum(COUNTS.values())


def test_importing_the_same_files_again_changes_nothing(write_files, north, alice):
    files = {**PEOPLE, **CARE_FILES}
    assert records_import(files=write_files(files, "first")).imported
    history = {
        model: model.pgh_event_models["insert"].objects.filter(pgh_label="insert").count()
        for model in COUNTS
    }

    again = records_import(files=write_files(files, "second"))

    assert again.imported, problems_of(again)
    assert counts() == COUNTS
    assert all(c.created == 0 for c in again.counts.values())
    assert history == {
        model: model.pgh_event_models["insert"].objects.filter(pgh_label="insert").count()
        for model in COUNTS
    }
    jamie = ServiceUser.objects.get(source_ref="P-1")
    assert CarePlan.objects.filter(service_user=jamie, superseded_at__isnull=True).count() == 1


def test_a_changed_row_imported_before_is_refused(write_files, north, alice):
    assert records_import(files=write_files({**PEOPLE, **CARE_FILES}, "first")).imported

    result = records_import(
        files=write_files(changed("case_notes", "and housing.", "and money."), "second")
    )

    assert not result.imported
    [(file, row, column, message)] = problems_of(result)
    assert (file, row, column) == ("case_notes.csv", 2, "ref")
    assert "was imported before" in message
    assert CaseNote.objects.get().text == "Talked about the plan, and housing."


def test_an_imported_plan_supersedes_the_current_one(write_files, north, alice):
    assert records_import(files=write_files({**PEOPLE, **CARE_FILES}, "first")).imported
    files = {
        **PEOPLE,
        "care_plans": """
            ref,person_ref,agreed_on,agreed_how,created_by
            CP-9,P-1,2025-10-01,video,alice
        """,
    }

    assert records_import(files=write_files(files, "second")).imported

    jamie = ServiceUser.objects.get(source_ref="P-1")
    current = CarePlan.objects.get(service_user=jamie, superseded_at__isnull=True)
    assert str(current.agreed_on) == "2025-10-01"
    assert CarePlan.objects.filter(service_user=jamie).count() == 3


RULES = [
    # (kind, old, new, row, column, message)
    (
        "bbv_tests",
        "2025-01-20,Y,2025-01-20,negative",
        "2025-01-20,Y,,negative",
        2,
        "tested_on",
        RESULT_WITHOUT_TEST,
    ),
    (
        "bbv_tests",
        "B-2,P-2,hiv,2024-03-10,N",
        "B-2,P-2,hiv,2024-03-10,not known",
        3,
        "accepted",
        "Accepted is required: Y or N.",
    ),
    (
        "case_notes",
        "CN-1,P-1,2025-03-01",
        "CN-1,P-1,2099-03-01",
        2,
        "note_date",
        "Date 2099-03-01 is in the future.",
    ),
    (
        "risk_assessments",
        "high,2025-09-02,not_alone",
        "high,2025-05-02,not_alone",
        2,
        "review_on",
        "The review date cannot be before the date of the assessment.",
    ),
    (
        "plan_reviews",
        "R-1,CP-2,2025-07-01",
        "R-1,CP-2,2025-05-01",
        2,
        "reviewed_on",
        REVIEW_BEFORE_PLAN,
    ),
    (
        "plan_goals",
        "Cut down to weekends,2025-09-01",
        "Cut down to weekends,2025-05-01",
        2,
        "by_when",
        GOAL_DUE_BEFORE_PLAN,
    ),
    (
        "physical_health_checks",
        "injection_sites,follow_up",
        "injection_sites,sort_of",
        2,
        "outcome",
        "Outcome sort_of is not one of: fine, follow_up, referred.",
    ),
    (
        "safeguarding_concerns",
        "SC-1,P-1,domestic_abuse,victim",
        "SC-1,P-1,domestic_abuse,",
        2,
        "abuse_role",
        CONCERN_NEEDS_ROLE,
    ),
    (
        "safeguarding_children",
        "A.B.,2016",
        "Jessica,2016",
        2,
        "label",
        'Use an initial (for example "A" or "A.B.") or "Child 1": never the child\'s name.',
    ),
    (
        "hep_b_vaccinations",
        "H-2,P-1,dose,2025-02-20,2",
        "H-2,P-1,dose,2025-02-20,1",
        3,
        "dose_number",
        DOSE_ALREADY_GIVEN.format(number=1),
    ),
    (
        "hep_b_vaccinations",
        "H-2,P-1,dose,2025-02-20,2,standard",
        "H-2,P-1,dose,2025-02-20,2,accelerated",
        3,
        "schedule",
        SCHEDULE_CHANGED.format(schedule="standard"),
    ),
    (
        "hep_b_vaccinations",
        "H-2,P-1,dose,2025-02-20,2",
        "H-2,P-1,dose,2025-01-10,2",
        3,
        "given_on",
        DOSE_BEFORE_PREVIOUS.format(previous=1, on=datetime.date(2025, 1, 20)),
    ),
    (
        "hep_b_vaccinations",
        "H-2,P-1,dose,2025-02-20,2",
        "H-2,P-1,dose,2025-02-20,3",
        3,
        "dose_number",
        DOSE_OUT_OF_ORDER.format(missing=2),
    ),
    (
        "nsp_contacts",
        "X-1,P-1,North",
        "X-1,P-2,South",
        2,
        "team",
        NSP_TEAM_NOT_THE_PERSONS,
    ),
    (
        "onward_referrals",
        "OR-1,P-9,",
        "OR-1,P-9,",
        2,
        "person_ref",
        "person P-9 not found.",
    ),
]


@pytest.mark.parametrize(("kind", "old", "new", "row", "column", "message"), RULES)
def test_each_rule_refuses_at_its_row_and_column_and_nothing_is_written(
    write_files, north, south, alice, kind, old, new, row, column, message
):
    if kind == "onward_referrals":
        files = changed(kind, "OR-1,P-1,", new)
    else:
        files = changed(kind, old, new)

    result = records_import(files=write_files(files))

    assert not result.imported
    assert (f"{kind}.csv", row, column, message) in problems_of(result), problems_of(result)
    # All or nothing: the good rows of every other file are not written either.
    assert ServiceUser.objects.count() == 0
    assert all(n == 0 for n in counts().values())


# What a care form asks for and its file leaves out, with the reason.
NOT_IMPORTED = {
    CaseNote: {"corrects": "a correction names a note Lantern holds: it is written in Lantern"},
}


@pytest.mark.parametrize("spec", CARE_SPECS, ids=lambda spec: spec.kind)
def test_each_care_file_has_a_column_for_each_field_its_form_asks_for(spec):
    names = {column.name for column in spec.columns}
    asked = getattr(spec.model, "RECORDED_FIELDS", ())
    missing = set(asked) - names - set(NOT_IMPORTED.get(spec.model, {}))
    assert not missing, (spec.kind, missing)
    # Its codes are the form's own list, not a copy.
    for column in spec.columns:
        if column.type == "choice":
            field = spec.model._meta.get_field(column.name)
            assert column.choices == tuple(value for value, _ in field.choices)


def test_a_bulk_load_of_care_files_puts_back_every_index_and_constraint(
    monkeypatch, write_files, north, alice
):
    from tests.exchange.test_bulk_insert import indexes_and_constraints

    monkeypatch.setattr(writing, "BULK_ROWS", 1)
    monkeypatch.setattr(writing, "_table_rows", lambda cursor, table: 0)
    bulk_tables = []
    real = writing.secondary_indexes_drop

    def recording(cursor, tables):
        bulk_tables.extend(tables)
        return real(cursor, tables)

    monkeypatch.setattr(writing, "secondary_indexes_drop", recording)
    before = indexes_and_constraints()

    result = records_import(files=write_files({**PEOPLE, **CARE_FILES}))

    assert result.imported, problems_of(result)
    assert {spec.table for spec in CARE_SPECS} <= set(bulk_tables)
    assert indexes_and_constraints() == before
    assert counts() == COUNTS


def test_with_partial_the_good_rows_are_written_and_a_refused_plan_takes_its_goals(
    write_files, north, alice
):
    files = changed("care_plans", "CP-2,P-1,2025-06-01,phone", "CP-2,P-1,2099-06-01,phone")

    result = records_import(files=write_files(files), partial=True)

    assert result.imported
    found = problems_of(result)
    assert (
        "care_plans.csv",
        3,
        "agreed_on",
        "Date agreed with them 2099-06-01 is in the future.",
    ) in found
    assert (
        "plan_goals.csv",
        2,
        "plan_ref",
        "care plan CP-2 is not imported: its row in care_plans.csv has problems.",
    ) in found
    assert CarePlan.objects.count() == 2
    assert PlanGoal.objects.count() == 0
    assert CaseNote.objects.count() == 1
    # The plan left for the person is their current one.
    assert CarePlan.objects.filter(superseded_at__isnull=True).count() == 2
