"""The demo's safeguarding record: valid by the models' own rules, with children at home
and no safe storage to show on the banner, and the same records from the same seed."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from care.models import ChildInContact, ProtectionReferral, SafeguardingConcern, SafeStorage
from care.selectors import safeguarding_open
from cases.models import ServiceUser

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), without_history=True, **options)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return [
        *ChildInContact.objects.order_by("external_id").values_list(
            "external_id", "service_user_id", "year_of_birth", "lives_with"
        ),
        *ProtectionReferral.objects.order_by("external_id").values_list(
            "external_id", "made_on", "outcome"
        ),
        *SafeguardingConcern.objects.order_by("external_id").values_list(
            "external_id", "kind", "closed_on"
        ),
    ]


def test_the_demo_writes_valid_safeguarding_records_the_same_each_time():
    out = seed(people=300, seed=5)

    assert "Safeguarding:" in out
    records = [
        *ChildInContact.objects.all(),
        *SafeStorage.objects.all(),
        *ProtectionReferral.objects.all(),
        *SafeguardingConcern.objects.all(),
    ]
    assert ChildInContact.objects.filter(lives_with="lives_with").exists()
    assert SafeStorage.objects.exists()
    assert ProtectionReferral.objects.exists()
    assert SafeguardingConcern.objects.exists()
    for record in records:
        record.full_clean()
    today = timezone.localdate()
    people = ServiceUser.objects.filter(safeguarding_children__lives_with="lives_with").distinct()
    assert any(
        "no safe storage" in item.what
        for person in people
        for item in safeguarding_open(person, today=today)
    )
    assert ChildInContact.pgh_event_model.objects.count() == ChildInContact.objects.count()
    first = fingerprint()

    seed(people=300, seed=5, reset=True)

    assert fingerprint() == first
