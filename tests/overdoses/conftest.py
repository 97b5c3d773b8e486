"""Overdoses recorded at the time they happened, through the pathway's own services.

Each helper travels to the moment given, so a follow-up opens, is tried and closes then.
"""

import datetime

import time_machine
from django.utils import timezone

from cases.services import event_create
from cases.unknown_people import unidentified_overdose_record
from overdoses.models import FollowUp
from overdoses.services import follow_up_attempt_record, follow_up_close


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def overdose_of(who, when: datetime.datetime, source: str, recorded_by):
    with time_machine.travel(when, tick=False):
        event = event_create(
            service_user=who,
            recorded_by=recorded_by,
            kind="non_fatal_overdose",
            occurred_on=when.date(),
            information_source=source,
        )
    return FollowUp.objects.get(overdose=event)


def overdose_of_someone_unknown(team, when: datetime.datetime, source: str, recorded_by):
    with time_machine.travel(when, tick=False):
        event = unidentified_overdose_record(
            team=team,
            recorded_by=recorded_by,
            person={"description": "Man at the bus station", "approximate_age": 40},
            overdose={"occurred_on": when.date(), "information_source": source},
        )
    return FollowUp.objects.get(overdose=event)


def reached(follow_up, when: datetime.datetime, user):
    with time_machine.travel(when + datetime.timedelta(minutes=1), tick=False):
        follow_up_attempt_record(
            follow_up=follow_up, recorded_by=user, attempted_at=when, method="phone", reached=True
        )


def closed(follow_up, when: datetime.datetime, user, outcome: str):
    with time_machine.travel(when, tick=False):
        follow_up_close(
            follow_up=follow_up, closed_by=user, outcome=outcome, children_in_household="no"
        )
