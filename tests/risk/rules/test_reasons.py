"""Reasons: what a flag says, in which order, and how the summary is made from them."""

import pytest

from risk.engine import AGO_MARK, clip_marked, word_marked
from tests.risk.builders import FrameBuilder
from tests.risk.rules.evaluation import AS_OF, day, fired_row, flagged, reasons, run


def summary(evaluation, person) -> str:
    """The person's summary as read on the day of the run."""
    return word_marked(flagged(evaluation, person)["summary"], evaluation.as_of)


@pytest.mark.parametrize(
    ("days_ago", "text"),
    [
        (9, "released from prison 9 days ago"),
        (0, "released from prison today"),
        (1, "released from prison yesterday"),
        (2, "released from prison 2 days ago"),
    ],
)
def test_prison_release_reason_says_how_long_ago(days_ago, text):
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "prison_release", days_ago)
    evaluation = run(builder)
    assert reasons(evaluation, person) == [text]
    assert summary(evaluation, person) == text


def test_the_summary_is_stored_for_no_day_and_reads_right_on_any_later_day():
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "prison_release", 9)
    stored = flagged(run(builder), person)["summary"]
    assert "days ago" not in stored
    assert word_marked(stored, AS_OF) == "released from prison 9 days ago"
    assert word_marked(stored, day(-3)) == "released from prison 12 days ago"


def test_ost_stopped_reason():
    builder = FrameBuilder()
    person = builder.person()
    builder.ost(person, started=200, ended=12)
    assert reasons(run(builder), person) == ["OST stopped 12 days ago and not restarted"]


def test_overdose_reason_sits_beside_no_naloxone_largest_first():
    builder = FrameBuilder()
    person = builder.person(opioid_main=True, opioid=True)
    builder.event(person, "non_fatal_overdose", 40)
    evaluation = run(builder)
    assert reasons(evaluation, person) == [
        "overdose 40 days ago",
        "in treatment for opioids but not on OST",
        "no naloxone kit on record",
    ]
    row = flagged(evaluation, person)
    assert summary(evaluation, person) == (
        "overdose 40 days ago; in treatment for opioids but not on OST; no naloxone kit on record"
    )
    assert row["rule_codes"] == "overdose_90d,opiate_not_on_ost,no_naloxone"


def test_the_summary_holds_the_first_three_reasons_and_the_codes_hold_all():
    builder = FrameBuilder()
    person = builder.person(sex="M", no_fixed_abode=True, injecting=True)
    builder.event(person, "prison_release", 9)
    evaluation = run(builder)
    assert reasons(evaluation, person) == [
        "released from prison 9 days ago",
        "no fixed abode or an acute housing problem",
        "currently injecting",
        "male",
    ]
    row = flagged(evaluation, person)
    assert summary(evaluation, person) == (
        "released from prison 9 days ago; no fixed abode or an acute housing problem; "
        "currently injecting"
    )
    assert row["rule_codes"] == "prison_release_2w,no_fixed_abode,injecting,male"
    positions = evaluation.reasons.loc[evaluation.reasons["person_id"] == person, "position"]
    assert list(positions) == [0, 1, 2, 3]


def test_rules_of_equal_weight_are_ordered_by_code():
    builder = FrameBuilder()
    person = builder.person(opioid=True, gabapentinoid=True, alcohol=True)
    builder.naloxone(person, supplied=10, expires=-300)
    builder.event(person, "prison_release", 3)
    evaluation = run(builder)
    ordered = list(
        evaluation.reasons.loc[evaluation.reasons["person_id"] == person, "rule_code"].astype(str)
    )
    assert ordered == ["prison_release_2w", "opioids_alcohol", "opioids_gabapentinoids"]


@pytest.mark.parametrize(
    ("add", "code", "text"),
    [
        (
            lambda b, p: b.event(p, "detox_completed", 10),
            "tolerance_loss",
            "completed detox 10 days ago: tolerance may be lost",
        ),
        (
            lambda b, p: b.intervention(p, kind="residential", started=90, ended=3),
            "tolerance_loss",
            "left residential treatment 3 days ago: tolerance may be lost",
        ),
        (lambda b, p: b.event(p, "bereavement", 5), "life_event", "bereavement 5 days ago"),
        (lambda b, p: b.event(p, "job_loss", 1), "life_event", "lost their job yesterday"),
        (
            lambda b, p: b.event(p, "relationship_breakdown", 0),
            "life_event",
            "relationship breakdown today",
        ),
        (
            lambda b, p: [b.event(p, "non_fatal_overdose", d) for d in (200, 300)],
            "repeat_overdose",
            "2 overdoses in the last 12 months",
        ),
        (
            lambda b, p: [b.contact(p, d, "dna") for d in (30, 20, 10)],
            "missed_appointments",
            "missed the last 3 appointments",
        ),
        (
            lambda b, p: b.event(p, "child_removed", 100),
            "child_removed",
            "child removed into care 100 days ago",
        ),
        (lambda b, p: b.ost(p, started=3), "ost_started_2w", "started OST 3 days ago"),
        (
            lambda b, p: b.naloxone(p, supplied=400, expires=10),
            "no_naloxone",
            f"naloxone kit expired {day(10):%d/%m/%Y}",
        ),
        (lambda b, p: b.top(p, 10, opiuse=3, ivdrguse=2), "injecting", "currently injecting"),
    ],
)
def test_reason_wording(add, code, text):
    builder = FrameBuilder()
    person = builder.person(opioid=True)
    builder.naloxone(person, supplied=500, expires=-300)
    builder.event(person, "prison_release", 9)
    add(builder, person)
    evaluation = run(builder)
    assert fired_row(evaluation, person, code)["reason"] == text
    assert text in reasons(evaluation, person)


@pytest.mark.parametrize(
    ("discharged", "unplanned", "texts"),
    [
        (
            12,
            True,
            ["left treatment unplanned 12 days ago", f"out of treatment since {day(12):%d/%m/%Y}"],
        ),
        (0, True, ["left treatment unplanned today", f"out of treatment since {day(0):%d/%m/%Y}"]),
    ],
)
def test_leaving_treatment_reasons(discharged, unplanned, texts):
    builder = FrameBuilder()
    person = builder.person(discharged=discharged, unplanned_exit=unplanned)
    builder.event(person, "prison_release", 20)
    evaluation = run(builder)
    # Equal weights (1.0) are ordered by rule code.
    assert reasons(evaluation, person) == [texts[0], "released from prison 20 days ago", texts[1]]


def test_a_summary_cut_to_its_column_never_keeps_half_a_marked_date():
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "prison_release", 9)
    stored = flagged(run(builder), person)["summary"]
    cut = clip_marked(stored, stored.index(AGO_MARK) + 5)
    assert cut == "released from prison "
    assert clip_marked(stored, 400) == stored
