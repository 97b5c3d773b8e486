"""Case notes and onward referrals for the care record's tests, made through the services."""

from care import services
from care.models import CaseNote, OnwardReferral
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
