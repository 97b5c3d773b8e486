"""The output every figure family returns: one JSON Schema, plain JSON types, a stable shape,
and no small number or anything that gives one back.

The mixed dataset is drawn at random (seeded, so a failure can be replayed):
people spread thinly over teams, local authorities, sexes, ages and
ethnicities, so most cells are small and suppression has a lot to do.
"""

import itertools
import json
import random

import jsonschema
import pytest

from care.figures import harm_reduction
from outcomes.figures import RESULT_SCHEMA, SEGMENTS, naloxone_coverage, outcome_summary
from outcomes.figures.exits import treatment_exits
from outcomes.figures.justice_families import criminal_justice_and_families
from outcomes.figures.top_outcomes import top_outcomes
from overdoses.figures import overdose_figures
from risk.figures import flag_figures
from tests.factories import TeamFactory
from tests.outcomes.figures.conftest import assert_no_small_count, mixed_person, quarter_two
from tests.outcomes.figures.mixed_care import mixed_care

pytestmark = pytest.mark.django_db

FAMILIES = {
    "outcome_summary": outcome_summary,
    "naloxone_coverage": naloxone_coverage,
    "flags_and_outreach": flag_figures,
    "overdose_pathway": overdose_figures,
}
# The families served by the API beside those above (their own endpoints).
MORE_FAMILIES = {
    "treatment_exits": treatment_exits,
    "top_outcomes": top_outcomes,
    "harm_reduction": harm_reduction,
    "criminal_justice_and_families": criminal_justice_and_families,
}


@pytest.fixture
def mixed(tess, north, south, authorities):
    rng = random.Random(2026)
    teams = [north, south, TeamFactory(name="East")]
    for _ in range(90):
        mixed_person(rng, teams, authorities, tess)
    mixed_care(rng, teams, tess)


def all_results(**options):
    families = {**FAMILIES, **MORE_FAMILIES}
    for (name, function), segment in itertools.product(families.items(), (None, *SEGMENTS)):
        yield name, segment, function(quarter_two(segment=segment, **options))


def test_every_family_and_segment_matches_the_one_schema_in_plain_json_types(mixed):
    for name, segment, result in all_results():
        jsonschema.validate(result, RESULT_SCHEMA)
        assert result["family"] == name
        assert result["segment"] == segment
        assert json.loads(json.dumps(result)) == result
        _assert_plain(result)


def _assert_plain(value) -> None:
    if isinstance(value, dict):
        assert all(type(key) is str for key in value)
        for item in value.values():
            _assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            _assert_plain(item)
    else:
        assert type(value) in (str, int, float, bool, type(None)), repr(value)


def identity(result) -> list[tuple]:
    return [
        (r["key"], r["client_group"], r["category"], r["segment_value"]) for r in result["figures"]
    ]


def test_the_shape_is_the_same_with_no_data_and_with_data(north, south, tess, authorities):
    empty = {(name, segment): identity(result) for name, segment, result in all_results()}
    rng = random.Random(7)
    for _ in range(15):
        mixed_person(rng, [north, south], authorities, tess)
    mixed_care(rng, [north, south], tess)

    filled = {(name, segment): identity(result) for name, segment, result in all_results()}

    assert filled == empty


def test_no_count_from_one_to_four_is_ever_returned_and_none_can_be_worked_back(mixed):
    checked = withheld = 0
    for _name, _segment, result in all_results():
        for figure in result["figures"]:
            for values in (figure, figure["previous"]):
                checked += 1
                withheld += values["suppressed"]
                assert_no_small_count(values, figure)
        _assert_margins_cannot_give_a_cell_back(result)
    # The dataset is thin enough that suppression had work to do, and not so thin
    # that it withheld everything.
    assert 0.1 < withheld / checked < 0.9


def _assert_margins_cannot_give_a_cell_back(result: dict) -> None:
    """Segments add up to everyone, client groups to "all": from what is shown,
    either every cell of such a group is known and they add up, or at least
    two are unknown."""
    rows = {
        (r["key"], r["client_group"], r["category"], r["segment_value"]): r
        for r in result["figures"]
    }
    segments = sorted({r["segment_value"] for r in result["figures"]} - {None})
    groups = ("opiate", "non_opiate", "alcohol")
    used = {"percent": ("numerator", "denominator"), "count": ("numerator",)}
    # (a statistic row's denominator: its n)
    for (key, group, category, segment), figure in rows.items():
        for part in ("", "previous"):
            for field in used.get(figure["unit"], ("denominator",)):

                def value(k, g, c, s, part=part, field=field):
                    found = rows[(k, g, c, s)]
                    return (found[part] if part else found)[field]

                if segment is None and segments:
                    _assert_group_safe(
                        value(key, group, category, None),
                        [value(key, group, category, s) for s in segments],
                        f"{key} {group} {category} by segment, {field}",
                    )
                if group == "all":
                    parts = [(key, g, category, segment) for g in groups]
                    if all(p in rows for p in parts):
                        _assert_group_safe(
                            value(key, "all", category, segment),
                            [value(*p) for p in parts],
                            f"{key} {category} {segment} by client group, {field}",
                        )


def _assert_group_safe(total, parts, where) -> None:
    cells = [total, *parts]
    unknown = sum(cell is None for cell in cells)
    if unknown == 0:
        assert total == sum(parts), where
    else:
        assert unknown >= 2, f"one withheld cell could be worked back: {where}"


def test_every_family_is_listed_by_the_name_its_result_carries():
    from risk.figures import FIGURE_FAMILIES

    assert FIGURE_FAMILIES == FAMILIES
