"""The DOMES-style outcome summary, each figure on a dataset worked out by hand.

The period is the second quarter of 2026, compared with the first, unless a
test says otherwise.
"""

import datetime

import pytest
from django.utils import timezone

from outcomes.figures import FigureFilters, outcome_summary
from outcomes.figures.episodes import client_groups
from outcomes.figures.treatment import outcome_tables
from tests.outcomes.figures.conftest import (
    D,
    episode,
    intervention,
    ost,
    person,
    quarter_two,
    row,
    several,
    shown,
    top,
    treated,
)

pytestmark = pytest.mark.django_db


def raw(filters: FigureFilters, measure: str, group: str = "all", segment: str = "all"):
    """The unsuppressed count (current, previous) of a measure, for edge cases of one person."""
    current, previous, _ = outcome_tables(filters)
    return current.counts[(measure, group, segment)], previous.counts[(measure, group, segment)]


def completing(substances, *, started, discharged, reason, ost_ended=None):
    who = person()
    record = treated(
        who, started=started, discharged=discharged, reason=reason, substances=substances
    )
    if ost_ended is not None:
        ost(record, started=started, ended=ost_ended)
    return who


# Successful completions --------------------------------------------------


def test_successful_completions_are_a_share_of_everyone_in_treatment_by_client_group():
    # 10 opiate clients in treatment throughout.
    several(10, lambda: treated(person(), started=D(2025, 1, 13)))
    # 5 opiate clients who completed in May, off OST the day before discharge.
    several(
        5,
        lambda: completing(
            ("heroin",),
            started=D(2025, 6, 9),
            discharged=D(2026, 5, 15),
            reason="completed_drug_free",
            ost_ended=D(2026, 5, 14),
        ),
    )
    # 5 opiate clients "completed" while still on OST on the day they left: not successful.
    several(
        5,
        lambda: completing(
            ("heroin",),
            started=D(2025, 6, 9),
            discharged=D(2026, 5, 15),
            reason="completed_drug_free",
            ost_ended=D(2026, 5, 15),
        ),
    )
    # 10 alcohol clients, 5 of whom completed in June.
    several(5, lambda: treated(person(), started=D(2025, 9, 1), substances=("alcohol",)))
    several(
        5,
        lambda: completing(
            ("alcohol",),
            started=D(2025, 9, 1),
            discharged=D(2026, 6, 1),
            reason="completed_alcohol_free",
        ),
    )
    # 5 cannabis clients who started in April.
    several(5, lambda: treated(person(), started=D(2026, 4, 13), substances=("cannabis",)))
    # Not in treatment: referred but never started; left before the first quarter.
    several(5, lambda: episode(person(), referred=D(2026, 5, 1), started=None))
    several(
        5,
        lambda: treated(
            person(),
            started=D(2025, 3, 1),
            discharged=D(2025, 12, 31),
            reason="dropped_out",
            substances=("alcohol",),
        ),
    )

    result = outcome_summary(quarter_two())

    opiate = row(result, "successful_completions", client_group="opiate")
    assert shown(opiate) == ((5, 20, 25.0), (0, 20, 0.0))
    assert opiate["change"] == 25.0
    assert opiate["suppressed"] is False
    assert shown(row(result, "successful_completions", client_group="alcohol")) == (
        (5, 10, 50.0),
        (0, 10, 0.0),
    )
    non_opiate = row(result, "successful_completions", client_group="non_opiate")
    # Nobody was in treatment for cannabis before April: no rate, nothing withheld.
    assert shown(non_opiate) == ((0, 5, 0.0), (0, 0, None))
    assert non_opiate["previous"]["suppressed"] is False
    assert non_opiate["change"] is None
    everyone = row(result, "successful_completions", client_group="all")
    assert shown(everyone) == ((10, 35, 28.6), (0, 30, 0.0))
    assert everyone["change"] == 28.6


