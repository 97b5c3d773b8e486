"""The administrator's import page, its job page and templates, and the import command."""

import io
import textwrap

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.models import ServiceUser
from exchange.importing.specs import SERVICE_USERS
from exchange.models import ImportJob
from tests.exchange.conftest import GOOD_FILES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.LANTERN_IMPORT_DIR = str(tmp_path / "uploads")


def upload(kind: str, text: str | None = None) -> SimpleUploadedFile:
    body = textwrap.dedent(text or GOOD_FILES[kind]).strip() + "\n"
    return SimpleUploadedFile(f"{kind}.csv", body.encode(), content_type="text/csv")


@pytest.mark.parametrize("who", ["alice", "tess", "gina", "cora"])
def test_only_administrators_may_import(request, client_as, who):
    client = client_as(request.getfixturevalue(who))

    assert client.get(reverse("import_start")).status_code == 403
    assert client.get(reverse("import_template", args=["episodes"])).status_code == 403
    assert client.post(reverse("import_start"), {}).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("import_start"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_nobody_else_can_see_an_import_job(client_as, adam, alice):
    job = ImportJob.objects.create(created_by=adam)

    client = client_as(alice)

    assert client.get(reverse("import_job", args=[job.external_id])).status_code == 403
    assert client.get(reverse("import_job_status", args=[job.external_id])).status_code == 403


def test_an_administrator_uploads_files_and_sees_them_imported(
    client_as, adam, north, alice, django_capture_on_commit_callbacks
):
    client = client_as(adam)
    assert client.get(reverse("import_start")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("import_start"),
            {"service_users": upload("service_users"), "episodes": upload("episodes")},
        )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_job", args=[job.external_id])
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.counts["service_users"]["created"] == 2
    assert ServiceUser.objects.count() == 2
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Imported." in page.content
    status = client.get(reverse("import_job_status", args=[job.external_id])).json()
    assert status == {
        "status": "succeeded",
        "status_label": "Imported",
        "progress": 100,
        "stage": "Finished",
        "finished": True,
    }


def test_the_job_page_lists_the_problems_when_nothing_was_imported(
    client_as, adam, north, django_capture_on_commit_callbacks
):
    bad = GOOD_FILES["service_users"].replace("1980-05-01", "1980-02-30")
    client = client_as(adam)

    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(
            reverse("import_start"), {"service_users": upload("service_users", bad)}
        )
    response = client.get(posted["Location"])

    assert ImportJob.objects.get().status == ImportJob.Status.REJECTED
    assert ServiceUser.objects.count() == 0
    assert b"Nothing was imported" in response.content
    assert b"Date of birth 1980-02-30 is not a date" in response.content


def test_uploading_nothing_is_refused_with_a_message(client_as, adam):
    response = client_as(adam).post(reverse("import_start"), {})

    assert response.status_code == 400
    assert b"Choose at least one file to import." in response.content
    assert ImportJob.objects.count() == 0


def test_each_file_kind_has_a_template_to_download(client_as, adam):
    response = client_as(adam).get(reverse("import_template", args=["service_users"]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="service_users.csv"'
    header = response.content.decode().strip().split(",")
    assert header == [column.name for column in SERVICE_USERS.columns]


def test_the_command_imports_a_directory(write_files, north, alice):
    folder = write_files(GOOD_FILES)["episodes"].parent
    out = io.StringIO()

    call_command("import_records", str(folder), stdout=out, stderr=io.StringIO())

    assert "Imported 12 rows" in out.getvalue()
    assert ServiceUser.objects.count() == 2


def test_the_command_reports_problems_and_fails(write_files, north, alice, tmp_path):
    files = dict(GOOD_FILES)
    files["events"] = GOOD_FILES["events"].replace("V-2,P-1", "V-2,P-7")
    folder = write_files(files)["events"].parent
    out = io.StringIO()
    report = tmp_path / "problems.csv"

    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_records",
            str(folder),
            "--problems-file",
            str(report),
            stdout=out,
            stderr=io.StringIO(),
        )

    assert exit_.value.code == 1
    assert "events.csv row 3, person_ref: person P-7 not found." in out.getvalue()
    assert "Nothing was imported" in out.getvalue()
    assert "person P-7 not found." in report.read_text()
    assert ServiceUser.objects.count() == 0


def test_the_command_refuses_files_it_does_not_know(tmp_path):
    stray = tmp_path / "people.csv"
    stray.write_text("ref\n")

    with pytest.raises(CommandError, match=r"people\.csv is not one of the import files"):
        call_command("import_records", str(stray))


def test_the_format_document_describes_every_column():
    from pathlib import Path

    from exchange.importing.specs import SPECS

    document = (Path(__file__).resolve().parents[2] / "docs" / "import-format.md").read_text()
    for spec in SPECS:
        section = document.split(f"### {spec.file_name}")[1].split("###")[0]
        for column in spec.columns:
            assert f"| `{column.name}` |" in section, (spec.file_name, column.name)
