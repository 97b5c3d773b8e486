"""Rule sets, recompute runs, flags with their history, overrides and outreach.

A rule set is versioned data: once activated it is never edited again, so every
flag and run can say exactly which rules produced it. Flags are intervals: a
flag is raised at a tier and stays open while the engine keeps giving that tier;
it ends (and a new one opens) when the tier changes, and ends for good when
nothing fires, so "was this person flagged on that date, at what tier and
why?" is one query. Nothing here is ever deleted.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from cases.history import tracked
from cases.models import DatedFromBirth, ServiceUser
from risk import engine, wording

# The engine's tiers with their words, highest first (`Tier.VERY_HIGH`, `Tier.choices`...).
# Built from the two declarations rather than restating them. django-stubs types only
# the class form of choices, not Django's documented functional form.
Tier = models.TextChoices(  # type: ignore[call-overload]
    "Tier", [(tier.upper(), (tier, wording.TIER_LABELS[tier])) for tier in engine.TIERS]
)


@tracked()
class RuleSet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=120)
    notes = models.TextField(blank=True, help_text="What changed in this version and why.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    raised_threshold = models.DecimalField(
        "raised from", max_digits=5, decimal_places=2, help_text="Combined weight for Raised."
    )
    high_threshold = models.DecimalField(
        "high from", max_digits=5, decimal_places=2, help_text="Combined weight for High."
    )
    very_high_threshold = models.DecimalField(
        "very high from",
        max_digits=5,
        decimal_places=2,
        help_text="Combined weight for Very high.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="active"), name="one_active_rule_set"
            ),
            models.CheckConstraint(
                condition=Q(raised_threshold__gt=0)
                & Q(high_threshold__gt=F("raised_threshold"))
                & Q(very_high_threshold__gt=F("high_threshold")),
                name="rule_set_thresholds_ascend",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.version}: {self.name} ({self.get_status_display().lower()})"

    def clean(self) -> None:
        raised, high, very_high = (
            self.raised_threshold,
            self.high_threshold,
            self.very_high_threshold,
        )
        if None in (raised, high, very_high):
            return
        if raised <= 0:
            raise ValidationError({"raised_threshold": "Raised must start above 0."})
        if high <= raised:
            raise ValidationError({"high_threshold": "High must start above Raised."})
        if very_high <= high:
            raise ValidationError({"very_high_threshold": "Very high must start above High."})

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def spec(self) -> engine.RuleSetSpec:
        """The rule set as the engine takes it."""
        return engine.RuleSetSpec(
            version=self.version,
            rules=tuple(rule.spec() for rule in self.rules.all()),
            raised=float(self.raised_threshold),
            high=float(self.high_threshold),
            very_high=float(self.very_high_threshold),
        )


CHECK_CHOICES = [(name, name.replace("_", " ")) for name in engine.CHECKS]


@tracked()
class Rule(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(max_length=40, help_text="Stable id of the rule across versions.")
    version = models.PositiveIntegerField(default=1)
    check_name = models.CharField(
        "check", max_length=40, choices=CHECK_CHOICES, help_text="What the engine evaluates."
    )
    title = models.CharField(max_length=120)
    looks_at = models.CharField("looks at", max_length=200)
    evidence = models.TextField()
    window_from = models.PositiveIntegerField(
        null=True, blank=True, help_text="Start of the window: days (ages for an age band)."
    )
    window_to = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="End of the window, inclusive: days (ages for an age band).",
    )
    min_count = models.PositiveSmallIntegerField(
        default=1,
        help_text="How many records it needs, for counting rules; for some checks a "
        "threshold, such as the TOP drinking days that make alcohol a problem.",
    )
    weight = models.DecimalField(max_digits=4, decimal_places=2)
    reason = models.CharField(
        max_length=200,
        help_text="Wording shown to keyworkers; may use {ago}, {date}, {count} and {detail}.",
    )
    enabled = models.BooleanField(default=True)
    exclusive_group = models.SlugField(
        "group",
        max_length=40,
        blank=True,
        help_text="Rules that measure the same exposure share a group: only the heaviest "
        "that fires for a person counts.",
    )
    min_tier = models.CharField(
        "never below",
        max_length=10,
        choices=Tier.choices,
        blank=True,
        default="",
        help_text="While this rule's window holds, the person's flag is at least this tier, "
        "however little else fires.",
        error_messages={
            "invalid_choice": "%(value)r is not a tier: choose one from the list, or leave "
            "it empty for no minimum."
        },
    )

    class Meta:
        ordering = ["rule_set", "-weight", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="rule_code_once_per_set"),
            models.CheckConstraint(
                condition=Q(window_from__isnull=True)
                | Q(window_to__isnull=True)
                | Q(window_to__gte=F("window_from")),
                name="rule_window_in_order",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="rule_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def clean(self) -> None:
        if (
            self.window_from is not None
            and self.window_to is not None
            and self.window_to < self.window_from
        ):
            raise ValidationError({"window_to": "The window must end on or after it starts."})
        for placeholder in engine.PLACEHOLDERS.findall(self.reason or ""):
            if placeholder not in ("{ago}", "{date}", "{count}", "{detail}"):
                raise ValidationError({"reason": f"{placeholder} is not a known placeholder."})

    def spec(self) -> engine.RuleSpec:
        return engine.RuleSpec(
            code=self.code,
            version=self.version,
            check=self.check_name,
            weight=float(self.weight),
            reason=self.reason,
            evidence=self.evidence,
            window_from=self.window_from,
            window_to=self.window_to,
            min_count=self.min_count,
            enabled=self.enabled,
            group=self.exclusive_group,
            min_tier=self.min_tier,
        )


class RecomputeRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Stopped before publishing"

    as_of = models.DateField()
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="runs")
    chunks = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    population = models.PositiveIntegerField(default=0)
    rows_read = models.BigIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    counts_by_tier = models.JSONField(default=dict)
    counts_by_rule = models.JSONField(default=dict)
    timings = models.JSONField(
        default=dict, help_text="Seconds spent loading, evaluating, publishing."
    )
    error = models.TextField(blank=True)
    steps_done = models.PositiveIntegerField(
        default=0, help_text="Steps finished so far: three a chunk, then the publish."
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Recompute as of {self.as_of:%d/%m/%Y} ({self.get_status_display().lower()})"

    # Each chunk reads its people's records, checks the rules and stages its flags; then
    # the run publishes every chunk's flags at once.
    STEPS_PER_CHUNK = 3

    @property
    def tier_shares(self) -> dict[str, float]:
        """Each tier's share of the population in percent (`engine.tier_shares`)."""
        return engine.tier_shares(self.counts_by_tier or {}, self.population)

    @property
    def steps_total(self) -> int:
        return self.chunks * self.STEPS_PER_CHUNK + 1

    @property
    def is_finished(self) -> bool:
        return self.status != self.Status.RUNNING

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.PUBLISHED:
            return 100
        # A retried chunk counts its steps again: never show more than the publish left.
        done = min(self.steps_done, self.steps_total - 1)
        return done * 100 // self.steps_total

    @property
    def stage(self) -> str:
        """What the run is doing now, in words an administrator reads on the progress page."""
        if self.status != self.Status.RUNNING:
            return self.get_status_display()
        computing = self.chunks * self.STEPS_PER_CHUNK
        if self.steps_done >= computing:
            return "Publishing the new flags"
        if self.chunks == 1:
            return (
                "Reading everyone's records",
                "Checking the rules",
                "Saving the flags to publish",
            )[self.steps_done]
        return f"Computing flags: {self.steps_done} of {computing} steps done"


