"""Writes of the risk layer: recomputes, rule set versions, flag lifecycle, outreach.

The nightly recompute: take the advisory lock (a second run exits without
writing), record a run, load the frames in bulk, evaluate, stage the results
and publish them in one transaction. It can split the people into chunks that
separate workers compute; publishing still happens once, at the end. A person's
recompute after a save goes through the same loader, engine and publish
rules for overrides and ends, writing their few rows directly.
"""

import contextlib
import datetime
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.models import ServiceUser, User
from cases.selectors import leads_team
from core.bulk import bulk_loading
from risk import backtest, engine, loader, publish, selectors, wording
from risk.backtest_models import rule_set_fingerprint
from risk.models import (
    Backtest,
    Flag,
    FlagOverride,
    OutreachAttempt,
    RecomputeRun,
    Rule,
    RuleSet,
    Tier,
)

logger = logging.getLogger(__name__)

# Advisory lock keys: one full recompute at a time; publishing excludes a
# person's recompute for the few moments it takes.
RECOMPUTE_LOCK = 0x4C414E54  # "LANT"
PUBLISH_LOCK = 0x4C414E50
PERSON_LOCK_SPACE = 0x4C41

ChunkRunner = Callable[[RecomputeRun, int], list[dict]]


def active_rule_set() -> RuleSet:
    return RuleSet.objects.prefetch_related("rules").get(status=RuleSet.Status.ACTIVE)


# The active rule set as the engine takes it, kept per process for one person's
# recompute, which needs it every time: reading and building it cost about as much as
# the person's own records. Every change to a rule set or a rule adds to its history,
# so the newest history ids say whether the kept one is still the active one as it is.
_ACTIVE_SPEC_KEY = """
    SELECT id, (SELECT max(pgh_id) FROM risk_rulesetevent), (SELECT max(pgh_id) FROM risk_ruleevent)
    FROM risk_ruleset WHERE status = %s
"""
_active_spec: dict[tuple, engine.RuleSetSpec] = {}


