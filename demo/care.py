"""The care record in the demo: a few dated case notes and onward referrals per person,
written by their keyworker, loaded in bulk after the population.

Its own random stream (`CARE_STREAM`), so adding it changed no other seeded draw. Every
note is dated on or before today, every referral's follow-up on or after the day it was
made; about half the referrals whose follow-up date has passed still wait for an
outcome, so the person page shows overdue referrals. Invented text only: the sentences
below name no one. Deterministic: the same population and seed on the same day give the
same notes and referrals (their external ids are drawn from the stream too).

The history triggers record every row the COPY loads, as they do for the population.
"""

import datetime
import uuid
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from care.models import CaseNote, NoteKind, OnwardReferral, Organisation, ReferralOutcome
from cases.models import ServiceUser
from core.bulk import bulk_loading

# The stream's own key beside the seed (`np.random.default_rng([seed, CARE_STREAM])`).
CARE_STREAM = 20
NOTES_MEAN = 3
NOTES_MAX = 8
# 0, 1 or 2 referrals a person.
REFERRAL_COUNT_P = (0.55, 0.35, 0.10)
NOTE_SPAN_DAYS = 180
REFERRAL_SPAN_DAYS = 120
FOLLOW_UP_AFTER_DAYS = (7, 14, 28)

NOTE_TEXTS = {
    NoteKind.KEYWORK: (
        "Keywork session. Talked through the last fortnight: using less on weekdays, "
        "weekends still hard. Agreed to try the Thursday group.",
        "Reviewed the script: stable on the current dose, no missed pick-ups. Discussed "
        "reducing in the new year.",
        "Session at the hub. Low mood since the housing letter; talked about the GP and "
        "the talking therapies self-referral.",
        "Went over overdose risk after the recent release from prison; naloxone kit "
        "checked and in date.",
    ),
    NoteKind.PHONE: (
        "Phoned to rearrange Tuesday's appointment: at the job centre then. Rebooked for "
        "Friday morning.",
        "Rang after the missed appointment. Answered; unwell with a chest infection, will "
        "come in next week.",
        "Phone call from the pharmacy: two missed doses in a row. Rang the client, no "
        "answer; left a message.",
    ),
    NoteKind.PARTNER: (
        "Housing officer called: the tenancy sign-up is booked, a support worker will go "
        "with them.",
        "Letter from the GP surgery: bloods taken, results to follow at the next review.",
        "Probation officer asked for an update for the next supervision; consent checked "
        "and a summary sent.",
    ),
    NoteKind.OTHER: (
        "Dropped in to the hub without an appointment for a food voucher; booked a "
        "session for next week.",
        "Needle exchange visit; harm reduction advice on injecting sites given.",
    ),
}
KINDS = list(NOTE_TEXTS)
KIND_P = (0.55, 0.25, 0.12, 0.08)

REFERRAL_NAMES = {
    Organisation.GP: ("Riverside Surgery", "Castle Street Medical Centre"),
    Organisation.MENTAL_HEALTH: ("Talking therapies", "Community mental health team"),
    Organisation.HOUSING: ("Council housing options", "Night shelter"),
    Organisation.HEPATITIS_C: ("Liver clinic, City Hospital", "Hepatitis C outreach nurse"),
    Organisation.CHILDRENS_SERVICES: ("Children's services front door",),
    Organisation.ADULT_SOCIAL_CARE: ("Adult social care, duty team",),
    Organisation.EMPLOYMENT: ("Individual placement and support", "Job centre work coach"),
    Organisation.MUTUAL_AID: ("SMART Recovery group", "Narcotics Anonymous"),
    Organisation.OTHER: ("Citizens Advice", "Food bank"),
}
REFERRAL_REASONS = {
    Organisation.GP: "Registration and a physical health check.",
    Organisation.MENTAL_HEALTH: "Low mood and poor sleep for months; wants to talk to someone.",
    Organisation.HOUSING: "Sofa surfing since leaving the hostel.",
    Organisation.HEPATITIS_C: "Antibody positive at the dry blood spot test.",
    Organisation.CHILDRENS_SERVICES: "Support with the children's school attendance, agreed with them.",
    Organisation.ADULT_SOCIAL_CARE: "Struggling with daily tasks since the fall.",
    Organisation.EMPLOYMENT: "Wants help back into work.",
    Organisation.MUTUAL_AID: "Asked for a group outside the service's hours.",
    Organisation.OTHER: "Benefit sanction and rent arrears.",
}
ORGANISATIONS = list(REFERRAL_NAMES)
ORGANISATION_P = (0.16, 0.14, 0.16, 0.1, 0.04, 0.04, 0.1, 0.14, 0.12)
OUTCOMES = list(ReferralOutcome)
OUTCOME_P = (0.4, 0.1, 0.15, 0.35)


