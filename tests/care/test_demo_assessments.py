"""The demo's risk assessments: valid by the model's own rules, with overdue reviews to
show, and the same assessments from the same seed on the same day."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from care.models import RiskAssessment

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), without_history=True, **options)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return list(
        RiskAssessment.objects.order_by("external_id").values_list(
            "external_id", "service_user_id", "assessed_on", "judgement", "plan_steps"
        )
    )


def test_the_demo_writes_valid_assessments_the_same_each_time():
    out = seed(people=150, seed=5)
    assert "Risk assessments:" in out
    assessments = list(RiskAssessment.objects.select_related("service_user"))
    assert len(assessments) > 20
    for assessment in assessments:
        assessment.full_clean()
        assert assessment.assessed_by_id == assessment.service_user.keyworker_id
        assert assessment.service_user.date_of_death is None
    today = timezone.localdate()
    assert any(a.review_on < today for a in assessments)
    assert {a.judgement for a in assessments} >= {"low", "medium", "high"}
    assert RiskAssessment.pgh_event_model.objects.count() == len(assessments)
    first = fingerprint()

    seed(people=150, seed=5, reset=True)

    assert fingerprint() == first