def active_rule_set_spec() -> tuple[int, engine.RuleSetSpec]:
    """The active rule set's id and its engine spec, built once while nothing changes."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_SPEC_KEY, [RuleSet.Status.ACTIVE])
        key = cursor.fetchone()
    if key is None:
        raise RuleSet.DoesNotExist("No rule set is active.")
    spec = _active_spec.get(key)
    if spec is None:
        spec = RuleSet.objects.prefetch_related("rules").get(pk=key[0]).spec()
        _active_spec.clear()
        _active_spec[key] = spec
    return key[0], spec


@contextlib.contextmanager
def _session_lock(key: int) -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (acquired,) = cursor.fetchone()
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def flags_recompute(
    *,
    as_of: datetime.date | None = None,
    chunks: int = 1,
    run_chunks: ChunkRunner | None = None,
    once_per_date: bool = False,
) -> RecomputeRun | None:
    """Recompute everyone's flags for `as_of` and publish them atomically.

    Returns the run, or None when another recompute holds the lock. With
    `chunks` > 1, `run_chunks(run, chunks)` must compute every chunk (on
    workers) and return their summaries. With `once_per_date`, a date that
    already has a published run is not recomputed: that run is returned and
    nothing is written (the nightly task, whose message a broker may deliver
    more than once).
    """
    as_of = as_of or timezone.localdate()
    with _session_lock(RECOMPUTE_LOCK) as acquired:
        if not acquired:
            logger.info("A recompute is already running; this one exits without writing.")
            return None
        if once_per_date:
            # Checked under the lock: a run publishing now has finished by the time we hold it.
            done = (
                RecomputeRun.objects.filter(as_of=as_of, status=RecomputeRun.Status.PUBLISHED)
                .order_by("-started_at")
                .first()
            )
            if done is not None:
                logger.info("Flags as of %s were published by run %s already.", as_of, done.pk)
                return done
        # Holding the lock proves no other run is alive: any still "running" was killed.
        RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING).update(
            status=RecomputeRun.Status.ABANDONED, finished_at=timezone.now()
        )
        with connection.cursor() as cursor:
            publish.clear_staged(cursor.cursor)
        run = RecomputeRun.objects.create(
            as_of=as_of,
            rule_set=active_rule_set(),
            chunks=max(chunks, 1),
            started_at=timezone.now(),
        )
        try:
            if chunks > 1:
                if run_chunks is None:
                    raise ValueError("A chunked recompute needs a way to run its chunks.")
                summaries = run_chunks(run, chunks)
            else:
                summaries = [flags_compute_chunk(run_id=run.pk, chunk=0, chunks=1)]
            _publish_run(run, summaries)
        except Exception as error:
            RecomputeRun.objects.filter(pk=run.pk).update(
                status=RecomputeRun.Status.FAILED, finished_at=timezone.now(), error=repr(error)
            )
            raise
        run.refresh_from_db()
        logger.info(
            "Recompute as of %s published: %s, shares %s",
            as_of,
            run.counts_by_tier,
            run.tier_shares,
        )
        warning = wording.selectivity_warning(run.tier_shares)
        if warning:
            logger.warning("Recompute as of %s: %s", as_of, warning)
        return run


def flags_compute_chunk(*, run_id: int, chunk: int, chunks: int) -> dict[str, Any]:
    """Compute one chunk of a run and stage its results; safe to repeat."""
    run = RecomputeRun.objects.select_related("rule_set").get(pk=run_id)
    spec = run.rule_set.spec()
    selection = loader.Selection(chunk=chunk, chunks=chunks)
    started = time.perf_counter()
    frames = loader.load_frames(spec, run.as_of, selection)
    loaded = time.perf_counter()
    _step_done(run_id)
    evaluation = engine.evaluate(
        frames,
        spec,
        run.as_of,
        every_fired=False,
        slice_people=settings.RISK_RECOMPUTE_SLICE_PEOPLE or engine.SLICE_PEOPLE,
    )
    evaluated = time.perf_counter()
    _step_done(run_id)
    # Only what changes from the open flags is staged.
    current = publish.current_flags(selection.clause("f.service_user_id"))
    with transaction.atomic(), connection.cursor() as cursor:
        written = publish.stage(
            cursor.cursor,
            evaluation,
            run_id=run_id,
            chunk=chunk,
            rule_set_id=run.rule_set_id,
            current=current,
        )
    staged = time.perf_counter()
    _step_done(run_id)
    return {
        "population": evaluation.population,
        "rows_read": evaluation.rows_read,
        "counts_by_rule": evaluation.counts_by_rule,
        "written": written,
        "timings": {
            "load_s": round(loaded - started, 3),
            "engine_s": round(evaluated - loaded, 3),
            "stage_s": round(staged - evaluated, 3),
        },
    }


def _step_done(run_id: int) -> None:
    """Count one step of a run for its progress page (`RecomputeRun.stage`)."""
    RecomputeRun.objects.filter(pk=run_id).update(steps_done=F("steps_done") + 1)


def _publish_run(run: RecomputeRun, summaries: list[dict]) -> None:
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK])
        cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM risk_flag WHERE ended_on IS NULL)")
        (first_run,) = cursor.fetchone()
        # The first run writes every flag and reason: building the tables' indexes
        # once afterwards is cheaper than keeping them up row by row. Safe here: no
        # flag is open yet, and the tables are locked only until this commits.
        bulk = (
            bulk_loading(cursor.cursor, publish.FIRST_RUN_TABLES)
            if first_run
            else contextlib.nullcontext()
        )
        with bulk:
            counts = publish.publish_staged(
                cursor.cursor,
                run_id=run.pk,
                as_of=run.as_of,
                rule_set_id=run.rule_set_id,
                started=run.started_at,
                raised_run_id=run.pk,
            )
        by_rule: dict[str, int] = {}
        timings: dict[str, float] = {}
        written: dict[str, int] = {}
        for summary in summaries:
            for name, count in summary.get("written", {}).items():
                written[name] = written.get(name, 0) + count
            for code, count in summary["counts_by_rule"].items():
                by_rule[code] = by_rule.get(code, 0) + count
            for name, seconds in summary["timings"].items():
                # Chunks run side by side, so the slowest chunk is the wall time.
                timings[name] = max(timings.get(name, 0.0), seconds)
        timings["publish_s"] = round(time.perf_counter() - started, 3)
        logger.info("Run %s staged %s", run.pk, written)
        run.counts_by_tier = {tier: counts.get(tier, 0) for tier in engine.TIERS}
        run.counts_by_rule = dict(sorted(by_rule.items(), key=lambda item: -item[1]))
        run.population = sum(summary["population"] for summary in summaries)
        run.rows_read = sum(summary["rows_read"] for summary in summaries)
        run.flagged = sum(counts.values())
        run.timings = timings
        run.status = RecomputeRun.Status.PUBLISHED
        run.finished_at = timezone.now()
        run.steps_done = run.steps_total
        run.save()


def flags_recompute_person(*, person_id: int, as_of: datetime.date | None = None) -> Flag | None:
    """Recompute one person's flag now, through the same engine; their open flag or None.

    Their records are read with one indexed statement per table and their flag and
    reasons written directly: none of a run's staging, which costs more than one
    person's few rows.
    """
    as_of = as_of or timezone.localdate()
    rule_set_id, spec = active_rule_set_spec()
    frames = loader.load_person_frames(spec, as_of, person_id)
    evaluation = engine.evaluate(frames, spec, as_of, every_fired=False)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [PUBLISH_LOCK])
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PERSON_LOCK_SPACE, person_id])
        publish.person_publish(
            cursor.cursor,
            evaluation,
            person_id=person_id,
            as_of=as_of,
            rule_set_id=rule_set_id,
        )
        cursor.execute(
            "INSERT INTO risk_personrecompute (service_user_id, computed_at) VALUES (%s, %s)"
            " ON CONFLICT (service_user_id) DO UPDATE SET computed_at = EXCLUDED.computed_at",
            [person_id, timezone.now()],
        )
    return Flag.objects.filter(service_user_id=person_id, ended_on__isnull=True).first()


# Rule set versions -------------------------------------------------------


RULE_FIELDS = (
    "check_name",
    "title",
    "looks_at",
    "evidence",
    "window_from",
    "window_to",
    "min_count",
    "weight",
    "reason",
    "enabled",
    "exclusive_group",
    "min_tier",
)


@transaction.atomic
def rule_set_copy(*, source: RuleSet, user: User | None, name: str = "") -> RuleSet:
    """A new draft version with the same rules and thresholds, ready to edit."""
    latest = RuleSet.objects.select_for_update().order_by("-version").first()
    draft = RuleSet.objects.create(
        version=(latest.version if latest else 0) + 1,
        name=name or f"Draft based on version {source.version}",
        status=RuleSet.Status.DRAFT,
        raised_threshold=source.raised_threshold,
        high_threshold=source.high_threshold,
        very_high_threshold=source.very_high_threshold,
        created_by=user,
    )
    Rule.objects.bulk_create(
        Rule(
            rule_set=draft,
            code=rule.code,
            version=rule.version,
            **{field: getattr(rule, field) for field in RULE_FIELDS},
        )
        for rule in source.rules.all()
    )
    return draft


@transaction.atomic
def rule_set_activate(*, rule_set: RuleSet, user: User) -> RuleSet:
    """Make a draft the active version; the one before is retired, never edited again.

    A rule whose settings differ from the same rule in the version it replaces
    gets the next rule version, so every fired rule says which wording and
    window produced it.
    """
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if rule_set.status != RuleSet.Status.DRAFT:
        raise ValidationError("Only a draft rule set can be activated.")
    rule_set.full_clean()
    if not rule_set.rules.filter(enabled=True).exists():
        raise ValidationError("A rule set needs at least one rule switched on.")
    current = RuleSet.objects.filter(status=RuleSet.Status.ACTIVE).first()
    if selectors.backtest_for_activation(draft=rule_set, current=current) is None:
        beside = f" beside the active version {current.version}" if current else ""
        raise ValidationError(
            f"Run a backtest of version {rule_set.version}{beside} first: a version is "
            "activated only once its backtest, of its rules as they now stand, is done."
        )
    if current is not None:
        previous = {rule.code: rule for rule in current.rules.all()}
        for rule in rule_set.rules.all():
            before = previous.get(rule.code)
            if before is None:
                continue
            changed = any(getattr(rule, f) != getattr(before, f) for f in RULE_FIELDS)
            rule.version = before.version + 1 if changed else before.version
            rule.save(update_fields=["version"])
        current.status = RuleSet.Status.RETIRED
        current.save(update_fields=["status"])
    rule_set.status = RuleSet.Status.ACTIVE
    rule_set.activated_at = timezone.now()
    rule_set.activated_by = user
    rule_set.save()
    return rule_set


# Backtests ------------------------------------------------------------------


@transaction.atomic
def backtest_request(
    *,
    rule_sets: list[RuleSet],
    dates: list[datetime.date],
    user: User | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    every_days: int | None = None,
    months: int | None = None,
) -> Backtest:
    """Record a queued backtest of `rule_sets` (in that order) on `dates`, with each
    version's fingerprint as it stands now; `backtest_perform` runs it."""
    if not rule_sets:
        raise ValidationError("Choose at least one rule set version to backtest.")
    if not dates:
        raise ValidationError("Choose at least one date to backtest on.")
    run = Backtest.objects.create(
        versions=[rule_set.version for rule_set in rule_sets],
        fingerprints={str(rs.version): rule_set_fingerprint(rs) for rs in rule_sets},
        dates=[day.isoformat() for day in sorted(set(dates))],
        date_from=date_from,
        date_to=date_to,
        every_days=every_days,
        months=months,
        requested_by=user,
    )
    run.rule_sets.set(rule_sets)
    return run


