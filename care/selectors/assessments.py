"""Reads of overdose risk assessments. Each takes a person already found through the
visibility selector (`cases.audit.service_user_for_read`), so no read here widens anyone's
scope; each reads one query however many assessments the person has.

Whether the person has an open risk flag is the risk engine's to say, and `risk` sits
above `care`: the page that knows the flag passes what it knows in
(`flag_calls_for_assessment`), and nothing here reads the flags.
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from care.due import Due, Read
from care.models import RiskAssessment
from cases.models import ServiceUser

ASSESS = "Assess overdose risk"
REVIEW_ASSESSMENT = "Review the overdose risk assessment"
REVIEW_PLAN = "Review the safety plan"
# How many of the safety plan's lines the person page shows.
PLAN_LINES_SHOWN = 3


def risk_assessments_of(person: ServiceUser) -> QuerySet[RiskAssessment]:
    """Newest first (the first is the current one), with who assessed each."""
    return RiskAssessment.objects.filter(service_user=person).select_related("assessed_by")


def latest_risk_assessment(person: ServiceUser) -> RiskAssessment | None:
    return risk_assessments_of(person).first()


def plan_lines(assessment: RiskAssessment) -> list[str]:
    """The safety plan as lines: what they will do (chosen, then in their words), whom
    they can call."""
    lines = list(assessment.plan_step_labels)
    lines += [line.strip() for line in assessment.plan_in_their_words.splitlines() if line.strip()]
    if assessment.plan_contacts:
        lines.append(f"Can call: {assessment.plan_contacts}")
    return lines


def _mark(assessment: RiskAssessment, today: datetime.date) -> RiskAssessment:
    assessment.review_overdue = assessment.review_on < today  # type: ignore[attr-defined]
    assessment.plan_review_overdue = assessment.plan_review_on < today  # type: ignore[attr-defined]
    assessment.plan_lines = plan_lines(assessment)  # type: ignore[attr-defined]
    return assessment


def assessments_for_person(person: ServiceUser, *, today: datetime.date) -> dict[str, Any]:
    """What the person page shows of the assessments: the current one (or None), its
    review dates marked when passed, and the safety plan's first lines. One query."""
    latest = latest_risk_assessment(person)
    return {
        "risk_assessment": _mark(latest, today) if latest is not None else None,
        "risk_assessment_plan_lines": plan_lines(latest)[:PLAN_LINES_SHOWN] if latest else [],
    }


def risk_assessment_history(person: ServiceUser, *, today: datetime.date) -> list[RiskAssessment]:
    """Every assessment of the person, newest first: the first is current, the others are
    superseded and stay readable. One query."""
    return [_mark(assessment, today) for assessment in risk_assessments_of(person)]


def assessments_due(
    person: ServiceUser,
    *,
    today: datetime.date,
    flag_calls_for_assessment: bool = False,
    read: Read | None = None,
) -> list[Due]:
    """What the assessments make due: the current assessment's review and its safety
    plan's review; and, when `flag_calls_for_assessment` (the person has an open flag of
    a tier that calls for outreach: high or very high) and no assessment is in date,
    "Assess overdose risk" (by today when there is none; by the review date that passed
    when the last one is out of date, in place of its review). One query."""
    url = reverse("risk_assessment_create", args=[person.external_id])
    if read is not None and "risk_assessment" in read:
        latest = read["risk_assessment"]
    else:
        latest = latest_risk_assessment(person)
    if latest is None:
        return [Due(ASSESS, today, url)] if flag_calls_for_assessment else []
    out_of_date = latest.review_on < today
    what = ASSESS if flag_calls_for_assessment and out_of_date else REVIEW_ASSESSMENT
    due = [Due(what, latest.review_on, url), Due(REVIEW_PLAN, latest.plan_review_on, url)]
    return sorted(due, key=lambda d: d.on)
