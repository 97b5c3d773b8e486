"""What happens in a person's life and care outside an episode's own dates: events (releases,
discharges, overdoses...), contacts with staff, and naloxone supplies."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from cases.history import tracked
from cases.models.common import DatedFromBirth, source_ref_field, today
from cases.models.organisation import User
from cases.models.people import ServiceUser
from cases.models.unidentified import UnidentifiedPerson


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
    PEER = "peer", "Peer, friend or family"
    PERSON = "person", "The person themselves (self-report)"
    # Recorded by the service when a repeat naloxone supply says the last kit was used on
    # the person (`NaloxoneSupply.source_of_overdose`).
    NALOXONE_KIT = "naloxone_kit", "Naloxone kit reported used"
    OTHER = "other", "Other"


class NaloxoneGiver(models.TextChoices):
    NOT_GIVEN = "not_given", "Not given"
    AMBULANCE = "ambulance", "Ambulance crew"
    PEER = "peer", "Peer, friend or family"
    STAFF = "staff", "Staff"
    POLICE = "police", "Police"
    NOT_KNOWN = "not_known", "Given, by someone not known"
    UNKNOWN = "unknown", "Not known whether given"


class FollowUpBasis(models.TextChoices):
    """What allows the service to follow the overdose up (UK GDPR and the duty of care)."""

    CONSENT = "consent", "Consent given"
    DIRECT_CARE = "direct_care", "Direct care of an existing client"
    VITAL_INTERESTS = "vital_interests", "Vital interests: life at risk"
    SAFEGUARDING = "safeguarding", "Safeguarding duty"
    NOT_YET_SOUGHT = "not_yet_sought", "Not yet sought: ask at first contact"
    DECLINED = "declined", "Declined: follow up only under a safeguarding duty"


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

    # What a worker records, in the form's order (see `cases.models`).
    RECORDED_FIELDS: tuple[str, ...] = (
        "kind",
        "status",
        "occurred_on",
        "occurred_at_time",
        "place",
        "substances_suspected",
        "naloxone_given_by",
        "naloxone_doses",
        "responders",
        "taken_to_hospital",
        "information_source",
        "followup_basis",
        "notes",
    )
    # The minimum overdose record: only a non-fatal overdose has these, which `clean()`,
    # the form's hints and the import's checks all read from here.
    OVERDOSE_FIELDS: tuple[str, ...] = (
        "occurred_at_time",
        "substances_suspected",
        "naloxone_given_by",
        "naloxone_doses",
        "responders",
        "taken_to_hospital",
        "information_source",
        "followup_basis",
    )

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = source_ref_field()
    # Empty only for an overdose of someone not yet known to the service, who is then
    # `unidentified_person` until linked to a record (`cases.services.unidentified_person_link`).
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.CASCADE, related_name="events", null=True, blank=True
    )
    unidentified_person = models.ForeignKey(
        UnidentifiedPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overdoses",
        help_text="Who the overdose happened to, while they were not yet known to the service.",
    )
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
    naloxone_given_by = models.CharField(
        "naloxone given", max_length=12, choices=NaloxoneGiver.choices, blank=True
    )
    naloxone_doses = models.PositiveSmallIntegerField("naloxone doses given", null=True, blank=True)
    responders = ArrayField(
        models.CharField(max_length=20, choices=Responder.choices), default=list, blank=True
    )
    # Empty means not known: a notifier often cannot know.
    taken_to_hospital = models.BooleanField(null=True, blank=True)
    information_source = models.CharField(
        "told by", max_length=20, choices=InformationSource.choices, blank=True
    )
    followup_basis = models.CharField(
        "consent or legal basis for follow-up",
        max_length=20,
        choices=FollowUpBasis.choices,
        blank=True,
    )
    # The repeat naloxone supply whose "previous kit used on them" reported this overdose.
    source_supply = models.OneToOneField(
        "NaloxoneSupply",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_overdose",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["service_user", "-occurred_on"]),
            # The follow-up sweep and the overdose figures read recent overdoses alone.
            models.Index(
                fields=["occurred_on"],
                condition=Q(kind="non_fatal_overdose"),
                name="event_overdose_by_date",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="happened")
                | Q(status="expected", kind__in=["prison_release", "hospital_discharge"]),
                name="event_only_releases_and_discharges_expected",
            ),
            models.CheckConstraint(
                condition=Q(service_user__isnull=False)
                | Q(unidentified_person__isnull=False, kind="non_fatal_overdose"),
                name="event_of_a_person_or_an_unidentified_overdose",
            ),
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
            if not self.information_source:
                errors["information_source"] = "Say who told the service about the overdose."
            if self.naloxone_doses is not None and self.naloxone_doses > 20:
                errors["naloxone_doses"] = "Naloxone doses must be 20 or fewer."
            if self.naloxone_doses and self.naloxone_given_by in (
                NaloxoneGiver.NOT_GIVEN,
                NaloxoneGiver.UNKNOWN,
            ):
                errors["naloxone_doses"] = (
                    "Doses are recorded only when naloxone was given: say who gave it."
                )
        else:
            for field in self.OVERDOSE_FIELDS:
                if getattr(self, field) not in (None, "", []):
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

    # What a worker records, in the form's order (see `cases.models`).
    RECORDED_FIELDS: tuple[str, ...] = ("contact_date", "contact_time", "kind", "status", "notes")

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
    """One supply of a naloxone kit, with the full supply record.

    Most kits go to a client (`service_user`); kits given to people who are not clients
    (family, friends, hostel staff, peers) are recorded without a case record, held by
    the supplying `team`, and carry nothing that identifies the recipient.
    """

    class Recipient(models.TextChoices):
        PERSON = "person", "The person at risk"
        FAMILY_FRIEND = "family_friend", "Family member or friend"
        PEER = "peer", "Peer"
        HOSTEL_STAFF = "hostel_staff", "Hostel or housing staff"
        WORKER = "worker", "A worker"

    class Formulation(models.TextChoices):
        INTRAMUSCULAR = "im", "Intramuscular injection"
        NASAL = "nasal", "Nasal spray"

    class SupplyType(models.TextChoices):
        FIRST = "first", "First supply"
        REPEAT = "repeat", "Repeat supply"

    class RepeatReason(models.TextChoices):
        USED_ON_SELF = "used_self", "Previous kit used on them"
        USED_ON_OTHER = "used_other", "Previous kit used on someone else"
        LOST = "lost", "Lost"
        EXPIRED = "expired", "Expired"
        CONFISCATED = "confiscated", "Confiscated"
        OTHER = "other", "Other"

    class Setting(models.TextChoices):
        SERVICE = "service", "Treatment service"
        OUTREACH = "outreach", "Outreach"
        PHARMACY = "pharmacy", "Pharmacy"
        PRISON_RELEASE = "prison_release", "On release from prison"
        HOSPITAL = "hospital", "Hospital"

    USED_REASONS = (RepeatReason.USED_ON_SELF, RepeatReason.USED_ON_OTHER)

    DATES_FROM_BIRTH = ("supplied_on", "kit_used_on")

    # What a worker records, in the form's order (see `cases.models`).
    RECORDED_FIELDS: tuple[str, ...] = (
        "supplied_on",
        "recipient",
        "formulation",
        "supply_type",
        "repeat_reason",
        "kit_used_on",
        "batch_number",
        "expiry_date",
        "training_given",
        "setting",
    )

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = source_ref_field()
    service_user = models.ForeignKey(
        ServiceUser,
        on_delete=models.CASCADE,
        related_name="naloxone_supplies",
        null=True,
        blank=True,
    )
    # Only for a kit given to someone who is not a client: the team that supplied it.
    team = models.ForeignKey(
        "Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supplied_on = models.DateField("date supplied")
    recipient = models.CharField(max_length=20, choices=Recipient.choices, default=Recipient.PERSON)
    formulation = models.CharField(max_length=10, choices=Formulation.choices)
    supply_type = models.CharField("first or repeat", max_length=10, choices=SupplyType.choices)
    repeat_reason = models.CharField(max_length=15, choices=RepeatReason.choices, blank=True)
    kit_used_on = models.DateField(
        "date the previous kit was used",
        null=True,
        blank=True,
        help_text="If the previous kit was used on them, when: their overdose is recorded.",
    )
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
            models.CheckConstraint(
                condition=Q(service_user__isnull=False, team__isnull=True)
                | (Q(service_user__isnull=True, team__isnull=False) & ~Q(recipient="person")),
                name="naloxone_to_a_client_or_by_a_team",
            ),
            models.CheckConstraint(
                condition=Q(kit_used_on__isnull=True)
                | Q(repeat_reason__in=["used_self", "used_other"]),
                name="naloxone_kit_used_date_only_when_used",
            ),
        ]
        indexes = [
            models.Index(fields=["service_user", "-supplied_on"]),
            models.Index(
                fields=["team", "-supplied_on"],
                condition=Q(team__isnull=False),
                name="naloxone_nonclient_by_team",
            ),
        ]

    def __str__(self) -> str:
        return f"Naloxone ({self.get_formulation_display()}) on {self.supplied_on:%d/%m/%Y}"

    @property
    def reports_overdose(self) -> bool:
        """Whether this supply tells the service its client overdosed: the previous kit
        was used on them."""
        return (
            self.service_user_id is not None
            and self.repeat_reason == self.RepeatReason.USED_ON_SELF
        )

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
        if self.kit_used_on:
            if self.repeat_reason not in self.USED_REASONS:
                errors.setdefault(
                    "kit_used_on", "A date of use goes only with a previous kit that was used."
                )
            elif self.supplied_on and self.kit_used_on > self.supplied_on:
                errors.setdefault(
                    "kit_used_on", "The previous kit was used before this supply: check the date."
                )
        if self.service_user_id is None and self.recipient == self.Recipient.PERSON:
            errors["recipient"] = "Say who received the kit: it is not a client's own supply."
        if errors:
            raise ValidationError(errors)
