"""The care record's extracts (see `commissioning.api` for the machinery).

Each record kind of the care record a keyworker works from, pseudonymised under the same
allow-list rules as the other extracts: codes, dates, counts and yes/no only. No free
text ever leaves: not a goal's words, a review's summary, a practitioner's detail, the
person's own view, a safety plan's contacts, a child's initial, a referral's reason, a
concern's note or a pharmacy's name (`tests/commissioning/test_care_extracts.py` fails when a
field reads a column that is free text). The person's pseudonym is the one every other
extract gives (`PERSON`).

What a person who has not consented to sharing contributes (see `base`): the activity
of their treatment (plans, goals, tests offered and taken, vaccinations, needle exchange
contacts, checks made) is sent for everyone, as episodes and interventions are; what is
found out about them (test results and treatment, the factors of a risk assessment,
the outcome of a health check, their safeguarding) is sent only with their consent.

Anonymous needle exchange contacts hold no person and are not in an extract: they are
counted in the figures.
"""

from django.db.models import TextChoices

from care.models import (
    AgreedHow,
    AlongsideOpioids,
    BbvResult,
    CheckKind,
    CheckOutcome,
    GoalDomain,
    GoalState,
    HousingConcern,
    PlanStep,
    RiskJudgement,
    ToleranceReason,
    VaccinationKind,
    VaccineSchedule,
    Virus,
)
from commissioning.extracts.base import Extract, ExtractField, Kind
from commissioning.extracts.cases import PERSON, choice_values


def _own(
    name: str, column: str, kind: Kind, description: str, choices: type[TextChoices] | None = None
) -> ExtractField:
    """A field sent only for a person who consents to sharing."""
    values = choice_values(choices) if choices is not None else ()
    return ExtractField(name, column, kind, description, False, values)


def _sent(
    name: str, column: str, kind: Kind, description: str, choices: type[TextChoices] | None = None
) -> ExtractField:
    """A field sent for everyone: the activity of treatment."""
    values = choice_values(choices) if choices is not None else ()
    return ExtractField(name, column, kind, description, True, values)


def _pseudonym(name: str, column: str, kind: str, description: str) -> ExtractField:
    return ExtractField(name, column, "string", description, without_consent=True, pseudonym=kind)


# --- The care and recovery plan ---------------------------------------------------------------

CARE_PLAN = _pseudonym("care_plan", "cp.external_id", "care_plan", "The care plan's pseudonym.")


def _goals(state: str) -> str:
    return f"(SELECT count(*) FROM care_plangoal g WHERE g.plan_id = cp.id AND g.state = '{state}')"


CARE_PLANS = Extract(
    name="care_plans",
    title="Care plans",
    description="One row per care and recovery plan: when it was agreed and how, its review "
    "schedule, whether its review is in date, and its goals counted by state. With a period, "
    "the plans in force at any time in it; a plan is in force until a new plan replaces it.",
    source="care_careplan cp JOIN cases_serviceuser su ON su.id = cp.service_user_id",
    key="cp.external_id",
    period="cp.agreed_on <= {to} AND (cp.superseded_at IS NULL OR cp.superseded_at::date >= {from})",
    fields=(
        CARE_PLAN,
        PERSON,
        _sent("agreed_on", "cp.agreed_on", "date", "Date agreed with the person."),
        _sent("agreed_how", "cp.agreed_how", "string", "How it was agreed.", AgreedHow),
        _sent("review_every_weeks", "cp.review_every_weeks", "integer", "Review interval, weeks."),
        _sent("review_due_on", "cp.review_due_on", "date", "When its next review is due."),
        _sent(
            "review_in_date",
            "(cp.superseded_at IS NULL AND cp.review_due_on >= {on})",
            "boolean",
            "Current, and its next review not yet overdue on the last day of the period "
            "(today without one).",
        ),
        _sent(
            "replaced_on",
            "cp.superseded_at::date",
            "date",
            "The day a new plan replaced it (null while current).",
        ),
        _sent(
            "reviews",
            "(SELECT count(*) FROM care_planreview r WHERE r.plan_id = cp.id)",
            "integer",
            "Reviews held on it.",
        ),
        _sent(
            "last_reviewed_on",
            "(SELECT max(r.reviewed_on) FROM care_planreview r WHERE r.plan_id = cp.id)",
            "date",
            "Date of its latest review (null: none yet).",
        ),
        _sent("goals_open", _goals(GoalState.OPEN), "integer", "Goals open."),
        _sent("goals_achieved", _goals(GoalState.ACHIEVED), "integer", "Goals achieved."),
        _sent(
            "goals_not_relevant",
            _goals(GoalState.NOT_RELEVANT),
            "integer",
            "Goals closed as no longer relevant.",
        ),
    ),
)

