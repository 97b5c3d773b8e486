"""The import files of the care record, one `CareFileSpec` per record kind.

Each file's columns are the fields its form asks for: the model's own `RECORDED_FIELDS`
(and the few further fields a record moves on to, such as a test's treatment), turned
into `Column`s from the model's field declarations. The codes a column accepts, its
label, its length and whether it is required are the model's, so a code added to a
care list, or a field added to a form, reaches the import without a second list. The
rules a row must keep are the model's `clean()`, run on each row (`care_rows`), so the
import refuses in the same words as the form.

Who recorded a record is a column of its own (a Lantern username), named as the model
names it (`written_by`, `recorded_by`, ...). The care tables hold no source reference:
`exchange.models.ImportedRecord` remembers which record a row's `ref` became.
"""

from dataclasses import dataclass, replace
from typing import Literal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from care.models import (
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
from care.models.safeguarding import REFERRAL_CHASE_DAYS
from exchange.importing.columns import PERSON_PARENT, Column, FileSpec, _ref

CareParent = Literal["person", "plan", "maybe_person"]

PLAN_PARENT = Column(
    "plan_ref",
    "parent",
    "care plan",
    required=True,
    help="The `ref` of the plan in care_plans.csv (this import or an earlier one).",
)
MAYBE_PERSON = Column(
    "person_ref",
    "parent",
    "person",
    help="The `ref` of the person in service_users.csv; empty for an anonymous contact, "
    "which is counted for the team without a record of anyone.",
)

# Dates a record looks ahead to; every other date of a care record is on or before today.
LOOKS_AHEAD = frozenset({"by_when", "review_on", "plan_review_on", "follow_up_on", "chase_on"})


@dataclass(frozen=True)
class CareFileSpec(FileSpec):
    model: type[models.Model] | None = None
    # The model's field naming who recorded it: its file column is `<by>` (a username).
    by: str = "recorded_by"
    care_parent: CareParent = "person"
    # (database column, SQL expression over the staging row `s`) filled by the import
    # itself rather than by a column of the file.
    derived: tuple[tuple[str, str], ...] = ()
    # What one row is, in words: "care plan", "child".
    what: str = ""


def _label(field: models.Field) -> str:
    text = str(field.verbose_name)
    return text[:1].upper() + text[1:]


def _help(field: models.Field) -> str:
    return str(field.help_text or "")


def column_for(model: type[models.Model], name: str) -> Column:
    """The file column of a model field, as the form declares it."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    label, help_text = _label(field), _help(field)
    required = not field.blank
    default = field.default if field.has_default() else None
    if isinstance(field, ArrayField):
        return Column(
            name,
            "list",
            label,
            field=name,
            choices=tuple(value for value, _ in field.base_field.choices or ()),
            empty="'{}'",
            help=(help_text + " " if help_text else "") + "Separated by semicolons.",
        )
    if isinstance(field, models.DateField):
        return Column(
            name,
            "date",
            label,
            required=required and not field.null,
            field=name,
            may_be_future=name in LOOKS_AHEAD,
            help=help_text,
        )
    if isinstance(field, models.BooleanField):
        if field.null:
            return Column(name, "bool", label, field=name, help=help_text)
        if default is not None:
            empty = "true" if default else "false"
            return Column(
                name,
                "bool",
                label,
                field=name,
                empty=empty,
                help=f"{help_text} Empty means {'Y' if default else 'N'}.".strip(),
            )
        return Column(name, "bool", label, required=True, field=name, help=help_text)
    if isinstance(field, models.IntegerField):
        choices = [value for value, _ in field.choices or ()]
        low, high = (min(choices), max(choices)) if choices else _limits(field)
        empty = str(default) if default is not None else "NULL"
        return Column(
            name,
            "int",
            label,
            required=required and default is None and not field.null,
            field=name,
            bounds=(low, high),
            empty=empty,
            help=(
                f"{help_text} Empty means {default}." if default is not None else help_text
            ).strip(),
        )
    if field.choices:
        empty = f"'{default}'" if default else ("''" if field.blank else "NULL")
        return Column(
            name,
            "choice",
            label,
            required=required and not default,
            field=name,
            choices=tuple(value for value, _ in field.choices),
            empty=empty,
            help=(f"{help_text} Empty means {default}." if default else help_text).strip(),
        )
    return Column(
        name,
        "text",
        label,
        required=required,
        field=name,
        max_length=field.max_length,
        empty="''",
        help=help_text,
    )


def _limits(field: models.Field) -> tuple[int, int]:
    low, high = 0, 32767
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            low = max(low, int(validator.limit_value))  # type: ignore[call-overload]
        elif isinstance(validator, MaxValueValidator):
            high = min(high, int(validator.limit_value))  # type: ignore[call-overload]
    return low, high


def _by(model: type[models.Model], by: str) -> Column:
    field = model._meta.get_field(by)
    return Column(
        by,
        "lookup",
        _label(field) if by != "recorded_by" else "Recorded by",
        required=True,
        field=f"{by}_id",
        lookup="staff",
        help="The Lantern username of the member of staff who recorded it.",
    )


def _spec(
    kind: str,
    title: str,
    model: type[models.Model],
    fields: tuple[str, ...],
    *,
    by: str = "recorded_by",
    parent: CareParent = "person",
    derived: tuple[tuple[str, str], ...] = (),
    help: str = "",
    leading: tuple[Column, ...] = (),
    optional: tuple[str, ...] = (),
    what: str = "",
) -> CareFileSpec:
    what = what or title.lower().removesuffix("s")
    parent_column = {"person": PERSON_PARENT, "plan": PLAN_PARENT, "maybe_person": MAYBE_PERSON}
    return CareFileSpec(
        kind=kind,
        title=title,
        table=model._meta.db_table,
        parent="person" if parent == "person" else None,
        help=help,
        model=model,
        by=by,
        care_parent=parent,
        derived=derived,
        what=what,
        columns=(
            _ref(what),
            parent_column[parent],
            *leading,
            *(
                replace(column_for(model, name), required=False)
                if name in optional
                else column_for(model, name)
                for name in fields
            ),
            _by(model, by),
        ),
    )


CARE_PLANS = _spec(
    "care_plans",
    "Care plans",
    CarePlan,
    CarePlan.RECORDED_FIELDS,
    by="created_by",
    derived=(("review_due_on", "s.agreed_on + 7 * COALESCE(s.review_every_weeks, 12)"),),
    help="One row per care and recovery plan. A person has one current plan: the plan "
    "imported last for a person (the latest agreed) becomes current and supersedes the one "
    "Lantern held, which is kept; the file's earlier plans are kept as superseded.",
)
PLAN_GOALS = _spec(
    "plan_goals",
    "Plan goals",
    PlanGoal,
    PlanGoal.RECORDED_FIELDS,
    by="created_by",
    parent="plan",
    help="One row per goal of a plan. By when and the date closed are not before the plan "
    "was agreed.",
)
PLAN_REVIEWS = _spec(
    "plan_reviews",
    "Plan reviews",
    PlanReview,
    ("reviewed_on", "who", "summary"),
    parent="plan",
    help="One row per review held on a plan, not before the plan was agreed. The plan's next "
    "review falls due its interval after the latest review.",
)
RISK_ASSESSMENTS = _spec(
    "risk_assessments",
    "Risk assessments",
    RiskAssessment,
    RiskAssessment.RECORDED_FIELDS,
    by="assessed_by",
    help="One row per overdose risk assessment with its safety plan. The latest by date is "
    "the current one.",
)
SAFEGUARDING_CHILDREN = _spec(
    "safeguarding_children",
    "Children in contact",
    ChildInContact,
    ChildInContact.RECORDED_FIELDS,
    what="child",
    help='One row per child in the household or in contact: an initial or "Child 1", never a name.',
)
SAFE_STORAGE = _spec(
    "safe_storage",
    "Safe storage",
    SafeStorage,
    SafeStorage.RECORDED_FIELDS,
    what="safe storage record",
    by="updated_by",
    help="At most one row per person: how their take-home medication is kept safe. A person "
    "whose safe storage Lantern already holds is refused: change it in Lantern.",
)
PROTECTION_REFERRALS = _spec(
    "protection_referrals",
    "Protection referrals",
    ProtectionReferral,
    (*ProtectionReferral.RECORDED_FIELDS, "outcome", "outcome_on"),
    by="made_by",
    optional=("chase_on",),
    derived=(
        ("chase_on", f"COALESCE(s.chase_on, s.made_on + {REFERRAL_CHASE_DAYS})"),
        ("outcome_recorded_by_id", "CASE WHEN s.outcome IS NOT NULL THEN s.made_by_id END"),
    ),
    help=f"One row per adult or child protection referral. An empty chase date means "
    f"{REFERRAL_CHASE_DAYS} days after it was made.",
)
SAFEGUARDING_CONCERNS = _spec(
    "safeguarding_concerns",
    "Safeguarding concerns",
    SafeguardingConcern,
    (*SafeguardingConcern.RECORDED_FIELDS, "closed_on"),
    by="raised_by",
    derived=(("closed_by_id", "CASE WHEN s.closed_on IS NOT NULL THEN s.raised_by_id END"),),
    help="One row per domestic abuse, exploitation or other concern; open until closed.",
)
BBV_TESTS = _spec(
    "bbv_tests",
    "Blood-borne virus tests",
    BloodBorneVirusTest,
    (*BloodBorneVirusTest.RECORDED_FIELDS, *BloodBorneVirusTest.TREATMENT_FIELDS),
    help="One row per test, from its offer to its result; for a positive hepatitis C RNA "
    "result, treatment to its outcome.",
)
HEP_B_VACCINATIONS = _spec(
    "hep_b_vaccinations",
    "Hepatitis B vaccinations",
    HepatitisBVaccination,
    HepatitisBVaccination.RECORDED_FIELDS,
    what="hepatitis B vaccination",
    help="One row per dose given (its number and schedule), immunity found by a test, or "
    "the vaccine declined. Each dose number once per person.",
)
NSP_CONTACTS = _spec(
    "nsp_contacts",
    "Needle exchange contacts",
    NeedleExchangeContact,
    NeedleExchangeContact.RECORDED_FIELDS,
    parent="maybe_person",
    leading=(
        Column(
            "team",
            "lookup",
            "Team",
            required=True,
            field="team_id",
            lookup="team",
            help="The team's name exactly as in Lantern; a named contact's is the person's "
            "own team.",
        ),
    ),
    help="One row per needle and syringe programme contact, named or anonymous.",
)
MENTAL_HEALTH_NEEDS = _spec(
    "mental_health_needs",
    "Mental health needs",
    MentalHealthNeed,
    MentalHealthNeed.RECORDED_FIELDS,
    help="One row per dated record of mental health need; the latest is where things stand.",
)
PHARMACY_ARRANGEMENTS = _spec(
    "pharmacy_arrangements",
    "Pharmacy arrangements",
    PharmacyArrangement,
    PharmacyArrangement.RECORDED_FIELDS,
    help="One row per community pharmacy dispensing arrangement, with the date it began.",
)
PHYSICAL_HEALTH_CHECKS = _spec(
    "physical_health_checks",
    "Physical health checks",
    PhysicalHealthCheck,
    PhysicalHealthCheck.RECORDED_FIELDS,
    help="One row per physical health check.",
)
CASE_NOTES = _spec(
    "case_notes",
    "Case notes",
    CaseNote,
    tuple(name for name in CaseNote.RECORDED_FIELDS if name != "corrects"),
    by="written_by",
    help="One row per dated case note. A note is never changed: an imported note stands as "
    "written (a correction is a new note, written in Lantern).",
)
ONWARD_REFERRALS = _spec(
    "onward_referrals",
    "Onward referrals",
    OnwardReferral,
    (*OnwardReferral.RECORDED_FIELDS, "outcome"),
    by="made_by",
    derived=(
        ("outcome_recorded_at", "CASE WHEN s.outcome IS NOT NULL THEN now() END"),
        ("outcome_recorded_by_id", "CASE WHEN s.outcome IS NOT NULL THEN s.made_by_id END"),
    ),
    help="One row per referral on to another service, with its follow-up date and, once "
    "known, its outcome.",
)

# In dependency order: a plan before its goals and reviews.
CARE_SPECS: tuple[CareFileSpec, ...] = (
    CARE_PLANS,
    PLAN_GOALS,
    PLAN_REVIEWS,
    RISK_ASSESSMENTS,
    SAFEGUARDING_CHILDREN,
    SAFE_STORAGE,
    PROTECTION_REFERRALS,
    SAFEGUARDING_CONCERNS,
    BBV_TESTS,
    HEP_B_VACCINATIONS,
    NSP_CONTACTS,
    MENTAL_HEALTH_NEEDS,
    PHARMACY_ARRANGEMENTS,
    PHYSICAL_HEALTH_CHECKS,
    CASE_NOTES,
    ONWARD_REFERRALS,
)
CARE_SPECS_BY_KIND: dict[str, CareFileSpec] = {spec.kind: spec for spec in CARE_SPECS}