def backtest_perform(*, backtest_id: int) -> Backtest:
    """Run a queued backtest and store its figures, or its error (the page shows it, and
    the administrator runs another). Idempotent: a backtest already done or failed is
    returned as it is. Writes no flags."""
    with transaction.atomic():
        run = Backtest.objects.select_for_update().get(pk=backtest_id)
        if run.is_finished:
            return run
        run.status = Backtest.Status.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
    try:
        results = backtest.run_backtest(
            versions=list(run.versions),
            dates=[datetime.date.fromisoformat(day) for day in run.dates],
        )
    except Exception as error:
        logger.exception("Backtest %s failed", run.pk)
        run.status = Backtest.Status.FAILED
        run.error = str(error) or error.__class__.__name__
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        return run
    run.status = Backtest.Status.DONE
    run.results = results
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "results", "finished_at"])
    return run


# The flag lifecycle ------------------------------------------------------

OVERRIDE_LONGEST_DAYS = 180


@transaction.atomic
def flag_acknowledge(*, flag: Flag, user: User) -> Flag:
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status == Flag.Status.RAISED:
        flag.status = Flag.Status.ACKNOWLEDGED
        flag.acknowledged_by = user
        flag.acknowledged_at = timezone.now()
        flag.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    return flag


@transaction.atomic
def flag_override(
    *, flag: Flag, user: User, reason: str, expires_on: datetime.date
) -> FlagOverride:
    """Mark an open flag not applicable until a date; it ends, and stays in history.

    Only the rules firing now are covered: a rule that starts firing later
    raises a new flag despite the override. A very high flag's override needs a
    lead of the person's team: made by such a lead it takes effect at once
    (self-approved); made by anyone else it waits for one (`flag_override_decide`)
    and the flag stays open meanwhile.
    """
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    today = timezone.localdate()
    errors = {}
    if not flag.is_open:
        errors["__all__"] = "This flag has already ended."
    elif flag.overrides.filter(approval=FlagOverride.Approval.PENDING).exists():
        errors["__all__"] = (
            "An override of this flag is already waiting for a team lead's approval."
        )
    if not reason.strip():
        errors["reason"] = "Say why this flag does not apply."
    if expires_on <= today:
        errors["expires_on"] = "The override must end after today."
    elif expires_on > today + datetime.timedelta(days=OVERRIDE_LONGEST_DAYS):
        errors["expires_on"] = (
            f"An override can last at most {OVERRIDE_LONGEST_DAYS} days; review it then."
        )
    if errors:
        raise ValidationError(errors)
    approval, decided_by, decided_at = FlagOverride.Approval.NOT_NEEDED, None, None
    if flag.tier == Tier.VERY_HIGH:
        if selectors.override_needs_approval(
            user=user, tier=flag.tier, team_id=flag.service_user.team_id
        ):
            approval = FlagOverride.Approval.PENDING
        else:
            approval, decided_by, decided_at = FlagOverride.Approval.LEAD_OWN, user, timezone.now()
    override = FlagOverride.objects.create(
        flag=flag,
        service_user_id=flag.service_user_id,
        reason=reason.strip(),
        expires_on=expires_on,
        rule_codes=list(flag.reasons.values_list("rule_code", flat=True)) or flag.rule_codes,
        created_by=user,
        approval=approval,
        decided_by=decided_by,
        decided_at=decided_at,
    )
    if override.in_force:
        _end_overridden(flag, today)
    return override


