"""What the thin, mixed population of `conftest.mixed_person` lacks for the newer figure
families: injecting status, parents and children, wellbeing on the TOPs, hepatitis C tests,
hepatitis B doses, needle exchange contacts (named and anonymous), care plans, prison
releases and the contacts after them. Drawn from the same seeded generator."""

import datetime
import random

from care.services import (
    bbv_test_record,
    care_plan_start,
    hep_b_vaccination_record,
    nsp_contact_record,
    plan_review_record,
)
from cases.models import ServiceUser, TreatmentEpisode
from cases.services import contact_create, event_create
from outcomes.models import TopAssessment

D = datetime.date


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def mixed_care(rng: random.Random, teams, worker) -> None:
    for top in TopAssessment.objects.order_by("pk"):
        TopAssessment.objects.filter(pk=top.pk).update(
            psyhstat=rng.choice([None, 4, 9, 14]),
            phstat=rng.choice([6, 10, 15]),
            quallife=rng.choice([None, 5, 12]),
        )
    for episode in TreatmentEpisode.objects.order_by("pk"):
        TreatmentEpisode.objects.filter(pk=episode.pk).update(
            injecting_status=rng.choice(["current", "previous", "never", ""]),
            parental_status=rng.choice([True, False, None]),
            children_living_with=rng.choice([0, 1, 2, None]),
        )
    for who in ServiceUser.objects.order_by("pk"):
        if rng.random() < 0.5:
            offered = D(2025, 9, 1) + days(rng.randint(0, 280))
            accepted = rng.random() < 0.7
            bbv_test_record(
                service_user=who,
                recorded_by=worker,
                virus=rng.choice(["hcv_antibody", "hcv_rna"]),
                offered_on=offered,
                accepted=accepted,
                tested_on=offered + days(rng.randint(0, 20)) if accepted else None,
            )
        if rng.random() < 0.3:
            first = D(2026, 1, 5) + days(rng.randint(0, 100))
            for number in range(1, rng.randint(1, 3) + 1):
                hep_b_vaccination_record(
                    service_user=who,
                    recorded_by=worker,
                    kind="dose",
                    given_on=first + days(10 * (number - 1)),
                    dose_number=number,
                    schedule="super",
                )
        if rng.random() < 0.3:
            nsp_contact_record(
                team=who.team,
                service_user=who,
                recorded_by=worker,
                contact_on=D(2026, 1, 5) + days(rng.randint(0, 170)),
                needles_syringes=10,
            )
        if rng.random() < 0.5:
            plan = care_plan_start(
                service_user=who,
                created_by=worker,
                agreed_on=D(2025, 10, 1) + days(rng.randint(0, 200)),
                agreed_how="in_person",
                review_every_weeks=rng.choice([4, 12]),
            )
            if rng.random() < 0.5:
                plan_review_record(
                    plan=plan,
                    recorded_by=worker,
                    reviewed_on=plan.agreed_on + days(rng.randint(20, 90)),
                    who="Them and their keyworker",
                    summary="Going well.",
                )
        if rng.random() < 0.3:
            released = D(2026, 1, 5) + days(rng.randint(0, 170))
            event_create(
                service_user=who, recorded_by=worker, kind="prison_release", occurred_on=released
            )
            if rng.random() < 0.6:
                contact_create(
                    service_user=who,
                    staff=worker,
                    contact_date=released + days(rng.choice([2, 15, 30])),
                    kind="appointment",
                    status="attended",
                )
    for team in teams:
        for _ in range(rng.randint(0, 8)):
            nsp_contact_record(
                team=team,
                recorded_by=worker,
                contact_on=D(2026, 1, 5) + days(rng.randint(0, 170)),
                advice_given=True,
            )
