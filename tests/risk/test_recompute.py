"""The recompute against the database: runs, publishing, flag history, the lock, overrides,
a person's own recompute, rule set versions and the backtest."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from cases import services as case_services
from cases.models import EventKind, TreatmentEpisode
from risk import services
from risk.models import Backtest, Flag, FlagReason, PersonRecompute, RecomputeRun, RuleSet
from tests.factories import EventFactory, NaloxoneSupplyFactory, substance
from tests.risk.conftest import backtested, days_ago, neutral_person, released, worded

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def open_flag(person) -> Flag | None:
    return Flag.objects.filter(service_user=person, ended_on__isnull=True).first()


def snapshot() -> list[tuple]:
    """Every flag with its reasons, as readers see them, by person.

    By person, not by id: the order in which one publish inserts new flags is
    PostgreSQL's choice, and differs between a whole run and a chunked one.
    """
    flags = []
    for flag in Flag.objects.order_by("service_user_id", "id"):
        reasons = tuple(
            FlagReason.objects.filter(flag=flag)
            .order_by("position")
            .values_list(
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
                "text",
            )
        )
        flags.append(
            (
                flag.id,
                flag.external_id,
                flag.service_user_id,
                flag.tier,
                flag.score,
                flag.summary,
                tuple(flag.rule_codes),
                flag.status,
                flag.raised_on,
                flag.changed_on,
                flag.ended_on,
                flag.end_reason,
                flag.rule_set_id,
                reasons,
            )
        )
    return flags


@pytest.fixture
def population():
    """One high (released from prison 5 days ago: 2.0, held at High by the rule's minimum),
    one very high, one unflagged."""
    recent = neutral_person()
    released(recent, 5)
    very_high = neutral_person()
    released(very_high, 3)
    EventFactory(service_user=very_high, kind="hospital_discharge", occurred_on=days_ago(4))
    EventFactory(
        service_user=very_high,
        kind="non_fatal_overdose",
        occurred_on=days_ago(6),
        taken_to_hospital=True,
        information_source="ambulance",
    )
    calm = neutral_person()
    return recent, very_high, calm


def test_a_full_recompute_publishes_flags_and_records_its_run(population):
    recent, very_high, calm = population
    run = services.flags_recompute(as_of=today())

    assert run.status == RecomputeRun.Status.PUBLISHED
    assert run.as_of == today()
    assert run.rule_set.version == 2
    assert run.finished_at >= run.started_at
    assert run.population == 3
    assert run.flagged == 2
    assert run.counts_by_tier == {"very_high": 1, "high": 1, "raised": 0}
    assert run.counts_by_rule["prison_release_2w"] == 2
    assert run.counts_by_rule["overdose_90d"] == 1
    assert run.counts_by_rule["hospital_discharge_4w"] == 1
    assert {"load_s", "engine_s", "stage_s", "publish_s"} <= set(run.timings)

    flag = open_flag(recent)
    assert (flag.tier, flag.score, flag.status) == ("high", Decimal("2.00"), "raised")
    assert worded(flag) == "released from prison 5 days ago"
    assert flag.rule_codes == ["prison_release_2w"]
    assert (flag.raised_on, flag.raised_run, flag.rule_set) == (today(), run, run.rule_set)
    (reason,) = flag.reasons.all()
    # Version 2 of the rule: version 1's, with its minimum tier.
    assert (reason.rule_code, reason.rule_version, reason.trigger_kind) == (
        "prison_release_2w",
        2,
        "event",
    )
    assert reason.fired_from == days_ago(5)
    assert reason.expires_on == days_ago(5) + datetime.timedelta(days=14)

    top = open_flag(very_high)
    assert top.tier == "very_high"
    assert [r.text for r in top.reasons.all()] == [
        "released from prison 3 days ago",
        "overdose 6 days ago",
        "discharged from hospital 4 days ago",
    ]
    assert open_flag(calm) is None


def test_the_command_reports_the_tier_distribution(population):
    out = io.StringIO()
    call_command("recompute_flags", "--as-of", today().isoformat(), stdout=out)
    text = out.getvalue()
    assert f"Published flags as of {today():%d/%m/%Y} under rule set version 2" in text
    assert "3 people in scope, 2 flagged" in text
    assert "very_high          1   33.3%" in text


def test_recomputing_the_same_date_again_changes_nothing(population):
    first = services.flags_recompute(as_of=today())
    before = snapshot()
    second = services.flags_recompute(as_of=today())
    assert snapshot() == before
    assert second.counts_by_tier == first.counts_by_tier
    assert Flag.objects.filter(raised_run=second).count() == 0
    assert RecomputeRun.objects.filter(status="published").count() == 2


def test_a_nightly_run_for_a_date_already_published_returns_that_run_and_writes_nothing(
    population,
):
    first = services.flags_recompute(as_of=today(), once_per_date=True)
    before = snapshot()
    again = services.flags_recompute(as_of=today(), once_per_date=True)
    assert again.pk == first.pk
    assert snapshot() == before
    assert RecomputeRun.objects.count() == 1
    # Another date, or a run asked for by hand, still runs.
    assert services.flags_recompute(as_of=days_ago(1), once_per_date=True).pk != first.pk
    assert services.flags_recompute(as_of=today()).pk != first.pk


def test_a_nightly_run_after_a_failed_one_for_the_same_date_runs_again(population):
    failed = RecomputeRun.objects.create(
        as_of=today(),
        rule_set=services.active_rule_set(),
        started_at=timezone.now(),
        status=RecomputeRun.Status.FAILED,
    )
    run = services.flags_recompute(as_of=today(), once_per_date=True)
    assert run.pk != failed.pk
    assert run.status == RecomputeRun.Status.PUBLISHED


def test_a_flag_ends_when_its_rule_stops_firing():
    person = neutral_person()
    released(person, 20)
    services.flags_recompute(as_of=days_ago(10))  # released 10 days before: high
    flag = open_flag(person)
    assert worded(flag, days_ago(10)) == "released from prison 10 days ago"

    services.flags_recompute(as_of=today())  # 20 days: prison_release_4w alone, 1.0
    flag.refresh_from_db()
    assert (flag.status, flag.ended_on, flag.end_reason) == ("ended", today(), "stopped_firing")
    assert open_flag(person) is None
    # The ended flag keeps the reasons it had.
    assert [r.text for r in flag.reasons.all()] == ["released from prison 10 days ago"]


def test_a_tier_change_ends_one_flag_and_opens_another_keeping_history():
    person = neutral_person()
    released(person, 12)
    EventFactory(service_user=person, kind="hospital_discharge", occurred_on=days_ago(12))
    services.flags_recompute(as_of=days_ago(2))  # 10 days: 2.0 + 1.0 = high
    high = open_flag(person)
    assert high.tier == "high"

    services.flags_recompute(as_of=today())  # 12 days: still high, reasons move on
    high.refresh_from_db()
    assert high.is_open
    assert worded(high).startswith("released from prison 12 days ago")

    run = services.flags_recompute(as_of=days_ago(-5))  # 17 days: 1.0 + 1.0 = raised
    high.refresh_from_db()
    assert (high.status, high.end_reason, high.ended_on) == ("ended", "tier_changed", days_ago(-5))
    raised = open_flag(person)
    assert (raised.tier, raised.raised_on, raised.raised_run) == ("raised", days_ago(-5), run)
    history = Flag.objects.filter(service_user=person).order_by("id")
    assert [(f.tier, f.is_open) for f in history] == [("high", False), ("raised", True)]


def test_a_second_run_exits_without_writing_while_the_lock_is_held(population, other_connection):
    other_connection.execute("SELECT pg_advisory_lock(%s)", [services.RECOMPUTE_LOCK])
    assert services.flags_recompute(as_of=today()) is None
    assert not RecomputeRun.objects.exists()
    assert not Flag.objects.exists()

    other_connection.execute("SELECT pg_advisory_unlock(%s)", [services.RECOMPUTE_LOCK])
    assert services.flags_recompute(as_of=today()).status == "published"


def test_the_command_says_when_another_run_holds_the_lock(population, other_connection):
    other_connection.execute("SELECT pg_advisory_lock(%s)", [services.RECOMPUTE_LOCK])
    out = io.StringIO()
    call_command("recompute_flags", stdout=out)
    assert "Another recompute is running; nothing was written." in out.getvalue()
    assert not RecomputeRun.objects.exists()


def test_an_override_holds_back_the_same_rules_but_not_a_new_one(alice):
    person = neutral_person()
    released(person, 5)
    services.flags_recompute(as_of=today())
    flag = open_flag(person)
    override = services.flag_override(
        flag=flag, user=alice, reason="Recalled to prison", expires_on=days_ago(-30)
    )
    flag.refresh_from_db()
    assert (flag.status, flag.end_reason, flag.ended_on) == ("overridden", "overridden", today())
    assert override.rule_codes == ["prison_release_2w"]

    services.flags_recompute(as_of=today())
    assert open_flag(person) is None

    EventFactory(service_user=person, kind="hospital_discharge", occurred_on=days_ago(1))
    services.flags_recompute(as_of=today())
    new = open_flag(person)
    assert new is not None
    assert new.pk != flag.pk
    assert (new.tier, set(new.rule_codes)) == (
        "high",
        {"hospital_discharge_4w", "prison_release_2w"},
    )
    assert Flag.objects.get(pk=flag.pk).status == "overridden"


def test_a_persons_own_recompute_respects_an_override(alice):
    person = neutral_person()
    released(person, 5)
    services.flags_recompute(as_of=today())
    services.flag_override(
        flag=open_flag(person), user=alice, reason="Recalled to prison", expires_on=days_ago(-30)
    )
    assert services.flags_recompute_person(person_id=person.pk) is None
    EventFactory(service_user=person, kind="hospital_discharge", occurred_on=days_ago(1))
    assert services.flags_recompute_person(person_id=person.pk).tier == "high"


def test_an_override_no_longer_holds_back_once_it_expires(alice):
    person = neutral_person()
    released(person, 5)
    services.flags_recompute(as_of=today())
    services.flag_override(
        flag=open_flag(person), user=alice, reason="Moved away", expires_on=days_ago(-3)
    )
    services.flags_recompute(as_of=days_ago(-3))
    assert open_flag(person) is None
    services.flags_recompute(as_of=days_ago(-4))
    assert worded(open_flag(person), days_ago(-4)) == "released from prison 9 days ago"


def test_an_override_needs_a_reason_and_a_future_expiry(alice):
    person = neutral_person()
    released(person, 5)
    services.flags_recompute(as_of=today())
    flag = open_flag(person)
    with pytest.raises(ValidationError) as error:
        services.flag_override(flag=flag, user=alice, reason=" ", expires_on=today())
    assert set(error.value.message_dict) == {"reason", "expires_on"}
    assert open_flag(person) == flag


def test_saving_an_overdose_recomputes_that_person(django_capture_on_commit_callbacks, alice):
    person = neutral_person()
    TreatmentEpisode.objects.filter(service_user=person).update(substance_1=substance("heroin"))
    NaloxoneSupplyFactory(service_user=person)
    assert open_flag(person) is None

    with django_capture_on_commit_callbacks(execute=True):
        case_services.event_create(
            service_user=person,
            recorded_by=alice,
            kind=EventKind.NON_FATAL_OVERDOSE,
            occurred_on=days_ago(2),
            taken_to_hospital=True,
            information_source="ambulance",
        )

    flag = open_flag(person)
    assert flag is not None
    # 1.4 + 0.7 weighs Raised; a recent overdose is never below High.
    assert (flag.tier, flag.score) == ("high", Decimal("2.10"))
    assert worded(flag) == "overdose 2 days ago; in treatment for opioids but not on OST"
    assert flag.raised_run is None
    assert PersonRecompute.objects.filter(service_user=person).exists()


def test_a_persons_recompute_leaves_everyone_else_alone(population):
    recent = population[0]
    services.flags_recompute(as_of=today())
    before = [row for row in snapshot() if row[2] != recent.pk]
    EventFactory(service_user=recent, kind="hospital_discharge", occurred_on=days_ago(1))
    flag = services.flags_recompute_person(person_id=recent.pk)
    assert flag.tier == "high"
    assert [row for row in snapshot() if row[2] != recent.pk] == before


def test_a_nightly_run_started_before_a_persons_recompute_does_not_overwrite_it():
    person = neutral_person()
    released(person, 5)
    other = neutral_person()
    released(other, 6)

    def chunks_then_a_save(run, chunks):
        summaries = [
            services.flags_compute_chunk(run_id=run.pk, chunk=chunk, chunks=chunks)
            for chunk in range(chunks)
        ]
        # While the run is computing, a keyworker records a hospital discharge
        # and the person is recomputed on their own.
        EventFactory(service_user=person, kind="hospital_discharge", occurred_on=days_ago(1))
        services.flags_recompute_person(person_id=person.pk)
        return summaries

    run = services.flags_recompute(as_of=today(), chunks=2, run_chunks=chunks_then_a_save)

    assert run.status == "published"
    flag = open_flag(person)
    assert (flag.tier, flag.raised_run) == ("high", None)
    assert [r.text for r in flag.reasons.all()] == [
        "released from prison 5 days ago",
        "discharged from hospital yesterday",
    ]
    assert Flag.objects.filter(service_user=person).count() == 1
    assert open_flag(other).raised_run == run


def test_a_run_splits_into_chunks_and_publishes_once(population):
    single = services.flags_recompute(as_of=today())
    expected = snapshot()
    Flag.objects.all().delete()

    def in_process(run, chunks):
        return [
            services.flags_compute_chunk(run_id=run.pk, chunk=chunk, chunks=chunks)
            for chunk in range(chunks)
        ]

    chunked = services.flags_recompute(as_of=today(), chunks=3, run_chunks=in_process)
    # Everything but the flag ids is the same.
    assert [row[2:] for row in snapshot()] == [row[2:] for row in expected]
    assert chunked.counts_by_tier == single.counts_by_tier
    assert chunked.population == single.population
    assert chunked.chunks == 3


def test_a_failed_run_is_recorded_and_publishes_nothing(population):
    def broken(run, chunks):
        raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        services.flags_recompute(as_of=today(), chunks=2, run_chunks=broken)
    run = RecomputeRun.objects.get()
    assert run.status == "failed"
    assert "worker lost" in run.error
    assert not Flag.objects.exists()


# Rule set versions -------------------------------------------------------


def test_activating_a_copy_bumps_only_the_changed_rules_and_retires_the_old_set(adam):
    first = services.active_rule_set()
    draft = services.rule_set_copy(source=first, user=adam)
    # Version 3 is the evidence-based draft installed beside the active version.
    assert (draft.version, draft.status) == (4, "draft")
    assert draft.rules.count() == first.rules.count()
    draft.rules.filter(code="prison_release_2w").update(weight=Decimal("2.50"))
    draft.rules.filter(code="male").update(enabled=False)
    backtested(draft)
    services.rule_set_activate(rule_set=draft, user=adam)

    first.refresh_from_db()
    draft.refresh_from_db()
    assert (first.status, draft.status) == ("retired", "active")
    versions = dict(draft.rules.values_list("code", "version"))
    before = dict(first.rules.values_list("code", "version"))
    assert versions["prison_release_2w"] == before["prison_release_2w"] + 1
    assert versions["male"] == before["male"] + 1
    assert {code for code, version in versions.items() if version != before[code]} == {
        "prison_release_2w",
        "male",
    }

    # An unchanged copy keeps every rule's version.
    third = services.rule_set_copy(source=draft, user=adam)
    backtested(third)
    services.rule_set_activate(rule_set=third, user=adam)
    assert dict(third.rules.values_list("code", "version")) == versions
    assert RuleSet.objects.get(version=draft.version).status == "retired"

    with pytest.raises(ValidationError):
        services.rule_set_activate(rule_set=first, user=adam)


def test_flags_and_runs_record_the_rule_set_version_they_came_from(adam):
    person = neutral_person()
    released(person, 5)
    draft = services.rule_set_copy(source=services.active_rule_set(), user=adam)
    draft.rules.filter(code="prison_release_2w").update(weight=Decimal("4.30"))
    backtested(draft)
    services.rule_set_activate(rule_set=draft, user=adam)

    run = services.flags_recompute(as_of=today())
    flag = open_flag(person)
    assert run.rule_set == draft
    assert (flag.rule_set, flag.tier) == (draft, "very_high")
    assert flag.reasons.get().rule_version == 3


# The backtest ------------------------------------------------------------


def test_backtest_prints_counts_per_date_and_writes_no_flags(population, tmp_path):
    out = io.StringIO()
    flags_csv = tmp_path / "flags.csv"
    call_command(
        "backtest_flags",
        "--from",
        days_ago(14).isoformat(),
        "--to",
        today().isoformat(),
        "--every",
        "7",
        "--flags-csv",
        str(flags_csv),
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Backtest on 3 dates")
    table = lines[lines.index("People in each tier on each date") + 2 :]
    rows = {line.split()[0]: line.split()[1:] for line in table[:3]}
    # The events are all within the last week: only today's date sees them.
    assert rows[days_ago(14).isoformat()] == ["2", "3", "0", "0", "0"]
    assert rows[days_ago(7).isoformat()] == ["2", "3", "0", "0", "0"]
    assert rows[today().isoformat()] == ["2", "3", "1", "1", "0"]
    with flags_csv.open() as handle:
        written = list(csv.DictReader(handle))
    assert {row["as_of"] for row in written} == {today().isoformat()}
    assert sorted(row["tier"] for row in written) == ["high", "very_high"]
    assert not Flag.objects.exists()
    assert not RecomputeRun.objects.exists()
    stored = Backtest.objects.get()
    assert (stored.status, stored.versions) == ("done", [2])
