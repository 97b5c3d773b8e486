"""The core case records: services, teams, staff, service users and their histories.

Models hold data, database constraints and `clean()` checks that need only the
row itself (and its parent). Writes go through `cases.services`; reads that
depend on who is asking go through `cases.selectors`.
"""

import datetime
import uuid

import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from cases import validators
from cases.history import tracked
from cases.search import Folded, LaterWords


def today() -> datetime.date:
    return timezone.localdate()


def source_ref_field() -> models.CharField:
    """The record's reference in the system it was imported from, matched on re-import."""
    return models.CharField(
        "source system reference",
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="The record's reference in the system it was imported from.",
    )


class DatedFromBirth:
    """A record dated in a person's life: none of its `DATES_FROM_BIRTH` may be before the
    person's birth. Each such model's `clean()` calls `birth_errors`; a test holds every
    date of every model that belongs to a person to this list or to its stated exceptions.
    """

    DATES_FROM_BIRTH: tuple[str, ...] = ()

    def person_born(self) -> datetime.date | None:
        person = self.service_user if self.service_user_id else None  # type: ignore[attr-defined]
        return person.date_of_birth if person else None

    def birth_errors(self) -> dict[str, str]:
        born = self.person_born()
        errors: dict[str, str] = {}
        if born is None:
            return errors
        for name in self.DATES_FROM_BIRTH:
            value = getattr(self, name)
            if value is None:
                continue
            try:
                validators.validate_not_before_birth(value, born)
            except ValidationError as invalid:
                errors[name] = invalid.messages[0]
        return errors


class Role(models.TextChoices):
    KEYWORKER = "keyworker", "Keyworker"
    TEAM_LEAD = "team_lead", "Team lead"
    GOVERNANCE = "governance", "Clinical governance"
    COMMISSIONER = "commissioner", "Commissioner"
    ADMINISTRATOR = "administrator", "Administrator"


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


class Reassignment(models.Model):
    """One change of a person's keyworker within their team: kept, never edited.

    Written only by `cases.services.service_user_reassign`.
    """

    service_user = models.ForeignKey(
        "ServiceUser", on_delete=models.CASCADE, related_name="reassignments"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="reassignments")
    from_keyworker = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_keyworker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reassigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reassigned_at = models.DateTimeField(default=timezone.now)
    # True when the team lead confirmed taking the new keyworker over the team's cap.
    over_cap = models.BooleanField(default=False)
    # Set when the person came from another team by an accepted transfer request
    # (`cases.services.transfer_request_answer`); `team` is then the team they joined.
    from_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Why the person moved, and what the new keyworker needs to know. Both are asked for
    # every move; moves made before they were asked for have them empty.
    reason = models.CharField("why they are moving", max_length=200, blank=True)
    handover_note = models.TextField("handover note for the new keyworker", blank=True)

    class Meta:
        ordering = ["-reassigned_at"]
        indexes = [models.Index(fields=["team", "-reassigned_at"])]

    def __str__(self) -> str:
        return (
            f"{self.service_user_id} to {self.to_keyworker} at {self.reassigned_at:%d/%m/%Y %H:%M}"
        )


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


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    OTHER = "I", "Other / indeterminate"
    NOT_STATED = "U", "Not stated"


class Ethnicity(models.TextChoices):
    WHITE_BRITISH = "A", "White British"
    WHITE_IRISH = "B", "White Irish"
    WHITE_OTHER = "C", "Any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = "D", "Mixed: White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "E", "Mixed: White and Black African"
    MIXED_WHITE_ASIAN = "F", "Mixed: White and Asian"
    MIXED_OTHER = "G", "Any other mixed background"
    INDIAN = "H", "Indian"
    PAKISTANI = "J", "Pakistani"
    BANGLADESHI = "K", "Bangladeshi"
    ASIAN_OTHER = "L", "Any other Asian background"
    CARIBBEAN = "M", "Black Caribbean"
    AFRICAN = "N", "Black African"
    BLACK_OTHER = "P", "Any other Black background"
    CHINESE = "R", "Chinese"
    OTHER = "S", "Any other ethnic group"
    NOT_STATED = "Z", "Not stated"


class Nationality(models.TextChoices):
    UK = "GBR", "United Kingdom"
    IRELAND = "IRL", "Ireland"
    POLAND = "POL", "Poland"
    ROMANIA = "ROU", "Romania"
    LITHUANIA = "LTU", "Lithuania"
    PORTUGAL = "PRT", "Portugal"
    OTHER_EU = "EU", "Other EU country"
    OTHER = "OTH", "Other country"
    NOT_STATED = "NS", "Not stated"