PLAN_GOALS = Extract(
    name="plan_goals",
    title="Care plan goals",
    description="One row per goal of a care plan: its domain, when it is due, its state and "
    "when that was reached, and how many contacts worked on it. Never the goal's words. "
    "With a period, the goals open at any time in it.",
    source=(
        "care_plangoal g JOIN care_careplan cp ON cp.id = g.plan_id "
        "JOIN cases_serviceuser su ON su.id = cp.service_user_id"
    ),
    key="g.external_id",
    period="cp.agreed_on <= {to} AND (g.state_on IS NULL OR g.state_on >= {from})",
    fields=(
        _pseudonym("goal", "g.external_id", "plan_goal", "The goal's pseudonym."),
        CARE_PLAN,
        PERSON,
        _sent("domain", "g.domain", "string", "The domain of the plan it is in.", GoalDomain),
        _sent("by_when", "g.by_when", "date", "When it is meant to be reached."),
        _sent("state", "g.state", "string", "Open, achieved or no longer relevant.", GoalState),
        _sent("state_on", "g.state_on", "date", "Date achieved or closed (null while open)."),
        _sent(
            "closed_at_review",
            "g.closed_at_review_id IS NOT NULL",
            "boolean",
            "Closed at a review of the plan.",
        ),
        _sent(
            "contacts",
            "(SELECT count(*) FROM care_goalcontact gc WHERE gc.goal_id = g.id)",
            "integer",
            "Contacts recorded as working on it.",
        ),
    ),
)

# --- The practitioner's risk assessment and safety plan --------------------------------------

# Every factor is answered from one choice set; it is named in words rather than as an enum,
# which the schema would name once per field.
ANSWERS = "yes, no or not_known"


def _codes(column: str) -> str:
    """An array of codes as one string, separated by spaces (null when empty)."""
    return f"nullif(array_to_string({column}, ' '), '')"


RISK_ASSESSMENTS = Extract(
    name="risk_assessments",
    title="Risk assessments",
    description="One row per practitioner's overdose risk assessment with its safety plan: "
    "each factor's answer (yes, no or not known), the practitioner's judgement, what the "
    "person will do, naloxone held, and the review dates. Never the details, the person's "
    "own view, the plan in their words or whom they can call.",
    source="care_riskassessment ra JOIN cases_serviceuser su ON su.id = ra.service_user_id",
    key="ra.external_id",
    period="ra.assessed_on BETWEEN {from} AND {to}",
    fields=(
        _pseudonym("assessment", "ra.external_id", "risk_assessment", "Its pseudonym."),
        PERSON,
        _sent("assessed_on", "ra.assessed_on", "date", "Date of the assessment."),
        _own("uses_alone", "ra.uses_alone", "string", f"Uses alone ({ANSWERS})."),
        _own(
            "reduced_tolerance", "ra.reduced_tolerance", "string", f"Reduced tolerance ({ANSWERS})."
        ),
        _own(
            "tolerance_reason",
            "nullif(ra.tolerance_reason, '')",
            "string",
            "Why their tolerance is reduced.",
            ToleranceReason,
        ),
        _own("polydrug", "ra.polydrug", "string", f"Uses other drugs with opioids ({ANSWERS})."),
        _own(
            "alongside_opioids",
            _codes("ra.alongside_opioids"),
            "string",
            "What they use with opioids, codes separated by spaces: "
            + ", ".join(choice_values(AlongsideOpioids))
            + ".",
        ),
        _own(
            "recent_overdose",
            "ra.recent_overdose",
            "string",
            f"An overdose or near miss in the last three months ({ANSWERS}).",
        ),
        _own(
            "mental_health", "ra.mental_health", "string", f"A mental health concern ({ANSWERS})."
        ),
        _own(
            "housing_problem",
            "ra.housing_problem",
            "string",
            f"Homeless or insecurely housed ({ANSWERS}).",
        ),
        _own("housing", "nullif(ra.housing, '')", "string", "Their housing.", HousingConcern),
        _sent(
            "judgement",
            "ra.judgement",
            "string",
            "The practitioner's judgement of their overdose risk (not a risk engine tier).",
            RiskJudgement,
        ),
        _sent("review_on", "ra.review_on", "date", "Review the assessment by."),
        _sent(
            "plan_steps",
            _codes("ra.plan_steps"),
            "string",
            "What they will do, codes separated by spaces: "
            + ", ".join(choice_values(PlanStep))
            + ".",
        ),
        _sent("naloxone_held", "ra.naloxone_held", "string", f"They hold naloxone ({ANSWERS})."),
        _sent(
            "naloxone_around",
            "ra.naloxone_around",
            "string",
            f"The people around them hold naloxone ({ANSWERS}).",
        ),
        _sent("plan_review_on", "ra.plan_review_on", "date", "Review the safety plan by."),
    ),
)

