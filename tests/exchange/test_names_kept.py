"""Names stored outside the code that the move into `exchange` had to keep: the import task's
name (queued jobs carry it) and the import jobs' table (it holds the jobs already run)."""

from exchange.models import ImportJob
from exchange.tasks import import_job_run_task


def test_the_import_task_keeps_the_name_queued_jobs_carry():
    assert import_job_run_task.name == "outcomes.tasks.import_job_run_task"


def test_import_jobs_stay_in_their_table():
    assert ImportJob._meta.db_table == "outcomes_importjob"
