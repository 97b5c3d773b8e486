"""What data exchange keeps: the bulk import jobs started from the import page, the NDTMS
code lists and the mapping of Lantern's own values to them, and each NDTMS submission file.

`ImportJob` moved here from `outcomes` and keeps its table (`outcomes_importjob`),
so jobs recorded before the move are still listed and no data was migrated.
"""

import uuid

import pgtrigger
from django.core.exceptions import ValidationError
from django.db import models

from cases.models import User


class ImportJob(models.Model):
    """One bulk import started from the administrator's page, and what became of it.

    The uploaded files live in a directory named by `external_id` under the
    import directory until the job finishes; the job keeps the counts and the
    first problems found (`problem_count` says how many there were in all).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        CHECKED = "checked", "Checked (dry run): nothing imported"
        REJECTED = "rejected", "Not imported: the files have problems"
        FAILED = "failed", "Failed"

    FINISHED = (Status.SUCCEEDED, Status.CHECKED, Status.REJECTED, Status.FAILED)

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_names = models.JSONField(default=list)
    partial = models.BooleanField(
        "import valid rows", default=False, help_text="Import the valid rows and report the rest."
    )
    dry_run = models.BooleanField(default=False, help_text="Check the files; import nothing.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    stage = models.CharField(max_length=120, blank=True)
    # Empty until the job has run: blank, so a queued job passes validation.
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        # The table it had when imports lived in `outcomes`: the move renamed nothing.
        db_table = "outcomes_importjob"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class NdtmsCode(models.Model):
    """One code of an NDTMS code list, in the dataset version that defines it.

    Seeded from `exchange.ndtms.codes`; a new dataset version adds its own rows.
    """

    dataset_version = models.CharField(max_length=10)
    code_list = models.CharField(max_length=20)
    code = models.CharField(max_length=10)
    label = models.CharField(max_length=120)

    class Meta:
        verbose_name = "NDTMS code"
        ordering = ["dataset_version", "code_list", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset_version", "code_list", "code"], name="ndtms_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code_list} {self.code}: {self.label}"


class NdtmsMapping(models.Model):
    """The NDTMS code one of Lantern's own values is written as, in one dataset version.

    `lantern_value` is a choice's stored value or a reference row's code (a substance,
    a discharge reason). An empty `ndtms_code` means the list has no code for it, and
    the submission says "not known".
    """

    dataset_version = models.CharField(max_length=10)
    code_list = models.CharField(max_length=20)
    lantern_value = models.CharField(max_length=40)
    ndtms_code = models.CharField("NDTMS code", max_length=10, blank=True)

    class Meta:
        verbose_name = "NDTMS mapping"
        ordering = ["dataset_version", "code_list", "lantern_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset_version", "code_list", "lantern_value"],
                name="ndtms_mapping_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code_list}: {self.lantern_value} -> {self.ndtms_code or 'not known'}"

    def clean(self) -> None:
        if (
            self.ndtms_code
            and not NdtmsCode.objects.filter(
                dataset_version=self.dataset_version, code_list=self.code_list, code=self.ndtms_code
            ).exists()
        ):
            raise ValidationError(
                {
                    "ndtms_code": f"{self.ndtms_code} is not a code of {self.code_list} in "
                    f"dataset {self.dataset_version}: add the code first, or leave this empty."
                }
            )


class NdtmsSubmission(models.Model):
    """One month's NDTMS submission file of a service (its agency), kept as it was written.

    Made by `exchange.services.ndtms_submission_prepare`: the file, its checksum and the
    counts of its validation problems by kind and by team. Recording it as sent
    (`ndtms_submission_record`) fills in who sent it and when, and the submission it
    replaces when the month was sent before; the database allows that one change of a
    prepared row and refuses every other UPDATE and every DELETE, so a file once
    written never changes and the next month compares against what was really sent.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        "cases.Service", on_delete=models.PROTECT, related_name="ndtms_submissions"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    dataset_version = models.CharField(max_length=10)
    file_name = models.CharField(max_length=120)
    content = models.TextField(help_text="The file, exactly as it was offered for download.")
    sha256 = models.CharField("SHA-256", max_length=64)
    rows = models.PositiveIntegerField(help_text="Data rows, the header aside.")
    # A month with no problems (or no one in treatment) leaves these empty.
    problems = models.JSONField(
        default=list,
        blank=True,
        help_text="Each validation problem: rule, client, episode, item, message.",
    )
    problem_counts = models.JSONField(
        default=dict, blank=True, help_text="Validation problems by kind."
    )
    team_problem_counts = models.JSONField(
        default=dict, blank=True, help_text="Validation problems by team id, then kind."
    )
    prepared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The submission of the same month this one was sent instead of.",
    )

    class Meta:
        verbose_name = "NDTMS submission"
        ordering = ["-period_start", "-prepared_at"]
        indexes = [
            models.Index(fields=["service", "period_start"], name="ndtms_submission_period"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="ndtms_submission_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True, submitted_by__isnull=True)
                | models.Q(submitted_at__isnull=False, submitted_by__isnull=False),
                name="ndtms_submission_sent_by_someone",
            ),
            models.CheckConstraint(
                condition=models.Q(replaces__isnull=True) | models.Q(submitted_at__isnull=False),
                name="ndtms_submission_replaces_when_sent",
            ),
            # One first submission of a month per service; each later one replaces the last.
            models.UniqueConstraint(
                fields=["service", "period_start"],
                condition=models.Q(submitted_at__isnull=False, replaces__isnull=True),
                name="ndtms_submission_one_first",
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="immutable_but_record_sent",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func="""
                IF TG_OP = 'UPDATE' AND OLD.submitted_at IS NULL
                   AND NEW.submitted_at IS NOT NULL AND OLD.replaces_id IS NULL
                   AND to_jsonb(NEW) - 'submitted_at' - 'submitted_by_id' - 'replaces_id'
                       = to_jsonb(OLD) - 'submitted_at' - 'submitted_by_id' - 'replaces_id'
                THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'exchange_ndtmssubmission is immutable: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
                """,
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({'sent' if self.submitted_at else 'prepared'})"

    @property
    def problem_total(self) -> int:
        return sum(self.problem_counts.values())


class ImportedRecord(models.Model):
    """Which care record an import wrote for a row's reference, so that importing the same
    file again finds it. The care record's own tables hold no source reference: this room
    does the matching for the records it brings in, and keeps it here."""

    kind = models.CharField(max_length=40, help_text="The import file kind, e.g. case_notes.")
    source_ref = models.CharField("source reference", max_length=60)
    record_id = models.BigIntegerField(help_text="The id of the record the row became.")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "source_ref"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_ref"], name="importedrecord_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_ref}"
