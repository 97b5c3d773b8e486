"""The organisation: staff and their roles, services, teams and who is in them, and the
reference lists records choose from (local authorities, substances, discharge reasons)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q

from cases.history import tracked
from cases.models.common import today


class Role(models.TextChoices):
    KEYWORKER = "keyworker", "Keyworker"
    TEAM_LEAD = "team_lead", "Team lead"
    GOVERNANCE = "governance", "Clinical governance"
    COMMISSIONER = "commissioner", "Commissioner"
    ADMINISTRATOR = "administrator", "Administrator"
    # Staff of a partner organisation (partners.PartnerAccess): see only what is shared.
    PARTNER = "partner", "Partner agency staff"


class User(AbstractUser):
    """A member of staff. What they may see follows from their role and teams."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.KEYWORKER)
    # The column is on the user's table, so the link stays here; it names the commissioner
    # API's model by label, and nothing in cases imports the API.
    api_client = models.ForeignKey(
        "commissioning.ApiClient",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commissioners",
        verbose_name="API client",
        help_text="For a commissioner: the organisation whose extracts they may pull.",
    )

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Service(models.Model):
    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(
        max_length=20, unique=True, help_text="The provider's NDTMS agency code."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    caseload_cap = models.PositiveSmallIntegerField(
        default=60, help_text="The most people one keyworker in this team should hold."
    )
    duty_worker = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who follows up an overdose of someone without a keyworker in this team "
        "(a team lead when empty).",
    )

    class Meta:
        ordering = ["service__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="team_name_unique_in_service")
        ]

    def __str__(self) -> str:
        return self.name


@tracked()
class TeamMembership(models.Model):
    """A member of staff's time-bound place in a team; it ends rather than being deleted."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    starts_on = models.DateField(default=today)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="membership_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class LocalAuthority(models.Model):
    code = models.CharField(max_length=9, unique=True, help_text="ONS code, e.g. E06000035")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class SubstanceCategory(models.TextChoices):
    OPIOID = "opioid", "Opioid"
    BENZODIAZEPINE = "benzodiazepine", "Benzodiazepine"
    GABAPENTINOID = "gabapentinoid", "Gabapentinoid"
    ALCOHOL = "alcohol", "Alcohol"
    CRACK = "crack", "Crack cocaine"
    COCAINE = "cocaine", "Powder cocaine"
    STIMULANT = "stimulant", "Other stimulant"
    CANNABIS = "cannabis", "Cannabis"
    OTHER = "other", "Other"


class Substance(models.Model):
    """A problem substance as recorded on an episode (a lookup managed in admin)."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=80)
    category = models.CharField(max_length=20, choices=SubstanceCategory.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DischargeReason(models.Model):
    """NDTMS discharge reasons, versioned with the dataset that defines them."""

    class Group(models.TextChoices):
        COMPLETED = "completed", "Completed"
        TRANSFERRED = "transferred", "Transferred"
        INCOMPLETE = "incomplete", "Incomplete"

    dataset_version = models.CharField(max_length=20)
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=120)
    group = models.CharField(max_length=20, choices=Group.choices)
    is_successful_completion = models.BooleanField(default=False)
    is_unplanned_exit = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["group", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset_version", "code"], name="discharge_reason_unique_in_version"
            )
        ]

    def __str__(self) -> str:
        return self.label