def _end_overridden(flag: Flag, today: datetime.date) -> None:
    flag.status = Flag.Status.OVERRIDDEN
    flag.ended_on = max(today, flag.raised_on)
    flag.end_reason = Flag.EndReason.OVERRIDDEN
    flag.save(update_fields=["status", "ended_on", "end_reason"])


@transaction.atomic
def flag_override_decide(
    *, override: FlagOverride, user: User, approve: bool, note: str = ""
) -> FlagOverride:
    """A team lead's answer to an override waiting for approval: approved, it ends the
    flag as an override in force would have; declined, the flag stays as it is. The
    decision is kept with who made it and when."""
    override = FlagOverride.objects.select_for_update().select_related("flag").get(pk=override.pk)
    flag = Flag.objects.select_for_update().get(pk=override.flag_id)
    if override.approval != FlagOverride.Approval.PENDING:
        raise ValidationError("This override has already been decided.")
    if not leads_team(user, flag.service_user.team_id):
        raise ValidationError("Only a team lead of the person's team can decide this override.")
    if override.created_by_id == user.pk:
        raise ValidationError("Another team lead must decide an override you asked for.")
    if approve and not flag.is_open:
        raise ValidationError("This flag has already ended: there is nothing to override.")
    override.approval = (
        FlagOverride.Approval.APPROVED if approve else FlagOverride.Approval.DECLINED
    )
    override.decided_by = user
    override.decided_at = timezone.now()
    override.decision_note = note.strip()
    override.save(update_fields=["approval", "decided_by", "decided_at", "decision_note"])
    if approve:
        _end_overridden(flag, timezone.localdate())
    return override


@transaction.atomic
def outreach_attempt_create(
    *, service_user: ServiceUser, recorded_by: User, **fields: Any
) -> OutreachAttempt:
    """Record an outreach attempt against the person's open flag, which is then being worked."""
    flag = (
        Flag.objects.select_for_update()
        .filter(service_user=service_user, ended_on__isnull=True)
        .first()
    )
    attempt = OutreachAttempt(
        service_user=service_user, flag=flag, recorded_by=recorded_by, **fields
    )
    if attempt.attempted_on and attempt.attempted_on > timezone.localdate():
        raise ValidationError({"attempted_on": "An attempt cannot be in the future."})
    attempt.full_clean()
    attempt.save()
    if flag is not None and flag.status in (Flag.Status.RAISED, Flag.Status.ACKNOWLEDGED):
        flag.status = Flag.Status.WORKED
        flag.save(update_fields=["status"])
    return attempt
