"""The recompute's three write paths give the same flags: a first run writing everything,
a night writing only what changed, and one person's own recompute."""

import datetime
import io
import logging

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from cases.models import ServiceUser
from risk import services
from risk.models import Flag, FlagReason, Rule

pytestmark = pytest.mark.django_db

REASON_FIELDS = (
    "position",
    "rule_code",
    "rule_version",
    "weight",
    "trigger_kind",
    "trigger_id",
    "fired_from",
    "expires_on",
    "count",
    "detail",
)


def flags_by_person(*, carried_on: bool = False) -> dict[int, tuple]:
    """Every open flag as readers see it, by person: tier, score, summary, rules, reasons.

    `carried_on` leaves out what a flag that carries on from night to night keeps
    from its past: every rule that ever contributed, and its reasons' wording as of
    the night they last changed.
    """
    fields = REASON_FIELDS if carried_on else (*REASON_FIELDS, "text")
    reasons: dict[int, list] = {}
    for flag_id, *values in FlagReason.objects.filter(flag__ended_on__isnull=True).values_list(
        "flag_id", *fields
    ):
        reasons.setdefault(flag_id, []).append(tuple(values))
    return {
        flag.service_user_id: (
            flag.tier,
            flag.tier_rank,
            flag.score,
            flag.summary,
            () if carried_on else tuple(flag.rule_codes),
            flag.status,
            flag.rule_set_id,
            tuple(sorted(reasons.get(flag.id, []))),
        )
        for flag in Flag.objects.filter(ended_on__isnull=True)
    }


def clear_flags() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE risk_flagreason, risk_flagoverride, risk_outreachattempt, "
            "risk_personrecompute, risk_flag, risk_recomputerun CASCADE"
        )


@pytest.fixture
def demo_people():
    call_command(
        "seed_demo",
        people=300,
        seed=7,
        without_reviews=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    clear_flags()
    return list(ServiceUser.objects.values_list("pk", flat=True))


def max_id(events) -> int:
    return max(events.values_list("pgh_id", flat=True), default=0)


def staged(caplog) -> dict[str, int]:
    """What the last run staged, as it logged it."""
    (record,) = [r for r in caplog.records if r.getMessage().startswith("Run ")][-1:]
    return record.args[1]


def test_each_persons_own_recompute_gives_the_flags_of_a_whole_run(demo_people):
    today = timezone.localdate()
    services.flags_recompute(as_of=today)
    whole_run = flags_by_person()
    assert len(whole_run) > 30

    clear_flags()
    for person_id in demo_people:
        services.flags_recompute_person(person_id=person_id, as_of=today)

    assert flags_by_person() == whole_run


def test_a_flags_rule_codes_are_stored_in_one_order_whichever_way_it_was_written(demo_people):
    today = timezone.localdate()
    services.flags_recompute(as_of=today)
    by_run = list(Flag.objects.values_list("rule_codes", flat=True))
    clear_flags()
    for person_id in demo_people[:40]:
        services.flags_recompute_person(person_id=person_id, as_of=today)
    by_person = list(Flag.objects.values_list("rule_codes", flat=True))
    assert any(len(codes) > 2 for codes in by_run)
    assert by_person
    assert all(codes == sorted(codes) for codes in by_run + by_person)


def test_a_first_run_writes_every_flag_and_reason_once(demo_people, caplog):
    caplog.set_level(logging.INFO, logger="risk.services")
    flag_events = apps.get_model("risk", "FlagEvent").objects
    reason_events = apps.get_model("risk", "FlagReasonEvent").objects
    # The seed's own history stays; only this run's events are counted.
    flag_events = flag_events.filter(pgh_id__gt=max_id(flag_events))
    reason_events = reason_events.filter(pgh_id__gt=max_id(reason_events))

    run = services.flags_recompute(as_of=timezone.localdate())

    flags = Flag.objects.filter(ended_on__isnull=True).count()
    reasons = FlagReason.objects.count()
    assert staged(caplog) == {"staged_people": flags, "staged_reasons": reasons}
    assert run.flagged == flags
    assert flag_events.filter(pgh_label="insert").count() == flags
    assert not flag_events.exclude(pgh_label="insert").exists()
    assert reason_events.filter(pgh_label="insert").count() == reasons
    assert not reason_events.exclude(pgh_label="insert").exists()


def test_a_night_writes_only_what_changed_and_ends_as_a_fresh_run_would(demo_people, caplog):
    caplog.set_level(logging.INFO, logger="risk.services")
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    services.flags_recompute(as_of=today)
    before = {f.service_user_id: f for f in Flag.objects.filter(ended_on__isnull=True)}
    reason_ids = {
        f.service_user_id: sorted(f.reasons.values_list("id", flat=True)) for f in before.values()
    }

    run = services.flags_recompute(as_of=tomorrow)
    night = flags_by_person(carried_on=True)
    written = staged(caplog)
    # A quiet night: most flags carry on as they were.
    assert written["staged_people"] < run.flagged
    # Summaries are worded when read, so only people whose fired rules moved are written.
    after = {f.service_user_id: f for f in Flag.objects.filter(ended_on__isnull=True)}
    moved = {
        person_id
        for person_id in before.keys() | after.keys()
        if person_id not in before
        or person_id not in after
        or (before[person_id].tier, before[person_id].signature)
        != (after[person_id].tier, after[person_id].signature)
    }
    assert written["staged_people"] == len(moved)
    kept = 0
    for person_id, flag in before.items():
        now = Flag.objects.get(pk=flag.pk)
        if now.is_open and now.signature == flag.signature:
            # Same fired rules: the reasons were not rewritten.
            assert sorted(now.reasons.values_list("id", flat=True)) == reason_ids[person_id]
            kept += 1
    assert kept > 0

    # Everything a reader sees (but the wording of reasons kept from the night before)
    # is what a fresh run on the same day writes.
    clear_flags()
    services.flags_recompute(as_of=tomorrow)
    assert night == flags_by_person(carried_on=True)


def test_one_persons_recompute_builds_the_rule_set_again_only_once_a_rule_changes(db):
    rule_set_id, spec = services.active_rule_set_spec()
    assert services.active_rule_set_spec() == (rule_set_id, spec)
    assert services.active_rule_set_spec()[1] is spec

    rule = Rule.objects.filter(rule_set_id=rule_set_id).order_by("code").first()
    Rule.objects.filter(pk=rule.pk).update(weight=F("weight") + 1)

    changed = services.active_rule_set_spec()[1]
    assert changed is not spec
    weights = {r.code: r.weight for r in changed.rules}
    assert weights[rule.code] == float(rule.weight) + 1
