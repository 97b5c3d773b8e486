"""Benchmarks and targets: the CSV checked whole, loaded a period and source at a time,
and found beside a figure in one query."""

import datetime
from decimal import Decimal

import pytest

from outcomes.benchmarks import (
    BenchmarkFileError,
    benchmarks_for,
    benchmarks_load,
    parse_benchmarks,
    parse_period,
    with_loaded_targets,
)
from outcomes.figures.filters import Period
from outcomes.models import Benchmark

CATALOGUE = {
    "successful_completions": frozenset(
        {("opiate", None), ("non_opiate", None), ("alcohol", None), ("all", None)}
    ),
    "naloxone_kit_supplied": frozenset({(None, None)}),
    "contacted_within_2_days": frozenset({(None, "very_high"), (None, "high")}),
}
HEADER = "figure,client_group,category,period,kind,value,better,source\n"
GOOD = (
    HEADER
    + "successful_completions,opiate,,2026/27,national,5.0,higher,National (illustrative)\n"
    + "successful_completions,,,2026/27,local_target,20,higher,Local target\n"
    + "naloxone_kit_supplied,,,2026-Q3,local_target,80%,higher,Local target\n"
)
Q3 = Period(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026", (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))),
        ("2026/27", (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))),
        ("2026-Q3", (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))),
        ("2026-02", (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))),
        ("2026/28", None),
        ("2026-13", None),
        ("Q3 2026", None),
    ],
)
def test_a_period_is_a_year_a_financial_year_a_quarter_or_a_month(text, expected):
    assert parse_period(text) == expected


def test_a_good_file_is_read_with_a_blank_client_group_as_all():
    rows = parse_benchmarks(GOOD, CATALOGUE)

    assert [(r.figure_key, r.client_group, r.kind, r.value) for r in rows] == [
        ("successful_completions", "opiate", "national", Decimal("5.000")),
        ("successful_completions", "all", "local_target", Decimal("20.000")),
        ("naloxone_kit_supplied", "", "local_target", Decimal("80.000")),
    ]


def test_every_problem_is_named_at_its_row_and_column():
    text = (
        HEADER
        + "successful_complete,,,2026/27,national,5,higher,S\n"
        + "successful_completions,,,2026-Q5,national,5,higher,S\n"
        + "successful_completions,,,2026,national,five,higher,S\n"
        + "successful_completions,,,2026,national,5,up,S\n"
        + "successful_completions,,,2026,regional,5,higher,S\n"
        + "naloxone_kit_supplied,opiate,,2026,national,5,higher,S\n"
        + "contacted_within_2_days,,,2026,national,5,higher,S\n"
        + "successful_completions,all,,2026,local_target,5,higher,S\n"
        + "successful_completions,,,2026,local_target,6,higher,S\n"
        + "naloxone_kit_supplied,,,2026,national,,higher,S\n"
    )
    with pytest.raises(BenchmarkFileError) as raised:
        parse_benchmarks(text, CATALOGUE)

    problems = raised.value.problems
    assert problems[0].startswith("Row 2, column figure: 'successful_complete' is not a figure")
    assert problems[1].startswith("Row 3, column period: '2026-Q5' is not a period")
    assert problems[2].startswith("Row 4, column value: 'five' is not a number")
    assert problems[3].startswith("Row 5, column better: 'up' is not a direction")
    assert problems[4].startswith("Row 6, column kind: 'regional' is not a kind of benchmark")
    assert problems[5].startswith("Row 7, column client_group: naloxone_kit_supplied is not split")
    assert problems[6].startswith("Row 8, column category: contacted_within_2_days is given by")
    assert problems[7].startswith("Row 10: it repeats row 9")
    assert problems[8] == "Row 11, column value: it is empty."
    assert len(problems) == 9


def test_a_file_without_the_columns_is_refused_at_its_header():
    with pytest.raises(BenchmarkFileError) as raised:
        parse_benchmarks("figure,value\nsuccessful_completions,5\n", CATALOGUE)

    assert raised.value.problems[0].startswith("The header row has no column client_group")


