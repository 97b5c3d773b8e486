"""What data exchange keeps: the bulk import jobs started from the import page, and the NDTMS
code lists and the mapping of Lantern's own values to them.

`ImportJob` moved here from `outcomes` and keeps its table (`outcomes_importjob`),
so jobs recorded before the move are still listed and no data was migrated.
"""

import uuid

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
