"""The case record a keyworker works from: dated case notes and onward referrals.

A case note is written once and never changed or deleted: a database trigger refuses
both, whoever asks. A mistake is put right by a new note that names the note it
corrects. An onward referral records where a person was sent, why, and when to chase
it; its outcome is recorded later. Both keep their write history (`cases.history`).
"""

import datetime
import uuid

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cases.history import tracked
from cases.models import ServiceUser

NOTE_IN_THE_FUTURE = "A note cannot be dated in the future: use today's date or an earlier one."
NOTE_EMPTY = "Write the note: it cannot be empty."
CORRECTS_ANOTHER_PERSON = "Choose one of this person's own notes to correct."
REFERRAL_IN_THE_FUTURE = "Record a referral once it is made: the date cannot be in the future."
FOLLOW_UP_BEFORE_REFERRAL = "The follow-up date cannot be before the date the referral was made."


class NoteKind(models.TextChoices):
    KEYWORK = "keywork", "Keywork session"
    PHONE = "phone", "Phone call"
    PARTNER = "partner", "Note from a partner agency"
    OTHER = "other", "Other"


class Organisation(models.TextChoices):
    """The kinds of service a person is referred on to."""

    GP = "gp", "GP"
    MENTAL_HEALTH = "mental_health", "Mental health"
    HOUSING = "housing", "Housing"
    HEPATITIS_C = "hepatitis_c", "Hepatitis C treatment"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    EMPLOYMENT = "employment", "Employment"
    MUTUAL_AID = "mutual_aid", "Mutual aid"
    OTHER = "other", "Other"


class ReferralOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    NO_REPLY = "no_reply", "No reply"
    ATTENDED = "attended", "Attended"


@tracked()
class CaseNote(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="case_notes"
    )
    note_date = models.DateField("date")
    kind = models.CharField("kind of note", max_length=10, choices=NoteKind.choices)
    text = models.TextField("note")
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="corrects the note",
        help_text="If this note puts an earlier one right, choose that note.",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    # What a keyworker writes, in the form's order.
    RECORDED_FIELDS: tuple[str, ...] = ("note_date", "kind", "text", "corrects")

    class Meta:
        ordering = ["-note_date", "-written_at", "-id"]
        indexes = [
            models.Index(
                fields=["service_user", "-note_date", "-written_at", "-id"],
                name="casenote_newest_first",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="casenote_has_text"),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(corrects=F("id")),
                name="casenote_corrects_another",
            ),
        ]
        triggers = [
            # A note stands as written: no update (of its text or anything else) and no
            # delete, from the app, the admin or SQL. TRUNCATE (test teardown, the demo's
            # reset) is not a row trigger's business.
            pgtrigger.Trigger(
                name="never_changed",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func="""
                RAISE EXCEPTION 'care_casenote is never changed or deleted: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
                """,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.note_date:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.note_date and self.note_date > timezone.localdate():
            errors["note_date"] = NOTE_IN_THE_FUTURE
        if not (self.text or "").strip():
            errors["text"] = NOTE_EMPTY
        if self.corrects is not None and self.corrects.service_user_id != self.service_user_id:
            errors["corrects"] = CORRECTS_ANOTHER_PERSON
        if errors:
            raise ValidationError(errors)


@tracked()
class OnwardReferral(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="onward_referrals"
    )
    organisation_kind = models.CharField("referred to", max_length=20, choices=Organisation.choices)
    organisation_name = models.CharField(
        "name of the service",
        max_length=200,
        help_text="For example: Riverside Surgery, or the council's housing options team.",
    )
    reason = models.TextField("why")
    made_on = models.DateField("date made")
    follow_up_on = models.DateField(
        "follow up by", help_text="When to chase it if there is no outcome yet."
    )
    outcome = models.CharField(max_length=10, choices=ReferralOutcome.choices, blank=True)
    outcome_recorded_at = models.DateTimeField("outcome recorded", null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    RECORDED_FIELDS: tuple[str, ...] = (
        "organisation_kind",
        "organisation_name",
        "reason",
        "made_on",
        "follow_up_on",
    )

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [
            models.Index(fields=["service_user", "-made_on", "-id"], name="referral_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__gte=F("made_on")), name="referral_follow_up_after_made"
            ),
            # An outcome says when it was recorded and by whom; an open referral has neither.
            models.CheckConstraint(
                condition=Q(outcome="", outcome_recorded_at__isnull=True)
                | (~Q(outcome="") & Q(outcome_recorded_at__isnull=False)),
                name="referral_outcome_says_when",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral to {self.get_organisation_kind_display()} on {self.made_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return not self.outcome

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.follow_up_on < today

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.made_on and self.made_on > timezone.localdate():
            errors["made_on"] = REFERRAL_IN_THE_FUTURE
        if self.made_on and self.follow_up_on and self.follow_up_on < self.made_on:
            errors["follow_up_on"] = FOLLOW_UP_BEFORE_REFERRAL
        if errors:
            raise ValidationError(errors)