@pytest.mark.django_db
def test_a_file_with_any_wrong_row_loads_nothing():
    bad = GOOD + "successful_completions,,,2026/27,national,n/a,higher,National (illustrative)\n"

    with pytest.raises(BenchmarkFileError):
        benchmarks_load(text=bad, catalogue=CATALOGUE, loaded_by=None)

    assert not Benchmark.objects.exists()


@pytest.mark.django_db
def test_loading_a_period_again_replaces_that_periods_rows_of_that_source(adam):
    benchmarks_load(text=GOOD, catalogue=CATALOGUE, loaded_by=adam)
    again = (
        HEADER
        + "successful_completions,opiate,,2026/27,national,6.5,higher,National (illustrative)\n"
    )

    result = benchmarks_load(text=again, catalogue=CATALOGUE, loaded_by=adam)

    assert (result.loaded, result.replaced) == (1, 1)
    assert result.periods == (("National (illustrative)", "2026/27"),)
    held = sorted(Benchmark.objects.values_list("figure_key", "source", "value"))
    assert held == [
        ("naloxone_kit_supplied", "Local target", Decimal("80.000")),
        ("successful_completions", "Local target", Decimal("20.000")),
        ("successful_completions", "National (illustrative)", Decimal("6.500")),
    ]


@pytest.mark.django_db
def test_benchmarks_for_gives_each_cell_its_values_in_one_query(django_assert_num_queries):
    benchmarks_load(text=GOOD, catalogue=CATALOGUE, loaded_by=None)
    # A quarter's target wins over the year's, for a figure of that quarter.
    benchmarks_load(
        text=HEADER + "successful_completions,,,2026-Q3,local_target,25,higher,Quarterly\n",
        catalogue=CATALOGUE,
        loaded_by=None,
    )

    with django_assert_num_queries(1):
        found = benchmarks_for(["successful_completions", "naloxone_kit_supplied"], Q3)

    assert found[("successful_completions", "opiate", None)] == [
        {
            "kind": "national",
            "kind_label": "National",
            "value": 5.0,
            "better": "higher",
            "period": "2026/27",
            "source": "National (illustrative)",
        }
    ]
    assert [b["value"] for b in found[("successful_completions", "all", None)]] == [25.0]
    assert found[("naloxone_kit_supplied", None, None)][0]["value"] == 80.0
    # Outside every benchmark's period: nothing.
    earlier = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert benchmarks_for(["successful_completions"], earlier) == {}


def _target_row(key: str, value: float | None, *, group=None, category=None) -> dict:
    return {
        "key": key,
        "client_group": group,
        "category": category,
        "value": value,
        "suppressed": False,
        "target": {"value": 80.0, "met": None, "words": "", "origin": "default", "source": ""},
    }


def _loaded(kind: str, value: float, better: str = "higher") -> dict:
    return {
        "kind": kind,
        "kind_label": kind,
        "value": value,
        "better": better,
        "period": "2026-Q3",
        "source": "Local plan",
    }


def test_a_loaded_local_target_replaces_a_figures_own_in_its_cell_only():
    held = _target_row("top_completion", 70.0, group="all", category="start")
    other_cell = _target_row("top_completion", 70.0, group="all", category="exit")
    untargeted = {"key": "top_completion", "client_group": "all", "category": "start"}
    found = {
        ("top_completion", "all", "start"): [
            _loaded("national", 60.0),
            _loaded("local_target", 65.0),
        ]
    }

    with_loaded_targets([held, other_cell, untargeted], found)

    assert held["target"] == {
        "value": 65.0,
        "met": True,
        "words": "Met: 70% is at or above the 65% local target.",
        "origin": "loaded",
        "source": "Local plan (2026-Q3)",
    }
    assert other_cell["target"]["value"] == 80.0
    assert "target" not in untargeted


def test_a_loaded_target_where_lower_is_better_is_met_at_or_below_it():
    under, over = _target_row("wait", 10.0), _target_row("wait", 30.0)
    found = {("wait", None, None): [_loaded("local_target", 20.0, better="lower")]}

    with_loaded_targets([under, over], found)

    assert under["target"]["words"] == "Met: 10% is at or below the 20% local target."
    assert (over["target"]["met"], over["target"]["words"]) == (
        False,
        "Not met: 30% is above the 20% local target.",
    )
