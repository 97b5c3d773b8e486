"""The safeguarding record in the demo: children in the household and in contact, safe
storage of take-home medication, protection referrals and concerns for some of the people
with a keyworker, loaded in bulk after the population.

Its own random stream (`SAFEGUARDING_STREAM`), so adding it changed no other seeded draw.
People whose open episode says children live with them get those children (without
names: "Child 1", "Child 2"); about a third of them have no safe storage recorded, so the
banner shows it open. Every date is on or before today, every outcome on or after the
referral. Invented text only. Deterministic: the same population and seed on the same
day give the same records (their external ids are drawn from the stream too).

The history triggers record every row the COPY loads, as they do for the population.
"""

import datetime
import uuid
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from care.models import (
    REFERRAL_CHASE_DAYS,
    AbuseRole,
    ChildInContact,
    ChildrensSocialCare,
    ConcernKind,
    Exploitation,
    LivesWith,
    ProtectionAgency,
    ProtectionOutcome,
    ProtectionReferral,
    SafeguardingConcern,
    SafeStorage,
)
from cases.models import ServiceUser
from core.bulk import bulk_loading

# The stream's own key beside the seed (`np.random.default_rng([seed, SAFEGUARDING_STREAM])`).
SAFEGUARDING_STREAM = 23
# Of people whose episode records children living with them: how many have safe storage.
STORAGE_RECORDED_P = 0.65
# Of everyone else with a keyworker: children in contact but not at home.
CHILD_IN_CONTACT_P = 0.08
REFERRAL_P = 0.04
CONCERN_P = 0.06
SPAN_DAYS = 365
SOCIAL_CARE = list(ChildrensSocialCare)
SOCIAL_CARE_P = (0.7, 0.12, 0.1, 0.05, 0.03)
AGENCIES = list(ProtectionAgency)
AGENCY_P = (0.5, 0.2, 0.15, 0.1, 0.05)
OUTCOMES = list(ProtectionOutcome)
OUTCOME_P = (0.3, 0.35, 0.15, 0.1, 0.05, 0.05)
REASONS = {
    ProtectionAgency.CHILDRENS_SOCIAL_CARE: "Take-home doses not stored safely with children at home.",
    ProtectionAgency.ADULT_SOCIAL_CARE: "Self-neglect and not managing at home.",
    ProtectionAgency.MARAC: "High-risk domestic abuse assessment.",
    ProtectionAgency.POLICE: "Disclosed threats from a dealer.",
    ProtectionAgency.OTHER: "Concern shared with the housing provider's safeguarding lead.",
}
OTHER_AGENCY = "Housing provider safeguarding lead"
CONCERNS = [
    (ConcernKind.DOMESTIC_ABUSE, AbuseRole.VICTIM, "", "Disclosed controlling partner."),
    (ConcernKind.DOMESTIC_ABUSE, AbuseRole.PERPETRATOR, "", "Partner disclosed violence."),
    (ConcernKind.EXPLOITATION, "", Exploitation.CUCKOOING, "Flat used by others to deal."),
    (ConcernKind.EXPLOITATION, "", Exploitation.FINANCIAL, "Benefits taken by an associate."),
    (ConcernKind.EXPLOITATION, "", Exploitation.CRIMINAL, "Asked to hold drugs for others."),
    (ConcernKind.OTHER, "", "", "Unsafe visitors at home."),
]
CONCERN_KIND_P = (0.3, 0.1, 0.2, 0.15, 0.15, 0.1)


@dataclass
class SafeguardingResult:
    children: int
    storage: int
    referrals: int
    concerns: int
    storage_missing: int

    def summary(self) -> str:
        return (
            f"Safeguarding: {self.children:,} children, {self.storage:,} safe storage records "
            f"({self.storage_missing:,} people with children at home and none recorded), "
            f"{self.referrals:,} protection referrals, {self.concerns:,} concerns."
        )


def _uuids(rng: np.random.Generator, n: int) -> list[uuid.UUID]:
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    return [uuid.UUID(bytes=bytes(row), version=4) for row in raw]