def test_in_treatment_means_started_by_the_period_end_and_not_discharged_before_it():
    episode(person(), referred=D(2026, 3, 20), started=None)  # never started
    treated(person(), started=D(2025, 6, 1), discharged=D(2026, 3, 31), reason="dropped_out")
    treated(person(), started=D(2025, 6, 1), discharged=D(2026, 4, 1), reason="dropped_out")
    treated(person(), started=D(2026, 6, 30))  # starts on the last day
    episode(person(), referred=D(2026, 6, 24), started=D(2026, 7, 1))  # starts after it

    # Second quarter: the one discharged on its first day and the one starting on its last.
    # First quarter: the one discharged on its last day and that same first one.
    assert raw(quarter_two(), "in_treatment") == (2, 2)


def test_an_opiate_client_on_ost_on_the_day_they_leave_has_not_completed_successfully():
    may = D(2026, 5, 15)
    completing(
        ("heroin",),
        started=D(2025, 6, 9),
        discharged=may,
        reason="completed_drug_free",
        ost_ended=D(2026, 5, 14),
    )
    completing(
        ("heroin",),
        started=D(2025, 6, 9),
        discharged=may,
        reason="completed_drug_free",
        ost_ended=may,
    )
    still_on_ost = treated(
        person(), started=D(2025, 6, 9), discharged=may, reason="completed_drug_free"
    )
    ost(still_on_ost, started=D(2025, 6, 9))
    # The OST rule is for opiate clients only.
    completing(
        ("alcohol",),
        started=D(2025, 6, 9),
        discharged=may,
        reason="completed_alcohol_free",
        ost_ended=may,
    )
    treated(person(), started=D(2025, 6, 9), discharged=may, reason="transferred_not_custody")
    treated(
        person(), started=D(2025, 6, 9), discharged=D(2026, 3, 31), reason="completed_drug_free"
    )

    assert raw(quarter_two(), "completed") == (2, 1)
    assert raw(quarter_two(), "completed", "opiate") == (1, 1)


def test_client_groups_follow_the_ndtms_grouping_of_an_episodes_substances():
    for substances in (
        ("heroin", "alcohol"),
        ("alcohol", "other_opioid"),
        ("cannabis", "alcohol"),
        ("alcohol", "cocaine"),
        ("pregabalin",),
        ("alcohol",),
    ):
        treated(person(), started=D(2026, 1, 5), substances=substances)

    filters = quarter_two()
    assert raw(filters, "in_treatment", "opiate")[0] == 2
    assert raw(filters, "in_treatment", "non_opiate")[0] == 3
    assert raw(filters, "in_treatment", "alcohol")[0] == 1


def test_client_groups_put_any_opioid_first_then_any_other_drug():
    import pandas as pd

    opioid = pd.Series([1, 1, 0, 0])
    other = pd.Series([1, 0, 1, 0])

    assert list(client_groups(opioid, other)) == ["opiate", "opiate", "non_opiate", "alcohol"]


def test_episodes_read_in_any_order_give_each_person_the_same_latest_episode():
    import pandas as pd

    from outcomes.figures.episodes import in_start_order, in_treatment_people
    from outcomes.figures.filters import Period

    day = pd.Timestamp
    episodes = pd.DataFrame(
        {
            "episode_id": [4, 1, 3, 2, 5, 6],
            "person_id": [20, 10, 10, 10, 20, 30],
            # Person 10's two episodes start on one day (the higher id is the later); one
            # of person 20's has not started, which sorts after every start.
            "start_date": [
                day("2026-05-01"),
                day("2026-01-05"),
                day("2026-03-02"),
                day("2026-03-02"),
                pd.NaT,
                day("2026-04-01"),
            ],
            "discharge_date": [pd.NaT] * 6,
            "opioid": [1, 0, 0, 1, 0, 0],
            "other_drug": [0, 1, 0, 0, 0, 0],
        }
    )
    period = Period(start=D(2026, 4, 1), end=D(2026, 6, 30))

    in_order = in_start_order(episodes)
    assert list(in_order["episode_id"]) == [1, 2, 3, 4, 5, 6]
    assert in_start_order(in_order) is in_order
    # In order but for the tie: a check of persons and days alone would take it as sorted.
    tie_reversed = in_order.iloc[[0, 2, 1, 3, 4, 5]]
    for frame in (episodes, in_order, episodes.iloc[::-1], tie_reversed):
        latest = in_treatment_people(frame, period)
        assert dict(zip(latest["person_id"], latest["episode_id"], strict=True)) == {
            10: 3,
            20: 4,
            30: 6,
        }
        assert dict(zip(latest["person_id"], latest["client_group"], strict=True)) == {
            10: "alcohol",
            20: "opiate",
            30: "alcohol",
        }


