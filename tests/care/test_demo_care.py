"""The demo's care record: valid by the models' own rules, with overdue referrals to show,
and the same notes and referrals from the same seed on the same day."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from care.models import CaseNote, OnwardReferral

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), without_history=True, **options)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    notes = list(
        CaseNote.objects.order_by("external_id").values_list(
            "external_id", "service_user_id", "note_date", "kind", "text"
        )
    )
    referrals = list(
        OnwardReferral.objects.order_by("external_id").values_list(
            "external_id", "service_user_id", "organisation_kind", "made_on", "outcome"
        )
    )
    return notes + referrals


def test_the_demo_writes_valid_notes_and_referrals_the_same_each_time():
    out = seed(people=150, seed=5)
    assert "case notes" in out
    notes = list(CaseNote.objects.select_related("service_user", "corrects"))
    referrals = list(OnwardReferral.objects.select_related("service_user"))
    assert len(notes) > 150
    assert referrals
    for record in [*notes[:80], *referrals[:80]]:
        record.full_clean()
    for note in notes:
        assert note.written_by_id == note.service_user.keyworker_id
    today = timezone.localdate()
    assert any(r.is_overdue(today) for r in referrals)
    assert all(n.note_date <= today for n in notes)
    # The history triggers kept every loaded row.
    assert CaseNote.pgh_event_model.objects.count() == len(notes)
    first = fingerprint()

    seed(people=150, seed=5, reset=True)

    assert fingerprint() == first
