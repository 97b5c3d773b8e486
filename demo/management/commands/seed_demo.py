"""`manage.py seed_demo`: load a reproducible synthetic population for demos and load tests,
then file a handful of death reviews in different states through the review services, and
give the flags a history: the nightly recompute as of a few past dates, and outreach on some
of the flags (`demo.history`).

With --validation the risk situations are spread over the last 15 months and deaths and
near-fatal overdoses are drawn from the evidence-based daily hazard (`demo.validation`,
parameters in `demo.hazard`), so the backtest has outcomes to score.

Invented people only (see `demo`). The same --seed on the same day gives
the same data. A million people take a few minutes; progress goes to stderr.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    care_health,
    generate,
    hazard,
    history,
    load,
    pathway,
    reviews,
)
from demo import benchmarks as demo_benchmarks
from demo import care as care_record
from demo import care_assessments as care_risk_assessments
from demo import care_audits as case_file_audits
from demo import care_plans as plan_record
from demo import care_safeguarding as safeguarding_record
from demo import casereviews as case_reviews
from demo import partners as partner_demo
from demo import validation as validation_outcomes


class Command(BaseCommand):
    help = "Create a synthetic demo population (service, teams, staff, people and histories)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=2000, help="How many people (2000).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (2026).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if anyone is already recorded."
        )
        parser.add_argument(
            "--without-reviews",
            action="store_true",
            help="Load the population only: no death reviews (and so no deaths or past flags).",
        )
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="No flag history: leave the flags to the first recompute (benchmarks).",
        )
        parser.add_argument(
            "--without-logins",
            action="store_false",
            dest="show_logins",
            help="Do not print the demo logins (`manage.py demo` prints them itself).",
        )
        parser.add_argument(
            "--validation",
            action="store_true",
            help=(
                "A validation population: spread the risk situations over the last 15 months "
                "and draw deaths and near-fatal overdoses from the evidence-based daily hazard "
                "(demo/hazard.py; docs/validation-population.md), for the backtest."
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the case and TOP tables and remove the demo staff first.",
        )

    def handle(
        self,
        *args,
        people: int,
        seed: int,
        if_empty: bool,
        reset: bool,
        without_reviews: bool = False,
        without_history: bool = False,
        show_logins: bool = True,
        validation: bool = False,
        **options,
    ):
        if people < 1:
            raise CommandError("--people must be at least 1")
        if if_empty and load.has_people():
            self.stdout.write("People are already recorded; seed_demo left the data as it is.")
            return
        progress = load.Progress(sys.stderr)
        progress.note(f"Seeding {people:,} people (seed {seed})...")
        try:
            result = load.seed_demo(
                people=people,
                seed=seed,
                reset=reset,
                progress=progress,
                situations=(
                    generate.SituationSpread(hazard.SPAN_DAYS, hazard.SITUATION_SCALE)
                    if validation
                    else None
                ),
            )
        except load.DemoDataExists as error:
            raise CommandError(str(error)) from error
        # Before the reviews and the pathway, which leave the dead alone.
        drawn = None
        if validation:
            progress.note("Drawing deaths and overdoses from the daily hazard...")
            drawn = validation_outcomes.outcomes_simulate(seed=seed, progress=progress)
        filed = []
        if not without_reviews:
            progress.note("Filing the demo death reviews...")
            filed = reviews.seed_reviews(today=timezone.localdate())
        # After the reviews (a person they record as dead has no follow-up), before the flag
        # history (the overdoses of people since linked count in it).
        journeys = None
        if not without_reviews:
            progress.note("Opening the overdose follow-ups...")
            journeys = pathway.seed_pathway(teams=load.demo_teams(), seed=seed, now=timezone.now())
        # After the reviews, so that no one they record as dead is given new notes.
        progress.note("Writing case notes and onward referrals...")
        care = care_record.seed_care_record(seed=seed, now=timezone.now())
        assessed = care_risk_assessments.seed_risk_assessments(seed=seed, now=timezone.now())
        health = care_health.seed_health_record(seed=seed, now=timezone.now())
        plans = plan_record.seed_care_plans(seed=seed, now=timezone.now())
        safeguarding = safeguarding_record.seed_safeguarding(seed=seed, now=timezone.now())
        audits = case_file_audits.seed_care_audits(seed=seed, today=timezone.localdate())
        past = None
        if not (without_reviews or without_history):
            progress.note("Replaying the nightly recompute over the last four weeks...")
            past = history.seed_flag_history(today=timezone.localdate())
        # After the flag history: who is due a review is worked out from the flags.
        reviewed = None
        if past is not None:
            progress.note("Scheduling case reviews...")
            reviewed = case_reviews.seed_case_reviews(seed=seed, today=timezone.localdate())
        shared = None
        if filed:
            progress.note("Setting up the partner organisations...")
            shared = partner_demo.seed_partners(seed=seed, today=timezone.localdate())

        progress.note("Loading illustrative benchmarks and local targets...")
        benchmarked = demo_benchmarks.seed_benchmarks(seed=seed, today=timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.people:,} people in {result.seconds:.1f}s: "
                f"{result.teams} teams, {result.keyworkers} keyworkers."
            )
        )
        for table, count in result.rows.items():
            self.stdout.write(f"  {table:<13} {count:>12,}")
        self.stdout.write(
            f"The demo keyworker holds {result.demo_caseload} people in treatment or "
            "discharged in the last 12 months."
        )
        if drawn is not None:
            self.stdout.write(drawn.text())
            if filed:
                self.stdout.write(
                    "The death reviews recorded deaths of their own, chosen among people the "
                    "active rule set flagged: judge a rule set on a population seeded "
                    "--without-reviews."
                )
        if filed:
            self.stdout.write(reviews.filed_summary())
        if journeys is not None:
            self.stdout.write(journeys.summary())
        self.stdout.write(care.summary())
        self.stdout.write(assessed.summary())
        self.stdout.write(health.summary())
        self.stdout.write(plans.summary())
        self.stdout.write(safeguarding.summary())
        self.stdout.write(audits.summary())
        if reviewed is not None:
            self.stdout.write(reviewed.summary())
        self.stdout.write(benchmarked.summary())
        if shared is not None:
            self.stdout.write(shared.summary())
        if past is not None:
            days = ", ".join(str(d) for d in history.RUNS_DAYS_AGO)
            self.stdout.write(
                f"Flag history: nightly runs {days} days ago; {past.open_flags} open flags, "
                f"{past.raised_before_today} raised before today; {past.attempts} outreach "
                "attempts."
            )
        if show_logins:
            self.stdout.write("\nDemo logins (every one uses the same password):")
            self.stdout.write(f"  {'username':<14} {'role':<14} password")
            for username, role in DEMO_LOGINS:
                self.stdout.write(f"  {username:<14} {role:<14} {DEMO_PASSWORD}")
