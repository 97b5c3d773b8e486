"""The demo's health record: valid by the models' own rules, with something due to show,
and the same records from the same seed on the same day."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from care.models import BloodBorneVirusTest, HepatitisBVaccination, NeedleExchangeContact
from care.selectors import vaccination_course_of

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), without_history=True, **options)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return [
        *BloodBorneVirusTest.objects.order_by("external_id").values_list(
            "external_id", "service_user_id", "virus", "offered_on", "result", "cured"
        ),
        *HepatitisBVaccination.objects.order_by("external_id").values_list(
            "external_id", "service_user_id", "given_on", "dose_number", "schedule"
        ),
        *NeedleExchangeContact.objects.order_by("external_id").values_list(
            "external_id", "team__name", "service_user_id", "contact_on", "needles_syringes"
        ),
    ]


def test_the_demo_writes_valid_health_records_the_same_each_time():
    out = seed(people=150, seed=5)
    assert "Health record:" in out
    tests = list(BloodBorneVirusTest.objects.select_related("service_user"))
    doses = list(HepatitisBVaccination.objects.select_related("service_user"))
    contacts = list(NeedleExchangeContact.objects.select_related("service_user"))
    assert tests
    assert doses
    assert any(c.service_user_id is None for c in contacts)
    assert any(c.service_user_id is not None for c in contacts)
    for record in [*tests, *contacts[:100]]:
        record.full_clean()
    for dose in doses:
        dose.full_clean(exclude=["dose_number"])  # the dose itself is stored: "already given"
    today = timezone.localdate()
    assert any(t.awaiting_result for t in tests)
    assert any(t.treatable for t in tests)
    assert all(t.offered_on <= today for t in tests)
    person = doses[0].service_user
    assert vaccination_course_of(person).doses
    assert BloodBorneVirusTest.pgh_event_model.objects.count() == len(tests)
    first = fingerprint()

    seed(people=150, seed=5, reset=True)

    assert fingerprint() == first
