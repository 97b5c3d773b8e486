"""The records an overdose leaves in `cases`: of someone not yet known, linked later; a kit
used on a client; a kit given to someone who is not a client; and "not known" accepted."""

import pytest
from django.core.exceptions import ValidationError

from cases import services, unknown_people
from cases.models import (
    Event,
    EventKind,
    InformationSource,
    NaloxoneGiver,
    NaloxoneSupply,
    UnidentifiedPerson,
)
from overdoses.models import FollowUp
from tests.factories import NaloxoneSupplyFactory, ServiceUserFactory, TeamFactory, days_ago

OVERDOSE = {
    "occurred_on": days_ago(1),
    "place": "Bus station toilets",
    "information_source": InformationSource.AMBULANCE,
    "naloxone_given_by": NaloxoneGiver.AMBULANCE,
    "naloxone_doses": 2,
}


def test_an_overdose_whose_hospital_trip_nobody_knows_is_recorded_as_not_known(jo, alice):
    event = services.event_create(
        service_user=jo,
        recorded_by=alice,
        kind=EventKind.NON_FATAL_OVERDOSE,
        taken_to_hospital=None,
        **{**OVERDOSE, "naloxone_given_by": NaloxoneGiver.UNKNOWN, "naloxone_doses": None},
    )
    event.refresh_from_db()
    assert event.taken_to_hospital is None
    assert event.get_naloxone_given_by_display() == "Not known whether given"


def test_doses_need_someone_to_have_given_naloxone(jo, alice):
    with pytest.raises(ValidationError) as refused:
        services.event_create(
            service_user=jo,
            recorded_by=alice,
            kind=EventKind.NON_FATAL_OVERDOSE,
            **{**OVERDOSE, "naloxone_given_by": NaloxoneGiver.NOT_GIVEN},
        )
    assert "naloxone_doses" in refused.value.message_dict
    assert not Event.objects.exists()


def test_an_overdose_of_someone_not_yet_known_is_held_by_the_team_and_followed_up(
    north, alice, tess
):
    north.duty_worker = alice
    north.save()
    event = unknown_people.unidentified_overdose_record(
        team=north,
        recorded_by=tess,
        person={"description": "Tall man called Dee, red jacket", "approximate_age": 40},
        overdose=OVERDOSE,
    )
    assert event.service_user is None
    assert event.unidentified_person.team == north
    assert event.kind == EventKind.NON_FATAL_OVERDOSE
    assert FollowUp.objects.get(overdose=event).owner == alice


def test_an_implausible_age_is_refused_at_its_field_and_nothing_is_written(north, tess):
    with pytest.raises(ValidationError) as refused:
        unknown_people.unidentified_overdose_record(
            team=north,
            recorded_by=tess,
            person={"description": "Dee", "approximate_age": 400},
            overdose=OVERDOSE,
        )
    assert "approximate_age" in refused.value.message_dict
    assert not UnidentifiedPerson.objects.exists()
    assert not Event.objects.exists()


def test_linking_moves_the_overdoses_to_the_record_once(north, tess, jo):
    event = unknown_people.unidentified_overdose_record(
        team=north, recorded_by=tess, person={"description": "Jo?"}, overdose=OVERDOSE
    )
    someone = event.unidentified_person
    assert (
        unknown_people.unidentified_person_link(someone=someone, service_user=jo, linked_by=tess)
        == 1
    )
    event.refresh_from_db()
    someone.refresh_from_db()
    assert event.service_user == jo
    assert someone.linked_to == jo
    assert someone.linked_by == tess
    with pytest.raises(ValidationError, match="already been linked"):
        unknown_people.unidentified_person_link(someone=someone, service_user=jo, linked_by=tess)


def test_a_kit_used_on_the_client_records_their_overdose(jo, alice):
    supply = services.naloxone_supply_create(
        service_user=jo,
        supplied_by=alice,
        supplied_on=days_ago(0),
        formulation=NaloxoneSupply.Formulation.NASAL,
        supply_type=NaloxoneSupply.SupplyType.REPEAT,
        repeat_reason=NaloxoneSupply.RepeatReason.USED_ON_SELF,
        kit_used_on=days_ago(3),
        batch_number="B2",
        expiry_date=days_ago(-700),
        setting=NaloxoneSupply.Setting.PHARMACY,
    )
    overdose = Event.objects.get(source_supply=supply)
    assert overdose.service_user == jo
    assert overdose.occurred_on == days_ago(3)
    assert overdose.information_source == InformationSource.NALOXONE_KIT
    assert overdose.taken_to_hospital is None
    assert FollowUp.objects.filter(overdose=overdose, owner=alice).exists()


def test_a_kit_used_on_someone_else_records_no_overdose_of_the_client(jo, alice):
    services.naloxone_supply_create(
        service_user=jo,
        supplied_by=alice,
        supplied_on=days_ago(0),
        formulation=NaloxoneSupply.Formulation.NASAL,
        supply_type=NaloxoneSupply.SupplyType.REPEAT,
        repeat_reason=NaloxoneSupply.RepeatReason.USED_ON_OTHER,
        batch_number="B2",
        expiry_date=days_ago(-700),
        setting=NaloxoneSupply.Setting.SERVICE,
    )
    assert not Event.objects.exists()


def test_a_kit_for_someone_who_is_not_a_client_is_held_by_the_team(north, alice):
    supply = services.naloxone_supply_to_non_client(
        team=north,
        supplied_by=alice,
        recipient=NaloxoneSupply.Recipient.HOSTEL_STAFF,
        supplied_on=days_ago(0),
        formulation=NaloxoneSupply.Formulation.NASAL,
        supply_type=NaloxoneSupply.SupplyType.FIRST,
        batch_number="B3",
        expiry_date=days_ago(-700),
        setting=NaloxoneSupply.Setting.HOSPITAL,
    )
    assert supply.service_user is None
    assert supply.team == north
    with pytest.raises(ValidationError) as refused:
        services.naloxone_supply_to_non_client(
            team=north,
            supplied_by=alice,
            recipient=NaloxoneSupply.Recipient.PERSON,
            supplied_on=days_ago(0),
            formulation=NaloxoneSupply.Formulation.NASAL,
            supply_type=NaloxoneSupply.SupplyType.FIRST,
            batch_number="B4",
            expiry_date=days_ago(-700),
            setting=NaloxoneSupply.Setting.SERVICE,
        )
    assert "recipient" in refused.value.message_dict
    assert NaloxoneSupply.objects.count() == 1


def test_an_overdose_nobody_could_follow_up_is_not_saved(db):
    empty_team = TeamFactory(name="Nobody here")
    person = ServiceUserFactory(team=empty_team, keyworker=None)
    with pytest.raises(ValidationError, match="duty worker"):
        services.event_create(
            service_user=person, recorded_by=None, kind=EventKind.NON_FATAL_OVERDOSE, **OVERDOSE
        )
    assert not Event.objects.exists()
    assert not FollowUp.objects.exists()


def test_records_of_nobody_are_not_read_by_the_risk_engine(north, tess, jo, alice):
    from risk.loader import load_frames
    from risk.models import RuleSet

    unknown_people.unidentified_overdose_record(
        team=north, recorded_by=tess, person={"description": "Dee"}, overdose=OVERDOSE
    )
    NaloxoneSupplyFactory(service_user=None, team=north, recipient="peer")
    spec = RuleSet.objects.get(status="active").spec()
    frames = load_frames(spec, days_ago(0))
    assert frames["events"]["person_id"].notna().all()
    assert frames["naloxone"]["person_id"].notna().all()
    assert len(frames["naloxone"]) == 0
