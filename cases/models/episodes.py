"""Treatment: episodes, from referral to discharge, and the interventions given in them."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from cases.history import tracked
from cases.models.common import DatedFromBirth, source_ref_field, today
from cases.models.organisation import DischargeReason, Substance, Team
from cases.models.people import ServiceUser


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


# Injects or has injected: offered hepatitis C tests by the care record, and counted as
# such by the harm reduction figures.
INJECTS_OR_HAS = (InjectingStatus.CURRENTLY, InjectingStatus.PREVIOUSLY)


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


class BbvIntervention(models.TextChoices):
    """Whether a hepatitis intervention (a test, a vaccination) was offered and taken up."""

    ACCEPTED = "accepted", "Offered and accepted"
    REFUSED = "refused", "Offered and refused"
    NOT_OFFERED = "not_offered", "Not offered"
    IMMUNISED = "immunised", "Already immunised"
    ACQUIRED_IMMUNITY = "acquired", "Immune after an infection"


class HepBVaccinations(models.TextChoices):
    ONE = "1", "One vaccination"
    TWO = "2", "Two vaccinations"
    THREE = "3", "Three vaccinations"
    COMPLETED = "completed", "Course completed"


class DischargeDestination(models.TextChoices):
    COMMUNITY_TREATMENT = "community_treatment", "Treatment with another community service"
    PRISON_TREATMENT = "prison_treatment", "Treatment in prison"
    PRIMARY_CARE = "primary_care", "Care from their GP"
    RECOVERY_SUPPORT = "recovery_support", "Recovery support or mutual aid only"
    NONE = "none", "No further treatment"
    NOT_KNOWN = "not_known", "Not known"


@tracked()
class TreatmentEpisode(DatedFromBirth, models.Model):
    """One period of treatment, from referral to discharge."""

    DATES_FROM_BIRTH = (
        "referral_date",
        "triage_date",
        "start_date",
        "hep_c_test_date",
        "discharge_date",
    )

    # What a worker records, in the form's order (see `cases.models`).
    RECORDED_FIELDS: tuple[str, ...] = (
        "referral_date",
        "referral_source",
        "triage_date",
        "start_date",
        "previously_treated",
        "substance_1",
        "substance_2",
        "substance_3",
        "age_first_use",
        "route",
        "injecting_status",
        "alcohol_days",
        "alcohol_units",
        "hep_c_intervention",
        "hep_c_test_date",
        "hep_c_positive",
        "hep_b_intervention",
        "hep_b_vaccinations",
        "accommodation_need",
        "dual_diagnosis",
        "parental_status",
        "children_living_with",
        "all_children_live_with",
        "pregnant",
        "employment_status",
        "discharge_date",
        "discharge_reason",
        "discharge_destination_kind",
        "discharge_destination",
    )

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
    alcohol_days = models.PositiveSmallIntegerField(
        "days drinking in the last 28", null=True, blank=True
    )
    alcohol_units = models.PositiveSmallIntegerField(
        "units on a typical drinking day", null=True, blank=True
    )
    hep_c_intervention = models.CharField(
        "hepatitis C test",
        max_length=12,
        choices=BbvIntervention.choices,
        blank=True,
        default="",
        db_default="",
    )
    hep_c_test_date = models.DateField("latest hepatitis C test", null=True, blank=True)
    hep_c_positive = models.BooleanField("hepatitis C antibody positive", null=True, blank=True)
    hep_b_intervention = models.CharField(
        "hepatitis B vaccination",
        max_length=12,
        choices=BbvIntervention.choices,
        blank=True,
        default="",
        db_default="",
    )
    hep_b_vaccinations = models.CharField(
        "hepatitis B vaccinations given",
        max_length=10,
        choices=HepBVaccinations.choices,
        blank=True,
        default="",
        db_default="",
    )
    accommodation_need = models.CharField(
        max_length=10, choices=AccommodationNeed.choices, blank=True
    )
    dual_diagnosis = models.BooleanField("co-existing mental health need", null=True, blank=True)
    parental_status = models.BooleanField("is a parent", null=True, blank=True)
    children_living_with = models.PositiveSmallIntegerField(
        "children living with them", null=True, blank=True
    )
    # With the count, says whether all, some or none of a parent's children live with them.
    all_children_live_with = models.BooleanField(
        "all their children live with them",
        null=True,
        blank=True,
        help_text="For a parent with children living with them: all of their children, or "
        "only some.",
    )
    pregnant = models.BooleanField(null=True, blank=True)
    employment_status = models.CharField(
        max_length=12, choices=EmploymentStatus.choices, blank=True
    )
    discharge_date = models.DateField(null=True, blank=True)
    discharge_reason = models.ForeignKey(
        DischargeReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    discharge_destination_kind = models.CharField(
        "where they went on discharge",
        max_length=20,
        choices=DischargeDestination.choices,
        blank=True,
        default="",
        db_default="",
    )
    discharge_destination = models.CharField(
        "discharge destination (details)", max_length=120, blank=True
    )
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
            models.CheckConstraint(
                condition=Q(alcohol_days__isnull=True) | Q(alcohol_days__lte=28),
                name="episode_alcohol_days_in_28",
            ),
            models.CheckConstraint(
                condition=Q(all_children_live_with__isnull=True)
                | Q(parental_status=True, children_living_with__gt=0),
                name="episode_all_children_of_a_parent_with_children",
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
        if self.all_children_live_with is not None and not self.parental_status:
            errors["all_children_live_with"] = "Say this only for a parent."
        elif self.all_children_live_with is not None and not self.children_living_with:
            errors["all_children_live_with"] = (
                "Say this only when some children live with them: give how many first."
            )
        if self.alcohol_days is not None and self.alcohol_days > 28:
            errors["alcohol_days"] = "Days drinking must be between 0 and 28."
        if self.alcohol_units is not None and self.alcohol_units > 200:
            errors["alcohol_units"] = "Units on a typical drinking day must be 200 or under."
        if self.alcohol_units and self.alcohol_days == 0:
            errors["alcohol_units"] = "Units are recorded but no days drinking."
        if self.hep_c_positive is not None and not self.hep_c_test_date:
            errors["hep_c_test_date"] = "Give the date of the test with its result."
        if (
            self.hep_b_intervention
            in (BbvIntervention.IMMUNISED, BbvIntervention.ACQUIRED_IMMUNITY)
            and self.hep_b_vaccinations
        ):
            errors["hep_b_vaccinations"] = "Vaccinations are recorded but the person is immune."
        if self.hep_c_intervention in (
            BbvIntervention.IMMUNISED,
            BbvIntervention.ACQUIRED_IMMUNITY,
        ):
            errors["hep_c_intervention"] = (
                "There is no vaccination against hepatitis C: choose whether a test was offered."
            )
        if self.discharge_destination_kind and not self.discharge_date:
            errors["discharge_destination_kind"] = "Give the discharge date first."
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
        RELAPSE_PREVENTION = "relapse_prevention", "Relapse prevention"

    class Approach(models.TextChoices):
        """What a psychosocial or recovery support intervention consists of."""

        MOTIVATIONAL = "motivational", "Psychosocial: motivational interventions"
        CONTINGENCY = "contingency", "Psychosocial: contingency management"
        FAMILY_NETWORK = "family_network", "Psychosocial: family and social network"
        COGNITIVE = "cognitive", "Psychosocial: cognitive and behavioural"
        MENTAL_HEALTH_THERAPY = "mh_therapy", "Psychosocial: therapy for a mental health problem"
        PSYCHODYNAMIC = "psychodynamic", "Psychosocial: psychodynamic therapy"
        TWELVE_STEP = "twelve_step", "Psychosocial: 12-step work"
        COUNSELLING = "counselling", "Psychosocial: counselling"
        PSYCHOSOCIAL_OTHER = "psy_other", "Psychosocial: other"
        PEER_SUPPORT = "peer", "Recovery: peer support"
        MUTUAL_AID = "mutual_aid", "Recovery: facilitated access to mutual aid"
        FAMILY_SUPPORT = "family", "Recovery: family support"
        PARENTING = "parenting", "Recovery: parenting support"
        HOUSING = "housing", "Recovery: housing support"
        EMPLOYMENT = "employment", "Recovery: employment support"
        EDUCATION = "education", "Recovery: education and training"
        WORK_PROJECT = "work_project", "Recovery: supported work project"
        CHECK_UPS = "check_ups", "Recovery: recovery check-ups"
        RELAPSE_PREVENTION = "relapse", "Recovery: relapse prevention"
        COMPLEMENTARY = "complementary", "Recovery: complementary therapies"
        MENTAL_HEALTH = "mental_health", "Recovery: mental health support"
        RECOVERY_OTHER = "rec_other", "Recovery: other"

    DATES_FROM_BIRTH = ("referral_date", "first_offered_date", "start_date", "end_date")

    # What a worker records, in the form's order (see `cases.models`).
    RECORDED_FIELDS: tuple[str, ...] = (
        "episode",
        "kind",
        "setting",
        "referral_date",
        "first_offered_date",
        "start_date",
        "end_date",
        "exit_status",
        "approach",
        "intention",
        "medicine",
        "daily_dose_mg",
        "supervised",
    )

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
    approach = models.CharField(
        "what it consists of",
        max_length=15,
        choices=Approach.choices,
        blank=True,
        default="",
        db_default="",
        help_text="For a psychosocial or recovery support intervention.",
    )
    intention = models.CharField(
        "prescribing intention", max_length=20, choices=Intention.choices, blank=True
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

    def approach_fits_kind(self) -> bool:
        part = {
            InterventionType.PSYCHOSOCIAL: "Psychosocial:",
            InterventionType.RECOVERY_SUPPORT: "Recovery:",
        }.get(self.kind)
        return part is not None and self.Approach(self.approach).label.startswith(part)

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
        if self.approach and not self.approach_fits_kind():
            errors["approach"] = (
                "Choose what it consists of only for a psychosocial or recovery support "
                "intervention, from its own part of the list."
            )
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
