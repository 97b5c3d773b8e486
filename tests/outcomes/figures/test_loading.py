"""Figures read in bulk: a fixed number of statements however many people there are,
and only the rows the filters allow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import ServiceUser
from core import frames
from outcomes.figures import naloxone_coverage, outcome_summary
from outcomes.figures.treatment import load_outcome_frames
from overdoses.figures import overdose_figures
from risk.figures import flag_figures
from tests.outcomes.figures.conftest import (
    D,
    episode,
    person,
    quarter_two,
    several,
    supply,
    top,
    treated,
)
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db

FAMILIES = (outcome_summary, naloxone_coverage, flag_figures, overdose_figures)


def someone(team):
    who = person(team=team)
    record = treated(who, started=D(2025, 9, 1))
    top(record, "S", D(2025, 9, 1), opiuse=10)
    supply(who, on=D(2025, 9, 1), expires=D(2027, 9, 1))
    make_flag(who, tier="high", raised_on=D(2026, 5, 1))


def reads(monkeypatch, family, filters) -> tuple[int, int]:
    """(COPY statements, other queries) that one call of a family makes."""
    statements = []
    real = frames.copy_frame

    def counting(cursor, statement):
        statements.append(statement)
        return real(cursor, statement)

    monkeypatch.setattr(frames, "copy_frame", counting)
    with CaptureQueriesContext(connection) as queries:
        family(filters)
    return len(statements), len(queries.captured_queries)


def test_each_family_reads_the_same_number_of_statements_for_few_people_or_many(monkeypatch, north):
    filters = quarter_two(segment="team")
    several(2, lambda: someone(north))
    few = [reads(monkeypatch, family, filters) for family in FAMILIES]
    several(12, lambda: someone(north))

    many = [reads(monkeypatch, family, filters) for family in FAMILIES]

    assert many == few
    # One statement per table read, plus the people's segment values.
    assert [copies for copies, _ in many] == [4, 5, 4, 4]


def test_only_the_people_the_filters_allow_are_read(north, south):
    several(2, lambda: someone(north))
    several(3, lambda: someone(south))

    north_only = load_outcome_frames(quarter_two(team_ids=[north.pk]))
    nobody = load_outcome_frames(quarter_two(person_scope=[]))

    northerners = set(ServiceUser.objects.filter(team=north).values_list("pk", flat=True))
    assert set(north_only["episodes"]["person_id"]) == northerners
    assert len(north_only["episodes"]) == 2
    assert len(north_only["tops"]) == 2
    assert all(len(frame) == 0 for frame in nobody.values())


def test_the_whole_history_is_that_of_the_people_with_an_episode_in_the_window(north):
    # The window is the second quarter of 2026 and the quarter before it.
    gone = person(team=north)
    episode(gone, referred=D(2024, 1, 1), discharged=D(2025, 12, 31), reason="completed_drug_free")
    back = person(team=north)
    earlier = episode(
        back, referred=D(2023, 1, 1), discharged=D(2023, 6, 30), reason="completed_drug_free"
    )
    current = episode(back, referred=D(2026, 3, 1))
    waiting = person(team=north)
    episode(waiting, referred=D(2026, 6, 30), started=None)
    later = person(team=north)
    episode(later, referred=D(2026, 7, 1))

    episodes = load_outcome_frames(quarter_two())["episodes"]

    assert sorted(episodes["episode_id"]) == sorted(
        [earlier.pk, current.pk, *waiting.episodes.values_list("pk", flat=True)]
    )
