"""Reads of the NDTMS submissions: whose services a user may submit for, their submissions,
and the problems of one that the user may see and fix.

Administrators submit for every service. A team lead submits for a service only when
every team of it is one of theirs today, so that the file, which covers the whole
agency, holds no one outside their scope (`cases.selectors.service_users_visible_to`).
"""

import datetime
import hashlib
import io
import time
from collections import Counter
from dataclasses import dataclass
from typing import IO

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Role, Service, Team, User
from cases.selectors import active_team_ids, service_users_visible_to
from exchange.access import can_submit_ndtms
from exchange.models import NdtmsSubmission
from exchange.ndtms.frames import FrameChecks
from exchange.ndtms.items import DATASET_VERSION
from exchange.ndtms.links import problem_links
from exchange.ndtms.mapping import mappings_for
from exchange.ndtms.validation import Problem
from exchange.ndtms.writer import frame_csv, header_csv, submission_frames

TeamCounts = dict[str, dict[str, int]]


def services_submittable_by(user: User) -> QuerySet[Service]:
    if not can_submit_ndtms(user):
        return Service.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Service.objects.all()
    mine = active_team_ids(user)
    others = Team.objects.exclude(id__in=mine).values("service_id")
    return (
        Service.objects.filter(teams__in=mine.values("team_id")).exclude(id__in=others).distinct()
    )


def submissions_visible_to(user: User) -> QuerySet[NdtmsSubmission]:
    """The submissions of the services `user` submits for, newest month first, without the
    files themselves."""
    return (
        NdtmsSubmission.objects.filter(service__in=services_submittable_by(user))
        .select_related("service", "prepared_by", "submitted_by", "replaces")
        .defer("content", "problems", "replaces__content", "replaces__problems")
    )


def submission_problems_for(
    user: User, submission: NdtmsSubmission
) -> tuple[list[tuple[Problem, str]], int]:
    """The submission's problems about people `user` may see, each with the address of the
    field that fixes it, and how many problems concern people they may not see."""
    problems = [Problem(*values) for values in submission.problems]
    visible = set(
        service_users_visible_to(user)
        .filter(client_ref__in={p.client for p in problems})
        .values_list("client_ref", flat=True)
    )
    shown = [p for p in problems if p.client in visible]
    return list(zip(shown, problem_links(shown), strict=True)), len(problems) - len(shown)


def latest_sent(service: Service, period_start: datetime.date) -> NdtmsSubmission | None:
    """The submission of the month last recorded as sent, or None."""
    return (
        NdtmsSubmission.objects.filter(
            service=service,
            period_start=period_start,
            submitted_at__isnull=False,
            replaced_by__isnull=True,
        )
        .defer("content", "problems")
        .first()
    )


@dataclass
class PreparedFile:
    """A service's file written for a period: its data rows, checksum and checks."""

    rows: int
    sha256: str
    checks: FrameChecks


