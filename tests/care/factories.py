"""Case notes, onward referrals and risk assessments for the care record's tests, made
through the services."""

from care import services
from care.models import CaseNote, OnwardReferral, PhysicalHealthCheck, RiskAssessment
from tests.factories import days_ago


def note_of(person, writer, *, day: int = 1, text: str = "Seen at the hub.", **fields) -> CaseNote:
    return services.case_note_write(
        service_user=person,
        written_by=writer,
        note_date=days_ago(day),
        kind=fields.pop("kind", "keywork"),
        text=text,
        **fields,
    )


def referral_of(person, maker, *, made: int = 10, follow_up: int = 3, **fields) -> OnwardReferral:
    """A referral made `made` days ago, to be followed up `follow_up` days ago (negative:
    ahead)."""
    return services.onward_referral_make(
        service_user=person,
        made_by=maker,
        organisation_kind=fields.pop("organisation_kind", "housing"),
        organisation_name=fields.pop("organisation_name", "Housing options"),
        reason=fields.pop("reason", "Sleeping on a friend's sofa."),
        made_on=days_ago(made),
        follow_up_on=days_ago(follow_up),
    )


def assessment_of(
    person, assessor, *, day: int = 0, review: int = -90, plan_review: int = -30, **fields
) -> RiskAssessment:
    """An assessment `day` days ago, its review `review` days ago and its plan's review
    `plan_review` days ago (negative: ahead); each factor not known unless given."""
    recorded = {
        **dict.fromkeys((name for name, _ in RiskAssessment.FACTORS), "not_known"),
        "own_view": "Says they are careful.",
        "judgement": "medium",
        "plan_steps": ["not_alone"],
        "naloxone_held": "yes",
        "naloxone_around": "not_known",
        **fields,
    }
    return services.risk_assessment_record(
        service_user=person,
        assessed_by=assessor,
        assessed_on=days_ago(day),
        review_on=days_ago(review),
        plan_review_on=days_ago(plan_review),
        **recorded,
    )


def bbv_test_of(person, recorder, *, virus: str = "hcv_antibody", offered: int = 10, **fields):
    """A test offered `offered` days ago and accepted; `tested`, `result`, `result_on` (days
    ago) as given."""
    from care.services import bbv_test_record

    tested = fields.pop("tested", None)
    result_on = fields.pop("result_on", None)
    return bbv_test_record(
        service_user=person,
        recorded_by=recorder,
        virus=virus,
        offered_on=days_ago(offered),
        accepted=fields.pop("accepted", True),
        tested_on=days_ago(tested) if tested is not None else None,
        result=fields.pop("result", ""),
        result_on=days_ago(result_on) if result_on is not None else None,
    )


def hep_b_dose_of(person, recorder, *, number: int, given: int, schedule: str = "standard"):
    from care.services import hep_b_vaccination_record

    return hep_b_vaccination_record(
        service_user=person,
        recorded_by=recorder,
        kind="dose",
        given_on=days_ago(given),
        dose_number=number,
        schedule=schedule,
    )


def plan_of(person, writer, *, agreed: int = 30, weeks: int = 12, **fields):
    """A current care plan agreed `agreed` days ago, reviewed every `weeks` weeks."""
    return services.care_plan_start(
        service_user=person,
        created_by=writer,
        agreed_on=days_ago(agreed),
        agreed_how=fields.pop("agreed_how", "in_person"),
        review_every_weeks=weeks,
        **fields,
    )


def child_of(person, recorder, *, born: int | None = None, **fields):
    """A child on `person`'s safeguarding record, living with them unless said otherwise;
    born six years ago unless `born` says the year."""
    return services.child_in_contact_record(
        service_user=person,
        recorded_by=recorder,
        label=fields.pop("label", "A"),
        year_of_birth=born if born is not None else days_ago(0).year - 6,
        lives_with=fields.pop("lives_with", "lives_with"),
        social_care=fields.pop("social_care", "none"),
        recorded_on=fields.pop("recorded_on", days_ago(0)),
        **fields,
    )


def goal_of(plan, writer, *, domain: str = "housing", by: int = -30, **fields):
    """A goal on `plan`, due `by` days ago (negative: ahead)."""
    return services.plan_goal_add(
        plan=plan,
        created_by=writer,
        domain=domain,
        what=fields.pop("what", "Move into the supported flat."),
        by_when=days_ago(by),
        who_helps=fields.pop("who_helps", "Keyworker and housing officer"),
        **fields,
    )


def protection_referral_of(person, maker, *, made: int = 20, **fields):
    """A protection referral made `made` days ago, chased 14 days after unless said."""
    return services.protection_referral_make(
        service_user=person,
        made_by=maker,
        agency=fields.pop("agency", "childrens_social_care"),
        reason=fields.pop("reason", "Methadone left within reach of a child."),
        made_on=days_ago(made),
        **fields,
    )


def concern_of(person, raiser, *, raised: int = 5, **fields):
    return services.safeguarding_concern_raise(
        service_user=person,
        raised_by=raiser,
        kind=fields.pop("kind", "domestic_abuse"),
        abuse_role=fields.pop("abuse_role", "victim"),
        raised_on=days_ago(raised),
        note=fields.pop("note", "Partner controls money and phone; DASH done."),
        **fields,
    )


# Written into every free-text field of the records: none may leave.
SECRET = "Xyzzy"


def care_history(person, worker):
    """One of every care record an extract carries, with free text in every text field."""
    plan = plan_of(person, worker, agreed=60)
    kept = goal_of(plan, worker, domain="housing", what=f"{SECRET} flat", who_helps=SECRET)
    done = goal_of(plan, worker, domain="money", what=f"{SECRET} debts", who_helps=SECRET)
    services.plan_review_record(
        plan=plan,
        recorded_by=worker,
        reviewed_on=days_ago(10),
        who=f"{SECRET} and keyworker",
        summary=f"{SECRET} went well",
        closing={done: "achieved"},
    )
    assert kept.is_open
    assessment_of(
        person,
        worker,
        day=5,
        uses_alone="yes",
        uses_alone_detail=SECRET,
        own_view=f"{SECRET} careful",
        plan_in_their_words=SECRET,
        plan_contacts=f"{SECRET} (sister)",
    )
    child_of(person, worker, other_carer=f"{SECRET} mother")
    child_of(person, worker, label="B", lives_with="in_contact", social_care="child_protection")
    services.safe_storage_record(
        service_user=person,
        updated_by=worker,
        locked_box_given_on=days_ago(20),
        storage_discussed_on=None,
        supervised_consumption=True,
        supervised_since=days_ago(20),
    )
    protection_referral_of(person, worker, made=20, reason=f"{SECRET} at home")
    concern_of(person, worker, raised=5, note=f"{SECRET} controls money")
    test = bbv_test_of(
        person, worker, virus="hcv_rna", offered=40, tested=38, result="positive", result_on=30
    )
    services.hep_c_treatment_record(test=test, treatment_referred_on=days_ago(25))
    hep_b_dose_of(person, worker, number=1, given=35)
    services.nsp_contact_record(
        team=person.team,
        service_user=person,
        recorded_by=worker,
        contact_on=days_ago(3),
        needles_syringes=10,
        advice_given=True,
    )
    services.health_need_record(
        model=PhysicalHealthCheck,
        service_user=person,
        recorded_by=worker,
        checked_on=days_ago(4),
        kind="injection_sites",
        outcome="follow_up",
    )
