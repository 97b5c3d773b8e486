"""An import hands the people it changed to the risk engine, which flags them at once."""

import textwrap

import pytest

from cases.models import ServiceUser
from exchange.importing.loader import records_import
from risk.models import Flag
from tests.risk.conftest import days_ago, worded

pytestmark = pytest.mark.django_db


def files(tmp_path, released_days_ago: int) -> dict:
    contents = {
        "service_users": """
            ref,team,keyworker,first_name,last_name,date_of_birth,sex,local_authority,consent_to_ndtms
            P-1,North,alice,Jamie,Rivers,1980-05-01,M,E06000035,Y
        """,
        "episodes": f"""
            ref,person_ref,referral_date,referral_source,substance_1,injecting_status
            E-1,P-1,{days_ago(200)},self,heroin,never
        """,
        "events": f"""
            ref,person_ref,kind,occurred_on
            V-1,P-1,prison_release,{days_ago(released_days_ago)}
        """,
    }
    paths = {}
    for kind, text in contents.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
        paths[kind] = path
    return paths


def test_people_an_import_brings_in_are_flagged_when_it_commits(
    tmp_path, north, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        records_import(files=files(tmp_path, released_days_ago=3))

    jamie = ServiceUser.objects.get(source_ref="P-1")
    flag = Flag.objects.get(service_user=jamie, ended_on__isnull=True)
    codes = list(flag.reasons.values_list("rule_code", flat=True))
    assert "prison_release_2w" in codes
    assert worded(flag).startswith("released from prison 3 days ago")


def test_an_updated_file_updates_the_flag(
    tmp_path, north, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        records_import(files=files(tmp_path, released_days_ago=3))
    # The release is corrected to a date long past: the window has closed.
    with django_capture_on_commit_callbacks(execute=True):
        records_import(files=files(tmp_path, released_days_ago=200))

    jamie = ServiceUser.objects.get(source_ref="P-1")
    assert not Flag.objects.filter(service_user=jamie, ended_on__isnull=True).exists()
    ended = Flag.objects.get(service_user=jamie)
    assert ended.end_reason == Flag.EndReason.STOPPED_FIRING
