"""Rules that fire for a while after an event: releases, overdoses and the like, starting
and stopping OST, leaving residential treatment or detox, and leaving an episode."""

import datetime

import pandas as pd
import pytest

from tests.risk.builders import FrameBuilder
from tests.risk.rules.evaluation import codes, day, fired_row, run


@pytest.mark.parametrize(
    ("kind", "days_ago", "check", "expected"),
    [
        ("prison_release", -1, "prison_release", set()),
        ("prison_release", 0, "prison_release", {"prison_release_2w"}),
        ("prison_release", 14, "prison_release", {"prison_release_2w"}),
        ("prison_release", 15, "prison_release", {"prison_release_4w"}),
        ("prison_release", 28, "prison_release", {"prison_release_4w"}),
        ("prison_release", 29, "prison_release", {"prison_release_12w"}),
        ("prison_release", 84, "prison_release", {"prison_release_12w"}),
        ("prison_release", 85, "prison_release", set()),
        ("hospital_discharge", -1, "hospital_discharge", set()),
        ("hospital_discharge", 0, "hospital_discharge", {"hospital_discharge_4w"}),
        ("hospital_discharge", 28, "hospital_discharge", {"hospital_discharge_4w"}),
        ("hospital_discharge", 29, "hospital_discharge", set()),
        ("non_fatal_overdose", -1, "non_fatal_overdose", set()),
        ("non_fatal_overdose", 0, "non_fatal_overdose", {"overdose_90d"}),
        ("non_fatal_overdose", 90, "non_fatal_overdose", {"overdose_90d"}),
        ("non_fatal_overdose", 91, "non_fatal_overdose", {"overdose_12m"}),
        ("non_fatal_overdose", 365, "non_fatal_overdose", {"overdose_12m"}),
        ("non_fatal_overdose", 366, "non_fatal_overdose", set()),
        ("child_removed", -1, "child_removed", set()),
        ("child_removed", 0, "child_removed", {"child_removed"}),
        ("child_removed", 730, "child_removed", {"child_removed"}),
        ("child_removed", 731, "child_removed", set()),
        ("bereavement", 0, "life_event", {"life_event"}),
        ("bereavement", 90, "life_event", {"life_event"}),
        ("bereavement", 91, "life_event", set()),
        ("relationship_breakdown", 90, "life_event", {"life_event"}),
        ("job_loss", 90, "life_event", {"life_event"}),
        ("job_loss", 91, "life_event", set()),
        ("housing_lost", 5, "life_event", set()),
        ("detox_completed", -1, "tolerance_loss", set()),
        ("detox_completed", 0, "tolerance_loss", {"tolerance_loss"}),
        ("detox_completed", 120, "tolerance_loss", {"tolerance_loss"}),
        ("detox_completed", 121, "tolerance_loss", set()),
        ("residential_completed", 120, "tolerance_loss", {"tolerance_loss"}),
        ("residential_completed", 121, "tolerance_loss", set()),
    ],
)
def test_event_rules_fire_inside_their_window_only(kind, days_ago, check, expected):
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, kind, days_ago)
    assert codes(run(builder), person, check) == expected


@pytest.mark.parametrize(
    ("code", "days_ago", "window_to"),
    [
        ("prison_release_2w", 9, 14),
        ("prison_release_4w", 20, 28),
        ("overdose_12m", 200, 365),
        ("hospital_discharge_4w", 0, 28),
    ],
)
def test_a_fired_event_rule_records_its_trigger_start_and_expiry(code, days_ago, window_to):
    builder = FrameBuilder()
    person = builder.person()
    kind = "non_fatal_overdose" if code.startswith("overdose") else code.rsplit("_", 1)[0]
    event_id = builder.event(person, kind, days_ago)
    row = fired_row(run(builder), person, code)
    assert row["trigger_kind"] == "event"
    assert row["trigger_id"] == event_id
    assert row["fired_from"] == pd.Timestamp(day(days_ago))
    assert row["expires_on"] == pd.Timestamp(day(days_ago) + datetime.timedelta(days=window_to))
    assert row["rule_version"] == 1


def test_only_the_most_recent_release_counts():
    builder = FrameBuilder()
    person = builder.person()
    builder.event(person, "prison_release", 60)
    builder.event(person, "prison_release", 5)
    assert codes(run(builder), person, "prison_release") == {"prison_release_2w"}


