"""Harm reduction and health: the dated history behind the episode's hepatitis and HIV
items. A blood-borne virus test from its offer to its result (and, for a positive
hepatitis C RNA result, treatment to its outcome), and the hepatitis B vaccination
course, dose by dose.

Every record keeps its write history (`cases.history`) and is never deleted: a trigger
refuses a DELETE, whoever asks. A test is updated as it moves on (offered, taken,
result back, treated); the history keeps each step.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.history import never_deleted, tracked
from cases.models import ServiceUser, Team

IN_THE_FUTURE = "This date cannot be in the future: use today's date or an earlier one."
TESTED_BEFORE_OFFERED = "The test cannot be before the day it was offered."
TESTED_BUT_DECLINED = "The test was declined: leave the test date empty, or say it was accepted."
RESULT_WITHOUT_TEST = "Give the date of the test with its result."
RESULT_DATE_WITHOUT_RESULT = "Choose the result, or leave its date empty."
RESULT_NEEDS_DATE = "Give the date the result came back."
RESULT_BEFORE_TEST = "The result cannot come back before the test."
TREATMENT_NOT_HEP_C_RNA = (
    "Treatment is recorded on a positive hepatitis C RNA result: record the result first."
)
STARTED_BEFORE_REFERRAL = "Treatment cannot start before the referral."
STARTED_NEEDED = "Give the date treatment started before it can be completed."
COMPLETED_BEFORE_STARTED = "Treatment cannot be completed before it started."
CURED_BEFORE_COMPLETED = "Say whether it cured once treatment is completed."
REFERRAL_BEFORE_RESULT = "The referral cannot be before the positive result."

NSP_NOTHING_GIVEN = "Give a count of what was given, or say that advice was given."
NSP_TOO_MANY = "Check the number: more than {most} at one visit is not likely."
NSP_TEAM_NOT_THE_PERSONS = "A named contact is recorded by the person's own team."
# The most of any one item plausibly given at one visit (a typo catcher, not a limit on need).
NSP_MOST_AT_ONCE = 500

DOSE_NUMBER_NEEDED = "Choose which dose this is."
DOSE_SCHEDULE_NEEDED = "Choose the schedule the course follows."
DOSE_ONLY = "Only a dose has a dose number and schedule: leave them empty."
NO_BOOSTER_ON_STANDARD = "The standard schedule has three doses: there is no fourth."
DOSE_OUT_OF_ORDER = "Record the doses in order: dose {missing} is not recorded yet."
DOSE_ALREADY_GIVEN = "Dose {number} is already recorded."
DOSE_BEFORE_PREVIOUS = "This dose cannot be before dose {previous} ({on:%d/%m/%Y})."
SCHEDULE_CHANGED = "The course follows the {schedule} schedule: keep the same one."

# A test's result is chased this many days after the test.
RESULT_CHASE_DAYS = 28


class Virus(models.TextChoices):
    HEP_C_ANTIBODY = "hcv_antibody", "Hepatitis C antibody"
    HEP_C_RNA = "hcv_rna", "Hepatitis C RNA (PCR)"
    HEP_B = "hbv", "Hepatitis B"
    HIV = "hiv", "HIV"


class BbvResult(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    NOT_KNOWN_YET = "pending", "Not known yet"
    INCONCLUSIVE = "inconclusive", "Inconclusive"


def _not_future(errors: dict[str, str], **dates: datetime.date | None) -> None:
    today = timezone.localdate()
    for name, value in dates.items():
        if value and value > today:
            errors[name] = IN_THE_FUTURE


@tracked()
class BloodBorneVirusTest(models.Model):
    """One test, from its offer to its result; for a positive hepatitis C RNA result, the
    referral to treatment and its outcome (cured: a sustained virological response)."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="bbv_tests"
    )
    virus = models.CharField("test for", max_length=12, choices=Virus.choices)
    offered_on = models.DateField("date offered")
    accepted = models.BooleanField(
        "accepted", help_text="Whether the person accepted the test when it was offered."
    )
    tested_on = models.DateField("test date", null=True, blank=True)
    result = models.CharField(max_length=12, choices=BbvResult.choices, blank=True)
    result_on = models.DateField("result date", null=True, blank=True)
    treatment_referred_on = models.DateField("referred for treatment", null=True, blank=True)
    treatment_started_on = models.DateField("treatment started", null=True, blank=True)
    treatment_completed_on = models.DateField("treatment completed", null=True, blank=True)
    cured = models.BooleanField("cured (sustained virological response)", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    RECORDED_FIELDS: tuple[str, ...] = (
        "virus",
        "offered_on",
        "accepted",
        "tested_on",
        "result",
        "result_on",
    )
    RESULT_FIELDS: tuple[str, ...] = ("tested_on", "result", "result_on")
    TREATMENT_FIELDS: tuple[str, ...] = (
        "treatment_referred_on",
        "treatment_started_on",
        "treatment_completed_on",
        "cured",
    )

    class Meta:
        ordering = ["-offered_on", "-id"]
        indexes = [
            models.Index(
                fields=["service_user", "-offered_on", "-id"], name="bbvtest_newest_first"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted=True) | Q(tested_on__isnull=True),
                name="bbvtest_tested_if_accepted",
            ),
            models.CheckConstraint(
                condition=Q(result="") | Q(tested_on__isnull=False),
                name="bbvtest_result_has_test",
            ),
            models.CheckConstraint(
                condition=Q(treatment_referred_on__isnull=True)
                | Q(virus="hcv_rna", result="positive"),
                name="bbvtest_treatment_on_hep_c_rna",
            ),
        ]
        triggers = [never_deleted("care_bloodbornevirustest")]

    def __str__(self) -> str:
        return f"{self.get_virus_display()} offered {self.offered_on:%d/%m/%Y}"

    @property
    def awaiting_result(self) -> bool:
        return self.tested_on is not None and self.result in ("", BbvResult.NOT_KNOWN_YET)

    @property
    def treatable(self) -> bool:
        return self.virus == Virus.HEP_C_RNA and self.result == BbvResult.POSITIVE

    def chase_result_on(self) -> datetime.date | None:
        if not self.awaiting_result or self.tested_on is None:
            return None
        return self.tested_on + datetime.timedelta(days=RESULT_CHASE_DAYS)

    def in_words(self) -> str:
        """The test as a keyworker says it: "Hepatitis C antibody: negative (12/03/2026)"."""
        name = self.get_virus_display()
        if not self.accepted:
            return f"{name}: offered {self.offered_on:%d/%m/%Y}, declined"
        if self.tested_on is None:
            return f"{name}: offered {self.offered_on:%d/%m/%Y}, accepted, not tested yet"
        if self.awaiting_result:
            return f"{name}: tested {self.tested_on:%d/%m/%Y}, result not known yet"
        return f"{name}: {self.get_result_display().lower()} ({self.tested_on:%d/%m/%Y})"

    def treatment_in_words(self) -> str:
        if not self.treatable:
            return ""
        if self.cured is not None:
            return "Treated: cured" if self.cured else "Treated: not cured"
        if self.treatment_completed_on:
            return f"Treatment completed {self.treatment_completed_on:%d/%m/%Y}"
        if self.treatment_started_on:
            return f"In treatment since {self.treatment_started_on:%d/%m/%Y}"
        if self.treatment_referred_on:
            return f"Referred for treatment {self.treatment_referred_on:%d/%m/%Y}"
        return "Not yet referred for treatment"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(
            errors,
            offered_on=self.offered_on,
            tested_on=self.tested_on,
            result_on=self.result_on,
            treatment_referred_on=self.treatment_referred_on,
            treatment_started_on=self.treatment_started_on,
            treatment_completed_on=self.treatment_completed_on,
        )
        if self.tested_on and "tested_on" not in errors:
            if not self.accepted:
                errors["tested_on"] = TESTED_BUT_DECLINED
            elif self.offered_on and self.tested_on < self.offered_on:
                errors["tested_on"] = TESTED_BEFORE_OFFERED
        if self.result and not self.tested_on:
            errors.setdefault("tested_on", RESULT_WITHOUT_TEST)
        if self.result_on and "result_on" not in errors:
            if not self.result or self.result == BbvResult.NOT_KNOWN_YET:
                errors["result_on"] = RESULT_DATE_WITHOUT_RESULT
            elif self.tested_on and self.result_on < self.tested_on:
                errors["result_on"] = RESULT_BEFORE_TEST
        elif self.result and self.result != BbvResult.NOT_KNOWN_YET and not self.result_on:
            errors.setdefault("result_on", RESULT_NEEDS_DATE)
        self._clean_treatment(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_treatment(self, errors: dict[str, str]) -> None:
        referred, started = self.treatment_referred_on, self.treatment_started_on
        completed = self.treatment_completed_on
        if not (referred or started or completed or self.cured is not None):
            return
        if not self.treatable:
            errors.setdefault("treatment_referred_on", TREATMENT_NOT_HEP_C_RNA)
            return
        if not referred:
            errors.setdefault("treatment_referred_on", "Give the date of the referral.")
        elif self.result_on and referred < self.result_on:
            errors.setdefault("treatment_referred_on", REFERRAL_BEFORE_RESULT)
        if started and referred and started < referred:
            errors.setdefault("treatment_started_on", STARTED_BEFORE_REFERRAL)
        if completed and not started:
            errors.setdefault("treatment_started_on", STARTED_NEEDED)
        elif completed and started and completed < started:
            errors.setdefault("treatment_completed_on", COMPLETED_BEFORE_STARTED)
        if self.cured is not None and not completed:
            errors.setdefault("cured", CURED_BEFORE_COMPLETED)


class VaccinationKind(models.TextChoices):
    DOSE = "dose", "Dose given"
    IMMUNE = "immune", "Immune (tested)"
    DECLINED = "declined", "Declined"


class VaccineSchedule(models.TextChoices):
    """The hepatitis B schedules, as days or months after the first dose."""

    STANDARD = "standard", "Standard (0, 1 and 6 months)"
    ACCELERATED = "accelerated", "Accelerated (0, 1 and 2 months, booster at 12)"
    SUPER_ACCELERATED = "super", "Super accelerated (0, 7 and 21 days, booster at 12 months)"


# When each dose after the first falls due: (months, days) after the first dose.
DOSE_DUE_AFTER_FIRST: dict[str, dict[int, tuple[int, int]]] = {
    VaccineSchedule.STANDARD: {2: (1, 0), 3: (6, 0)},
    VaccineSchedule.ACCELERATED: {2: (1, 0), 3: (2, 0), 4: (12, 0)},
    VaccineSchedule.SUPER_ACCELERATED: {2: (0, 7), 3: (0, 21), 4: (12, 0)},
}
# The primary course is complete at its third dose; the fourth is the booster.
COURSE_DOSES = 3


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def dose_due_on(schedule: str, first: datetime.date, number: int) -> datetime.date | None:
    after = DOSE_DUE_AFTER_FIRST.get(schedule, {}).get(number)
    if after is None:
        return None
    months, days = after
    return add_months(first, months) + datetime.timedelta(days=days)


@tracked()
class HepatitisBVaccination(models.Model):
    """One step of a hepatitis B vaccination: a dose given (its number and schedule), or
    the person found immune by a test, or the vaccine declined."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="hep_b_vaccinations"
    )
    kind = models.CharField("what happened", max_length=10, choices=VaccinationKind.choices)
    given_on = models.DateField("date")
    dose_number = models.PositiveSmallIntegerField(
        "dose",
        null=True,
        blank=True,
        choices=[(n, f"Dose {n}") for n in (1, 2, 3)] + [(4, "Dose 4 (booster)")],
    )
    schedule = models.CharField(max_length=12, choices=VaccineSchedule.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    RECORDED_FIELDS: tuple[str, ...] = ("kind", "given_on", "dose_number", "schedule")

    class Meta:
        ordering = ["given_on", "id"]
        indexes = [
            models.Index(fields=["service_user", "given_on", "id"], name="hepbvacc_in_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="dose", dose_number__isnull=False) & ~Q(schedule="")
                | (~Q(kind="dose") & Q(dose_number__isnull=True, schedule="")),
                name="hepbvacc_dose_has_number_and_schedule",
            ),
            models.UniqueConstraint(
                fields=["service_user", "dose_number"],
                condition=Q(kind="dose"),
                name="hepbvacc_each_dose_once",
            ),
        ]
        triggers = [never_deleted("care_hepatitisbvaccination")]

    def __str__(self) -> str:
        if self.kind == VaccinationKind.DOSE:
            return f"Hepatitis B dose {self.dose_number} on {self.given_on:%d/%m/%Y}"
        return f"Hepatitis B: {self.get_kind_display().lower()} on {self.given_on:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, given_on=self.given_on)
        if self.kind == VaccinationKind.DOSE:
            if self.dose_number is None:
                errors["dose_number"] = DOSE_NUMBER_NEEDED
            if not self.schedule:
                errors["schedule"] = DOSE_SCHEDULE_NEEDED
            elif self.schedule == VaccineSchedule.STANDARD and self.dose_number == 4:
                errors["dose_number"] = NO_BOOSTER_ON_STANDARD
            if not errors and self.service_user_id is not None:
                self._clean_course(errors)
        elif self.kind and (self.dose_number is not None or self.schedule):
            errors["dose_number" if self.dose_number is not None else "schedule"] = DOSE_ONLY
        if errors:
            raise ValidationError(errors)

    def _clean_course(self, errors: dict[str, str]) -> None:
        """Doses in order, each once, each after the one before, on one schedule."""
        given = {
            dose.dose_number: dose
            for dose in HepatitisBVaccination.objects.filter(
                service_user_id=self.service_user_id, kind=VaccinationKind.DOSE
            ).exclude(pk=self.pk)
        }
        number = self.dose_number or 0
        if number in given:
            errors["dose_number"] = DOSE_ALREADY_GIVEN.format(number=number)
            return
        missing = next((n for n in range(1, number) if n not in given), None)
        if missing is not None:
            errors["dose_number"] = DOSE_OUT_OF_ORDER.format(missing=missing)
            return
        first = given.get(1)
        if first is not None and first.schedule != self.schedule:
            errors["schedule"] = SCHEDULE_CHANGED.format(
                schedule=first.get_schedule_display().split(" (")[0].lower()
            )
        previous = given.get(number - 1)
        if previous is not None and self.given_on and self.given_on < previous.given_on:
            errors["given_on"] = DOSE_BEFORE_PREVIOUS.format(
                previous=number - 1, on=previous.given_on
            )


@tracked()
class NeedleExchangeContact(models.Model):
    """A needle and syringe programme contact: what was given and whether harm reduction
    advice was. Named when the person is known to the service; anonymous contacts (no
    person) are counted for the team without a record of anyone."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    service_user = models.ForeignKey(
        ServiceUser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nsp_contacts",
    )
    contact_on = models.DateField("date")
    needles_syringes = models.PositiveSmallIntegerField("needles and syringes", default=0)
    foil = models.PositiveSmallIntegerField("sheets of foil", default=0)
    other_kit = models.PositiveSmallIntegerField(
        "other kit",
        default=0,
        help_text="Items such as filters, spoons, water, swabs and sharps bins.",
    )
    advice_given = models.BooleanField("harm reduction advice given", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    RECORDED_FIELDS: tuple[str, ...] = (
        "contact_on",
        "needles_syringes",
        "foil",
        "other_kit",
        "advice_given",
    )
    COUNTS: tuple[str, ...] = ("needles_syringes", "foil", "other_kit")

    class Meta:
        ordering = ["-contact_on", "-id"]
        indexes = [
            models.Index(fields=["team", "contact_on"], name="nspcontact_team_by_day"),
            models.Index(
                fields=["service_user", "-contact_on", "-id"],
                condition=Q(service_user__isnull=False),
                name="nspcontact_person_newest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(needles_syringes__gt=0)
                | Q(foil__gt=0)
                | Q(other_kit__gt=0)
                | Q(advice_given=True),
                name="nspcontact_something_given",
            ),
        ]
        triggers = [never_deleted("care_needleexchangecontact")]

    def __str__(self) -> str:
        return f"Needle exchange contact on {self.contact_on:%d/%m/%Y}"

    def given_in_words(self) -> str:
        parts = [
            f"{count} {label}"
            for count, label in (
                (self.needles_syringes, "needles and syringes"),
                (self.foil, "foil"),
                (self.other_kit, "other kit"),
            )
            if count
        ]
        if self.advice_given:
            parts.append("advice given")
        return ", ".join(parts)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, contact_on=self.contact_on)
        for name in self.COUNTS:
            if (getattr(self, name) or 0) > NSP_MOST_AT_ONCE:
                errors[name] = NSP_TOO_MANY.format(most=NSP_MOST_AT_ONCE)
        if not any(getattr(self, name) for name in self.COUNTS) and not self.advice_given:
            errors.setdefault("needles_syringes", NSP_NOTHING_GIVEN)
        if (
            self.service_user_id is not None
            and self.team_id is not None
            and self.service_user.team_id != self.team_id
        ):
            errors["__all__"] = NSP_TEAM_NOT_THE_PERSONS
        if errors:
            raise ValidationError(errors)