# --- Safeguarding: counts and yes/no only ----------------------------------------------------

_SAFEGUARDED = (
    "(SELECT service_user_id, min(on_day) AS first_on FROM ("
    "SELECT service_user_id, recorded_on AS on_day FROM care_childincontact "
    "UNION ALL SELECT service_user_id, coalesce(least(locked_box_given_on, "
    "storage_discussed_on, supervised_since), updated_at::date) FROM care_safestorage "
    "UNION ALL SELECT service_user_id, made_on FROM care_protectionreferral "
    "UNION ALL SELECT service_user_id, raised_on FROM care_safeguardingconcern"
    ") records GROUP BY service_user_id) sg"
)
# A child counts until the end of the year they turn 18 (`care.models.ADULT_AGE`).
_CHILD = "c.service_user_id = su.id AND c.year_of_birth >= extract(year FROM {on})::int - 18"


def _children(condition: str) -> str:
    return f"(SELECT count(*) FROM care_childincontact c WHERE {_CHILD} AND {condition})"


def _referrals(condition: str) -> str:
    return (
        "(SELECT count(*) FROM care_protectionreferral pr WHERE pr.service_user_id = su.id "
        f"AND pr.made_on <= {{on}} AND {condition})"
    )


def _concerns_open(kind: str) -> str:
    return (
        "(SELECT count(*) FROM care_safeguardingconcern sc WHERE sc.service_user_id = su.id "
        f"AND sc.kind = '{kind}' AND sc.raised_on <= {{on}} "
        "AND (sc.closed_on IS NULL OR sc.closed_on > {on}))"
    )


SAFEGUARDING = Extract(
    name="safeguarding",
    title="Safeguarding",
    description="One row per person with a safeguarding record: children, safe storage of "
    "take-home medication, protection referrals and concerns, as counts and yes/no on the "
    "last day of the period (today without one). Sent only for a person who consents to "
    "sharing; never a child's initial, a carer, a reason or a note. With a period, the "
    "people with a safeguarding record by its end.",
    source=f"{_SAFEGUARDED} JOIN cases_serviceuser su ON su.id = sg.service_user_id "
    "LEFT JOIN care_safestorage ss ON ss.service_user_id = su.id",
    key="su.external_id",
    period="sg.first_on <= {to}",
    fields=(
        PERSON,
        _own(
            "children_living_with",
            _children("c.lives_with = 'lives_with'"),
            "integer",
            "Children under 18 who live with them.",
        ),
        _own(
            "children_in_contact",
            _children("c.lives_with = 'in_contact'"),
            "integer",
            "Children under 18 in contact who do not live with them.",
        ),
        _own(
            "children_with_social_care",
            _children("c.social_care <> 'none'"),
            "integer",
            "Children with children's social care involved (early help or more).",
        ),
        _own(
            "children_on_protection_plans",
            _children("c.social_care = 'child_protection'"),
            "integer",
            "Children on a child protection plan.",
        ),
        _own(
            "locked_box_given",
            "ss.locked_box_given_on <= {on}",
            "boolean",
            "A locked box for medication given (null: not recorded).",
        ),
        _own(
            "storage_discussed",
            "ss.storage_discussed_on <= {on}",
            "boolean",
            "Safe storage of take-home doses talked through (null: not recorded).",
        ),
        _own(
            "supervised_consumption",
            "ss.supervised_consumption",
            "boolean",
            "Supervised consumption in place, as last recorded (null: not recorded).",
        ),
        _own("protection_referrals", _referrals("true"), "integer", "Protection referrals made."),
        _own(
            "protection_referrals_open",
            _referrals("(pr.outcome = '' OR pr.outcome_on > {on})"),
            "integer",
            "Protection referrals still awaiting their outcome.",
        ),
        _own(
            "domestic_abuse_concerns_open",
            _concerns_open("domestic_abuse"),
            "integer",
            "Domestic abuse concerns open.",
        ),
        _own(
            "exploitation_concerns_open",
            _concerns_open("exploitation"),
            "integer",
            "Exploitation concerns open.",
        ),
        _own("other_concerns_open", _concerns_open("other"), "integer", "Other concerns open."),
    ),
)

# --- Harm reduction and health ---------------------------------------------------------------

