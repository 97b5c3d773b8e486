"""Writes of the case-file audit: drawing a round, and the auditor's judgements. Each is
checked in full, atomic and keyword-only."""

import datetime
import random
import secrets
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from care.models import AuditCheck, AuditedPerson, AuditRound
from care.selectors.audits import audit_prefill, eligible_people
from cases.models import Team, User

NO_ONE_TO_AUDIT = "No one in this team is in treatment (an open episode) to audit."
ROUND_COMPLETED = "This audit round is completed: its judgements can no longer change."


def draw_sample(pool: list[int], *, size: int, seed: int) -> list[int]:
    """The people drawn from `pool` (ids in id order): the same pool and seed always draw
    the same people, in the same order."""
    return random.Random(seed).sample(pool, min(size, len(pool)))


@transaction.atomic
def audit_round_draw(
    *,
    team: Team,
    drawn_by: User,
    sample_size: int,
    on: datetime.date | None = None,
    seed: int | None = None,
) -> AuditRound:
    """Draw a random sample of the people in treatment in `team` whom `drawn_by` may see,
    and store each one's checklist as their record says it on `on` (today)."""
    on = on or timezone.localdate()
    seed = secrets.randbits(62) if seed is None else seed
    pool = list(eligible_people(drawn_by, team).values_list("id", flat=True))
    if not pool:
        raise ValidationError({"team": NO_ONE_TO_AUDIT})
    round_ = AuditRound(
        team=team,
        sample_size=sample_size,
        seed=seed,
        eligible=len(pool),
        drawn_on=on,
        drawn_by=drawn_by,
    )
    round_.full_clean()
    round_.save()
    drawn = draw_sample(pool, size=sample_size, seed=seed)
    people = AuditedPerson.objects.bulk_create(
        [
            AuditedPerson(round=round_, service_user_id=person_id, position=position)
            for position, person_id in enumerate(drawn, start=1)
        ]
    )
    prefill = audit_prefill(drawn, on=on)
    AuditCheck.objects.bulk_create(
        [
            AuditCheck(audited=audited, item=said.item, data_says=said.data_says, fact=said.fact)
            for audited in people
            for said in prefill[audited.service_user_id]
        ]
    )
    return round_


@transaction.atomic
def audit_checks_judge(
    *,
    audited: AuditedPerson,
    judged_by: User,
    judgements: Mapping[str, tuple[str, str]],
) -> AuditRound:
    """Record the auditor's judgement (agree or disagree, and a comment) of each item of
    one person's checklist, by item. Once every item of the round is judged, the round is
    completed, and from then on never changes."""
    round_ = AuditRound.objects.select_for_update().get(pk=audited.round_id)
    if round_.is_completed:
        raise ValidationError(ROUND_COMPLETED)
    now = timezone.now()
    for check in AuditCheck.objects.filter(audited=audited):
        if check.item not in judgements:
            continue
        judgement, comment = judgements[check.item]
        if (check.judgement, check.comment) == (judgement, comment):
            continue
        check.judgement, check.comment = judgement, comment.strip()
        check.judged_by, check.judged_at = judged_by, now
        check.full_clean()
        check.save(update_fields=["judgement", "comment", "judged_by", "judged_at"])
    waiting = AuditCheck.objects.filter(audited__round=round_, judgement="").exists()
    if not waiting:
        round_.completed_at, round_.completed_by = now, judged_by
        round_.save(update_fields=["completed_at", "completed_by"])
    return round_