@tracked()
class ServiceUser(models.Model):
    """A person the service supports, with the NDTMS identity fields and care details.

    The integer key never leaves the database: URLs carry `external_id`.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = source_ref_field()
    client_ref = models.CharField(
        "client reference",
        max_length=30,
        unique=True,
        help_text="The service's own reference for this person, e.g. LAN-000123.",
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="service_users")
    keyworker = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
        limit_choices_to={"role__in": [Role.KEYWORKER, Role.TEAM_LEAD]},
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True)
    date_of_birth = models.DateField(validators=[validators.validate_date_of_birth])
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(
        max_length=1, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED
    )
    nationality = models.CharField(
        max_length=3, choices=Nationality.choices, default=Nationality.NOT_STATED
    )
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="local authority of residence",
    )
    consent_to_ndtms = models.BooleanField(
        "consents to NDTMS sharing",
        null=True,
        blank=True,
        help_text="Leave unknown until the person has been asked.",
    )
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[validators.validate_nhs_number]
    )
    phone = models.CharField(max_length=20, blank=True, validators=[validators.validate_uk_phone])
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validators.validate_postcode])
    lives_alone = models.BooleanField(null=True, blank=True)
    # Recorded when a death is notified (`cases.services.service_user_record_death`);
    # from this date the person leaves the risk population and the outreach worklist.
    date_of_death = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nhs_number"],
                condition=~Q(nhs_number=""),
                name="nhs_number_unique_when_given",
            ),
        ]
        indexes = [
            models.Index(fields=["keyworker", "team"]),
            models.Index(fields=["team"]),
            # The few who have died, read by the risk population on every recompute.
            models.Index(
                fields=["date_of_death"],
                condition=Q(date_of_death__isnull=False),
                name="service_user_died",
            ),
            # Prefix search by name (istartswith compares upper-cased values): the
            # death review list's search uses these.
            models.Index(
                OpClass(Upper("last_name"), name="varchar_pattern_ops"),
                name="service_user_last_name_prefix",
            ),
            models.Index(
                OpClass(Upper("first_name"), name="varchar_pattern_ops"),
                name="service_user_first_name_prefix",
            ),
            # The caseload search: by name, ignoring case and accents (`cases.search`).
            models.Index(
                OpClass(Folded("last_name"), name="text_pattern_ops"),
                name="service_user_last_name_fold",
            ),
            models.Index(
                OpClass(LaterWords(Folded("last_name")), name="text_pattern_ops"),
                name="service_user_last_name_words",
            ),
            models.Index(
                OpClass(Folded("first_name"), name="text_pattern_ops"),
                name="service_user_first_name_fold",
            ),
            models.Index(
                OpClass(Folded("preferred_name"), name="text_pattern_ops"),
                name="service_user_preferred_fold",
            ),
            # Search by date of birth, typed as dd/mm/yyyy.
            models.Index(fields=["date_of_birth"], name="service_user_born"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.client_ref})"

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}"

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def has_died(self) -> bool:
        return self.date_of_death is not None

    def validate_constraints(self, exclude=None) -> None:
        # Every model form and `full_clean` checks constraints, and the unique NHS number
        # would answer "already exists" about anyone in the service. Whether a number is
        # free for a record is decided only by `cases.services.nhs_number_claim`, which tells
        # a user nothing of people outside their scope; the database still refuses a
        # second holder.
        super().validate_constraints(exclude={*(exclude or ()), "nhs_number"})

    def clean(self) -> None:
        if self.postcode:
            self.postcode = validators.normalise_postcode(self.postcode)
        if self.nhs_number:
            self.nhs_number = validators.normalise_nhs_number(self.nhs_number)
        if self.date_of_death:
            try:
                validators.validate_date_of_death(self.date_of_death, self.date_of_birth)
            except ValidationError as invalid:
                raise ValidationError({"date_of_death": invalid.messages}) from invalid
        earliest = self.earliest_record_date()
        if earliest and self.date_of_birth and earliest < self.date_of_birth:
            raise ValidationError(
                {
                    "date_of_birth": f"The record holds an entry dated {earliest:%d/%m/%Y}, "
                    "before this date of birth: check the year."
                }
            )

    def earliest_record_date(self) -> datetime.date | None:
        """The earliest date of any record of this person kept with `DatedFromBirth`."""
        if self.pk is None:
            return None
        dates = []
        for relation in self._meta.related_objects:
            model = relation.related_model
            if not (isinstance(model, type) and issubclass(model, DatedFromBirth)):
                continue
            if relation.field.name != "service_user":
                continue
            found = model._default_manager.filter(service_user=self).aggregate(
                **{name: models.Min(name) for name in model.DATES_FROM_BIRTH}
            )
            dates += [day for day in found.values() if day is not None]
        return min(dates, default=None)


class ReferralSource(models.TextChoices):
    SELF = "self", "Self-referral"
    GP = "gp", "GP"
    HOSPITAL = "hospital", "Hospital / A&E"
    PRISON = "prison", "Prison"
    PROBATION = "probation", "Probation"
    POLICE = "police", "Police / arrest referral"
    SOCIAL_CARE = "social_care", "Social care"
    MENTAL_HEALTH = "mental_health", "Mental health service"
    OTHER = "other", "Other"


class Route(models.TextChoices):
    INJECT = "inject", "Injects"
    SNIFF = "sniff", "Sniffs"
    SMOKE = "smoke", "Smokes"
    ORAL = "oral", "Oral"
    OTHER = "other", "Other"


class InjectingStatus(models.TextChoices):
    CURRENTLY = "current", "Currently injecting"
    PREVIOUSLY = "previous", "Previously injected"
    NEVER = "never", "Never injected"
    DECLINED = "declined", "Declined to answer"


class AccommodationNeed(models.TextChoices):
    URGENT = "urgent", "Urgent need / no fixed abode"
    PROBLEM = "problem", "Housing problem"
    NONE = "none", "No housing problem"


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", "In paid work"
    UNEMPLOYED = "unemployed", "Unemployed, seeking work"
    NOT_SEEKING = "not_seeking", "Economically inactive"
    STUDENT = "student", "Student"
    RETIRED = "retired", "Retired"
    NOT_STATED = "not_stated", "Not stated"


@tracked()
class TreatmentEpisode(DatedFromBirth, models.Model):
    """One period of treatment, from referral to discharge."""

    DATES_FROM_BIRTH = ("referral_date", "triage_date", "start_date", "discharge_date")

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = source_ref_field()
    service_user = models.ForeignKey(ServiceUser, on_delete=models.CASCADE, related_name="episodes")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices)
    triage_date = models.DateField(null=True, blank=True)
    start_date = models.DateField("care plan start", null=True, blank=True)
    previously_treated = models.BooleanField(null=True, blank=True)
    substance_1 = models.ForeignKey(
        Substance, on_delete=models.PROTECT, related_name="+", verbose_name="main problem substance"
    )
    substance_2 = models.ForeignKey(
        Substance,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="second problem substance",
    )
    substance_3 = models.ForeignKey(
        Substance,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="third problem substance",
    )
    age_first_use = models.PositiveSmallIntegerField(
        "age at first use of main substance", null=True, blank=True
    )
    route = models.CharField(
        "route of main substance", max_length=10, choices=Route.choices, blank=True
    )
    injecting_status = models.CharField(max_length=10, choices=InjectingStatus.choices, blank=True)
    accommodation_need = models.CharField(
        max_length=10, choices=AccommodationNeed.choices, blank=True
    )
    dual_diagnosis = models.BooleanField("co-existing mental health need", null=True, blank=True)
    parental_status = models.BooleanField("is a parent", null=True, blank=True)
    children_living_with = models.PositiveSmallIntegerField(
        "children living with them", null=True, blank=True
    )
    pregnant = models.BooleanField(null=True, blank=True)
    employment_status = models.CharField(
        max_length=12, choices=EmploymentStatus.choices, blank=True
    )
    discharge_date = models.DateField(null=True, blank=True)
    discharge_reason = models.ForeignKey(
        DischargeReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    discharge_destination = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referral_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(triage_date__isnull=True) | Q(triage_date__gte=F("referral_date")),
                name="episode_triage_on_or_after_referral",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(start_date__gte=F("referral_date")),
                name="episode_start_on_or_after_referral",
            ),
            models.CheckConstraint(
                condition=Q(discharge_date__isnull=True)
                | Q(discharge_date__gte=F("referral_date")),
                name="episode_discharge_on_or_after_referral",
            ),
            models.CheckConstraint(
                condition=Q(discharge_date__isnull=True, discharge_reason__isnull=True)
                | Q(discharge_date__isnull=False, discharge_reason__isnull=False),
                name="episode_discharge_date_and_reason_together",
            ),
            models.UniqueConstraint(
                fields=["service_user"],
                condition=Q(discharge_date__isnull=True),
                name="one_open_episode_per_person",
            ),
        ]
        indexes = [models.Index(fields=["service_user", "-referral_date"])]

    def __str__(self) -> str:
        return f"Episode from {self.referral_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.discharge_date is None

    @property
    def successful_completion(self) -> bool:
        return bool(self.discharge_reason and self.discharge_reason.is_successful_completion)

    @property
    def unplanned_exit(self) -> bool:
        return bool(self.discharge_reason and self.discharge_reason.is_unplanned_exit)

    def clean(self) -> None:
        errors: dict[str, str] = self.birth_errors()
        now = today()
        for field in ("referral_date", "triage_date", "start_date", "discharge_date"):
            value = getattr(self, field)
            if value and value > now:
                errors[field] = "This date is in the future."
        if self.referral_date:
            if self.triage_date and self.triage_date < self.referral_date:
                errors.setdefault("triage_date", "Triage cannot be before the referral date.")
            if self.start_date and self.start_date < self.referral_date:
                errors.setdefault(
                    "start_date", "The care plan cannot start before the referral date."
                )
            if self.discharge_date and self.discharge_date < self.referral_date:
                errors.setdefault("discharge_date", "Discharge cannot be before the referral date.")
        if self.discharge_date and self.start_date and self.discharge_date < self.start_date:
            errors.setdefault("discharge_date", "Discharge cannot be before the care plan start.")
        if self.discharge_date and not self.discharge_reason_id:
            errors["discharge_reason"] = "Give the reason for discharge."
        if self.discharge_reason_id and not self.discharge_date:
            errors["discharge_date"] = "Give the discharge date for this discharge reason."
        if self.children_living_with and self.parental_status is False:
            errors["children_living_with"] = "Children are recorded but the person is not a parent."
        if self.age_first_use is not None and self.age_first_use > 100:
            errors["age_first_use"] = "Age at first use must be 100 or under."
        if errors:
            raise ValidationError(errors)


class InterventionType(models.TextChoices):
    PHARMACOLOGICAL = "pharmacological", "Prescribing (pharmacological)"
    PSYCHOSOCIAL = "psychosocial", "Psychosocial"
    RECOVERY_SUPPORT = "recovery_support", "Recovery support"
    INPATIENT_DETOX = "inpatient_detox", "Inpatient detoxification"
    RESIDENTIAL = "residential", "Residential rehabilitation"


class OstMedicine(models.TextChoices):
    METHADONE = "methadone", "Methadone"
    BUPRENORPHINE = "buprenorphine", "Buprenorphine (sublingual)"
    BUPRENORPHINE_DEPOT = "buprenorphine_depot", "Buprenorphine (long-acting injection)"
    DIAMORPHINE = "diamorphine", "Diamorphine"
    OTHER = "other", "Other opioid substitute"


@tracked()
class Intervention(DatedFromBirth, models.Model):
    """A treatment modality within an episode; OST prescribing carries its medicine."""

    class Setting(models.TextChoices):
        COMMUNITY = "community", "Community"
        INPATIENT = "inpatient", "Inpatient unit"
        RESIDENTIAL = "residential", "Residential"
        PRIMARY_CARE = "primary_care", "Primary care"
        PRISON = "prison", "Prison"
        RECOVERY = "recovery", "Recovery service"

    class ExitStatus(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNPLANNED = "unplanned", "Unplanned"
        WITHDRAWN = "withdrawn", "Withdrawn by provider"

    class Intention(models.TextChoices):
        STABILISATION = "stabilisation", "Stabilisation"
        WITHDRAWAL = "withdrawal", "Withdrawal"
        MAINTENANCE = "maintenance", "Maintenance"

    DATES_FROM_BIRTH = ("referral_date", "first_offered_date", "start_date", "end_date")

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = source_ref_field()
    episode = models.ForeignKey(
        TreatmentEpisode, on_delete=models.CASCADE, related_name="interventions"
    )
    kind = models.CharField("type", max_length=20, choices=InterventionType.choices)
    setting = models.CharField(max_length=20, choices=Setting.choices, default=Setting.COMMUNITY)
    referral_date = models.DateField(null=True, blank=True)
    first_offered_date = models.DateField("first appointment offered", null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    exit_status = models.CharField(max_length=10, choices=ExitStatus.choices, blank=True)
    intention = models.CharField(
        "prescribing intention", max_length=15, choices=Intention.choices, blank=True
    )
    medicine = models.CharField(
        "OST medicine", max_length=20, choices=OstMedicine.choices, blank=True
    )
    daily_dose_mg = models.DecimalField(
        "daily dose (mg)", max_digits=6, decimal_places=1, null=True, blank=True
    )
    supervised = models.BooleanField("supervised consumption", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="intervention_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["episode", "-start_date"])]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_ost(self) -> bool:
        return self.kind == InterventionType.PHARMACOLOGICAL and bool(self.medicine)

    def person_born(self) -> datetime.date | None:
        return self.episode.service_user.date_of_birth if self.episode_id else None

    def clean(self) -> None:
        errors: dict[str, str] = self.birth_errors()
        now = today()
        if self.start_date and self.start_date > now:
            errors["start_date"] = "The start date is in the future."
        if self.end_date and self.end_date > now:
            errors["end_date"] = "The end date is in the future."
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date is before the start date."
        if self.end_date and not self.exit_status:
            errors["exit_status"] = "Say whether the intervention ended as planned."
        if self.exit_status and not self.end_date:
            errors["end_date"] = "Give the end date for this exit status."
        if self.kind == InterventionType.PHARMACOLOGICAL:
            if not self.medicine:
                errors["medicine"] = "Choose the medicine prescribed."
            if not self.intention:
                errors["intention"] = "Choose the prescribing intention."
        elif self.medicine or self.intention or self.daily_dose_mg is not None:
            errors["kind"] = "Only a prescribing intervention has a medicine, intention or dose."
        if self.daily_dose_mg is not None and not 0 < self.daily_dose_mg <= 500:
            errors["daily_dose_mg"] = "The daily dose must be more than 0 and at most 500 mg."
        episode = self.episode if self.episode_id else None
        if episode and self.start_date:
            if self.start_date < episode.referral_date:
                errors.setdefault(
                    "start_date", "The intervention cannot start before the episode's referral."
                )
            if episode.discharge_date and self.start_date > episode.discharge_date:
                errors.setdefault(
                    "start_date", "The intervention cannot start after the episode ended."
                )
        if errors:
            raise ValidationError(errors)


class EventKind(models.TextChoices):
    PRISON_RELEASE = "prison_release", "Released from prison"
    HOSPITAL_DISCHARGE = "hospital_discharge", "Discharged from hospital"
    NON_FATAL_OVERDOSE = "non_fatal_overdose", "Non-fatal overdose"
    DETOX_COMPLETED = "detox_completed", "Completed detox"
    RESIDENTIAL_COMPLETED = "residential_completed", "Left residential treatment"
    HOUSING_LOST = "housing_lost", "Lost housing"
    HOUSING_FOUND = "housing_found", "Found housing"
    BEREAVEMENT = "bereavement", "Bereavement"
    RELATIONSHIP_BREAKDOWN = "relationship_breakdown", "Relationship breakdown"
    JOB_LOSS = "job_loss", "Lost job"
    CHILD_REMOVED = "child_removed", "Child removed into care"
    OTHER = "other", "Other significant event"


class OverdoseSubstance(models.TextChoices):
    OPIOIDS = "opioids", "Opioids"
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines"
    GABAPENTINOIDS = "gabapentinoids", "Pregabalin / gabapentin"
    ALCOHOL = "alcohol", "Alcohol"
    COCAINE = "cocaine", "Crack or cocaine"
    STIMULANTS = "stimulants", "Other stimulants"
    SYNTHETIC = "synthetic", "Synthetic opioids or cannabinoids"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class Responder(models.TextChoices):
    AMBULANCE = "ambulance", "Ambulance"
    PEER = "peer", "Friend or peer"
    FAMILY = "family", "Family"
    STAFF = "staff", "Staff"
    POLICE = "police", "Police"
    NONE = "none", "Nobody"


class InformationSource(models.TextChoices):
    AMBULANCE = "ambulance", "Ambulance service"
    EMERGENCY_DEPT = "emergency_dept", "A&E"
    POLICE = "police", "Police"
    PEER = "peer", "Peer or friend"
    PERSON = "person", "The person themselves"
    OTHER = "other", "Other"


class EventStatus(models.TextChoices):
    HAPPENED = "happened", "Happened"
    EXPECTED = "expected", "Expected (planned, not yet happened)"


# Events that can be known ahead: a planned release or discharge, entered as expected.
EXPECTABLE_KINDS = (EventKind.PRISON_RELEASE, EventKind.HOSPITAL_DISCHARGE)


@tracked()
class Event(DatedFromBirth, models.Model):
    """A dated, risk-relevant event in a person's life.

    A non-fatal overdose also carries the minimum overdose record; the other kinds
    leave those fields empty.
    """

    DATES_FROM_BIRTH = ("occurred_on",)

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = source_ref_field()
    service_user = models.ForeignKey(ServiceUser, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    # An expected event (a planned release or discharge) is shown as upcoming and fires no
    # rule until someone confirms it happened, with its actual date.
    status = models.CharField(
        "happened or expected",
        max_length=10,
        choices=EventStatus.choices,
        default=EventStatus.HAPPENED,
        db_default=EventStatus.HAPPENED,  # the import and the demo insert with SQL
    )
    occurred_on = models.DateField("date")
    notes = models.TextField(blank=True)
    occurred_at_time = models.TimeField("time", null=True, blank=True)
    place = models.CharField(max_length=120, blank=True)
    substances_suspected = ArrayField(
        models.CharField(max_length=20, choices=OverdoseSubstance.choices), default=list, blank=True
    )
    naloxone_doses = models.PositiveSmallIntegerField("naloxone doses given", null=True, blank=True)
    responders = ArrayField(
        models.CharField(max_length=20, choices=Responder.choices), default=list, blank=True
    )
    taken_to_hospital = models.BooleanField(null=True, blank=True)
    information_source = models.CharField(
        max_length=20, choices=InformationSource.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["service_user", "-occurred_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="happened")
                | Q(status="expected", kind__in=["prison_release", "hospital_discharge"]),
                name="event_only_releases_and_discharges_expected",
            )
        ]

    def __str__(self) -> str:
        expected = "expected " if self.is_expected else ""
        return f"{self.get_kind_display()} {expected}on {self.occurred_on:%d/%m/%Y}"

    @property
    def is_expected(self) -> bool:
        return self.status == EventStatus.EXPECTED

    @property
    def is_overdose(self) -> bool:
        return self.kind == EventKind.NON_FATAL_OVERDOSE

    def clean(self) -> None:
        errors: dict[str, str] = self.birth_errors()
        if self.is_expected:
            if self.kind not in EXPECTABLE_KINDS:
                errors["status"] = (
                    "Only a prison release or a hospital discharge can be entered as expected."
                )
            elif self.occurred_on and self.occurred_on < today() and self._state.adding:
                errors.setdefault(
                    "occurred_on",
                    "An expected date must be today or later: if it has happened, "
                    "record it as happened.",
                )
        elif self.occurred_on and self.occurred_on > today():
            errors.setdefault(
                "occurred_on",
                "This date is in the future: a planned release or discharge can be entered "
                "as expected.",
            )
        if self.is_overdose:
            if self.taken_to_hospital is None:
                errors["taken_to_hospital"] = "Say whether they were taken to hospital."
            if not self.information_source:
                errors["information_source"] = "Say who told the service about the overdose."
            if self.naloxone_doses is not None and self.naloxone_doses > 20:
                errors["naloxone_doses"] = "Naloxone doses must be 20 or fewer."
        else:
            overdose_only = {
                "occurred_at_time": self.occurred_at_time,
                "substances_suspected": self.substances_suspected,
                "naloxone_doses": self.naloxone_doses,
                "responders": self.responders,
                "taken_to_hospital": self.taken_to_hospital,
                "information_source": self.information_source,
            }
            for field, value in overdose_only.items():
                if value not in (None, "", []):
                    errors[field] = "Only an overdose record has this detail."
        if errors:
            raise ValidationError(errors)


class ContactKind(models.TextChoices):
    APPOINTMENT = "appointment", "Appointment"
    PHONE = "phone", "Phone call"
    HOME_VISIT = "home_visit", "Home visit"
    OUTREACH = "outreach", "Outreach"
    VIDEO = "video", "Video call"
    OTHER = "other", "Other"


class ContactStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "dna", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


@tracked()
class Contact(DatedFromBirth, models.Model):
    """A contact or appointment with a person, booked or held."""

    DATES_FROM_BIRTH = ("contact_date",)

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = source_ref_field()
    service_user = models.ForeignKey(ServiceUser, on_delete=models.CASCADE, related_name="contacts")
    staff = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact_date = models.DateField("date")
    contact_time = models.TimeField("time", null=True, blank=True)
    kind = models.CharField("type", max_length=20, choices=ContactKind.choices)
    status = models.CharField(max_length=10, choices=ContactStatus.choices)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contact_date", "-id"]
        indexes = [models.Index(fields=["service_user", "status", "-contact_date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.contact_date:%d/%m/%Y}"

    def clean(self) -> None:
        if errors := self.birth_errors():
            raise ValidationError(errors)
        if not self.contact_date or not self.status:
            return
        now = today()
        if self.status == ContactStatus.BOOKED and self.contact_date < now:
            raise ValidationError(
                {
                    "status": "A past appointment cannot still be booked: record whether they attended."
                }
            )
        if (
            self.status in (ContactStatus.ATTENDED, ContactStatus.DID_NOT_ATTEND)
            and self.contact_date > now
        ):
            raise ValidationError(
                {"contact_date": "Attendance can only be recorded for today or earlier."}
            )


@tracked()
class NaloxoneSupply(DatedFromBirth, models.Model):
    """One supply of a naloxone kit, with the full supply record."""

    class Recipient(models.TextChoices):
        PERSON = "person", "The person at risk"
        FAMILY_FRIEND = "family_friend", "Family member or friend"
        WORKER = "worker", "A worker"

    class Formulation(models.TextChoices):
        INTRAMUSCULAR = "im", "Intramuscular injection"
        NASAL = "nasal", "Nasal spray"

    class SupplyType(models.TextChoices):
        FIRST = "first", "First supply"
        REPEAT = "repeat", "Repeat supply"

    class RepeatReason(models.TextChoices):
        USED_ON_SELF = "used_self", "Used on themselves"
        USED_ON_OTHER = "used_other", "Used on someone else"
        LOST = "lost", "Lost"
        EXPIRED = "expired", "Expired"
        CONFISCATED = "confiscated", "Confiscated"
        OTHER = "other", "Other"

    class Setting(models.TextChoices):
        SERVICE = "service", "Treatment service"
        OUTREACH = "outreach", "Outreach"
        PHARMACY = "pharmacy", "Pharmacy"
        PRISON_RELEASE = "prison_release", "On release from prison"

    USED_REASONS = (RepeatReason.USED_ON_SELF, RepeatReason.USED_ON_OTHER)

    DATES_FROM_BIRTH = ("supplied_on",)

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = source_ref_field()
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.CASCADE, related_name="naloxone_supplies"
    )
    supplied_on = models.DateField("date supplied")
    recipient = models.CharField(max_length=20, choices=Recipient.choices, default=Recipient.PERSON)
    formulation = models.CharField(max_length=10, choices=Formulation.choices)
    supply_type = models.CharField("first or repeat", max_length=10, choices=SupplyType.choices)
    repeat_reason = models.CharField(max_length=15, choices=RepeatReason.choices, blank=True)
    batch_number = models.CharField(max_length=40)
    expiry_date = models.DateField("kit expiry date")
    training_given = models.BooleanField(default=False)
    setting = models.CharField("supplied in", max_length=20, choices=Setting.choices)
    supplied_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-supplied_on", "-id"]
        verbose_name_plural = "naloxone supplies"
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_date__gt=F("supplied_on")), name="naloxone_expires_after_supply"
            ),
            models.CheckConstraint(
                condition=Q(supply_type="repeat") | Q(repeat_reason=""),
                name="naloxone_repeat_reason_only_on_repeat",
            ),
        ]
        indexes = [models.Index(fields=["service_user", "-supplied_on"])]

    def __str__(self) -> str:
        return f"Naloxone ({self.get_formulation_display()}) on {self.supplied_on:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, str] = self.birth_errors()
        if self.supplied_on and self.supplied_on > today():
            errors["supplied_on"] = "The supply date is in the future."
        if self.supplied_on and self.expiry_date and self.expiry_date <= self.supplied_on:
            errors["expiry_date"] = "The kit's expiry date must be after the date it was supplied."
        if self.supply_type == self.SupplyType.REPEAT and not self.repeat_reason:
            errors["repeat_reason"] = "Say why a repeat kit was needed."
        if self.supply_type == self.SupplyType.FIRST and self.repeat_reason:
            errors["repeat_reason"] = "A first supply has no repeat reason."
        if errors:
            raise ValidationError(errors)


def audit_link(model, **options) -> models.ForeignKey:
    """A link from an append-only audit row: never constrained, never cascaded or nulled."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        **options,
    )