BBV_TESTS = Extract(
    name="bbv_tests",
    title="Blood-borne virus tests",
    description="One row per blood-borne virus test (hepatitis C antibody and RNA, hepatitis "
    "B, HIV) from its offer to its result and, for a positive hepatitis C RNA result, "
    "treatment to its outcome. The offer and the test are sent for everyone; the result and "
    "treatment only for a person who consents to sharing. With a period, the tests with a "
    "step (offer, test, result, treatment) in it.",
    source="care_bloodbornevirustest bt JOIN cases_serviceuser su ON su.id = bt.service_user_id",
    key="bt.external_id",
    period=(
        "bt.offered_on <= {to} AND greatest(bt.offered_on, bt.tested_on, bt.result_on, "
        "bt.treatment_referred_on, bt.treatment_started_on, bt.treatment_completed_on) >= {from}"
    ),
    fields=(
        _pseudonym("test", "bt.external_id", "bbv_test", "The test's pseudonym."),
        PERSON,
        _sent("virus", "bt.virus", "string", "What it tests for.", Virus),
        _sent("offered_on", "bt.offered_on", "date", "Date offered."),
        _sent("accepted", "bt.accepted", "boolean", "Accepted when offered."),
        _sent("tested_on", "bt.tested_on", "date", "Test date (null: not tested yet)."),
        _own("result", "nullif(bt.result, '')", "string", "The result.", BbvResult),
        _own("result_on", "bt.result_on", "date", "Date the result came back."),
        _own(
            "treatment_referred_on", "bt.treatment_referred_on", "date", "Referred for treatment."
        ),
        _own("treatment_started_on", "bt.treatment_started_on", "date", "Treatment started."),
        _own("treatment_completed_on", "bt.treatment_completed_on", "date", "Treatment completed."),
        _own("cured", "bt.cured", "boolean", "Cured: a sustained virological response."),
    ),
)

HEP_B_VACCINATIONS = Extract(
    name="hep_b_vaccinations",
    title="Hepatitis B vaccinations",
    description="One row per step of a hepatitis B vaccination: a dose given (its number and "
    "schedule), the person found immune, or the vaccine declined.",
    source="care_hepatitisbvaccination hv JOIN cases_serviceuser su ON su.id = hv.service_user_id",
    key="hv.external_id",
    period="hv.given_on BETWEEN {from} AND {to}",
    fields=(
        _pseudonym("vaccination", "hv.external_id", "hep_b_vaccination", "Its pseudonym."),
        PERSON,
        _sent("kind", "hv.kind", "string", "What happened.", VaccinationKind),
        _sent("given_on", "hv.given_on", "date", "Date."),
        _sent("dose_number", "hv.dose_number", "integer", "The dose (4: the booster)."),
        _sent(
            "schedule",
            "nullif(hv.schedule, '')",
            "string",
            "The course's schedule.",
            VaccineSchedule,
        ),
    ),
)

NSP_CONTACTS = Extract(
    name="nsp_contacts",
    title="Needle and syringe programme contacts",
    description="One row per needle and syringe programme contact with a known person: what "
    "was given and whether harm reduction advice was. Anonymous contacts are not here.",
    source="care_needleexchangecontact nc JOIN cases_serviceuser su ON su.id = nc.service_user_id",
    key="nc.external_id",
    period="nc.contact_on BETWEEN {from} AND {to}",
    fields=(
        _pseudonym("contact", "nc.external_id", "nsp_contact", "The contact's pseudonym."),
        PERSON,
        _sent("team", "nc.team_id", "integer", "The team that made it."),
        _sent("contact_on", "nc.contact_on", "date", "Date."),
        _sent("needles_syringes", "nc.needles_syringes", "integer", "Needles and syringes given."),
        _sent("foil", "nc.foil", "integer", "Sheets of foil given."),
        _sent("other_kit", "nc.other_kit", "integer", "Other items of kit given."),
        _sent("advice_given", "nc.advice_given", "boolean", "Harm reduction advice given."),
    ),
)

HEALTH_CHECKS = Extract(
    name="health_checks",
    title="Physical health checks",
    description="One row per physical health check: what was checked, when, and (for a "
    "person who consents to sharing) what came of it.",
    source="care_physicalhealthcheck hc JOIN cases_serviceuser su ON su.id = hc.service_user_id",
    key="hc.external_id",
    period="hc.checked_on BETWEEN {from} AND {to}",
    fields=(
        _pseudonym("check", "hc.external_id", "health_check", "The check's pseudonym."),
        PERSON,
        _sent("checked_on", "hc.checked_on", "date", "Date."),
        _sent("kind", "hc.kind", "string", "What was checked.", CheckKind),
        _own("outcome", "hc.outcome", "string", "What came of it.", CheckOutcome),
    ),
)

CARE_EXTRACTS = (
    CARE_PLANS,
    PLAN_GOALS,
    RISK_ASSESSMENTS,
    SAFEGUARDING,
    BBV_TESTS,
    HEP_B_VACCINATIONS,
    NSP_CONTACTS,
    HEALTH_CHECKS,
)
