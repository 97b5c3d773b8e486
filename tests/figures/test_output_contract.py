"""The output every figure family returns: one JSON Schema, plain JSON types, a stable shape,
and no small number or anything that gives one back.

The mixed dataset is drawn at random (seeded, so a failure can be replayed):
people spread thinly over teams, local authorities, sexes, ages and
ethnicities, so most cells are small and suppression has a lot to do.
"""

import datetime
import itertools
import json
import random

import jsonschema
import pytest

from outcomes.figures import RESULT_SCHEMA, SEGMENTS, naloxone_coverage, outcome_summary
from outcomes.suppression import is_small
from risk.figures import flag_figures
from risk.models import Flag
from risk.services import outreach_attempt_create
from tests.factories import TeamFactory
from tests.figures.conftest import (
    D,
    intervention,
    ost,
    person,
    quarter_two,
    supply,
    top,
    treated,
)
from tests.risk_ui.conftest import make_flag

pytestmark = pytest.mark.django_db

FAMILIES = {
    "outcome_summary": outcome_summary,
    "naloxone_coverage": naloxone_coverage,
    "flags_and_outreach": flag_figures,
}
LAST_DAY = D(2026, 9, 30)
RULES = ("prison_release_2w", "male", "injecting", "overdose_90d", "lives_alone")


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def mixed_person(rng: random.Random, teams, authorities, worker) -> None:
    who = person(
        team=rng.choice(teams),
        local_authority=rng.choice(authorities[:3]),
        sex=rng.choice("MMF"),
        born=D(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)),
        ethnicity=rng.choice("AAAHNZ"),
    )
    started = D(2024, 10, 1) + days(rng.randint(0, 580))
    discharged, reason = None, ""
    if rng.random() < 0.5:
        discharged = min(started + days(rng.randint(20, 300)), LAST_DAY)
        reason = rng.choice(
            ["completed_drug_free", "completed_alcohol_free", "dropped_out", "transferred_custody"]
        )
    substances = rng.choice(
        [("heroin",), ("alcohol",), ("cannabis",), ("crack", "alcohol"), ("heroin", "crack")]
    )
    record = treated(
        who, started=started, discharged=discharged, reason=reason, substances=substances
    )
    last = discharged or LAST_DAY
    if "heroin" in substances and rng.random() < 0.6:
        ost(record, started=started, ended=rng.choice([None, last, last - days(3)]))
    if rng.random() < 0.8:
        intervention(record, started=min(started + days(rng.randint(0, 40)), last))
    top(
        record,
        "S",
        started,
        opiuse=rng.choice([0, 4, 20]),
        crause=rng.choice([0, 12]),
        ivdrguse=rng.choice([0, 8]),
    )
    review_on = started + days(rng.randint(170, 195))
    if review_on <= last:
        top(
            record,
            "R",
            review_on,
            opiuse=rng.choice([0, 10, 20, None]),
            crause=rng.choice([0, 3, 12]),
            ivdrguse=rng.choice([0, 8]),
        )
    if discharged and reason.startswith("completed"):
        top(
            record,
            "E",
            discharged,
            acuthpbm=rng.choice([True, False, None]),
            hrisk=rng.choice([True, False]),
            pwork=rng.choice([0, 10, 20, None]),
        )
    if rng.random() < 0.5:
        given = started + days(rng.randint(0, 60))
        supply(who, on=given, expires=given + days(rng.choice([200, 700])))
    if rng.random() < 0.6:
        raised = D(2026, 1, 1) + days(rng.randint(0, 170))
        flag = make_flag(
            who,
            tier=rng.choice(["very_high", "high", "raised"]),
            raised_on=raised,
            reasons=tuple((code, None) for code in rng.sample(RULES, rng.randint(1, 3))),
        )
        if rng.random() < 0.3:
            Flag.objects.filter(pk=flag.pk).update(
                ended_on=raised + days(rng.randint(0, 40)), status=Flag.Status.ENDED
            )
        if rng.random() < 0.6:
            outreach_attempt_create(
                service_user=who,
                recorded_by=worker,
                attempted_on=raised + days(rng.randint(0, 9)),
                method="phone",
                outcome=rng.choice(["contacted", "agreed_to_attend", "not_contactable"]),
            )


@pytest.fixture
def mixed(tess, north, south, authorities):
    rng = random.Random(2026)
    teams = [north, south, TeamFactory(name="East")]
    for _ in range(90):
        mixed_person(rng, teams, authorities, tess)


def all_results(**options):
    for (name, function), segment in itertools.product(FAMILIES.items(), (None, *SEGMENTS)):
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

    filled = {(name, segment): identity(result) for name, segment, result in all_results()}

    assert filled == empty


def test_no_count_from_one_to_four_is_ever_returned_and_none_can_be_worked_back(mixed):
    checked = withheld = 0
    for _name, _segment, result in all_results():
        for figure in result["figures"]:
            for values in (figure, figure["previous"]):
                checked += 1
                withheld += values["suppressed"]
                _assert_no_small_count(values, figure)
        _assert_margins_cannot_give_a_cell_back(result)
    # The dataset is thin enough that suppression had work to do, and not so thin
    # that it withheld everything.
    assert 0.1 < withheld / checked < 0.9


def _assert_no_small_count(values: dict, figure: dict) -> None:
    where = (
        f"{figure['key']} {figure['client_group']} {figure['category']} {figure['segment_value']}"
    )
    for field in ("numerator", "denominator"):
        count = values[field]
        assert count is None or not is_small(count), f"{field} {count} shown for {where}"
    numerator, denominator = values["numerator"], values["denominator"]
    if figure["unit"] == "percent":
        if numerator is not None and denominator is not None:
            assert not is_small(denominator - numerator), f"complement shown for {where}"
        assert values["suppressed"] == (numerator is None or denominator is None), where
        if values["suppressed"]:
            assert values["value"] is None, where
    if figure["unit"] == "count":
        assert values["value"] == numerator, where
        assert values["suppressed"] == (numerator is None), where
    if figure["unit"] in ("years", "days"):
        assert values["suppressed"] == (denominator is None), where
        if values["suppressed"]:
            assert values["value"] is None, where


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