def test_a_person_counts_once_in_the_group_of_their_latest_episode():
    who = person()
    treated(
        who,
        started=D(2025, 1, 6),
        discharged=D(2026, 4, 20),
        reason="dropped_out",
        substances=("alcohol",),
    )
    treated(who, started=D(2026, 5, 4), substances=("heroin",))

    assert raw(quarter_two(), "in_treatment", "opiate")[0] == 1
    assert raw(quarter_two(), "in_treatment", "alcohol")[0] == 0
    assert raw(quarter_two(), "in_treatment")[0] == 1


# Completion and non-re-presentation ---------------------------------------


def test_completions_that_did_not_re_present_within_six_months():
    first_quarter = FigureFilters(start=D(2026, 1, 1), end=D(2026, 3, 31))

    def completer(back_on: datetime.date | None):
        who = person()
        treated(
            who,
            started=D(2025, 11, 10),
            discharged=D(2026, 2, 15),
            reason="completed_alcohol_free",
            substances=("alcohol",),
        )
        if back_on:
            episode(who, referred=back_on, started=None, substances=("alcohol",))

    several(5, lambda: completer(D(2026, 8, 15)))  # 6 months to the day: re-presented
    several(5, lambda: completer(D(2026, 8, 16)))  # a day later: not within 6 months
    several(5, lambda: treated(person(), started=D(2025, 11, 10), substances=("alcohol",)))

    result = outcome_summary(first_quarter)

    stayed = row(result, "completed_not_re_presenting", client_group="all")
    assert shown(stayed) == ((5, 15, 33.3), (0, 15, 0.0))
    # The six months after both quarters have passed.
    assert (stayed["provisional"], stayed["previous"]["provisional"]) == (False, False)
    came_back = row(result, "completed_re_presented", client_group="alcohol")
    assert shown(came_back) == ((5, 10, 50.0), (0, 0, None))
    assert shown(row(result, "successful_completions", client_group="all")) == (
        (10, 15, 66.7),
        (0, 15, 0.0),
    )
    assert result["previous_period"] == {
        "start": "2025-10-01",
        "end": "2025-12-31",
        "days": 92,
        "rule": "previous_whole_months",
    }


def test_re_presentation_is_provisional_until_six_months_after_the_period():
    today = timezone.localdate()
    recent = FigureFilters(start=today - datetime.timedelta(days=30), end=today)

    result = outcome_summary(recent)

    assert row(result, "completed_not_re_presenting", client_group="all")["provisional"] is True
    assert row(result, "completed_re_presented", client_group="all")["provisional"] is True
    assert row(result, "successful_completions", client_group="all")["provisional"] is False


# Time in treatment ----------------------------------------------------------


def test_time_in_continuous_treatment_in_bands_and_on_average():
    # Days to 30/06/2026 (and to 31/03/2026): 180 (89), 545 (454), 1095 (1004),
    # 1825 (1734) and 2557 (2466): one band each, in both quarters.
    for started in (D(2026, 1, 1), D(2025, 1, 1), D(2023, 7, 1), D(2021, 7, 1), D(2019, 6, 30)):
        several(5, lambda s=started: treated(person(), started=s, substances=("alcohol",)))

    result = outcome_summary(quarter_two())

    for band in ("under_1_year", "1_to_2_years", "2_to_4_years", "4_to_6_years", "6_years_or_more"):
        assert shown(row(result, "time_in_treatment", client_group="all", category=band)) == (
            (5, 25, 20.0),
            (5, 25, 20.0),
        )
    average = row(result, "average_years_in_treatment", client_group="alcohol")
    # 6202 / 5 / 365.25 = 3.396 and 5747 / 5 / 365.25 = 3.147 years.
    assert shown(average) == ((None, 25, 3.4), (None, 25, 3.15))
    assert average["unit"] == "years"
    assert average["change"] == 0.25


