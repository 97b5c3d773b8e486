"""The people Lantern holds: a service user's details and the vocabularies that describe them."""

import datetime
import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from cases import validators
from cases.history import tracked
from cases.models.common import DatedFromBirth, source_ref_field
from cases.models.organisation import LocalAuthority, Role, Team, User
from cases.search import Folded, LaterWords
from core import dates


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


class SexualOrientation(models.TextChoices):
    HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Other"
    NOT_STATED = "not_stated", "Prefers not to say"


class Religion(models.TextChoices):
    """Religion or belief, in the census's categories for England."""

    NO_RELIGION = "none", "No religion"
    CHRISTIAN = "christian", "Christian"
    BUDDHIST = "buddhist", "Buddhist"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Another religion or belief"
    NOT_STATED = "not_stated", "Prefers not to say"


class Disability(models.TextChoices):
    """A kind of disability the person says they have; a person may have several."""

    BEHAVIOUR = "behaviour", "Behaviour and emotional"
    HEARING = "hearing", "Hearing"
    DEXTERITY = "dexterity", "Manual dexterity"
    LEARNING = "learning", "Memory, or ability to concentrate, learn or understand"
    MOBILITY = "mobility", "Mobility and gross motor"
    DANGER = "danger", "Perception of physical danger"
    SELF_CARE = "self_care", "Personal, self-care and continence"
    PROGRESSIVE = "progressive", "Progressive conditions and physical health"
    SIGHT = "sight", "Sight"
    SPEECH = "speech", "Speech"
    OTHER = "other", "Another disability"
    NONE = "none", "No disability"
    NOT_STATED = "not_stated", "Prefers not to say"


# Answers that stand alone: none of them goes with a kind of disability.
DISABILITY_ALONE = (Disability.NONE, Disability.NOT_STATED)


@tracked()
class ServiceUser(models.Model):
    """A person the service supports, with the NDTMS identity fields and care details.

    The integer key never leaves the database: URLs carry `external_id`.
    """

    # What a worker records, in the form's order (see `cases.models`).
    RECORDED_FIELDS: tuple[str, ...] = (
        "first_name",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "nationality",
        "local_authority",
        "gp_practice_code",
        "sexual_orientation",
        "religion",
        "disabilities",
        "consent_to_ndtms",
        "nhs_number",
        "phone",
        "address",
        "postcode",
        "lives_alone",
        "team",
        "keyworker",
    )

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
    gp_practice_code = models.CharField(
        "GP practice code",
        max_length=6,
        blank=True,
        default="",
        db_default="",
        validators=[validators.validate_gp_practice_code],
        help_text="The registered GP practice's national code: a letter and five digits, "
        "e.g. A81001.",
    )
    sexual_orientation = models.CharField(
        max_length=12, choices=SexualOrientation.choices, blank=True, default="", db_default=""
    )
    religion = models.CharField(
        "religion or belief",
        max_length=12,
        choices=Religion.choices,
        blank=True,
        default="",
        db_default="",
    )
    # Several at once: each kind the person says they have, or one of `DISABILITY_ALONE`.
    disabilities = ArrayField(
        models.CharField(max_length=12, choices=Disability.choices),
        verbose_name="disability",
        default=list,
        blank=True,
        db_default=models.Value([], output_field=ArrayField(models.CharField(max_length=12))),
        help_text="Each that applies; empty until the person has been asked.",
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
            # "No disability" and "prefers not to say" are answers on their own.
            models.CheckConstraint(
                condition=~Q(disabilities__overlap=list(DISABILITY_ALONE), disabilities__len__gt=1),
                name="service_user_disability_alone_answers",
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

    @property
    def disability_labels(self) -> list[str]:
        return [Disability(value).label for value in self.disabilities]

    def age_on(self, day: datetime.date) -> int:
        return dates.age_on(self.date_of_birth, day)

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
        if self.gp_practice_code:
            self.gp_practice_code = self.gp_practice_code.strip().upper()
        if self.nhs_number:
            self.nhs_number = validators.normalise_nhs_number(self.nhs_number)
        if len(set(self.disabilities)) != len(self.disabilities):
            raise ValidationError({"disabilities": "Choose each disability once."})
        alone = [
            Disability(value).label for value in self.disabilities if value in DISABILITY_ALONE
        ]
        if alone and len(self.disabilities) > 1:
            raise ValidationError(
                {"disabilities": f"'{alone[0]}' cannot go with another answer: choose it alone."}
            )
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