# A summary's rewording alone (stored summaries once said "released 3 days ago" and
# were rewritten every night; now they hold the date and are worded when read) would
# add a history row per flag and tell nobody anything. Any other change is kept.
@tracked(wording_only=("summary",))
class Flag(models.Model):
    class Status(models.TextChoices):
        RAISED = "raised", "Raised"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        WORKED = "worked", "Being worked"
        ENDED = "ended", "Ended"
        OVERRIDDEN = "overridden", "Overridden"

    class EndReason(models.TextChoices):
        STOPPED_FIRING = "stopped_firing", "Rules stopped firing"
        TIER_CHANGED = "tier_changed", "Tier changed"
        OVERRIDDEN = "overridden", "Overridden"
        DIED = "died", "Died"

    OPEN_STATUSES = (Status.RAISED, Status.ACKNOWLEDGED, Status.WORKED)

    # Not stored: what `selectors.open_flag_for` attaches for the person page.
    pending_override: "FlagOverride | None"
    reason_list: "list[FlagReason]"
    minimum_reasons: "list[FlagReason]"  # the rules whose minimum tier holds it up
    tier_by_weight: str  # in words, the tier its weights alone reach, when lower

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Indexes are few on purpose: every nightly publish writes hundreds of
    # thousands of flags. The person's history index serves lookups by person;
    # rule sets, runs and users are never deleted, so their keys need none.
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="flags", db_index=False
    )
    tier = models.CharField(max_length=10, choices=Tier.choices)
    tier_rank = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=6, decimal_places=2)
    summary = models.CharField(max_length=400, help_text="The main reasons, largest first.")
    # A hash of the fired rules and their triggers: unchanged means the reasons
    # need not be rewritten.
    signature = models.BigIntegerField(default=0)
    rule_codes = ArrayField(
        models.CharField(max_length=40), default=list, help_text="Every rule that contributed."
    )
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="flags", db_index=False
    )
    raised_run = models.ForeignKey(
        RecomputeRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    raised_on = models.DateField()
    changed_on = models.DateField(help_text="When its score or reasons last changed.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RAISED)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_user"],
                condition=Q(ended_on__isnull=True),
                name="one_open_flag_per_person",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("raised_on")),
                name="flag_ends_after_raised",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-tier_rank", "raised_on"],
                condition=Q(ended_on__isnull=True),
                name="risk_flag_open_by_tier",
            ),
            models.Index(fields=["service_user", "raised_on"], name="risk_flag_person_history"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} flag raised {self.raised_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


@tracked()
class FlagReason(models.Model):
    """One fired rule behind a flag, as of the flag's last computation."""

    # Not stored: what `selectors.open_flag_for` attaches, the reason's rule and its
    # wording and window as of the page's day.
    rule: "Rule | None"
    text_now: str
    window: str

    # The (flag, position) index below serves lookups by flag: no second index.
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="reasons", db_index=False)
    position = models.PositiveSmallIntegerField()
    rule_code = models.CharField(max_length=40)
    rule_version = models.PositiveIntegerField()
    weight = models.DecimalField(max_digits=4, decimal_places=2)
    trigger_kind = models.CharField(max_length=20)
    trigger_id = models.BigIntegerField(null=True, blank=True)
    fired_from = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=200, blank=True)
    text = models.CharField(max_length=300, help_text="The wording when last computed.")

    class Meta:
        ordering = ["flag", "position"]
        indexes = [models.Index(fields=["flag", "position"], name="risk_reason_by_flag")]

    def __str__(self) -> str:
        return self.text


