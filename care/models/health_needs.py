"""Health needs beside the harm reduction record: mental health need in more than yes or
no, the community pharmacy and its dispensing arrangement, and physical health checks.

Each is dated history: the latest mental health and pharmacy record is where things
stand, earlier ones say what was before. Every record keeps its write history and is
never deleted (a trigger refuses a DELETE).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from care.models.health import IN_THE_FUTURE
from cases.history import never_deleted, tracked
from cases.models import ServiceUser

SINCE_NEEDED = "Give the date they have been in treatment since."
NO_TREATMENT_NO_SINCE = "No one treats them: leave the date empty."
PHARMACY_NAME_NEEDED = "Enter the pharmacy's name."


class MentalHealthDiagnosis(models.TextChoices):
    NONE_KNOWN = "none_known", "No diagnosis known"
    DEPRESSION = "depression", "Depression"
    ANXIETY = "anxiety", "Anxiety"
    PTSD = "ptsd", "Post-traumatic stress disorder"
    PSYCHOSIS = "psychosis", "Psychosis or schizophrenia"
    BIPOLAR = "bipolar", "Bipolar disorder"
    PERSONALITY = "personality", "Personality disorder"
    OTHER = "other", "Other"


class MentalHealthTreatment(models.TextChoices):
    GP = "gp", "GP"
    CMHT = "cmht", "Community mental health team"
    CRISIS = "crisis", "Crisis team"
    THERAPIES = "therapies", "Psychological therapies"
    NONE = "none", "None"


class Dispensing(models.TextChoices):
    DAILY_SUPERVISED = "daily_supervised", "Daily, supervised"
    DAILY_UNSUPERVISED = "daily_unsupervised", "Daily, unsupervised"
    SEVERAL_DAYS = "several_days", "Several days' pickup"
    WEEKLY = "weekly", "Weekly"


class CheckKind(models.TextChoices):
    BLOOD_PRESSURE = "blood_pressure", "Blood pressure"
    WEIGHT = "weight", "Weight"
    RESPIRATORY = "respiratory", "Respiratory"
    INJECTION_SITES = "injection_sites", "Injection sites and wounds"
    DVT = "dvt", "Deep vein thrombosis (DVT)"
    OTHER = "other", "Other"


class CheckOutcome(models.TextChoices):
    FINE = "fine", "Fine"
    FOLLOW_UP = "follow_up", "Follow-up needed"
    REFERRED = "referred", "Referred"


class _Recorded(models.Model):
    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


def _past(errors: dict[str, str], name: str, value) -> None:
    if value and value > timezone.localdate():
        errors[name] = IN_THE_FUTURE


@tracked()
class MentalHealthNeed(_Recorded):
    """Where a person's mental health need stands as of `recorded_on`: the diagnosis known,
    who treats it (if anyone) and since when."""

    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="mental_health_needs"
    )
    recorded_on = models.DateField("as of")
    diagnosis = models.CharField(
        "diagnosis known", max_length=12, choices=MentalHealthDiagnosis.choices
    )
    treated_by = models.CharField(
        "in treatment with", max_length=10, choices=MentalHealthTreatment.choices
    )
    treated_since = models.DateField("in treatment since", null=True, blank=True)

    RECORDED_FIELDS: tuple[str, ...] = ("recorded_on", "diagnosis", "treated_by", "treated_since")

    class Meta:
        ordering = ["-recorded_on", "-id"]
        indexes = [
            models.Index(fields=["service_user", "-recorded_on", "-id"], name="mhneed_newest"),
        ]
        triggers = [never_deleted("care_mentalhealthneed")]

    def __str__(self) -> str:
        return f"Mental health need as of {self.recorded_on:%d/%m/%Y}"

    def in_words(self) -> str:
        words = self.get_diagnosis_display()
        if self.treated_by == MentalHealthTreatment.NONE:
            return f"{words}; not in treatment"
        since = f" since {self.treated_since:%d/%m/%Y}" if self.treated_since else ""
        return f"{words}; in treatment with: {self.get_treated_by_display()}{since}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _past(errors, "recorded_on", self.recorded_on)
        _past(errors, "treated_since", self.treated_since)
        if self.treated_by == MentalHealthTreatment.NONE and self.treated_since:
            errors["treated_since"] = NO_TREATMENT_NO_SINCE
        elif self.treated_by not in ("", MentalHealthTreatment.NONE) and not self.treated_since:
            errors.setdefault("treated_since", SINCE_NEEDED)
        if errors:
            raise ValidationError(errors)


@tracked()
class PharmacyArrangement(_Recorded):
    """The community pharmacy that dispenses to the person, and how, since when."""

    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="pharmacy_arrangements"
    )
    pharmacy_name = models.CharField(
        "pharmacy", max_length=200, help_text="For example: Boots, High Street."
    )
    dispensing = models.CharField(
        "dispensing arrangement", max_length=20, choices=Dispensing.choices
    )
    since = models.DateField("since")

    RECORDED_FIELDS: tuple[str, ...] = ("pharmacy_name", "dispensing", "since")

    class Meta:
        ordering = ["-since", "-id"]
        indexes = [
            models.Index(fields=["service_user", "-since", "-id"], name="pharmacy_newest"),
        ]
        triggers = [never_deleted("care_pharmacyarrangement")]

    def __str__(self) -> str:
        return f"{self.pharmacy_name}, since {self.since:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _past(errors, "since", self.since)
        if not (self.pharmacy_name or "").strip():
            errors["pharmacy_name"] = PHARMACY_NAME_NEEDED
        if errors:
            raise ValidationError(errors)


@tracked()
class PhysicalHealthCheck(_Recorded):
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="physical_health_checks"
    )
    checked_on = models.DateField("date")
    kind = models.CharField("check", max_length=16, choices=CheckKind.choices)
    outcome = models.CharField(max_length=10, choices=CheckOutcome.choices)

    RECORDED_FIELDS: tuple[str, ...] = ("checked_on", "kind", "outcome")

    class Meta:
        ordering = ["-checked_on", "-id"]
        indexes = [
            models.Index(fields=["service_user", "-checked_on", "-id"], name="physcheck_newest"),
        ]
        triggers = [never_deleted("care_physicalhealthcheck")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.checked_on:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _past(errors, "checked_on", self.checked_on)
        if errors:
            raise ValidationError(errors)