# --- Sign-in bookkeeping ----------------------------------------------------------------


class SignedInSession(models.Model):
    """Which sessions belong to whom, so that deactivating a user can end every one of them.

    Django's session store keeps no index by user; a row is added at each sign-in
    and removed at sign-out or when the user's sessions are ended.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"


# --- Audit of reads, and break-glass access ---------------------------------


class AccessKind(models.TextChoices):
    RECORD = "record", "Person's record"
    # An NHS number looked up across the whole service, to add a person or give a record
    # a new number: the user is told nothing of the answer, but the look-up itself is a
    # use of the record.
    CHECK = "check", "NHS number check"
    REVIEW = "review", "Death review"
    LIST = "list", "List of people"
    EXPORT = "export", "Export"
    REPORT = "report", "Access report"


class AccessEvent(models.Model):
    """One read of health data: a record, a review, a list of people or an export.

    Written by `cases.audit.record_access` (one per response) and never changed:
    a database trigger refuses UPDATE and DELETE. API requests have their own
    store, `ApiRequestLog`. `service_user` is set when the read was about one
    person, so "who looked at this person" is one indexed query.
    """

    at = models.DateTimeField("when (UTC)", default=timezone.now)
    user = audit_link(User)
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices)
    kind = models.CharField(max_length=10, choices=AccessKind.choices)
    view = models.CharField(max_length=80, help_text="The page or export, by URL name.")
    service_user = audit_link(ServiceUser, verbose_name="person")
    object_ref = models.CharField(
        "what", max_length=120, blank=True, help_text="The record's reference."
    )
    query = models.JSONField(default=dict, blank=True, help_text="Search or filter given.")
    rows = models.PositiveIntegerField(null=True, blank=True)
    break_glass = models.BooleanField(
        default=False, help_text="Read under break-glass access outside the user's teams."
    )
    path = models.CharField(max_length=500)
    remote_addr = models.GenericIPAddressField("from address", null=True, blank=True)
    request_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["service_user", "-at"], name="access_event_person"),
            models.Index(fields=["user", "-at"], name="access_event_user"),
            models.Index(fields=["-at"], name="access_event_at"),
        ]
        triggers = [
            # Append-only, with one exception: a streamed export is recorded
            # when it starts and its row count filled in once, when it ends.
            pgtrigger.Trigger(
                name="append_only_but_count_export",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func="""
                IF TG_OP = 'UPDATE' AND OLD.kind = 'export' AND OLD.rows IS NULL
                   AND NEW.rows IS NOT NULL
                   AND to_jsonb(NEW) - 'rows' = to_jsonb(OLD) - 'rows'
                THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'cases_accessevent is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
                """,
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} read {self.view} at {self.at:%Y-%m-%d %H:%M}"


BREAK_GLASS_HOURS = 12


@tracked()
class BreakGlassGrant(models.Model):
    """Time-limited access to one person outside a keyworker's teams, with the reason.

    Made by `cases.services.break_glass_grant_create`; while it runs, the person
    is visible to its user (`cases.selectors.service_users_visible_to`) and
    every read is audited as break-glass. Governance reviews each grant.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.CASCADE, related_name="+", verbose_name="person"
    )
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["user", "expires_at"], name="break_glass_active"),
            models.Index(
                fields=["-starts_at"],
                condition=Q(reviewed_at__isnull=True),
                name="break_glass_unreviewed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("starts_at")), name="break_glass_expires_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.service_user_id} from {self.starts_at:%Y-%m-%d %H:%M}"

    def is_active(self, now: datetime.datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.starts_at <= moment < self.expires_at


class TransferStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


@tracked()
class TransferRequest(models.Model):
    """A request to move a person known to one team to another team, answered by a lead of
    the team that holds them.

    Made by `cases.services.nhs_number_claim` when someone adds a person, or gives a
    record (`duplicate`) an NHS number, already held outside their scope: the requester
    is told nothing of the person, and the lead of `from_team` accepts (the person moves
    to `to_team` and `to_keyworker`, recorded as a `Reassignment`, where the two records
    can be made one) or declines (nothing moves). Kept, with its answer;
    `cases.services.transfer_request_answer` writes the answer.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.CASCADE, related_name="transfer_requests"
    )
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="transfers_out")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="transfers_in")
    to_keyworker = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(blank=True)
    # The requesting team's record that was given this person's NHS number: probably the
    # same person, recorded twice. Empty when the request came from adding a person.
    duplicate = models.ForeignKey(
        ServiceUser,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="record given the same NHS number",
    )

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["from_team", "status"], name="transfer_request_team")]
        constraints = [
            # Adding the same person twice asks once: one open request per person and team.
            models.UniqueConstraint(
                fields=["service_user", "to_team"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_team",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", answered_at__isnull=True)
                | (~Q(status="pending") & Q(answered_at__isnull=False)),
                name="transfer_answered_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.service_user_id} from {self.from_team_id} to {self.to_team_id} ({self.status})"
        )


class SecondFactorAttempt(models.Model):
    """One code given on the second-factor page, right or wrong, and where it came from.

    The second factor is throttled by session and by address from these rows
    (`config.signin.second_factor_refusal`), not on the authenticator app, so
    someone who knows only a user's password slows themselves down, not the user.
    Wrong codes from other sessions are shown to the user at their next sign-in and
    to governance ("Sign-in alerts"). Never changed: a trigger refuses UPDATE and DELETE.
    """

    at = models.DateTimeField("when (UTC)", default=timezone.now)
    user = audit_link(User)
    username = models.CharField(max_length=150)
    accepted = models.BooleanField()
    remote_addr = models.GenericIPAddressField("from address", null=True, blank=True)
    # A digest of the session key: it tells sessions apart without being one.
    session_digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="second_factor_user"),
            models.Index(fields=["session_digest", "-at"], name="second_factor_session"),
            models.Index(fields=["-at"], condition=Q(accepted=False), name="second_factor_wrong"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        outcome = "right" if self.accepted else "wrong"
        return f"{self.username}: {outcome} code at {self.at:%Y-%m-%d %H:%M}"