@tracked()
class FlagOverride(models.Model):
    """A flag marked not applicable by its keyworker or team lead, for a while, with a reason.

    Overriding a very high flag needs a team lead: a keyworker's override waits
    (`PENDING`, the flag stays open and shows "override pending") until a lead of
    the person's team approves or declines it; a lead's own takes effect at once
    (`LEAD_OWN`). Only an override in force (`IN_FORCE`) ends a flag or holds one back.
    """

    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed below very high"
        PENDING = "pending", "Waiting for a team lead"
        APPROVED = "approved", "Approved by a team lead"
        LEAD_OWN = "lead_own", "Made by a team lead (self-approved)"
        DECLINED = "declined", "Declined by a team lead"

    IN_FORCE = (Approval.NOT_NEEDED, Approval.APPROVED, Approval.LEAD_OWN)
    DECIDED = (Approval.APPROVED, Approval.LEAD_OWN, Approval.DECLINED)

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="overrides")
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    expires_on = models.DateField()
    rule_codes = ArrayField(
        models.CharField(max_length=40),
        help_text="The rules overridden; a rule not in this list raises a new flag.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    approval = models.CharField(
        max_length=12, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["service_user", "expires_on"])]
        constraints = [
            # A decision always says who made it and when; an undecided one says neither.
            models.CheckConstraint(
                condition=(
                    Q(
                        approval__in=["approved", "lead_own", "declined"],
                        decided_by__isnull=False,
                        decided_at__isnull=False,
                    )
                    | Q(
                        approval__in=["not_needed", "pending"],
                        decided_by__isnull=True,
                        decided_at__isnull=True,
                    )
                ),
                name="override_decision_recorded",
            ),
            models.UniqueConstraint(
                fields=["flag"],
                condition=Q(approval="pending"),
                name="one_pending_override_per_flag",
            ),
        ]

    def __str__(self) -> str:
        return f"Override until {self.expires_on:%d/%m/%Y}"

    @property
    def in_force(self) -> bool:
        return self.approval in self.IN_FORCE