def write_service_file(
    service: Service,
    start: datetime.date,
    end: datetime.date,
    sink: IO[bytes] | None,
    *,
    keep_problems: bool = True,
    stages: dict[str, float] | None = None,
) -> PreparedFile:
    """Write `service`'s submission file for the period to `sink` (or only count it, with
    None) and check it as it is written, a block of people at a time: each block's frame is
    checked, then written, so the checks read exactly what the file holds. `stages`, when
    given, receives the seconds spent reading, validating and writing."""
    mappings = mappings_for(DATASET_VERSION)
    checks = FrameChecks(codes=mappings.codes, end=end, keep=keep_problems)
    digest = hashlib.sha256()
    rows = 0

    def write(data: bytes) -> None:
        digest.update(data)
        if sink is not None:
            sink.write(data)

    spent = stages if stages is not None else {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        spent[stage] = spent.get(stage, 0.0) + now - clock
        clock = now

    write(header_csv())
    for frame in submission_frames(start=start, end=end, agency=service.code, mappings=mappings):
        lap("read")
        checks.check(frame)
        lap("validate")
        if sink is not None:
            write(frame_csv(frame))
        rows += frame.num_rows
        lap("write")
    checks.finish()
    lap("validate")
    return PreparedFile(rows=rows, sha256=digest.hexdigest(), checks=checks)


def service_file(
    service: Service, start: datetime.date, end: datetime.date
) -> tuple[str, PreparedFile, list[Problem]]:
    """`service`'s submission file for the period, its summary, and its problems (for a
    file of a size to hold in memory, as a submission keeps it)."""
    sink = io.BytesIO()
    prepared = write_service_file(service, start, end, sink)
    return sink.getvalue().decode(), prepared, prepared.checks.problems()


# Each rule's kind of problem, in the rules' order (the `rule` its problems carry; a test
# keeps them in step with `RULES`).
KINDS = ("required", "code", "dates", "age", "triage", "modality", "TOP", "duplicate")


@dataclass(frozen=True)
class QualityRow:
    team: str
    counts: list[tuple[int, int | None]]  # (now, change since the last submission), by kind
    total: tuple[int, int | None]


@dataclass(frozen=True)
class Quality:
    start: datetime.date
    end: datetime.date
    last: NdtmsSubmission | None
    rows: list[QualityRow]
    counted_at: datetime.datetime


def _row(team: str, now: dict[str, int], then: dict[str, int] | None) -> QualityRow:
    def pair(a: int, b: int | None) -> tuple[int, int | None]:
        return (a, None if b is None else a - b)

    counts = [pair(now.get(k, 0), None if then is None else then.get(k, 0)) for k in KINDS]
    return QualityRow(
        team,
        counts,
        pair(sum(now.values()), None if then is None else sum(then.values())),
    )


# How long the data quality page shows the counts it made, before it counts again.
QUALITY_SECONDS = 15 * 60
# How long a count asked for is taken to be under way: longer than the slowest count (about
# a minute at a million people), so a page asked for meanwhile does not queue another.
COUNTING_SECONDS = 5 * 60


@dataclass(frozen=True)
class Counted:
    """A service's problems this month by team and kind, and when they were counted."""

    counts: TeamCounts
    at: datetime.datetime


def _quality_key(service_id: int, today: datetime.date) -> str:
    return f"ndtms-quality:{DATASET_VERSION}:{service_id}:{today.isoformat()}"


def counted_problems(service: Service, today: datetime.date) -> Counted | None:
    """The counts made for `service` in the last `QUALITY_SECONDS`, if any: at national
    scale counting reads every open episode, a minute of work no page request waits for
    (`exchange.tasks.ndtms_quality_count_task` counts in the background)."""
    found = cache.get(_quality_key(service.pk, today))
    return found if isinstance(found, Counted) else None


def count_problems(service: Service, today: datetime.date) -> Counted:
    """Count the problems of `service`'s file for this month so far, by team and kind: the
    file's checks run set-based over its rows, without writing it or keeping a problem.
    The counts are kept for the page for `QUALITY_SECONDS`."""
    start = today.replace(day=1)
    counts = write_service_file(service, start, today, None, keep_problems=False).checks.team_counts
    counted = Counted(counts=counts, at=timezone.now())
    key = _quality_key(service.pk, today)
    cache.set(key, counted, QUALITY_SECONDS)
    cache.delete(f"{key}:counting")
    return counted


def claim_count(service: Service, today: datetime.date) -> bool:
    """Whether a count of `service`'s problems should be queued now: false while one asked
    for in the last `COUNTING_SECONDS` is still under way, so many page requests queue one."""
    return bool(cache.add(f"{_quality_key(service.pk, today)}:counting", 1, COUNTING_SECONDS))


def release_count(service: Service, today: datetime.date) -> None:
    """Forget a claimed count that could not be queued, so the next page asks again."""
    cache.delete(f"{_quality_key(service.pk, today)}:counting")


def data_quality(service: Service, today: datetime.date, counted: Counted) -> Quality:
    """The problems of `service`'s file for this month so far (`counted`), by team and kind,
    and their change since the file last recorded as submitted (of any month)."""
    start = today.replace(day=1)
    now = counted.counts
    last = (
        NdtmsSubmission.objects.filter(service=service, submitted_at__isnull=False)
        .defer("content", "problems")
        .order_by("-submitted_at")
        .first()
    )
    then = last.team_problem_counts if last is not None else None
    names = dict(Team.objects.filter(service=service).values_list("id", "name"))
    ours = [str(team_id) for team_id in sorted(names, key=lambda i: names[i])]
    others = sorted((set(now) | set(then or {})) - set(ours))
    rows = [
        _row(
            names[int(key)] if key in ours else "Another team, or no longer recorded",
            now.get(key, {}),
            None if then is None else then.get(key, {}),
        )
        for key in ours + others
    ]
    totals: Counter[str] = Counter()
    earlier: Counter[str] = Counter()
    for counts in now.values():
        totals.update(counts)
    for counts in (then or {}).values():
        earlier.update(counts)
    rows.append(_row("All teams", dict(totals), None if then is None else dict(earlier)))
    return Quality(start=start, end=today, last=last, rows=rows, counted_at=counted.at)
