"""The dashboard's figures kept from one night's recompute to the next (`commissioning.dashboard.kept`)."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from commissioning.api import FigureView
from commissioning.dashboard import kept
from commissioning.dashboard.selectors import dashboard_results
from commissioning.extracts.base import ApiFilters
from commissioning.models import ApiClient
from commissioning.selectors import ApiScope
from commissioning.urls import FIGURES
from core import frames
from outcomes.figures.episodes import OVERLAPS
from outcomes.models import Benchmark
from risk.models import RecomputeRun, RuleSet
from tests.conftest import sign_in_verified
from tests.outcomes.figures.conftest import person, several, treated

pytestmark = pytest.mark.django_db

D = datetime.date
# The default period on 7 December 2026 is the third quarter; people started in January.
STARTED = D(2026, 1, 10)
NALOXONE = next(view for view in FIGURES if view.figure_name == "naloxone_coverage")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reads(monkeypatch):
    """How many times the figures read rows from the database."""
    calls = []
    real = frames._read_frames

    def counted(queries, **options):
        calls.append(sorted(queries))
        return real(queries, **options)

    monkeypatch.setattr(frames, "_read_frames", counted)
    return calls


def published_run() -> RecomputeRun:
    return RecomputeRun.objects.create(
        as_of=timezone.localdate(),
        rule_set=RuleSet.objects.get(status=RuleSet.Status.ACTIVE),
        started_at=timezone.now(),
        finished_at=timezone.now(),
        status=RecomputeRun.Status.PUBLISHED,
    )


def in_treatment(views: tuple[type[FigureView], ...] = (NALOXONE,), **scope) -> int:
    """The people with opioid use in treatment in the default period, as the dashboard
    shows them (the denominator of naloxone coverage)."""
    (family,) = [
        r
        for r in dashboard_results(scope=ApiScope(**scope), filters=ApiFilters(), views=views)
        if r.name == "naloxone_coverage"
    ]
    (row,) = [r for r in family.result["figures"] if r["key"] == "naloxone_kit_supplied"]
    return row["denominator"]


def people(count: int, **fields) -> None:
    several(count, lambda: treated(person(**fields), started=STARTED))


def test_before_any_recompute_has_published_every_open_works_the_figures_out(north):
    people(5, team=north)
    assert in_treatment() == 5

    people(5, team=north)

    assert in_treatment() == 10


def test_the_figures_are_kept_until_the_next_recompute_publishes(north, reads):
    people(5, team=north)
    published_run()
    assert in_treatment() == 5
    read_before = len(reads)

    people(5, team=north)

    assert in_treatment() == 5
    assert len(reads) == read_before
    published_run()
    assert in_treatment() == 10
    assert len(reads) > read_before


def test_a_benchmark_load_starts_a_new_generation(north):
    published_run()
    before = kept.generation()

    Benchmark.objects.create(
        figure_key="naloxone_kit_supplied",
        period_label="2026-27",
        period_start=D(2026, 4, 1),
        period_end=D(2027, 3, 31),
        kind="national",
        value=40,
        better="higher",
        source="National",
    )

    assert kept.generation() not in (None, before)


def test_each_scope_keeps_its_own_figures(north, south, authorities):
    people(5, team=north, local_authority=authorities[0])
    people(6, team=south, local_authority=authorities[1])
    published_run()

    assert in_treatment() == 11
    assert in_treatment(local_authority_ids=frozenset({authorities[0].pk})) == 5
    assert in_treatment(local_authority_ids=frozenset({authorities[1].pk})) == 6


def test_the_nights_warming_computes_every_family_for_each_scope_a_dashboard_opens(
    north, south, authorities, reads
):
    people(5, team=north, local_authority=authorities[0])
    people(6, team=south, local_authority=authorities[1])
    limited = ApiClient.objects.create(name="North Commissioning")
    limited.local_authorities.set([authorities[0]])
    ApiClient.objects.create(name="Whole service")
    ApiClient.objects.create(name="Gone", is_active=False).local_authorities.set([authorities[1]])
    published_run()

    assert kept.dashboard_figures_warm() == 2
    read_when_warming = len(reads)

    assert in_treatment(FIGURES) == 11
    assert in_treatment(FIGURES, local_authority_ids=frozenset({authorities[0].pk})) == 5
    assert len(reads) == read_when_warming
    # The inactive client's scope was not computed: it is worked out when opened.
    assert in_treatment(local_authority_ids=frozenset({authorities[1].pk})) == 6
    assert len(reads) > read_when_warming


def tables_read(sql: str) -> list[str]:
    """The tables a statement's rows come from: each FROM outside any parentheses (a
    subquery or an array of ids is not where its rows come from)."""
    while (inner := re.sub(r"\([^()]*\)", "", sql)) != sql:
        sql = inner
    return re.findall(r"\bFROM\s+(\w+)", sql, flags=re.IGNORECASE)


def test_the_dashboard_reads_the_episodes_once_for_every_family_that_counts_them(
    north, monkeypatch
):
    people(3, team=north)
    statements = []
    real = frames._read_frames

    def recorded(queries, **options):
        statements.extend(query.sql for query in queries.values())
        return real(queries, **options)

    monkeypatch.setattr(frames, "_read_frames", recorded)

    dashboard_results(scope=ApiScope(), filters=ApiFilters(), views=FIGURES)

    # The episodes of the period and the one before, with every answer a family reads of
    # them, come from one statement (read once: `frames.shared_reads`).
    in_window = [
        sql
        for sql in statements
        if "cases_treatmentepisode" in tables_read(sql) and OVERLAPS.format(e="e") in sql
    ]
    assert len(in_window) == 1, in_window


def test_the_warming_does_nothing_before_any_recompute_has_published(north, reads):
    people(5, team=north)

    assert kept.dashboard_figures_warm() == 0
    assert reads == []


def test_the_page_says_when_its_figures_were_worked_out(client, gina, north):
    people(5, team=north)
    published_run()
    sign_in_verified(client, gina)

    response = client.get(reverse("commissioner_dashboard"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Figures as they stood at" in text
    assert "worked out again after each night" in text


def test_beat_works_the_figures_out_after_the_nights_recompute(north):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["dashboard-figures-warm"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert min(entry["schedule"].hour) > 3
    people(5, team=north)
    published_run()

    assert app.tasks[entry["task"]].apply().get() == 1


def test_a_published_run_with_no_finishing_time_still_starts_a_generation():
    first = published_run()
    RecomputeRun.objects.filter(pk=first.pk).update(finished_at=None)
    assert kept.generation() is not None

    later = published_run()

    assert kept.generation().startswith(f"{later.pk}:")