class PersonRecompute(models.Model):
    """When a person's flags were last recomputed alone, so a nightly run started
    earlier does not overwrite a newer answer."""

    service_user = models.OneToOneField(
        ServiceUser, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Recomputed at {self.computed_at:%d/%m/%Y %H:%M}"


class OutreachMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    VISIT = "visit", "Visit"
    LETTER = "letter", "Letter"
    PARTNER = "partner", "Via a partner agency"


class OutreachOutcome(models.TextChoices):
    CONTACTED = "contacted", "Contacted"
    AGREED = "agreed_to_attend", "Agreed to attend"
    REMIND = "remind", "Remind me on a date"
    NOT_CONTACTABLE = "not_contactable", "Not contactable"
    DECLINED = "declined", "Declined"
    REMOVED = "removed", "Removed from the list"


class RemovalReason(models.TextChoices):
    MOVED_AWAY = "moved_away", "Moved away"
    IN_CUSTODY = "in_custody", "In custody"
    IN_HOSPITAL = "in_hospital", "In hospital"
    DIED = "died", "Died"
    TRANSFERRED = "transferred", "Transferred to another service"
    OTHER = "other", "Other"


REACHED_OUTCOMES = (OutreachOutcome.CONTACTED, OutreachOutcome.AGREED)


@tracked()
class OutreachAttempt(DatedFromBirth, models.Model):
    DATES_FROM_BIRTH = ("attempted_on",)

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="outreach_attempts"
    )
    flag = models.ForeignKey(
        Flag, on_delete=models.PROTECT, null=True, blank=True, related_name="attempts"
    )
    attempted_on = models.DateField("date")
    method = models.CharField(max_length=10, choices=OutreachMethod.choices)
    outcome = models.CharField(max_length=20, choices=OutreachOutcome.choices)
    remind_on = models.DateField(null=True, blank=True)
    removal_reason = models.CharField(max_length=15, choices=RemovalReason.choices, blank=True)
    removal_detail = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-attempted_on", "-id"]
        indexes = [models.Index(fields=["service_user", "-attempted_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="remind", remind_on__isnull=False)
                | (~Q(outcome="remind") & Q(remind_on__isnull=True)),
                name="outreach_remind_date_only_with_remind",
            ),
            models.CheckConstraint(
                condition=Q(outcome="removed") & ~Q(removal_reason="")
                | ~Q(outcome="removed") & Q(removal_reason=""),
                name="outreach_removal_reason_only_when_removed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.attempted_on:%d/%m/%Y}: {self.get_outcome_display()}"

    def clean(self) -> None:
        errors: dict[str, str] = self.birth_errors()
        if self.outcome == OutreachOutcome.REMIND:
            if not self.remind_on:
                errors["remind_on"] = "Choose the date to be reminded."
            elif self.attempted_on and self.remind_on <= self.attempted_on:
                errors["remind_on"] = "The reminder date must be after the attempt."
        elif self.remind_on:
            errors["remind_on"] = "A reminder date goes only with “Remind me on a date”."
        if self.outcome == OutreachOutcome.REMOVED:
            if not self.removal_reason:
                errors["removal_reason"] = "Say why they are removed from the list."
            elif self.removal_reason == RemovalReason.OTHER and not self.removal_detail.strip():
                errors["removal_detail"] = "Describe the reason for removal."
        elif self.removal_reason:
            errors["removal_reason"] = "A removal reason goes only with “Removed from the list”."
        if errors:
            raise ValidationError(errors)


# The backtest record lives in its own module; importing it here registers it as a model
# of this app.
from risk.backtest_models import Backtest  # noqa: E402, F401
