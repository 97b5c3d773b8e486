"""Case reviews in the demo: for each team with a lead, one meeting held a week ago with
decisions and actions for a few of the people then due, and one scheduled in three days
prefilled with everyone still due (`docs/case-review.md`).

Its own random stream (`CASE_REVIEW_STREAM`), so adding it changed no other seeded draw.
Written through the case review's services, as a team lead would, after the flag history
(the due list is worked out from the flags). Invented text only: the sentences below
name no one.
"""

import datetime
from dataclasses import dataclass

import numpy as np

from casereviews import selectors, services
from casereviews.services import Partner
from cases.models import Role, Team, User

# The stream's own key beside the seed (`np.random.default_rng([seed, CASE_REVIEW_STREAM])`).
CASE_REVIEW_STREAM = 30
HELD_DAYS_AGO = 7
SCHEDULED_IN_DAYS = 3
HELD_PEOPLE = 3
SCHEDULED_PEOPLE_MAX = 12
NEXT_REVIEW_AFTER_DAYS = 28

PARTNERS = (
    Partner("Sam Patel", "Probation Service", "probation officer"),
    Partner("Alex Morgan", "Community mental health team", "care coordinator"),
    Partner("Jordan Lee", "Housing options", "housing officer"),
    Partner("Chris Doyle", "Ambulance service", "frequent caller lead"),
)
DECISIONS = (
    "Daily contact for the next week; naloxone kit checked and a second kit offered. "
    "Keyworker to see them at home with the outreach worker.",
    "Bring the script review forward; ask the GP to review the prescribed sedatives. "
    "Probation to share the release plan before the next supervision.",
    "Joint visit with the mental health team this week; housing to chase the tenancy "
    "sign-up. Discuss again at the next review.",
    "Agree a safety plan with them at the next session; share it with the partners who "
    "came, with consent.",
)
ACTIONS = (
    "Offer a second naloxone kit and check they know how to use it",
    "Book a joint home visit with the outreach worker",
    "Ask the GP to review the prescribed sedatives",
    "Chase the housing application and tell the team",
    "Bring the script review forward",
)


@dataclass(frozen=True)
class CaseReviewResult:
    held: int
    scheduled: int
    reviewed: int
    actions: int

    def summary(self) -> str:
        return (
            f"Case reviews: {self.held} held with {self.reviewed} people reviewed and "
            f"{self.actions} actions, {self.scheduled} scheduled."
        )


def _lead(team: Team, today: datetime.date) -> User | None:
    return selectors.team_staff(team, today).filter(role=Role.TEAM_LEAD).order_by("id").first()


def seed_case_reviews(*, seed: int, today: datetime.date) -> CaseReviewResult:
    rng = np.random.default_rng([seed, CASE_REVIEW_STREAM])
    held = scheduled = reviewed = actions = 0
    held_on = today - datetime.timedelta(days=HELD_DAYS_AGO)
    for team in Team.objects.order_by("id"):
        lead = _lead(team, today)
        if lead is None:
            continue
        staff = list(selectors.team_staff(team, today))
        due = selectors.due_reviews(lead, team=team, on=held_on)
        ready = [row for row in due if row.flag.raised_on <= held_on]
        partners = [PARTNERS[i] for i in sorted(rng.choice(len(PARTNERS), 2, replace=False))]
        if ready:
            picked = sorted(rng.choice(len(ready), min(HELD_PEOPLE, len(ready)), replace=False))
            meeting = services.meeting_schedule(
                team=team,
                meets_on=held_on,
                meets_at=datetime.time(10, 0),
                place="Team room, first floor",
                staff=staff[:6],
                partners=partners,
                people=[ready[i].person for i in picked],
                scheduled_by=lead,
            )
            for person in meeting.reviewed.select_related("service_user"):
                services.reviewed_record(
                    reviewed=person,
                    decisions=DECISIONS[int(rng.integers(len(DECISIONS)))],
                    next_review_on=held_on + datetime.timedelta(days=NEXT_REVIEW_AFTER_DAYS),
                )
                for _ in range(int(rng.integers(1, 3))):
                    owner = person.service_user.keyworker or lead
                    if owner not in staff:
                        owner = lead
                    action = services.action_set(
                        reviewed=person,
                        description=ACTIONS[int(rng.integers(len(ACTIONS)))],
                        owner=owner,
                        due_on=held_on + datetime.timedelta(days=int(rng.integers(3, 14))),
                    )
                    actions += 1
                    if rng.random() < 0.4:
                        services.action_done(action=action, done_on=today)
                reviewed += 1
            services.meeting_hold(meeting=meeting)
            held += 1
        still_due = [
            row.person
            for row in selectors.due_reviews(lead, team=team, on=today)
            if row.scheduled_on is None
        ][:SCHEDULED_PEOPLE_MAX]
        if still_due:
            services.meeting_schedule(
                team=team,
                meets_on=today + datetime.timedelta(days=SCHEDULED_IN_DAYS),
                meets_at=datetime.time(14, 0),
                place="Video call (link in the team calendar)",
                staff=staff[:6],
                partners=partners[:1],
                people=still_due,
                scheduled_by=lead,
            )
            scheduled += 1
    return CaseReviewResult(held=held, scheduled=scheduled, reviewed=reviewed, actions=actions)
