"""Notifying a death of a known person freezes what Lantern knew and fills the record from it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import ProgrammingError, connection, transaction
from django.db.models import ProtectedError

from cases import services as case_services
from cases.models import InterventionType
from deathreviews import services
from deathreviews.models import Review, ReviewAction, ReviewSnapshot
from risk import services as risk_services
from risk.models import Flag, OutreachAttempt
from tests.deathreviews.conftest import add_action, notify, update
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    EventFactory,
    NaloxoneSupplyFactory,
    ServiceUserFactory,
    TopFactory,
    days_ago,
    substance,
)
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(jo, alice):
    """Jo's history: an open episode, OST, a prison release, contacts, naloxone, a TOP,
    a flag with an attempt to reach them, and an older flag that ended long ago."""
    episode = EpisodeFactory(
        service_user=jo,
        referral_date=days_ago(400),
        substance_2=substance("crack"),
        route="inject",
        injecting_status="current",
        accommodation_need="urgent",
    )
    case_services.intervention_create(
        episode=episode,
        kind=InterventionType.PHARMACOLOGICAL,
        start_date=days_ago(200),
        intention="maintenance",
        medicine="methadone",
        daily_dose_mg=Decimal("60.0"),
        supervised=True,
    )
    EventFactory(service_user=jo, kind="prison_release", occurred_on=days_ago(20))
    ContactFactory(service_user=jo, contact_date=days_ago(12), status="attended")
    ContactFactory(service_user=jo, contact_date=days_ago(8), status="dna")
    NaloxoneSupplyFactory(service_user=jo, supplied_on=days_ago(300))
    TopFactory(episode=episode, top_date=days_ago(390))
    make_flag(jo, tier="raised", raised_on=days_ago(200)).__class__.objects.filter(
        service_user=jo
    ).update(ended_on=days_ago(150), status="ended", end_reason="stopped_firing")
    flag = make_flag(jo, tier="very_high", raised_on=days_ago(19))
    risk_services.outreach_attempt_create(
        service_user=jo,
        recorded_by=alice,
        attempted_on=days_ago(15),
        method="phone",
        outcome="not_contactable",
    )
    return flag


def test_notifying_a_known_death_records_the_date_on_their_record(gina, jo, known):
    notify(gina, person=jo, occurred_on=days_ago(5))

    jo.refresh_from_db()
    assert jo.date_of_death == days_ago(5)


def test_the_snapshot_holds_their_history_and_the_flags_of_the_90_days_before(gina, jo, known):
    review = notify(gina, person=jo, occurred_on=days_ago(5))
    data = review.snapshot.data

    assert data["as_of"] == days_ago(5).isoformat()
    assert data["person"]["client_ref"] == jo.client_ref
    assert data["person"]["age"] == jo.age_on(days_ago(5))
    assert [e["referral_date"] for e in data["episodes"]] == [days_ago(400).isoformat()]
    assert [i["medicine"] for i in data["interventions"]] == ["methadone"]
    assert [e["kind_label"] for e in data["events"]] == ["Released from prison"]
    assert [c["status"] for c in data["contacts"]] == ["attended", "dna"]
    assert len(data["naloxone"]) == 1
    assert len(data["tops"]) == 1
    # The flag raised 200 days before and ended 150 days before is outside the window.
    assert len(data["flags"]) == 1
    flag = data["flags"][0]
    assert flag["tier"] == "very_high"
    assert flag["raised_on"] == days_ago(19).isoformat()
    assert flag["ended_on"] is None
    assert flag["rule_set_version"] == known.rule_set.version
    assert flag["rule_codes"] == ["prison_release_2w"]
    assert [r["rule_code"] for r in flag["reasons"]] == ["prison_release_2w"]
    assert [a["outcome"] for a in data["outreach"]] == ["not_contactable"]
    assert data["outreach"][0]["recorded_by"] == "Alice " + known.service_user.keyworker.last_name


def test_the_snapshot_leaves_out_what_happened_after_the_date(gina, jo, known):
    EventFactory(service_user=jo, kind="hospital_discharge", occurred_on=days_ago(2))

    review = notify(gina, person=jo, occurred_on=days_ago(5))

    assert [e["kind"] for e in review.snapshot.data["events"]] == ["prison_release"]


def test_the_review_is_prefilled_from_what_lantern_knew(gina, jo, known):
    review = notify(gina, person=jo, occurred_on=days_ago(5))

    assert review.age == jo.age_on(days_ago(5))
    assert review.sex == jo.sex
    assert review.team == jo.team
    assert review.local_authority == jo.local_authority
    assert review.ost_medicine == "methadone"
    assert review.ost_daily_dose_mg == Decimal("60.0")
    assert review.ost_supervised is True
    assert review.route == "inject"
    assert review.injecting_status == "current"
    assert review.housing == "rough_sleeping"
    assert review.last_contact_drug_service == days_ago(12)
    assert "Heroin" in review.substance_history
    assert f"Referred {days_ago(400):%d/%m/%Y}" in review.treatment_history
    assert f"{days_ago(20):%d/%m/%Y}: Released from prison" in review.life_events


def test_changing_the_live_record_afterwards_does_not_change_the_snapshot(gina, jo, known):
    review = notify(gina, person=jo, occurred_on=days_ago(5))
    frozen = ReviewSnapshot.objects.get(review=review).data

    EventFactory(
        service_user=jo,
        kind="non_fatal_overdose",
        occurred_on=days_ago(30),
        taken_to_hospital=True,
        information_source="ambulance",
    )
    Flag.objects.filter(service_user=jo).update(tier="raised", ended_on=days_ago(0))
    OutreachAttempt.objects.filter(service_user=jo).update(outcome="contacted")
    jo.first_name = "Joanne"
    jo.save()

    assert ReviewSnapshot.objects.get(review=review).data == frozen


def test_the_database_refuses_to_change_or_delete_a_snapshot(gina, jo, known):
    review = notify(gina, person=jo, occurred_on=days_ago(5))

    refused = "Cannot update or delete rows"
    with pytest.raises(ProgrammingError, match=refused), transaction.atomic():
        ReviewSnapshot.objects.filter(review=review).update(data={})
    with pytest.raises(ProgrammingError, match=refused), transaction.atomic():
        ReviewSnapshot.objects.filter(review=review).delete()
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE deathreviews_reviewsnapshot SET as_of = as_of - 1")


def test_a_review_of_someone_unknown_has_no_snapshot_until_linked(gina, review, jo, known):
    assert not ReviewSnapshot.objects.filter(review=review).exists()

    linked = services.review_link_person(
        review=review, user=gina, service_user=jo, loaded_version=review.version
    )

    assert linked.service_user == jo
    assert linked.snapshot.data["person"]["client_ref"] == jo.client_ref
    assert linked.ost_medicine == "methadone"
    # What the reviewer had entered already stays.
    assert linked.age == 38
    jo.refresh_from_db()
    assert jo.date_of_death == review.occurred_on


def test_a_second_death_review_for_the_same_person_is_refused(gina, jo):
    notify(gina, person=jo)

    with pytest.raises(ValidationError, match="already under review"):
        notify(gina, person=jo)


def test_a_near_fatal_overdose_review_does_not_record_a_death(gina, jo, known):
    review = notify(gina, person=jo, kind="near_fatal", occurred_on=days_ago(16))

    jo.refresh_from_db()
    assert jo.date_of_death is None
    assert review.snapshot.as_of == days_ago(16)
    assert [f["raised_on"] for f in review.snapshot.data["flags"]] == [days_ago(19).isoformat()]


def test_a_death_date_before_birth_is_refused_at_the_date_field(gina):
    person = ServiceUserFactory(date_of_birth=days_ago(30 * 365))

    with pytest.raises(ValidationError) as refused:
        notify(gina, person=person, occurred_on=days_ago(31 * 365))

    assert "occurred_on" in refused.value.message_dict


def test_correcting_the_date_of_death_corrects_the_record_too(gina, jo):
    review = notify(gina, person=jo, occurred_on=days_ago(5))

    update(review, gina, occurred_on=days_ago(6))

    jo.refresh_from_db()
    assert jo.date_of_death == days_ago(6)


def test_reviews_and_their_parts_are_never_deleted(gina, review):
    add_action(review, gina)

    # The ORM's PROTECT stops the review; the trigger stops what the ORM lets through.
    with pytest.raises(ProtectedError), transaction.atomic():
        Review.objects.all().delete()
    with pytest.raises(ProgrammingError, match="Cannot delete rows"), transaction.atomic():
        ReviewAction.objects.all().delete()
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM deathreviews_review")
    assert ReviewAction.objects.filter(review=review).exists()


def test_prefill_never_overwrites_what_is_already_entered():
    from deathreviews.snapshot import prefill_from_snapshot

    data = {
        "as_of": "2026-01-10",
        "person": {
            "team_id": 1,
            "age": 40,
            "sex": "F",
            "ethnicity": "A",
            "local_authority_id": 2,
            "lives_alone": True,
        },
        "episodes": [],
        "contacts": [],
        "interventions": [],
        "events": [],
    }

    assert prefill_from_snapshot(data)["lives_alone"] is True
    assert "ost_medicine" not in prefill_from_snapshot(data)


def test_dates_in_the_snapshot_are_iso_strings(gina, jo, known):
    review = notify(gina, person=jo)

    assert datetime.date.fromisoformat(review.snapshot.data["episodes"][0]["referral_date"])
