"""The demo's case-file audits: one team with a completed round and one in progress, drawn
through the service, the same each time from the same seed."""

import io

import pytest
from django.core.management import call_command

from care.models import AuditCheck, AuditRound

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), without_history=True, **options)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return list(
        AuditCheck.objects.order_by(
            "audited__round__drawn_on", "audited__position", "item"
        ).values_list(
            "audited__round__seed",
            "audited__service_user__client_ref",
            "item",
            "data_says",
            "judgement",
        )
    )


def test_the_demo_has_a_completed_audit_round_and_one_in_progress_the_same_each_time():
    out = seed(people=300, seed=5)

    assert "Case-file audits: 1 completed and 1 in progress" in out
    rounds = list(AuditRound.objects.order_by("drawn_on"))
    assert len(rounds) == 2
    completed, in_progress = rounds
    assert completed.team_id == in_progress.team_id
    assert completed.is_completed
    assert not in_progress.is_completed
    assert not AuditCheck.objects.filter(audited__round=completed, judgement="").exists()
    assert AuditCheck.objects.filter(audited__round=in_progress, judgement="").exists()
    assert AuditCheck.objects.filter(audited__round=in_progress).exclude(judgement="").exists()
    first = fingerprint()

    seed(people=300, seed=5, reset=True)

    assert fingerprint() == first
