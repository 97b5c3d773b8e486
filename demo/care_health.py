"""Harm reduction and health in the demo: blood-borne virus tests (with hepatitis C
treatment after a positive RNA result), hepatitis B vaccination courses and needle
exchange contacts, named and anonymous, loaded in bulk after the care record.

Its own random stream (`HEALTH_STREAM`), so adding it changed no other seeded draw. Every
date is on or before today and follows the models' rules (a test after its offer, a
result after its test, doses in order by their schedule); a few hepatitis C results are
still awaited past their chase date, and some vaccination courses are part way, so the
person page shows what is due. Deterministic: the same population and seed on the same
day give the same records.
"""

import datetime
import uuid
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from care.models import (
    BbvResult,
    BloodBorneVirusTest,
    HepatitisBVaccination,
    NeedleExchangeContact,
    VaccineSchedule,
    Virus,
)
from care.models.health import dose_due_on
from cases.models import ServiceUser
from core.bulk import bulk_loading

# The stream's own key beside the seed (`np.random.default_rng([seed, HEALTH_STREAM])`).
HEALTH_STREAM = 24
TEST_SHARE = 0.6
VIRUSES = (Virus.HEP_C_ANTIBODY, Virus.HEP_C_RNA, Virus.HEP_B, Virus.HIV)
VIRUS_P = (0.5, 0.1, 0.2, 0.2)
OFFER_SPAN_DAYS = 400
ACCEPTED_P = 0.85
RESULTS = (BbvResult.NEGATIVE, BbvResult.POSITIVE, BbvResult.INCONCLUSIVE)
RESULT_P = (0.85, 0.12, 0.03)
# A result comes back within this many days; a test younger than that may still wait.
RESULT_AFTER_DAYS = 21
VACCINATED_SHARE = 0.4
SCHEDULES = (
    VaccineSchedule.STANDARD,
    VaccineSchedule.ACCELERATED,
    VaccineSchedule.SUPER_ACCELERATED,
)
SCHEDULE_P = (0.3, 0.3, 0.4)
VACCINE_SPAN_DAYS = 500
NSP_SHARE = 0.25
NSP_MAX = 6
NSP_SPAN_DAYS = 365
ANONYMOUS_PER_TEAM_MONTH = 15


@dataclass
class HealthResult:
    tests: int
    doses: int
    contacts: int

    def summary(self) -> str:
        return (
            f"Health record: {self.tests:,} blood-borne virus tests, {self.doses:,} hepatitis B "
            f"doses, {self.contacts:,} needle exchange contacts."
        )


def _uuids(rng: np.random.Generator, n: int) -> list[uuid.UUID]:
    raw = rng.integers(0, 256, size=(max(n, 0), 16), dtype=np.uint8)
    return [uuid.UUID(bytes=bytes(row), version=4) for row in raw]


def _test_row(rng, today, person, worker, at) -> tuple:
    virus = VIRUSES[rng.choice(len(VIRUSES), p=VIRUS_P)]
    offered = today - datetime.timedelta(days=int(rng.integers(0, OFFER_SPAN_DAYS)))
    accepted = bool(rng.random() < ACCEPTED_P)
    tested = result_on = referred = started = completed = cured = None
    result = ""
    if accepted:
        tested = min(offered + datetime.timedelta(days=int(rng.integers(0, 8))), today)
        back = tested + datetime.timedelta(days=int(rng.integers(3, RESULT_AFTER_DAYS)))
        # Most results are in; a few old ones never came back (to chase).
        if back <= today and rng.random() < 0.95:
            result = RESULTS[rng.choice(len(RESULTS), p=RESULT_P)].value
            result_on = back
    if virus == Virus.HEP_C_RNA and result == BbvResult.POSITIVE and result_on is not None:
        stage = int(rng.integers(0, 4))  # referred, started, completed, outcome known
        referred = min(result_on + datetime.timedelta(days=int(rng.integers(1, 21))), today)
        started = referred + datetime.timedelta(days=int(rng.integers(14, 42)))
        completed = started + datetime.timedelta(weeks=8)
        if stage < 1 or started > today:
            started = completed = None
        elif stage < 2 or completed > today:
            completed = None
        elif stage >= 3 and completed + datetime.timedelta(weeks=12) <= today:
            cured = bool(rng.random() < 0.9)
    return (
        _uuids(rng, 1)[0],
        person,
        virus.value,
        offered,
        accepted,
        tested,
        result,
        result_on,
        referred,
        started,
        completed,
        cured,
        worker,
        at(offered),
    )


