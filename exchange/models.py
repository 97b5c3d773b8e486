"""What data exchange keeps: the bulk import jobs started from the import page.

`ImportJob` moved here from `outcomes` and keeps its table (`outcomes_importjob`),
so jobs recorded before the move are still listed and no data was migrated.
"""

import uuid

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
