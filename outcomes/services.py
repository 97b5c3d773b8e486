"""Writes of TOP assessments, enforcing the stage rules with messages at the field.

The rules: one start TOP per episode; a review TOP needs the episode's start TOP
first; start, review and exit TOPs fall within the episode (not before its
referral, not after its discharge, never in the future); a post-exit TOP comes
after discharge; one exit TOP per episode.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import ServiceUser, TreatmentEpisode, User
from cases.services import record_changed
from outcomes.models import Stage, TopAssessment


def _stage_errors(
    episode: TreatmentEpisode,
    stage: str,
    top_date: datetime.date,
    exclude_id: int | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    others = TopAssessment.objects.filter(episode=episode)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    if top_date > timezone.localdate():
        errors["top_date"] = "The interview date is in the future."
    elif top_date < episode.referral_date:
        errors["top_date"] = (
            f"The interview date is before this episode's referral "
            f"({episode.referral_date:%d/%m/%Y})."
        )
    elif stage == Stage.POST_EXIT:
        if episode.discharge_date is None:
            errors["stage"] = (
                "A post-exit TOP is for someone who has left: this episode is still open."
            )
        elif top_date < episode.discharge_date:
            errors["top_date"] = (
                f"A post-exit TOP comes after discharge ({episode.discharge_date:%d/%m/%Y})."
            )
    elif episode.discharge_date and top_date > episode.discharge_date:
        errors["top_date"] = (
            f"The interview date is after this episode ended ({episode.discharge_date:%d/%m/%Y}); "
            "record a post-exit TOP instead."
        )
    start = others.filter(stage=Stage.START).first()
    if stage == Stage.START and start:
        errors["stage"] = (
            f"This episode already has a start TOP ({start.top_date:%d/%m/%Y}). "
            "Record this one as a review."
        )
    if stage == Stage.REVIEW:
        if start is None:
            errors["stage"] = "A review TOP needs a start TOP for this episode first."
        elif top_date < start.top_date and "top_date" not in errors:
            errors["top_date"] = (
                f"A review cannot be dated before the start TOP ({start.top_date:%d/%m/%Y})."
            )
    if stage == Stage.EXIT and others.filter(stage=Stage.EXIT).exists():
        errors["stage"] = "This episode already has an exit TOP."
    return errors


@transaction.atomic
def top_assessment_create(
    *,
    service_user: ServiceUser,
    episode: TreatmentEpisode,
    stage: str,
    top_date: datetime.date,
    recorded_by: User | None,
    **items: Any,
) -> TopAssessment:
    if episode.service_user_id != service_user.pk:
        raise ValidationError({"episode": "This episode belongs to someone else."})
    # Serialise TOP writes per episode so two start TOPs cannot race past the check.
    TreatmentEpisode.objects.select_for_update().filter(pk=episode.pk).first()
    errors = _stage_errors(episode, stage, top_date)
    assessment = TopAssessment(
        service_user=service_user,
        episode=episode,
        stage=stage,
        top_date=top_date,
        recorded_by=recorded_by,
        **items,
    )
    try:
        assessment.full_clean(validate_constraints=False)
    except ValidationError as invalid:
        for field, messages in invalid.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise ValidationError({"stage": "This episode already has a TOP at this stage."}) from None
    transaction.on_commit(
        lambda: record_changed.send(
            sender=TopAssessment, service_user_id=service_user.pk, record=assessment
        )
    )
    return assessment
