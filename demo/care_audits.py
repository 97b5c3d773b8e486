"""The case-file audit in the demo: for one team, a completed round drawn five weeks ago
and a round in progress drawn today, each drawn by the team's lead through the service
(so each checklist is prefilled from the demo's own records).

Its own random stream (`AUDIT_STREAM`), so adding it changed no other seeded draw: the
seeds of both draws and every judgement come from it. Deterministic: the same population
and seed on the same day give the same rounds. Invented text only.
"""

import datetime
from dataclasses import dataclass

import numpy as np

from care.models import AuditItem, Judgement
from care.selectors import eligible_people
from care.services import audit_checks_judge, audit_round_draw
from cases.models import Role, Team, TeamMembership, User

# The stream's own key beside the seed (`np.random.default_rng([seed, AUDIT_STREAM])`).
AUDIT_STREAM = 41
SAMPLE_SIZE = 10
COMPLETED_DAYS_AGO = 35
AGREE_P = 0.85
# Of the round in progress: how many of its people are judged already.
IN_PROGRESS_JUDGED = 4
DISAGREEMENTS = (
    "The review happened: it is in the paper file, not in the record.",
    "The date on the record is the date typed in, not the date of the contact.",
    "Offered at the last appointment but not written down.",
    "The children stay with their grandmother most of the week.",
)


@dataclass
class AuditResult:
    team: str
    completed: int
    in_progress: int
    people: int

    def summary(self) -> str:
        if not self.team:
            return "Case-file audits: none (no team with a lead and people in treatment)."
        return (
            f"Case-file audits: {self.completed} completed and {self.in_progress} in progress "
            f"for {self.team}, {self.people} people audited."
        )


def _team_and_lead(today: datetime.date) -> tuple[Team, User] | None:
    """The first team (by id) with a team lead and someone in treatment."""
    for team in Team.objects.order_by("id"):
        lead = (
            User.objects.filter(
                role=Role.TEAM_LEAD,
                is_active=True,
                id__in=TeamMembership.objects.filter(team=team, starts_on__lte=today).values(
                    "user_id"
                ),
            )
            .order_by("id")
            .first()
        )
        if lead is not None and eligible_people(lead, team).exists():
            return team, lead
    return None


def _judge(rng: np.random.Generator, audited, lead: User) -> None:
    judgements = {}
    for item in AuditItem.values:
        if rng.random() < AGREE_P:
            judgements[item] = (Judgement.AGREE.value, "")
        else:
            comment = DISAGREEMENTS[int(rng.integers(len(DISAGREEMENTS)))]
            judgements[item] = (Judgement.DISAGREE.value, comment)
    audit_checks_judge(audited=audited, judged_by=lead, judgements=judgements)


def seed_care_audits(*, seed: int, today: datetime.date) -> AuditResult:
    rng = np.random.default_rng([seed, AUDIT_STREAM])
    found = _team_and_lead(today)
    if found is None:
        return AuditResult(team="", completed=0, in_progress=0, people=0)
    team, lead = found
    completed = audit_round_draw(
        team=team,
        drawn_by=lead,
        sample_size=SAMPLE_SIZE,
        on=today - datetime.timedelta(days=COMPLETED_DAYS_AGO),
        seed=int(rng.integers(2**62)),
    )
    for audited in completed.people.order_by("position"):
        _judge(rng, audited, lead)
    in_progress = audit_round_draw(
        team=team, drawn_by=lead, sample_size=SAMPLE_SIZE, on=today, seed=int(rng.integers(2**62))
    )
    for audited in in_progress.people.order_by("position")[:IN_PROGRESS_JUDGED]:
        _judge(rng, audited, lead)
    people = completed.people.count() + in_progress.people.count()
    return AuditResult(team=team.name, completed=1, in_progress=1, people=people)