def _dose_rows(rng, today, person, worker, at) -> list[tuple]:
    schedule = SCHEDULES[rng.choice(len(SCHEDULES), p=SCHEDULE_P)]
    first = today - datetime.timedelta(days=int(rng.integers(0, VACCINE_SPAN_DAYS)))
    wanted = int(rng.integers(1, 5 if schedule != VaccineSchedule.STANDARD else 4))
    rows = []
    for number in range(1, wanted + 1):
        on = first if number == 1 else dose_due_on(schedule, first, number)
        if on is None or on > today:
            break
        rows.append((_uuids(rng, 1)[0], person, "dose", on, number, schedule.value, worker, at(on)))
    return rows


def seed_health_record(*, seed: int, now: datetime.datetime) -> HealthResult:
    rng = np.random.default_rng([seed, HEALTH_STREAM])
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()

    def at(day: datetime.date) -> datetime.datetime:
        return min(datetime.datetime.combine(day, datetime.time(11), tz), now)

    people = list(
        ServiceUser.objects.filter(keyworker__isnull=False, date_of_death__isnull=True)
        .order_by("id")
        .values_list("id", "keyworker_id", "team_id")
    )
    tests: list[tuple] = []
    doses: list[tuple] = []
    contacts: list[tuple] = []
    for person, worker, team in people:
        if rng.random() < TEST_SHARE:
            for _ in range(int(rng.integers(1, 3))):
                tests.append(_test_row(rng, today, person, worker, at))
        if rng.random() < VACCINATED_SHARE:
            doses.extend(_dose_rows(rng, today, person, worker, at))
        if rng.random() < NSP_SHARE:
            for _ in range(int(rng.integers(1, NSP_MAX + 1))):
                on = today - datetime.timedelta(days=int(rng.integers(0, NSP_SPAN_DAYS)))
                contacts.append(_contact_row(rng, on, team, person, worker, at))
    workers_by_team: dict[int, int] = {}
    for _person, worker, team in people:
        workers_by_team.setdefault(team, worker)
    for team, worker in sorted(workers_by_team.items()):
        for _ in range(ANONYMOUS_PER_TEAM_MONTH * 12):
            on = today - datetime.timedelta(days=int(rng.integers(0, NSP_SPAN_DAYS)))
            contacts.append(_contact_row(rng, on, team, None, worker, at))

    tables = [
        BloodBorneVirusTest._meta.db_table,
        HepatitisBVaccination._meta.db_table,
        NeedleExchangeContact._meta.db_table,
    ]
    with transaction.atomic(), connection.cursor() as cursor, bulk_loading(cursor, tables):
        with cursor.copy(
            f"COPY {tables[0]} (external_id, service_user_id, virus, offered_on, accepted, "
            "tested_on, result, result_on, treatment_referred_on, treatment_started_on, "
            "treatment_completed_on, cured, recorded_by_id, recorded_at) FROM STDIN"
        ) as copy:
            for row in tests:
                copy.write_row(row)
        with cursor.copy(
            f"COPY {tables[1]} (external_id, service_user_id, kind, given_on, dose_number, "
            "schedule, recorded_by_id, recorded_at) FROM STDIN"
        ) as copy:
            for row in doses:
                copy.write_row(row)
        with cursor.copy(
            f"COPY {tables[2]} (external_id, team_id, service_user_id, contact_on, "
            "needles_syringes, foil, other_kit, advice_given, recorded_by_id, recorded_at) "
            "FROM STDIN"
        ) as copy:
            for row in contacts:
                copy.write_row(row)
    return HealthResult(tests=len(tests), doses=len(doses), contacts=len(contacts))


def _contact_row(rng, on, team, person, worker, at) -> tuple:
    needles = int(rng.choice((0, 10, 20, 30, 50), p=(0.2, 0.3, 0.25, 0.15, 0.1)))
    foil = int(rng.choice((0, 5, 10), p=(0.6, 0.25, 0.15)))
    other = int(rng.integers(0, 12))
    advice = bool(rng.random() < 0.6) or not (needles or foil or other)
    return (_uuids(rng, 1)[0], team, person, on, needles, foil, other, advice, worker, at(on))
