"""Flags by tier and rule, and outreach performance, on a dataset worked out by hand."""

import datetime

import pandas as pd
import pytest
from django.utils import timezone

from outcomes.figures import FigureFilters
from risk.figures import flag_figures, flag_tables, rule_pairs
from risk.models import Flag
from risk.services import outreach_attempt_create
from tests.outcomes.figures.conftest import D, person, quarter_two, row, several, shown
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


def flagged(
    who,
    tier: str,
    raised: datetime.date,
    rules: tuple[str, ...],
    ended: datetime.date | None = None,
    status: str = Flag.Status.ENDED,
) -> Flag:
    flag = make_flag(who, tier=tier, raised_on=raised, reasons=tuple((r, None) for r in rules))
    if ended is not None:
        Flag.objects.filter(pk=flag.pk).update(ended_on=ended, status=status)
    return flag


def reach(who, on: datetime.date, user, outcome: str = "contacted"):
    outreach_attempt_create(
        service_user=who, recorded_by=user, attempted_on=on, method="phone", outcome=outcome
    )


@pytest.fixture
def flag_history(tess):
    """Eight groups of five people; see each test for what they add up to."""

    def group_a():
        flagged(person(), "very_high", D(2026, 2, 1), ("prison_release_2w", "male"))

    def group_b():
        who = person()
        flagged(who, "high", D(2026, 3, 1), ("prison_release_4w",), ended=D(2026, 4, 10))
        flagged(who, "very_high", D(2026, 4, 10), ("overdose_90d",))
        reach(who, D(2026, 4, 12), tess)  # 2 days after the very high flag

    def group_c():
        flagged(person(), "raised", D(2026, 5, 1), ("male", "lives_alone"), ended=D(2026, 6, 15))

    def group_d():
        who = person()
        flagged(
            who,
            "high",
            D(2026, 4, 20),
            ("injecting",),
            ended=D(2026, 4, 25),
            status=Flag.Status.OVERRIDDEN,
        )
        reach(who, D(2026, 4, 27), tess, outcome="agreed_to_attend")  # 7 days

    def group_e():  # ended before the first quarter
        flagged(person(), "high", D(2025, 10, 1), ("male",), ended=D(2025, 12, 31))

    def group_f():  # raised after the second quarter
        flagged(person(), "very_high", D(2026, 7, 1), ("male",))

    def group_g():
        who = person()
        flagged(who, "very_high", D(2026, 5, 1), ("no_fixed_abode",))
        reach(who, D(2026, 5, 2), tess, outcome="not_contactable")  # tried, not reached
        reach(who, D(2026, 5, 20), tess)  # 19 days

    def group_h():  # never reached
        flagged(person(), "high", D(2026, 5, 10), ("mental_health",))

    for make in (group_a, group_b, group_c, group_d, group_e, group_f, group_g, group_h):
        several(5, make)


def counts(result, key, categories):
    """(now, before) numerators of a count figure for each category."""
    return {
        category: (
            row(result, key, category=category)["numerator"],
            row(result, key, category=category)["previous"]["numerator"],
        )
        for category in categories
    }


def test_people_flagged_during_the_period_by_the_highest_tier_they_reached(flag_history):
    result = flag_figures(quarter_two())

    assert counts(result, "people_flagged", (None, "very_high", "high", "raised")) == {
        None: (30, 10),
        "very_high": (15, 5),
        "high": (10, 5),
        "raised": (5, 0),
    }
    total = row(result, "people_flagged")
    assert (total["unit"], total["denominator"], total["value"]) == ("count", None, 30)
    assert row(result, "people_flagged", category="very_high")["category_label"] == "Very high"


def test_flags_raised_in_the_period_by_tier(flag_history):
    result = flag_figures(quarter_two())

    assert counts(result, "flags_raised", (None, "very_high", "high", "raised")) == {
        None: (25, 10),
        "very_high": (10, 5),
        "high": (10, 5),
        "raised": (5, 0),
    }


