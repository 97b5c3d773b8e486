"""TOP assessments, one row per interview, items as columns named by NDTMS code.

NULL in an item means "not disclosed / not answered" and is kept distinct from
0. Ranges are checked by the database as well as by the form. The stage rules
that need other rows (one start TOP per episode, a review needs a start) are
checked in `outcomes.services`, with the per-episode uniqueness also enforced
by the database.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from cases.history import tracked
from cases.models import DatedFromBirth, ServiceUser, TreatmentEpisode, User, source_ref_field
from outcomes.top_items import TOP_ITEMS, out_of_range_message


class Stage(models.TextChoices):
    START = "S", "Start"
    REVIEW = "R", "Review"
    EXIT = "E", "Exit"
    POST_EXIT = "P", "Post-treatment exit"


def _range_constraints() -> list[models.CheckConstraint]:
    constraints = []
    for item in TOP_ITEMS:
        if item.bounds is None:
            continue
        low, high = item.bounds
        constraints.append(
            models.CheckConstraint(
                condition=Q(**{f"{item.field}__isnull": True})
                | Q(**{f"{item.field}__gte": low, f"{item.field}__lte": high}),
                name=f"top_{item.field}_in_range",
            )
        )
    return constraints


@tracked()
class TopAssessment(DatedFromBirth, models.Model):
    DATES_FROM_BIRTH = ("top_date",)

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = source_ref_field()
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.CASCADE, related_name="top_assessments"
    )
    episode = models.ForeignKey(
        TreatmentEpisode, on_delete=models.CASCADE, related_name="top_assessments"
    )
    stage = models.CharField(max_length=1, choices=Stage.choices)
    top_date = models.DateField("date of interview")

    alcuse = models.SmallIntegerField(null=True, blank=True)
    alcohol_units_per_day = models.PositiveSmallIntegerField(
        "alcohol units per drinking day",
        null=True,
        blank=True,
        validators=[MaxValueValidator(200, "Units per drinking day must be 200 or fewer.")],
    )
    opiuse = models.SmallIntegerField(null=True, blank=True)
    crause = models.SmallIntegerField(null=True, blank=True)
    cocause = models.SmallIntegerField(null=True, blank=True)
    amphuse = models.SmallIntegerField(null=True, blank=True)
    cannuse = models.SmallIntegerField(null=True, blank=True)
    otdrguse = models.SmallIntegerField(null=True, blank=True)
    other_substance_name = models.CharField("other substance's name", max_length=80, blank=True)
    ivdrguse = models.SmallIntegerField(null=True, blank=True)
    sharing = models.BooleanField(null=True, blank=True)
    shotheft = models.SmallIntegerField(null=True, blank=True)
    drgsell = models.SmallIntegerField(null=True, blank=True)
    oththeft = models.BooleanField(null=True, blank=True)
    assault = models.BooleanField(null=True, blank=True)
    psyhstat = models.SmallIntegerField(null=True, blank=True)
    phstat = models.SmallIntegerField(null=True, blank=True)
    quallife = models.SmallIntegerField(null=True, blank=True)
    pwork = models.SmallIntegerField(null=True, blank=True)
    educat = models.SmallIntegerField(null=True, blank=True)
    acuthpbm = models.BooleanField(null=True, blank=True)
    hrisk = models.BooleanField(null=True, blank=True)

    not_disclosed_reason = models.CharField(
        "why some answers were not given", max_length=200, blank=True
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["top_date", "id"]
        verbose_name = "TOP assessment"
        constraints = [
            *_range_constraints(),
            models.UniqueConstraint(
                fields=["episode"], condition=Q(stage="S"), name="one_start_top_per_episode"
            ),
            models.UniqueConstraint(
                fields=["episode"], condition=Q(stage="E"), name="one_exit_top_per_episode"
            ),
        ]
        indexes = [models.Index(fields=["service_user", "-top_date"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} TOP on {self.top_date:%d/%m/%Y}"

    def item_value(self, code: str):
        return getattr(self, code.lower())

    def clean(self) -> None:
        errors: dict[str, str] = self.birth_errors()
        for item in TOP_ITEMS:
            value = getattr(self, item.field)
            if item.bounds is None or value is None:
                continue
            low, high = item.bounds
            if not low <= value <= high:
                errors[item.field] = out_of_range_message(item, value)
        if self.otdrguse and not self.other_substance_name:
            errors["other_substance_name"] = "Name the other substance used."
        if errors:
            raise ValidationError(errors)


class BenchmarkKind(models.TextChoices):
    NATIONAL = "national", "National"
    CLUSTER = "cluster", "Cluster"
    TOP_QUARTILE = "top_quartile", "Top quartile"
    LOCAL_TARGET = "local_target", "Local target"


class Better(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Benchmark(models.Model):
    """A reference figure to show beside one of Lantern's figures: a national, cluster or
    top-quartile value, or a local target, for a period (`outcomes.benchmarks`).

    The cell is the figure's `key`, with its client group and category as the figures
    name them (blank where the figure has none). Loaded from a CSV a period and a source
    at a time (`outcomes.benchmarks.benchmarks_load`); never typed in one by one.
    """

    figure_key = models.CharField("figure", max_length=60)
    client_group = models.CharField(max_length=20, blank=True, default="")
    category = models.CharField(max_length=60, blank=True, default="")
    period_label = models.CharField("period", max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    kind = models.CharField(max_length=20, choices=BenchmarkKind.choices)
    value = models.DecimalField(max_digits=12, decimal_places=3)
    better = models.CharField("better when", max_length=6, choices=Better.choices)
    source = models.CharField(max_length=200)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["figure_key", "client_group", "category", "period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "figure_key",
                    "client_group",
                    "category",
                    "period_start",
                    "period_end",
                    "kind",
                    "source",
                ],
                name="benchmark_one_value_per_cell",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="benchmark_period_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["figure_key", "period_end"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.figure_key} {self.period_label}"
