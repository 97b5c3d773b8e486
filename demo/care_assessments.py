"""Overdose risk assessments and safety plans in the demo: about two people in five with a
keyworker have one to three, written by their keyworker, loaded in bulk after the
population; the latest supersedes the others.

Its own random stream (`ASSESSMENT_STREAM`), so adding it changed no other seeded draw.
Every assessment is dated on or before today with its reviews on or after it; the
practitioner's judgement rises with the number of factors answered yes; some reviews have
passed, so overdue reviews show. Invented text only: the sentences below name no one.
Deterministic: the same population and seed on the same day give the same assessments.

The history triggers record every row the COPY loads, as they do for the population.
"""

import datetime
import uuid
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from care.models import (
    AlongsideOpioids,
    Answer,
    HousingConcern,
    PlanStep,
    RiskAssessment,
    RiskJudgement,
    ToleranceReason,
)
from cases.models import ServiceUser
from core.bulk import bulk_loading

# The stream's own key beside the seed (`np.random.default_rng([seed, ASSESSMENT_STREAM])`).
ASSESSMENT_STREAM = 22
ASSESSED_SHARE = 0.4
# 1, 2 or 3 assessments for a person assessed.
COUNT_P = (0.6, 0.3, 0.1)
SPAN_DAYS = 240
ANSWERS = [Answer.YES, Answer.NO, Answer.NOT_KNOWN]
ANSWER_P = (0.35, 0.5, 0.15)
# Days to each review by the judgement: the higher the risk, the sooner.
REVIEW_AFTER = {"low": 180, "medium": 90, "high": 42, "very_high": 28}
PLAN_REVIEW_AFTER = {"low": 90, "medium": 56, "high": 28, "very_high": 14}
JUDGEMENTS = list(RiskJudgement)
TOLERANCE = list(ToleranceReason)
ALONGSIDE = list(AlongsideOpioids)
HOUSING = list(HousingConcern)
STEPS = list(PlanStep)

OWN_VIEWS = (
    "I know what I'm doing, I've used for years.",
    "Since I came out I'm scared of getting it wrong.",
    "Probably higher than I'd like to admit.",
    "Didn't want to say today.",
    "I only use with my partner around, so I feel safe enough.",
    "The benzos are the problem, not the gear.",
)
IN_THEIR_WORDS = (
    "",
    "",
    "Ring the hub if it's getting bad.",
    "Keep the kit in my coat pocket, not in the drawer.",
    "Go to the drop-in rather than use in the flat.",
)
CONTACTS = (
    "",
    "Their sister",
    "A friend from the Thursday group",
    "The hostel's night staff",
    "Their partner",
    "Their mum",
)


@dataclass
class AssessmentResult:
    assessments: int
    people: int
    review_overdue: int

    def summary(self) -> str:
        return (
            f"Risk assessments: {self.assessments:,} for {self.people:,} people "
            f"({self.review_overdue:,} current ones past their review date)."
        )


def _uuids(rng: np.random.Generator, n: int) -> list[uuid.UUID]:
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    return [uuid.UUID(bytes=bytes(row), version=4) for row in raw]


def _judgement(yes: int, nudge: int) -> str:
    level = min(max((yes + 1) // 2 + nudge, 0), len(JUDGEMENTS) - 1)
    return JUDGEMENTS[level].value


def seed_risk_assessments(*, seed: int, now: datetime.datetime) -> AssessmentResult:
    rng = np.random.default_rng([seed, ASSESSMENT_STREAM])
    today = timezone.localdate(now)
    everyone = np.array(
        ServiceUser.objects.filter(keyworker__isnull=False, date_of_death__isnull=True)
        .order_by("id")
        .values_list("id", "keyworker_id"),
        dtype=np.int64,
    ).reshape(-1, 2)
    people = everyone[rng.random(len(everyone)) < ASSESSED_SHARE]
    counts = rng.choice(len(COUNT_P), size=len(people), p=COUNT_P) + 1
    rows = np.repeat(people, counts, axis=0)
    n = len(rows)
    factors = len(RiskAssessment.FACTORS)
    answers = rng.choice(len(ANSWERS), size=(n, factors), p=ANSWER_P)
    days_ago = rng.integers(0, SPAN_DAYS, n)
    nudges = rng.integers(-1, 2, n)
    which = rng.integers(0, 1_000, (n, 8))
    steps = rng.random((n, len(STEPS))) < 0.35
    ids = _uuids(rng, n)

    tz = timezone.get_current_timezone()
    latest: dict[int, tuple[datetime.date, datetime.date]] = {}
    columns = (
        "external_id, service_user_id, assessed_by_id, assessed_on, recorded_at, "
        + ", ".join(f"{name}, {detail}" for name, detail in RiskAssessment.FACTORS)
        + ", tolerance_reason, alongside_opioids, housing, own_view, judgement, review_on, "
        "plan_steps, plan_in_their_words, plan_contacts, naloxone_held, naloxone_around, "
        "plan_review_on"
    )
    table = RiskAssessment._meta.db_table
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        bulk_loading(cursor, [table]),
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for i in range(n):
            person, keyworker = int(rows[i, 0]), int(rows[i, 1])
            day = today - datetime.timedelta(days=int(days_ago[i]))
            said = [ANSWERS[a].value for a in answers[i]]
            tolerance, polydrug, housing = (
                said[1] == "yes",
                said[2] == "yes",
                said[5] == "yes",
            )
            judgement = _judgement(said.count("yes"), int(nudges[i]))
            review = day + datetime.timedelta(days=REVIEW_AFTER[judgement])
            plan_review = day + datetime.timedelta(days=PLAN_REVIEW_AFTER[judgement])
            chosen = [s.value for s, on in zip(STEPS, steps[i], strict=True) if on]
            words = IN_THEIR_WORDS[which[i, 3] % len(IN_THEIR_WORDS)]
            if not chosen and not words:
                chosen = [PlanStep.NOT_ALONE.value]
            recorded = datetime.datetime.combine(day, datetime.time(14), tz)
            copy.write_row(
                (
                    ids[i],
                    person,
                    keyworker,
                    day,
                    min(recorded, now),
                    *(value for answer in said for value in (answer, "")),
                    TOLERANCE[which[i, 0] % len(TOLERANCE)].value if tolerance else "",
                    [ALONGSIDE[which[i, 1] % len(ALONGSIDE)].value] if polydrug else [],
                    HOUSING[which[i, 2] % len(HOUSING)].value if housing else "",
                    OWN_VIEWS[which[i, 4] % len(OWN_VIEWS)],
                    judgement,
                    review,
                    chosen,
                    words,
                    CONTACTS[which[i, 5] % len(CONTACTS)],
                    ANSWERS[which[i, 6] % 3].value,
                    ANSWERS[which[i, 7] % 3].value,
                    plan_review,
                )
            )
            if person not in latest or latest[person][0] < day:
                latest[person] = (day, review)
    overdue = sum(review < today for _, review in latest.values())
    return AssessmentResult(assessments=n, people=len(latest), review_overdue=overdue)
