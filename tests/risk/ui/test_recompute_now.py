"""An administrator recomputes everyone's flags now (after activating a rule set, say) and
follows the run's progress step by step."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from risk.admin import RECOMPUTE_NOT_QUEUED, WAITING
from risk.models import Flag, RecomputeRun, RuleSet
from risk.services import flags_recompute
from tests.factories import UserFactory
from tests.risk.conftest import backtested, neutral_person, released

pytestmark = pytest.mark.django_db

RECOMPUTE = reverse("admin:risk_recomputerun_recompute")
PROGRESS = reverse("admin:risk_recomputerun_progress")
STATUS = reverse("admin:risk_recomputerun_progress_status")


def running_run(**fields) -> RecomputeRun:
    return RecomputeRun.objects.create(
        as_of=timezone.localdate(),
        rule_set=RuleSet.objects.get(status=RuleSet.Status.ACTIVE),
        started_at=timezone.now(),
        **fields,
    )


def test_a_run_counts_its_steps_and_ends_at_a_hundred_percent():
    released(neutral_person(), days=5)

    run = flags_recompute()

    assert (run.steps_done, run.steps_total) == (4, 4)
    assert run.progress_percent == 100
    assert run.stage == "Published"


@pytest.mark.parametrize(
    ("chunks", "steps_done", "stage", "percent"),
    [
        (1, 0, "Reading everyone's records", 0),
        (1, 1, "Checking the rules", 25),
        (1, 2, "Saving the flags to publish", 50),
        (1, 3, "Publishing the new flags", 75),
        (4, 5, "Computing flags: 5 of 12 steps done", 38),
        (4, 12, "Publishing the new flags", 92),
        # A retried chunk counts its steps twice; the bar still waits for the publish.
        (4, 15, "Publishing the new flags", 92),
    ],
)
def test_a_running_run_says_what_it_is_doing(chunks, steps_done, stage, percent):
    run = running_run(chunks=chunks, steps_done=steps_done)

    assert (run.stage, run.progress_percent) == (stage, percent)
    assert not run.is_finished


def test_recompute_now_asks_first_and_an_unconfirmed_post_starts_nothing(client_as, adam):
    client = client_as(adam)

    asked = client.get(RECOMPUTE)
    refused = client.post(RECOMPUTE, {})

    assert asked.status_code == 200
    assert "version 2" in asked.content.decode()
    assert refused.status_code == 400
    assert not RecomputeRun.objects.exists()


def test_recompute_now_publishes_a_run_and_its_progress_page_shows_the_results(client_as, adam):
    released(neutral_person(), days=5)
    client = client_as(adam)

    started = client.post(RECOMPUTE, {"confirmed": "yes"})

    run = RecomputeRun.objects.get()
    assert started.status_code == 302
    assert started.url.startswith(f"{PROGRESS}?since=")
    assert run.status == RecomputeRun.Status.PUBLISHED
    assert Flag.objects.filter(raised_run=run).count() == 1
    page = client.get(started.url).content.decode()
    assert "Published" in page
    assert "1 flagged" in page
    status = client.get(STATUS, {"since": started.url.split("since=")[1]}).json()
    assert status == {"started": True, "finished": True, "percent": 100, "stage": "Published"}


def test_the_progress_page_waits_for_the_worker_then_follows_the_new_run(client_as, adam):
    earlier = running_run(status=RecomputeRun.Status.PUBLISHED, steps_done=4)
    RecomputeRun.objects.filter(pk=earlier.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=3),
        finished_at=timezone.now() - datetime.timedelta(hours=2),
    )
    client = client_as(adam)
    since = f"{timezone.now().timestamp():.6f}"

    waiting = client.get(STATUS, {"since": since}).json()
    page = client.get(PROGRESS, {"since": since}).content.decode()
    new = running_run(steps_done=1)
    following = client.get(STATUS, {"since": since}).json()

    assert waiting == {"started": False, "finished": False, "percent": 0, "stage": WAITING}
    assert WAITING in page
    assert following == {
        "started": True,
        "finished": False,
        "percent": new.progress_percent,
        "stage": "Checking the rules",
    }


def test_a_run_already_going_is_followed_to_its_end(client_as, adam):
    already = running_run(steps_done=2)
    RecomputeRun.objects.filter(pk=already.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client = client_as(adam)
    since = f"{timezone.now().timestamp():.6f}"
    assert client.get(STATUS, {"since": since}).json()["stage"] == "Saving the flags to publish"

    RecomputeRun.objects.filter(pk=already.pk).update(
        status=RecomputeRun.Status.PUBLISHED, steps_done=4, finished_at=timezone.now()
    )

    assert client.get(STATUS, {"since": since}).json() == {
        "started": True,
        "finished": True,
        "percent": 100,
        "stage": "Published",
    }


def test_a_run_already_going_is_the_one_followed(client_as, adam):
    already = running_run(steps_done=2)
    RecomputeRun.objects.filter(pk=already.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client = client_as(adam)

    asked = client.get(RECOMPUTE).content.decode()
    status = client.get(STATUS, {"since": f"{timezone.now().timestamp():.6f}"}).json()

    assert "is still running" in asked
    assert status["stage"] == "Saving the flags to publish"


@pytest.mark.parametrize("since", ["", "not-a-time", "1e400", "-1e20", "nan"])
def test_a_bad_since_follows_the_newest_run(client_as, adam, since):
    run = running_run(steps_done=1)

    response = client_as(adam).get(STATUS, {"since": since})

    assert response.status_code == 200
    assert response.json()["stage"] == run.stage


def test_a_since_holding_a_control_character_is_refused(client_as, adam):
    running_run(steps_done=1)

    assert client_as(adam).get(STATUS, {"since": "nan\x00"}).status_code == 400


def test_staff_who_may_not_change_the_rules_cannot_start_or_follow_a_run(client_as):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_recomputerun"))
    client = client_as(viewer)

    assert client.get(reverse("admin:risk_recomputerun_changelist")).status_code == 200
    assert client.post(RECOMPUTE, {"confirmed": "yes"}).status_code == 403
    assert client.get(PROGRESS).status_code == 403
    assert client.get(STATUS).status_code == 403
    assert not RecomputeRun.objects.exists()


def test_a_recompute_that_cannot_be_queued_says_so(client_as, adam, redis_away):
    response = client_as(adam).post(RECOMPUTE, {"confirmed": "yes"}, follow=True)

    assert escape(RECOMPUTE_NOT_QUEUED) in response.content.decode()
    assert not RecomputeRun.objects.exists()


def test_activating_a_rule_set_offers_to_recompute_now(client_as, adam):
    client = client_as(adam)
    client.post(
        reverse("admin:risk_ruleset_changelist"),
        {"action": "copy_as_draft", "_selected_action": [RuleSet.objects.get(version=2).pk]},
    )
    draft = RuleSet.objects.get(version=3)
    backtested(draft)
    response = client.post(
        reverse("admin:risk_ruleset_changelist"),
        {"action": "activate", "_selected_action": [draft.pk], "confirmed": "yes"},
        follow=True,
    )

    assert f'<a href="{RECOMPUTE}">recompute them now</a>' in response.content.decode()
