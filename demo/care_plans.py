"""Care and recovery plans in the demo: most people in an open, started episode have a
plan agreed a few weeks after it started, with two to four goals across the domains,
the reviews held on schedule (a few missed, so overdue reviews show), and some of their
attended contacts recorded against a goal. Loaded after the population and the rest of
the care record.

Its own random stream (`PLANS_STREAM`), so adding it changed no other seeded draw.
Every row obeys the models' rules: plans agreed on or before today, reviews after the
plan and not in the future, a goal's closing date on the review that closed it.
Invented text only. Deterministic: the same population and seed on the same day give
the same plans (their external ids are drawn from the stream too).
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from care.models import (
    AgreedHow,
    CarePlan,
    GoalContact,
    GoalDomain,
    GoalState,
    PlanGoal,
    PlanReview,
)
from cases.models import Contact, ContactStatus, TreatmentEpisode

# The stream's own key beside the seed (`np.random.default_rng([seed, PLANS_STREAM])`).
PLANS_STREAM = 21
HAS_PLAN_P = 0.8
AGREED_AFTER_START_DAYS = (3, 35)
REVIEW_WEEKS = (8, 12, 26)
REVIEW_WEEKS_P = (0.15, 0.7, 0.15)
REVIEW_HELD_P = 0.85
GOALS_PER_PLAN = (2, 3, 4)
GOAL_WEEKS = (4, 8, 12, 26)
CONTACT_LINKED_P = 0.4

GOAL_TEXTS = {
    GoalDomain.SUBSTANCE_USE: (
        "Cut down to using at weekends only.",
        "Stay stable on the current script and stop using on top.",
        "Try the Thursday recovery group for a month.",
    ),
    GoalDomain.PHYSICAL_HEALTH: (
        "Register with a GP and have a health check.",
        "Get the leg ulcer looked at by the nurse.",
        "Book a dentist appointment.",
    ),
    GoalDomain.MENTAL_HEALTH: (
        "Self-refer to talking therapies.",
        "Sleep better: see the GP about it.",
    ),
    GoalDomain.HOUSING: (
        "Move into the supported flat.",
        "Keep up the rent and stay in the tenancy.",
    ),
    GoalDomain.MONEY: (
        "Sort out the benefit sanction with Citizens Advice.",
        "Set up a payment plan for the arrears.",
    ),
    GoalDomain.FAMILY: (
        "See the children every other weekend.",
        "Get back in touch with their sister.",
    ),
    GoalDomain.OFFENDING: ("Keep every probation appointment.",),
    GoalDomain.WORK: (
        "Start the volunteering placement at the food bank.",
        "Enrol on the college maths course.",
    ),
}
DOMAINS = list(GOAL_TEXTS)
DOMAIN_P = (0.3, 0.14, 0.14, 0.12, 0.1, 0.08, 0.04, 0.08)
WHO_HELPS = ("Keyworker", "Keyworker and GP", "Housing officer", "Their sister", "Recovery worker")
REVIEW_WHO = ("The person and their keyworker", "The person, keyworker and prescriber")
REVIEW_SUMMARIES = (
    "Going well overall; the housing goal is slower than hoped. Plan carries on.",
    "A hard month after the funeral. Goals kept, more contact agreed for now.",
    "Good progress: using less, keeping appointments. Agreed the next steps.",
)
HOWS = list(AgreedHow)
HOW_P = (0.75, 0.15, 0.05, 0.05)


@dataclass
class PlansResult:
    plans: int
    goals: int
    reviews: int
    overdue: int
    contacts_linked: int

    def summary(self) -> str:
        return (
            f"Care plans: {self.plans:,} plans with {self.goals:,} goals and "
            f"{self.reviews:,} reviews ({self.overdue:,} reviews overdue); "
            f"{self.contacts_linked:,} contacts recorded against a goal."
        )


def _uuid(rng: np.random.Generator) -> uuid.UUID:
    return uuid.UUID(bytes=bytes(rng.integers(0, 256, 16, dtype=np.uint8)), version=4)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _ids(model, external_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    return dict(model.objects.filter(external_id__in=external_ids).values_list("external_id", "id"))


def seed_care_plans(*, seed: int, now: datetime.datetime) -> PlansResult:
    rng = np.random.default_rng([seed, PLANS_STREAM])
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    people = list(
        TreatmentEpisode.objects.filter(
            discharge_date__isnull=True,
            start_date__isnull=False,
            start_date__lte=today,
            service_user__keyworker__isnull=False,
            service_user__date_of_death__isnull=True,
        )
        .order_by("service_user_id", "-start_date", "-id")
        .distinct("service_user_id")
        .values_list("service_user_id", "service_user__keyworker_id", "start_date")
    )
    plans, reviews, goals = [], [], []
    overdue = 0
    for person_id, keyworker_id, start in people:
        if rng.random() >= HAS_PLAN_P:
            continue
        low, high = AGREED_AFTER_START_DAYS
        agreed = min(start + _days(int(rng.integers(low, high))), today)
        weeks = int(rng.choice(REVIEW_WEEKS, p=REVIEW_WEEKS_P))
        plan_id = _uuid(rng)
        held: list[tuple[uuid.UUID, datetime.date]] = []
        last = agreed
        while (due := last + datetime.timedelta(weeks=weeks)) <= today:
            if rng.random() >= REVIEW_HELD_P:
                break
            on = max(min(due + _days(int(rng.integers(-7, 15))), today), agreed)
            held.append((_uuid(rng), on))
            reviews.append(
                (
                    held[-1][0],
                    plan_id,
                    on,
                    REVIEW_WHO[int(rng.integers(len(REVIEW_WHO)))],
                    REVIEW_SUMMARIES[int(rng.integers(len(REVIEW_SUMMARIES)))],
                    keyworker_id,
                    min(datetime.datetime.combine(on, datetime.time(15), tz), now),
                )
            )
            last = on
        review_due = last + datetime.timedelta(weeks=weeks)
        overdue += review_due < today
        plans.append(
            (
                plan_id,
                person_id,
                agreed,
                HOWS[int(rng.choice(len(HOWS), p=HOW_P))].value,
                weeks,
                review_due,
                keyworker_id,
                min(datetime.datetime.combine(agreed, datetime.time(11), tz), now),
            )
        )
        count = int(rng.choice(GOALS_PER_PLAN))
        for d in rng.choice(len(DOMAINS), size=count, replace=False, p=DOMAIN_P):
            domain = DOMAINS[int(d)]
            texts = GOAL_TEXTS[domain]
            by_when = agreed + datetime.timedelta(weeks=int(rng.choice(GOAL_WEEKS)))
            state, state_on, closed_at = GoalState.OPEN.value, None, None
            closing_review = next((r for r in held if r[1] >= by_when), None)
            draw = rng.random()
            if closing_review is not None and draw < 0.6:
                state = (GoalState.ACHIEVED if draw < 0.5 else GoalState.NOT_RELEVANT).value
                closed_at, state_on = closing_review
            goals.append(
                (
                    _uuid(rng),
                    plan_id,
                    domain.value,
                    texts[int(rng.integers(len(texts)))],
                    by_when,
                    WHO_HELPS[int(rng.integers(len(WHO_HELPS)))],
                    state,
                    state_on,
                    closed_at,
                    keyworker_id,
                    min(datetime.datetime.combine(agreed, datetime.time(11), tz), now),
                    person_id,
                    agreed,
                )
            )

    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(
            f"COPY {CarePlan._meta.db_table} (external_id, service_user_id, agreed_on, "
            "agreed_how, review_every_weeks, review_due_on, created_by_id, created_at) FROM STDIN"
        ) as copy:
            for row in plans:
                copy.write_row(row)
        plan_pk = _ids(CarePlan, [row[0] for row in plans])
        with cursor.copy(
            f"COPY {PlanReview._meta.db_table} (external_id, plan_id, reviewed_on, who, "
            "summary, recorded_by_id, recorded_at) FROM STDIN"
        ) as copy:
            for row in reviews:
                copy.write_row((row[0], plan_pk[row[1]], *row[2:]))
        review_pk = _ids(PlanReview, [row[0] for row in reviews])
        with cursor.copy(
            f"COPY {PlanGoal._meta.db_table} (external_id, plan_id, domain, what, by_when, "
            "who_helps, state, state_on, closed_at_review_id, created_by_id, created_at) "
            "FROM STDIN"
        ) as copy:
            for row in goals:
                closed_at = review_pk[row[8]] if row[8] is not None else None
                copy.write_row((row[0], plan_pk[row[1]], *row[2:8], closed_at, *row[9:11]))
        goal_pk = _ids(PlanGoal, [row[0] for row in goals])
        goals_of: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
        for row in goals:
            goals_of[row[11]].append((goal_pk[row[0]], row[12]))
        contacts = Contact.objects.filter(
            service_user_id__in=list(goals_of), status=ContactStatus.ATTENDED
        ).order_by("id")
        links = []
        for contact_id, person_id, day in contacts.values_list(
            "id", "service_user_id", "contact_date"
        ):
            choices = goals_of[person_id]
            if day < choices[0][1] or rng.random() >= CONTACT_LINKED_P:
                continue
            goal_id = choices[int(rng.integers(len(choices)))][0]
            links.append(
                (goal_id, contact_id, datetime.datetime.combine(day, datetime.time(16), tz))
            )
        with cursor.copy(
            f"COPY {GoalContact._meta.db_table} (goal_id, contact_id, created_at) FROM STDIN"
        ) as copy:
            for row in links:
                copy.write_row((row[0], row[1], min(row[2], now)))
    return PlansResult(
        plans=len(plans),
        goals=len(goals),
        reviews=len(reviews),
        overdue=overdue,
        contacts_linked=len(links),
    )
