"""Writes of overdose risk assessments: each checked in full (`clean()`), atomic,
keyword-only. An assessment is only ever added: the next one supersedes it."""

from typing import Any

from django.db import transaction

from care.models import RiskAssessment
from cases.models import ServiceUser, User


@transaction.atomic
def risk_assessment_record(
    *, service_user: ServiceUser, assessed_by: User, **recorded: Any
) -> RiskAssessment:
    """A new assessment and safety plan; `recorded` holds `RiskAssessment.RECORDED_FIELDS`
    (a field left out takes its default, where it has one)."""
    unknown = set(recorded) - set(RiskAssessment.RECORDED_FIELDS)
    if unknown:
        raise TypeError(f"Not a recorded field of an assessment: {', '.join(sorted(unknown))}")
    assessment = RiskAssessment(service_user=service_user, assessed_by=assessed_by, **recorded)
    assessment.full_clean()
    assessment.save()
    return assessment