def seed_safeguarding(*, seed: int, now: datetime.datetime) -> SafeguardingResult:
    rng = np.random.default_rng([seed, SAFEGUARDING_STREAM])
    today = timezone.localdate(now)
    rows = list(
        ServiceUser.objects.filter(keyworker__isnull=False, date_of_death__isnull=True)
        .order_by("id")
        .values_list("id", "keyworker_id")
    )
    at_home = dict(
        ServiceUser.objects.filter(
            episodes__discharge_date__isnull=True, episodes__children_living_with__gt=0
        ).values_list("id", "episodes__children_living_with")
    )
    n = len(rows)
    in_contact = rng.random(n) < CHILD_IN_CONTACT_P
    storage_draw = rng.random(n)
    referral_draw = rng.random(n)
    concern_draw = rng.random(n)
    ids = iter(_uuids(rng, 6 * n + 1))
    tz = timezone.get_current_timezone()

    def day(back: int) -> datetime.date:
        return today - datetime.timedelta(days=back)

    def moment(on: datetime.date) -> datetime.datetime:
        return min(datetime.datetime.combine(on, datetime.time(11), tz), now)

    children, storage, referrals, concerns = [], [], [], []
    missing = 0
    for i, (person, worker) in enumerate(rows):
        living = min(int(at_home.get(person, 0)), 6)
        count = living + (1 if in_contact[i] and not living else 0)
        for c in range(count):
            lives = LivesWith.LIVES_WITH if c < living else LivesWith.IN_CONTACT
            children.append(
                (
                    next(ids),
                    person,
                    f"Child {c + 1}",
                    "",
                    today.year - int(rng.integers(0, 17)),
                    lives.value,
                    SOCIAL_CARE[rng.choice(len(SOCIAL_CARE), p=SOCIAL_CARE_P)].value,
                    day(int(rng.integers(0, SPAN_DAYS))),
                    worker,
                )
            )
        if living and storage_draw[i] < STORAGE_RECORDED_P:
            discussed = day(int(rng.integers(0, 180)))
            boxed = day(int(rng.integers(0, 180))) if rng.random() < 0.5 else None
            storage.append((person, boxed, discussed, None, None, worker, moment(discussed)))
        elif living:
            missing += 1
        if referral_draw[i] < REFERRAL_P:
            agency = AGENCIES[rng.choice(len(AGENCIES), p=AGENCY_P)]
            made = day(int(rng.integers(0, SPAN_DAYS)))
            outcome, outcome_on, by = "", None, None
            if made < day(10) and rng.random() < 0.7:
                outcome = OUTCOMES[rng.choice(len(OUTCOMES), p=OUTCOME_P)].value
                outcome_on = min(made + datetime.timedelta(days=int(rng.integers(1, 30))), today)
                by = worker
            referrals.append(
                (
                    next(ids),
                    person,
                    agency.value,
                    OTHER_AGENCY if agency == ProtectionAgency.OTHER else "",
                    REASONS[agency],
                    made,
                    made + datetime.timedelta(days=REFERRAL_CHASE_DAYS),
                    outcome,
                    outcome_on,
                    worker,
                    by,
                    moment(made),
                )
            )
        if concern_draw[i] < CONCERN_P:
            kind, role, exploitation, note = CONCERNS[rng.choice(len(CONCERNS), p=CONCERN_KIND_P)]
            raised = day(int(rng.integers(0, SPAN_DAYS)))
            closed = None
            if raised < day(30) and rng.random() < 0.4:
                closed = min(raised + datetime.timedelta(days=int(rng.integers(7, 120))), today)
            concerns.append(
                (
                    next(ids),
                    person,
                    kind.value,
                    str(role),
                    str(exploitation),
                    raised,
                    closed,
                    note,
                    worker,
                    worker if closed else None,
                    moment(raised),
                )
            )

    tables = [
        ChildInContact._meta.db_table,
        SafeStorage._meta.db_table,
        ProtectionReferral._meta.db_table,
        SafeguardingConcern._meta.db_table,
    ]
    columns = [
        "external_id, service_user_id, label, other_carer, year_of_birth, lives_with, "
        "social_care, "
        "recorded_on, recorded_by_id",
        "service_user_id, locked_box_given_on, storage_discussed_on, supervised_consumption, "
        "supervised_since, updated_by_id, updated_at",
        "external_id, service_user_id, agency, agency_other, reason, made_on, chase_on, "
        "outcome, outcome_on, made_by_id, outcome_recorded_by_id, created_at",
        "external_id, service_user_id, kind, abuse_role, exploitation, raised_on, closed_on, "
        "note, raised_by_id, closed_by_id, created_at",
    ]
    with transaction.atomic(), connection.cursor() as cursor, bulk_loading(cursor, tables):
        for table, cols, data in zip(
            tables, columns, [children, storage, referrals, concerns], strict=True
        ):
            with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
    return SafeguardingResult(
        children=len(children),
        storage=len(storage),
        referrals=len(referrals),
        concerns=len(concerns),
        storage_missing=missing,
    )