def test_people_flagged_by_each_rule_as_a_share_of_everyone_flagged(flag_history):
    result = flag_figures(quarter_two())

    male = row(result, "people_flagged_by_rule", category="male")
    assert shown(male) == ((10, 30, 33.3), (5, 10, 50.0))
    assert shown(row(result, "people_flagged_by_rule", category="prison_release_4w")) == (
        (5, 30, 16.7),
        (5, 10, 50.0),
    )
    assert shown(row(result, "people_flagged_by_rule", category="tolerance_loss")) == (
        (0, 30, 0.0),
        (0, 10, 0.0),
    )
    rules = [r for r in result["figures"] if r["key"] == "people_flagged_by_rule"]
    assert len(rules) == 28  # every rule of the rule set, flagged or not
    prison = row(result, "people_flagged_by_rule", category="prison_release_2w")
    assert prison["category_label"] == "Released from prison in the last 2 weeks"


def test_outreach_reached_within_two_and_seven_days_of_a_flag_being_raised(flag_history):
    result = flag_figures(quarter_two())

    def both(key, category):
        return shown(row(result, key, category=category))

    assert both("contacted_within_2_days", "very_high") == ((5, 10, 50.0), (0, 5, 0.0))
    assert both("contacted_within_2_days", "high") == ((0, 10, 0.0), (0, 5, 0.0))
    assert both("contacted_within_2_days", "very_high_or_high") == ((5, 20, 25.0), (0, 10, 0.0))
    assert both("contacted_within_7_days", "very_high") == ((5, 10, 50.0), (0, 5, 0.0))
    assert both("contacted_within_7_days", "high") == ((5, 10, 50.0), (0, 5, 0.0))
    assert both("contacted_within_7_days", "very_high_or_high") == ((10, 20, 50.0), (0, 10, 0.0))
    # The high flags of the first quarter were reached 42 days after being raised.
    assert both("median_days_to_first_contact", "very_high") == ((None, 10, 10.5), (None, 0, None))
    assert both("median_days_to_first_contact", "high") == ((None, 5, 7.0), (None, 5, 42.0))
    assert both("median_days_to_first_contact", "very_high_or_high") == (
        (None, 15, 7.0),
        (None, 5, 42.0),
    )
    median = row(result, "median_days_to_first_contact", category="high")
    assert (median["unit"], median["provisional"]) == ("days", False)


def test_a_flag_is_open_from_the_day_it_is_raised_to_the_day_it_ends():
    flagged(person(), "high", D(2025, 11, 1), ("male",), ended=D(2026, 4, 1))  # ends on day one
    flagged(person(), "high", D(2026, 6, 30), ("male",))  # raised on the last day
    flagged(person(), "high", D(2025, 11, 1), ("male",), ended=D(2026, 3, 31))  # ended before

    current, previous, _, _ = flag_tables(quarter_two())

    assert current.counts[("people_flagged", "all", "all")] == 2
    assert current.counts[("flags_raised", "all", "all")] == 1
    assert previous.counts[("people_flagged", "all", "all")] == 2


def test_outreach_figures_are_provisional_until_a_week_after_the_period():
    today = timezone.localdate()
    result = flag_figures(FigureFilters(start=today - datetime.timedelta(days=13), end=today))

    assert row(result, "contacted_within_2_days", category="high")["provisional"] is True
    assert row(result, "contacted_within_7_days", category="high")["provisional"] is True
    assert row(result, "flags_raised")["provisional"] is False


def test_each_flags_rules_are_listed_once_per_rule():
    flags = pd.DataFrame(
        {"flag_id": [1, 2, 3, 4, 5], "rule_codes": ["a b", None, "b", "a b", "c a b"]}
    )

    pairs = rule_pairs(flags)

    assert list(pairs.itertuples(index=False, name=None)) == [
        (1, "a"),
        (1, "b"),
        (3, "b"),
        (4, "a"),
        (4, "b"),
        (5, "c"),
        (5, "a"),
        (5, "b"),
    ]


