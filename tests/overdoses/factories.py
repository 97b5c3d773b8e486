"""Overdoses and their follow-ups, made the way the service makes them: an overdose
recorded through `cases.services` opens its follow-up in the same transaction."""

import datetime

from django.utils import timezone

from cases import services as cases_services
from cases.models import (
    Event,
    EventKind,
    InformationSource,
    NaloxoneGiver,
    ServiceUser,
    Team,
    User,
)
from cases.unknown_people import unidentified_overdose_record
from overdoses.models import AttemptMethod, FollowUp, FollowUpAttempt
from overdoses.services import follow_up_attempt_record
from tests.factories import days_ago

OVERDOSE = {
    "information_source": InformationSource.AMBULANCE,
    "naloxone_given_by": NaloxoneGiver.AMBULANCE,
    "naloxone_doses": 2,
    "taken_to_hospital": None,
    "place": "Bus station toilets",
    "substances_suspected": ["opioids"],
}


def overdose_of(person: ServiceUser, recorded_by: User, *, days: int = 1, **fields) -> FollowUp:
    """Record an overdose of `person` `days` ago; its follow-up."""
    event = cases_services.event_create(
        service_user=person,
        recorded_by=recorded_by,
        kind=EventKind.NON_FATAL_OVERDOSE,
        occurred_on=days_ago(days),
        **{**OVERDOSE, **fields},
    )
    return FollowUp.objects.get(overdose=event)


def overdose_of_someone_unknown(
    team: Team, recorded_by: User, *, description: str = "Tall man, red jacket, called Dev"
) -> FollowUp:
    event = unidentified_overdose_record(
        team=team,
        recorded_by=recorded_by,
        person={"description": description, "approximate_age": 30, "sex": "M"},
        overdose={"occurred_on": days_ago(0), **OVERDOSE},
    )
    return FollowUp.objects.get(overdose=event)


def overdose_event(person: ServiceUser, *, days: int = 1) -> Event:
    """An overdose saved without the service (as an import writes it): no follow-up yet."""
    return Event.objects.create(
        service_user=person,
        kind=EventKind.NON_FATAL_OVERDOSE,
        occurred_on=days_ago(days),
        information_source=InformationSource.POLICE,
    )


def attempts(
    follow_up: FollowUp, by: User, count: int, *, reached: bool = False
) -> list[FollowUpAttempt]:
    """`count` phone calls at `follow_up`'s person, a minute apart, ending a minute ago."""
    now = timezone.now()
    return [
        follow_up_attempt_record(
            follow_up=follow_up,
            recorded_by=by,
            attempted_at=now - datetime.timedelta(minutes=count - i),
            method=AttemptMethod.PHONE,
            reached=reached,
        )
        for i in range(count)
    ]
