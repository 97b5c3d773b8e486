"""A lived-in flag history for the demo, made the way the service makes one.

The nightly recompute (`risk.services.flags_recompute`, COPY in and out as every
night) is run as of a few past dates and today, so flags carry the dates past runs
raised them on; a flag whose tier still holds keeps its first date. Then, through
the outreach service, keyworkers have worked some of the very high and high flags
(one contacted the day it was raised, one tried the day after and could not reach
the person) and left the rest, so the worklist, "Not contacted in 2 days" and the
flags' states look as they would after a few weeks, not as on a first day.

Deterministic: the same population on the same day gives the same history.
"""

import datetime
from dataclasses import dataclass

from cases.models import Role, User
from risk import services as risk_services
from risk.models import Flag, OutreachMethod, OutreachOutcome
from risk.selectors import UNCONTACTED_TIERS

# The nightly runs the demo replays, in days before today (today last).
RUNS_DAYS_AGO = (28, 14, 7, 3, 0)


@dataclass(frozen=True)
class History:
    runs: int
    attempts: int
    open_flags: int
    raised_before_today: int


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def seed_flag_history(*, today: datetime.date) -> History:
    """Replay the nightly recompute over `RUNS_DAYS_AGO`, then record outreach on two in
    three of the very high and high flags raised before yesterday; the third is left."""
    for days in RUNS_DAYS_AGO:
        run = risk_services.flags_recompute(as_of=today - _days(days))
        if run is None:
            raise RuntimeError("Another recompute is running: run seed_demo again after it.")
    team_lead = User.objects.filter(username="teamlead", role=Role.TEAM_LEAD).first()
    worked = (
        Flag.objects.filter(
            ended_on__isnull=True, tier__in=UNCONTACTED_TIERS, raised_on__lt=today - _days(1)
        )
        .select_related("service_user__keyworker")
        .order_by("raised_on", "pk")
    )
    attempts = 0
    for n, flag in enumerate(worked):
        if n % 3 == 0:
            continue
        reached = n % 3 == 2
        recorded_by = flag.service_user.keyworker or team_lead
        if recorded_by is None:
            continue
        risk_services.outreach_attempt_create(
            service_user=flag.service_user,
            recorded_by=recorded_by,
            attempted_on=flag.raised_on if reached else flag.raised_on + _days(1),
            method=OutreachMethod.PHONE,
            outcome=OutreachOutcome.CONTACTED if reached else OutreachOutcome.NOT_CONTACTABLE,
        )
        attempts += 1
    open_flags = Flag.objects.filter(ended_on__isnull=True)
    return History(
        runs=len(RUNS_DAYS_AGO),
        attempts=attempts,
        open_flags=open_flags.count(),
        raised_before_today=open_flags.filter(raised_on__lt=today).count(),
    )
