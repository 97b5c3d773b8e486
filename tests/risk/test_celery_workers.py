"""The chunked recompute on a real Redis and two real Celery worker processes gives exactly
the flags of the single-process run.

Skipped only when `redis-server` is not installed (`.ci/run` installs it).
"""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from risk import services
from risk.models import Flag, RecomputeRun
from tests.processes import needs_redis_server, start, stop
from tests.risk.conftest import MANAGE

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_redis_server,
]

CHUNKS = 4
SUCCEEDED = re.compile(r"Task risk\.tasks\.flags_compute_chunk\[[^\]]+\] succeeded")


def published() -> set[tuple]:
    """The open flags as a reader sees them, without ids or the run that raised them."""
    flags = set()
    for flag in Flag.objects.filter(ended_on__isnull=True).prefetch_related("reasons"):
        reasons = tuple(
            (
                r.position,
                r.rule_code,
                r.rule_version,
                r.weight,
                r.trigger_kind,
                r.trigger_id,
                r.fired_from,
                r.expires_on,
                r.count,
                r.detail,
                r.text,
            )
            for r in flag.reasons.all()
        )
        flags.add(
            (
                flag.service_user_id,
                flag.tier,
                flag.score,
                flag.summary,
                tuple(flag.rule_codes),
                flag.raised_on,
                reasons,
            )
        )
    return flags


def test_two_workers_compute_the_chunks_and_publish_exactly_the_single_process_flags(
    workers, tmp_path
):
    env, logs = workers
    # The population alone: the demo's reviews add past flags this test does not recreate.
    call_command(
        "seed_demo",
        people=500,
        seed=7,
        without_reviews=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    as_of = timezone.localdate()

    single = services.flags_recompute(as_of=as_of)
    expected = published()
    assert len(expected) > 20
    Flag.objects.all().delete()

    log = tmp_path / "recompute.log"
    command = start(
        [*MANAGE, "recompute_flags", "--as-of", as_of.isoformat(), "--chunks", str(CHUNKS)],
        log,
        env,
    )
    try:
        assert command.wait(timeout=180) == 0, log.read_text()
    finally:
        stop(command)

    chunked = RecomputeRun.objects.exclude(pk=single.pk).get()
    assert (chunked.status, chunked.chunks) == ("published", CHUNKS)
    assert published() == expected
    assert chunked.counts_by_tier == single.counts_by_tier
    assert chunked.population == single.population
    assert chunked.counts_by_rule == single.counts_by_rule

    ran = [len(SUCCEEDED.findall(log.read_text())) for log in logs]
    assert sum(ran) == CHUNKS
    assert all(count >= 1 for count in ran), ran