def test_flag_and_outreach_figures_split_by_team(north, south, tess):
    def northern():
        flagged(person(team=north), "high", D(2026, 5, 1), ("male",))

    def southern():
        who = person(team=south)
        flagged(who, "very_high", D(2026, 5, 1), ("injecting",))
        reach(who, D(2026, 5, 2), tess)

    several(5, northern)
    several(5, southern)

    result = flag_figures(quarter_two(segment="team"))

    def figure(key, category, team):
        return row(result, key, category=category, segment=str(team.pk))

    assert figure("people_flagged", "high", north)["numerator"] == 5
    assert figure("people_flagged", "very_high", north)["numerator"] == 0
    assert figure("people_flagged", "very_high", south)["numerator"] == 5
    assert shown(figure("contacted_within_2_days", "very_high_or_high", south))[0] == (5, 5, 100.0)
    assert shown(figure("contacted_within_2_days", "very_high_or_high", north))[0] == (0, 5, 0.0)
    assert figure("people_flagged_by_rule", "male", north)["segment_label"] == "North"
    assert shown(figure("people_flagged_by_rule", "male", north))[0] == (5, 5, 100.0)


def test_outreach_attempts_by_method_and_outcome(tess):
    """Five people tried by phone and reached on 01/05/2026, and visited without being
    found on 02/05/2026; five written to on 01/06/2026, who declined; five in the first
    quarter reached through a partner agency, who agreed to attend. So the second
    quarter has 15 attempts (5 by phone, 5 visits, 5 letters, none through a partner)
    and the first 5, all through a partner."""

    def tried_twice():
        who = person()
        outreach_attempt_create(
            service_user=who,
            recorded_by=tess,
            attempted_on=D(2026, 5, 1),
            method="phone",
            outcome="contacted",
        )
        outreach_attempt_create(
            service_user=who,
            recorded_by=tess,
            attempted_on=D(2026, 5, 2),
            method="visit",
            outcome="not_contactable",
        )

    def written_to():
        outreach_attempt_create(
            service_user=person(),
            recorded_by=tess,
            attempted_on=D(2026, 6, 1),
            method="letter",
            outcome="declined",
        )

    def through_a_partner():
        outreach_attempt_create(
            service_user=person(),
            recorded_by=tess,
            attempted_on=D(2026, 2, 1),
            method="partner",
            outcome="agreed_to_attend",
        )

    for make in (tried_twice, written_to, through_a_partner):
        several(5, make)

    result = flag_figures(quarter_two())

    assert counts(result, "outreach_attempts", (None, "phone", "visit", "letter", "partner")) == {
        None: (15, 5),
        "phone": (5, 0),
        "visit": (5, 0),
        "letter": (5, 0),
        "partner": (0, 5),
    }
    assert counts(
        result,
        "outreach_attempt_outcomes",
        (
            "phone:contacted",
            "phone:declined",
            "visit:not_contactable",
            "letter:declined",
            "partner:agreed_to_attend",
        ),
    ) == {
        "phone:contacted": (5, 0),
        "phone:declined": (0, 0),
        "visit:not_contactable": (5, 0),
        "letter:declined": (5, 0),
        "partner:agreed_to_attend": (0, 5),
    }
    label = row(result, "outreach_attempt_outcomes", category="visit:not_contactable")
    assert label["category_label"] == "Visit: not contactable"


def test_few_outreach_attempts_are_withheld_with_a_neighbour(tess):
    """Three phone attempts and six visits: the phone count is small, so the next
    smallest method that is not 0 (the visits) is withheld too, or the total would give
    the phone count back."""
    for method, times in (("phone", 3), ("visit", 6)):
        several(
            times,
            lambda method=method: outreach_attempt_create(
                service_user=person(),
                recorded_by=tess,
                attempted_on=D(2026, 5, 1),
                method=method,
                outcome="contacted",
            ),
        )

    result = flag_figures(quarter_two())

    assert counts(result, "outreach_attempts", (None, "phone", "visit", "letter")) == {
        None: (9, 0),
        "phone": (None, 0),
        "visit": (None, 0),
        "letter": (0, 0),
    }
