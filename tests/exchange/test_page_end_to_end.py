"""The import page as it runs for real: the upload's transaction commits inside the request,
and the job runs either in the web process (no Redis: the quick start's eager Celery) or on a
Celery worker fed through a real Redis. Both must import, and both must record who imported.

The worker test is skipped only when `redis-server` is not installed (`.ci/run` installs it).
"""

import pytest
from django.urls import reverse
from pghistory.models import Events

from cases.models import ServiceUser
from config.celery import app as celery_app
from exchange.models import ImportJob
from tests.exchange.test_pages import upload
from tests.processes import needs_redis_server, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.LANTERN_IMPORT_DIR = str(tmp_path / "uploads")


def upload_people(client) -> ImportJob:
    response = client.post(
        reverse("import_start"),
        {"service_users": upload("service_users"), "episodes": upload("episodes")},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("import_job", args=[job.external_id])
    return job


def assert_people_imported_by(client, job: ImportJob, who) -> None:
    assert job.status == ImportJob.Status.SUCCEEDED, job.error
    assert sorted(ServiceUser.objects.values_list("source_ref", flat=True)) == ["P-1", "P-2"]
    assert b"Imported." in client.get(reverse("import_job", args=[job.external_id])).content
    created = Events.objects.filter(pgh_model="cases.ServiceUserEvent", pgh_label="insert")
    assert {event.pgh_context["user"] for event in created} == {who.pk}


def test_an_upload_imports_in_the_web_process_when_there_is_no_redis(client_as, adam, alice):
    assert celery_app.conf.task_always_eager  # the quick start's setting: no REDIS_URL
    client = client_as(adam)

    job = upload_people(client)

    job.refresh_from_db()
    assert_people_imported_by(client, job, adam)


@needs_redis_server
def test_an_upload_is_imported_by_a_celery_worker(client_as, adam, alice, exchange_worker):
    client = client_as(adam)

    job = upload_people(client)

    def finished():
        job.refresh_from_db()
        return job.is_finished

    wait_until(finished, "the worker to finish the import")
    assert_people_imported_by(client, job, adam)
