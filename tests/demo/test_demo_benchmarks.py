"""The demo's benchmarks: illustrative national figures and local targets for its years,
cited as illustrative, loaded again without doubling."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.benchmarks import NATIONAL_SOURCE, TARGET_SOURCE, financial_years, seed_benchmarks
from outcomes.models import Benchmark

pytestmark = pytest.mark.django_db


def test_a_small_demo_has_benchmarks_for_its_years_cited_as_illustrative():
    call_command("seed_demo", people=120, seed=5, stdout=io.StringIO(), stderr=io.StringIO())

    years = financial_years(timezone.localdate())
    assert set(Benchmark.objects.values_list("period_label", flat=True)) == set(years)
    assert set(Benchmark.objects.values_list("source", flat=True)) == {
        NATIONAL_SOURCE,
        TARGET_SOURCE,
    }
    assert "illustrative" in NATIONAL_SOURCE.lower()
    opiate = Benchmark.objects.get(
        figure_key="successful_completions",
        client_group="opiate",
        kind="national",
        period_label=years[-1],
    )
    assert 3 <= opiate.value <= 7


def test_seeding_again_replaces_the_same_years():
    today = datetime.date(2026, 12, 1)
    first = seed_benchmarks(seed=5, today=today)
    again = seed_benchmarks(seed=5, today=today)

    assert first.years == ("2024/25", "2025/26", "2026/27")
    assert Benchmark.objects.count() == first.loaded == again.loaded