def test_episodes_up_to_21_days_apart_are_one_journey():
    joined, apart = person(), person()
    for who, restart in ((joined, D(2025, 12, 22)), (apart, D(2025, 12, 23))):
        treated(who, started=D(2025, 1, 1), discharged=D(2025, 12, 1), reason="dropped_out")
        treated(who, started=restart)

    current, _, _ = outcome_tables(quarter_two())

    # From 01/01/2025 (545 days) for the first; from 23/12/2025 (189 days) for the second.
    assert current.counts[("time_1_to_2_years", "all", "all")] == 1
    assert current.counts[("time_under_1_year", "all", "all")] == 1
    assert current.statistics[("years_in_treatment", "all", "all")] == pytest.approx(
        (545 + 189) / 2 / 365.25
    )


# The 6-month review -------------------------------------------------------


def reviewed(start_items: dict, review_items: dict, substances=("heroin",)):
    record = treated(person(), started=D(2025, 12, 1), substances=substances)
    top(record, "S", D(2025, 12, 1), **start_items)
    top(record, "R", D(2026, 6, 1), **review_items)


def review_dataset():
    # Opiates: 20 days at the start; at review 0, 11 (down 9: reliable) or 12.
    several(5, lambda: reviewed({"opiuse": 20, "ivdrguse": 10}, {"opiuse": 0, "ivdrguse": 0}))
    several(5, lambda: reviewed({"opiuse": 20, "ivdrguse": 10}, {"opiuse": 11, "ivdrguse": 8}))
    several(5, lambda: reviewed({"opiuse": 20, "ivdrguse": 0}, {"opiuse": 12, "ivdrguse": 0}))
    several(
        5,
        lambda: reviewed(
            {"opiuse": 0, "crause": 10}, {"opiuse": 0, "crause": 0}, substances=("crack",)
        ),
    )


def test_abstinent_or_reliably_improved_and_no_longer_injecting_at_the_six_month_review():
    review_dataset()

    result = outcome_summary(quarter_two())

    opiates = row(result, "abstinent_or_improved_at_review", category="opiates")
    assert shown(opiates) == ((10, 15, 66.7), (0, 0, None))
    assert opiates["category_label"] == "Opiates"
    assert opiates["client_group"] is None
    assert shown(row(result, "abstinent_or_improved_at_review", category="crack")) == (
        (5, 5, 100.0),
        (0, 0, None),
    )
    assert shown(row(result, "abstinent_or_improved_at_review", category="cocaine")) == (
        (0, 0, None),
        (0, 0, None),
    )
    assert shown(row(result, "stopped_injecting_at_review")) == ((5, 10, 50.0), (0, 0, None))


def test_the_reliable_change_thresholds_come_from_settings(settings):
    review_dataset()

    settings.TOP_RELIABLE_CHANGE_DAYS = {**settings.TOP_RELIABLE_CHANGE_DAYS, "OPIUSE": 8}
    eight = row(
        outcome_summary(quarter_two()), "abstinent_or_improved_at_review", category="opiates"
    )
    settings.TOP_RELIABLE_CHANGE_DAYS = {**settings.TOP_RELIABLE_CHANGE_DAYS, "OPIUSE": 10}
    ten = row(outcome_summary(quarter_two()), "abstinent_or_improved_at_review", category="opiates")

    assert (eight["numerator"], eight["value"]) == (15, 100.0)
    assert (ten["numerator"], ten["value"]) == (5, 33.3)