@dataclass
class CareResult:
    notes: int
    referrals: int
    overdue: int

    def summary(self) -> str:
        return (
            f"Care record: {self.notes:,} case notes, {self.referrals:,} onward referrals "
            f"({self.overdue:,} open past their follow-up date)."
        )


def _uuids(rng: np.random.Generator, n: int) -> list[uuid.UUID]:
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    return [uuid.UUID(bytes=bytes(row), version=4) for row in raw]


def seed_care_record(*, seed: int, now: datetime.datetime) -> CareResult:
    rng = np.random.default_rng([seed, CARE_STREAM])
    today = timezone.localdate(now)
    people = np.array(
        ServiceUser.objects.filter(keyworker__isnull=False, date_of_death__isnull=True)
        .order_by("id")
        .values_list("id", "keyworker_id"),
        dtype=np.int64,
    ).reshape(-1, 2)
    n = len(people)
    notes_each = np.minimum(rng.poisson(NOTES_MEAN, n), NOTES_MAX)
    referrals_each = rng.choice(3, size=n, p=REFERRAL_COUNT_P)

    note_rows = np.repeat(people, notes_each, axis=0)
    m = len(note_rows)
    note_days = rng.integers(0, NOTE_SPAN_DAYS, m)
    note_kinds = rng.choice(len(KINDS), size=m, p=KIND_P)
    note_texts = rng.integers(0, 1_000, m)
    note_minutes = rng.integers(9 * 60, 17 * 60, m)
    note_ids = _uuids(rng, m)

    referral_rows = np.repeat(people, referrals_each, axis=0)
    k = len(referral_rows)
    made_days = rng.integers(0, REFERRAL_SPAN_DAYS, k)
    follow_after = rng.choice(FOLLOW_UP_AFTER_DAYS, size=k)
    organisations = rng.choice(len(ORGANISATIONS), size=k, p=ORGANISATION_P)
    names = rng.integers(0, 1_000, k)
    answered = rng.random(k)
    outcomes = rng.choice(len(OUTCOMES), size=k, p=OUTCOME_P)
    answered_after = rng.integers(1, 30, k)
    referral_ids = _uuids(rng, k)

    tz = timezone.get_current_timezone()
    overdue = 0
    with transaction.atomic(), connection.cursor() as cursor:
        tables = [CaseNote._meta.db_table, OnwardReferral._meta.db_table]
        with bulk_loading(cursor, tables):
            with cursor.copy(
                f"COPY {tables[0]} (external_id, service_user_id, note_date, kind, text, "
                "written_by_id, written_at) FROM STDIN"
            ) as copy:
                for i in range(m):
                    day = today - datetime.timedelta(days=int(note_days[i]))
                    kind = KINDS[note_kinds[i]]
                    texts = NOTE_TEXTS[kind]
                    written = datetime.datetime.combine(day, datetime.time(), tz) + (
                        datetime.timedelta(minutes=int(note_minutes[i]))
                    )
                    copy.write_row(
                        (
                            note_ids[i],
                            int(note_rows[i, 0]),
                            day,
                            kind.value,
                            texts[note_texts[i] % len(texts)],
                            int(note_rows[i, 1]),
                            min(written, now),
                        )
                    )
            with cursor.copy(
                f"COPY {tables[1]} (external_id, service_user_id, organisation_kind, "
                "organisation_name, reason, made_on, follow_up_on, outcome, "
                "outcome_recorded_at, outcome_recorded_by_id, made_by_id, created_at) FROM STDIN"
            ) as copy:
                for i in range(k):
                    made = today - datetime.timedelta(days=int(made_days[i]))
                    follow_up = made + datetime.timedelta(days=int(follow_after[i]))
                    organisation = ORGANISATIONS[organisations[i]]
                    choices = REFERRAL_NAMES[organisation]
                    # Past its follow-up date, half have an outcome; before it, a fifth.
                    closes = answered[i] < (0.5 if follow_up < today else 0.2)
                    outcome, recorded_at, recorded_by = "", None, None
                    if closes:
                        outcome = OUTCOMES[outcomes[i]].value
                        recorded_on = min(
                            made + datetime.timedelta(days=int(answered_after[i])), today
                        )
                        recorded_at = min(
                            datetime.datetime.combine(recorded_on, datetime.time(11), tz), now
                        )
                        recorded_by = int(referral_rows[i, 1])
                    elif follow_up < today:
                        overdue += 1
                    made_by = int(referral_rows[i, 1])
                    copy.write_row(
                        (
                            referral_ids[i],
                            int(referral_rows[i, 0]),
                            organisation.value,
                            choices[names[i] % len(choices)],
                            REFERRAL_REASONS[organisation],
                            made,
                            follow_up,
                            outcome,
                            recorded_at,
                            recorded_by,
                            made_by,
                            min(datetime.datetime.combine(made, datetime.time(10), tz), now),
                        )
                    )
    return CareResult(notes=m, referrals=k, overdue=overdue)