@pytest.mark.parametrize(
    ("started", "expected"),
    [
        (-1, set()),
        (0, {"ost_started_2w"}),
        (14, {"ost_started_2w"}),
        (15, {"ost_started_4w"}),
        (28, {"ost_started_4w"}),
        (29, set()),
    ],
)
def test_starting_ost_fires_for_four_weeks(started, expected):
    builder = FrameBuilder()
    person = builder.person()
    builder.ost(person, started=started)
    assert codes(run(builder), person, "ost_started") == expected


@pytest.mark.parametrize(
    ("ended", "expected"),
    [
        (-1, set()),  # ends after the as-of date: still running
        (0, {"ost_stopped_4w"}),
        (28, {"ost_stopped_4w"}),
        (29, {"ost_stopped_6m"}),
        (182, {"ost_stopped_6m"}),
        (183, set()),
    ],
)
def test_stopping_ost_fires_for_six_months(ended, expected):
    builder = FrameBuilder()
    person = builder.person()
    builder.ost(person, started=400, ended=ended)
    assert codes(run(builder), person, "ost_stopped") == expected


def test_ost_stopped_does_not_fire_once_ost_restarts():
    builder = FrameBuilder()
    restarted = builder.person()
    builder.ost(restarted, started=300, ended=12)
    builder.ost(restarted, started=3)
    restarts_later = builder.person()
    builder.ost(restarts_later, started=300, ended=12)
    builder.ost(restarts_later, started=-2)
    evaluation = run(builder)
    assert codes(evaluation, restarted, "ost_stopped") == set()
    # A restart booked after the as-of date has not happened yet.
    assert codes(evaluation, restarts_later, "ost_stopped") == {"ost_stopped_4w"}


def test_ost_stopped_counts_from_the_latest_stop():
    builder = FrameBuilder()
    person = builder.person()
    builder.ost(person, started=300, ended=100)
    builder.ost(person, started=60, ended=10)
    row = fired_row(run(builder), person, "ost_stopped_4w")
    assert row["fired_from"] == pd.Timestamp(day(10))
    assert codes(run(builder), person, "ost_stopped") == {"ost_stopped_4w"}


@pytest.mark.parametrize(
    ("kind", "ended", "fires"),
    [
        ("inpatient_detox", 0, True),
        ("inpatient_detox", 120, True),
        ("inpatient_detox", 121, False),
        ("residential", 120, True),
        ("residential", 121, False),
        ("residential", None, False),  # still there: tolerance not yet lost
        ("residential", -5, False),  # leaves after the as-of date
        ("psychosocial", 10, False),
    ],
)
def test_tolerance_loss_fires_after_a_detox_or_residential_stay_ends(kind, ended, fires):
    builder = FrameBuilder()
    person = builder.person()
    stay = builder.intervention(person, kind=kind, started=200, ended=ended)
    evaluation = run(builder)
    assert codes(evaluation, person, "tolerance_loss") == ({"tolerance_loss"} if fires else set())
    if fires:
        row = fired_row(evaluation, person, "tolerance_loss")
        assert (row["trigger_kind"], row["trigger_id"]) == ("intervention", stay)


@pytest.mark.parametrize(
    ("discharged", "unplanned", "expected"),
    [
        (-1, True, set()),  # discharged after the as-of date: still in treatment
        (0, True, {"left_unplanned_4w"}),
        (28, True, {"left_unplanned_4w"}),
        (29, True, set()),
        (5, False, set()),
    ],
)
def test_leaving_unplanned_fires_for_four_weeks(discharged, unplanned, expected):
    builder = FrameBuilder()
    person = builder.person(discharged=discharged, unplanned_exit=unplanned)
    assert codes(run(builder), person, "left_unplanned") == expected


@pytest.mark.parametrize(
    ("discharged", "expected"),
    [(-1, set()), (0, {"out_of_treatment"}), (365, {"out_of_treatment"}), (366, set())],
)
def test_out_of_treatment_fires_for_a_year_after_leaving(discharged, expected):
    builder = FrameBuilder()
    person = builder.person(referred=500, discharged=discharged)
    assert codes(run(builder), person, "out_of_treatment") == expected


def test_a_new_episode_ends_out_of_treatment_and_left_unplanned():
    builder = FrameBuilder()
    person = builder.person(referred=300, discharged=20, unplanned_exit=True)
    builder.episode(person, referred=5)
    evaluation = run(builder)
    assert codes(evaluation, person) == set()
