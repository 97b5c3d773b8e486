"""Partner agencies as organisations Lantern shares with: their staff's access, the
information-sharing agreements with them, and each person's consent (or the recorded legal
basis) for sharing their details with one of them (`docs/partners.md`).

Consents and bases are never deleted: a withdrawal or an end date closes them, and the
history keeps who recorded what.
"""

import datetime
import uuid

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from cases.history import tracked
from cases.models import ServiceUser, today

NO_DELETE = pgtrigger.Protect(name="protect_delete", operation=pgtrigger.Delete)


class OrganisationKind(models.TextChoices):
    POLICE = "police", "Police"
    AMBULANCE = "ambulance", "Ambulance service"
    HOSPITAL = "hospital", "Hospital"
    PRISON = "prison", "Prison or probation"
    HOUSING = "housing", "Housing"
    MENTAL_HEALTH = "mental_health", "Mental health"
    OTHER = "other", "Other"


@tracked()
class PartnerOrganisation(models.Model):
    """An organisation outside the service whose named staff may sign in to Lantern."""

    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    active = models.BooleanField(
        default=True, help_text="An inactive organisation's staff see nothing."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@tracked()
class PartnerAccess(models.Model):
    """A partner user's place in their organisation, from one date until another."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_access"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="staff"
    )
    starts_on = models.DateField("access from", default=today)
    ends_on = models.DateField(
        "access until", null=True, blank=True, help_text="The last day they may sign in."
    )

    class Meta:
        verbose_name_plural = "partner access"
        ordering = ["organisation", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="partner_access_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation}"

    def in_force(self, on: datetime.date) -> bool:
        return (
            self.organisation.active
            and self.starts_on <= on
            and (self.ends_on is None or on <= self.ends_on)
        )


@tracked()
class SharingAgreement(models.Model):
    """An information-sharing agreement with one organisation: what, why, from and until."""

    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="agreements"
    )
    what = models.TextField("what is shared")
    purpose = models.TextField("for what purpose")
    starts_on = models.DateField("in force from")
    ends_on = models.DateField("in force until")

    class Meta:
        ordering = ["organisation", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="agreement_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return (
            f"Agreement with {self.organisation} {self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"
        )

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "An agreement cannot end before it starts."})


class ConsentHow(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    WRITTEN = "written", "In writing"
    PHONE = "phone", "By phone"
    VIDEO = "video", "By video call"


@tracked()
class Consent(models.Model):
    """A person's consent to share their details with one partner organisation."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="sharing_consents"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="consents"
    )
    given_on = models.DateField("given on")
    how = models.CharField("how it was given", max_length=12, choices=ConsentHow.choices)
    scope = models.TextField("what they agreed may be shared")
    withdrawn_on = models.DateField("withdrawn on", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        triggers = [NO_DELETE]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            )
        ]

    def __str__(self) -> str:
        return f"Consent to share with {self.organisation}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.given_on and self.given_on > today():
            errors["given_on"] = "This date is in the future."
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            errors["withdrawn_on"] = "Consent cannot be withdrawn before it was given."
        if errors:
            raise ValidationError(errors)


class LegalBasis(models.TextChoices):
    VITAL_INTERESTS = "vital_interests", "Vital interests (a risk to life, e.g. after an overdose)"
    SAFEGUARDING = "safeguarding", "Safeguarding a child or an adult at risk"
    CRIME = "crime", "Prevention or detection of crime"
    LEGAL_DUTY = "legal_duty", "A legal duty or court order"


@tracked()
class SharingBasis(models.Model):
    """A legal basis, recorded by whoever decided it, for sharing without consent."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="sharing_bases"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="bases"
    )
    basis = models.CharField("legal basis", max_length=20, choices=LegalBasis.choices)
    reason = models.TextField("why sharing without consent is justified")
    decided_by = models.CharField("who decided", max_length=120)
    decided_on = models.DateField("decided on")
    ends_on = models.DateField(
        "applies until", null=True, blank=True, help_text="Leave empty while it still applies."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "basis for sharing without consent"
        verbose_name_plural = "bases for sharing without consent"
        ordering = ["-decided_on", "-id"]
        triggers = [NO_DELETE]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("decided_on")),
                name="sharing_basis_ends_after_decided",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} for {self.organisation}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.decided_on and self.decided_on > today():
            errors["decided_on"] = "This date is in the future."
        if self.ends_on and self.decided_on and self.ends_on < self.decided_on:
            errors["ends_on"] = "It cannot end before it was decided."
        if errors:
            raise ValidationError(errors)