def test_the_six_month_review_is_the_one_nearest_six_months_within_five_to_seven():
    nearest = treated(person(), started=D(2025, 12, 1))
    top(nearest, "S", D(2025, 12, 1), opiuse=20)
    top(nearest, "R", D(2026, 5, 15), opiuse=0)  # 5.5 months: 17 days from 6 months
    top(nearest, "R", D(2026, 6, 7), opiuse=20)  # 6 days from 6 months: this one
    too_soon = treated(person(), started=D(2025, 12, 1))
    top(too_soon, "S", D(2025, 12, 1), opiuse=20)
    top(too_soon, "R", D(2026, 4, 1), opiuse=0)  # 4 months: no pair
    unanswered = treated(person(), started=D(2025, 12, 1))
    top(unanswered, "S", D(2025, 12, 1), opiuse=20)
    top(unanswered, "R", D(2026, 6, 1), opiuse=None)  # not disclosed: left out
    not_using = treated(person(), started=D(2025, 12, 1))
    top(not_using, "S", D(2025, 12, 1), opiuse=0)
    top(not_using, "R", D(2026, 6, 1), opiuse=0)

    assert raw(quarter_two(), "review_opiates_using") == (1, 0)
    assert raw(quarter_two(), "review_opiates_improved") == (0, 0)


# Housing and work at exit ---------------------------------------------------


def completed_with_exit(**exit_items):
    record = treated(
        person(),
        started=D(2025, 9, 1),
        discharged=D(2026, 6, 1),
        reason="completed_alcohol_free",
        substances=("alcohol",),
    )
    if exit_items:
        top(record, "E", D(2026, 6, 1), **exit_items)


def test_housing_and_work_at_exit_are_shares_of_completions_with_an_exit_top():
    several(5, lambda: completed_with_exit(acuthpbm=False, hrisk=False, pwork=12))
    several(5, lambda: completed_with_exit(acuthpbm=True, hrisk=False, pwork=0))
    several(5, lambda: completed_with_exit())  # no exit TOP

    result = outcome_summary(quarter_two())

    assert shown(row(result, "completed_no_housing_need", client_group="alcohol")) == (
        (5, 10, 50.0),
        (0, 0, None),
    )
    assert shown(row(result, "completed_working", client_group="all")) == (
        (5, 10, 50.0),
        (0, 0, None),
    )
    assert shown(row(result, "successful_completions", client_group="all"))[0] == (15, 15, 100.0)


def test_no_housing_need_needs_both_answers_and_work_needs_ten_days():
    completed_with_exit(acuthpbm=False, hrisk=None, pwork=10)
    completed_with_exit(acuthpbm=False, hrisk=False, pwork=None)
    completed_with_exit(acuthpbm=None, hrisk=False, pwork=9)

    assert raw(quarter_two(), "completed_with_exit_top") == (3, 0)
    assert raw(quarter_two(), "completed_no_housing_need") == (1, 0)
    assert raw(quarter_two(), "completed_working") == (1, 0)


# Waiting times --------------------------------------------------------------


def waited(referred: datetime.date, first: datetime.date, later: datetime.date | None = None):
    record = episode(person(), referred=referred, started=referred, substances=("alcohol",))
    intervention(record, started=first)
    if later:
        intervention(record, started=later)


def test_the_share_waiting_over_three_weeks_for_a_first_intervention():
    several(5, lambda: waited(D(2026, 4, 1), D(2026, 4, 22)))  # 21 days: not over
    several(5, lambda: waited(D(2026, 4, 1), D(2026, 4, 23)))  # 22 days
    # First intervention in the first quarter; a second one in the second does not count.
    several(5, lambda: waited(D(2026, 1, 5), D(2026, 2, 5), later=D(2026, 5, 1)))

    figure = row(outcome_summary(quarter_two()), "waiting_over_3_weeks", client_group="alcohol")

    assert shown(figure) == ((5, 10, 50.0), (5, 5, 100.0))
    assert figure["change"] == -50.0
