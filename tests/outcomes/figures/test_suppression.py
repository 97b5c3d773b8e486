"""Small-number suppression: primary, secondary through totals and shared cells, rates."""

import itertools
import random

import pytest

from outcomes.suppression import Relation, is_small, suppress


def test_it_withholds_counts_from_one_to_four_and_shows_zero_and_five():
    result = suppress({"zero": 0, "one": 1, "four": 4, "five": 5, "many": 120})

    assert result.withheld == {"one", "four"}
    assert result.count("zero") == 0
    assert result.count("one") is None
    assert result.count("four") is None
    assert result.count("five") == 5
    assert [is_small(n) for n in (0, 1, 4, 5)] == [False, True, True, False]


def test_it_withholds_the_next_smallest_cell_so_the_total_cannot_give_one_back():
    counts = {"total": 40, "male": 3, "female": 30, "other": 7}
    relation = Relation("total", ("male", "female", "other"))

    result = suppress(counts, [relation])

    # 40 - 30 - 7 would be 3: the next smallest, 7, goes too; the total stays.
    assert result.withheld == {"male", "other"}
    assert result.count("total") == 40
    assert result.count("female") == 30


def test_it_never_withholds_a_zero_as_the_second_cell():
    counts = {"total": 12, "a": 2, "b": 0, "c": 10}

    result = suppress(counts, [Relation("total", ("a", "b", "c"))])

    assert result.withheld == {"a", "c"}
    assert result.count("b") == 0


def test_it_withholds_the_total_when_no_other_part_can_hide_the_cell():
    # b is withheld to protect a (first relation); in the second relation b is
    # then the only withheld part and the only other part is 0, so the total goes.
    counts = {"t": 15, "a": 3, "b": 12, "w": 12, "z": 0}
    relations = [Relation("t", ("a", "b")), Relation("w", ("b", "z"))]

    result = suppress(counts, relations)

    assert result.withheld == {"a", "b", "w"}
    assert result.count("t") == 15
    assert result.count("z") == 0


def test_withholding_a_total_cascades_into_the_table_it_is_a_part_of():
    # Two client groups, each split by sex, and the everyone row.
    counts = {
        ("all", "all"): 60,
        ("all", "F"): 26,
        ("all", "M"): 34,
        ("opiate", "all"): 20,
        ("opiate", "F"): 2,
        ("opiate", "M"): 18,
        ("alcohol", "all"): 40,
        ("alcohol", "F"): 24,
        ("alcohol", "M"): 16,
    }
    relations = [
        Relation(("all", "all"), (("opiate", "all"), ("alcohol", "all"))),
        Relation(("all", "F"), (("opiate", "F"), ("alcohol", "F"))),
        Relation(("all", "M"), (("opiate", "M"), ("alcohol", "M"))),
        Relation(("opiate", "all"), (("opiate", "F"), ("opiate", "M"))),
        Relation(("alcohol", "all"), (("alcohol", "F"), ("alcohol", "M"))),
        Relation(("all", "all"), (("all", "F"), ("all", "M"))),
    ]

    result = suppress(counts, relations)

    # opiate F (2) is small; opiate M goes with it (row), alcohol F with it
    # (column), and then alcohol M so the alcohol row cannot give alcohol F back.
    assert result.withheld == {
        ("opiate", "F"),
        ("opiate", "M"),
        ("alcohol", "F"),
        ("alcohol", "M"),
    }
    _assert_no_relation_has_one_withheld(result.withheld, relations)


def test_a_small_complement_withholds_the_numerator():
    # 47 of 50 completed: the 3 who did not would be 50 - 47.
    counts = {"in_treatment": 50, "completed": 47, "not_completed": 3}

    result = suppress(counts, [Relation("in_treatment", ("completed", "not_completed"))])

    assert result.withheld == {"completed", "not_completed"}
    assert result.count("in_treatment") == 50
    assert result.rate("completed", "in_treatment") is None


def test_rates_are_withheld_with_their_numerator_or_denominator():
    result = suppress({"num": 3, "den": 80, "num_big": 40, "den_small": 4, "zero": 0, "none": 0})

    assert result.rate("num", "den") is None
    assert result.rate_withheld("num", "den")
    assert result.rate("zero", "den_small") is None
    assert result.rate_withheld("zero", "den_small")
    assert result.rate("num_big", "den") == 50.0
    assert result.rate("num_big", "den", per=1, digits=3) == 0.5
    # Over nobody: undefined, but nothing is secret about it.
    assert result.rate("zero", "none") is None
    assert not result.rate_withheld("zero", "none")


def test_zeros_are_shown_even_when_everything_else_is_withheld():
    counts = {"total": 3, "a": 0, "b": 3, "c": 0}

    result = suppress(counts, [Relation("total", ("a", "b", "c"))])

    assert result.withheld == {"total", "b"}
    assert result.count("a") == 0
    assert result.count("c") == 0


def test_a_table_of_small_counts_is_withheld_entirely():
    counts = {"total": 4, "a": 1, "b": 2, "c": 1}

    result = suppress(counts, [Relation("total", ("a", "b", "c"))])

    assert result.withheld == {"total", "a", "b", "c"}
    assert all(result.count(key) is None for key in counts)


def test_a_relation_that_does_not_add_up_is_refused():
    with pytest.raises(ValueError, match="does not hold"):
        suppress({"total": 10, "a": 4, "b": 5}, [Relation("total", ("a", "b"))])
    with pytest.raises(ValueError, match="not given"):
        suppress({"total": 10, "a": 10}, [Relation("total", ("a", "missing"))])
    with pytest.raises(ValueError, match="negative"):
        suppress({"a": -1})


def _assert_no_relation_has_one_withheld(withheld, relations):
    for relation in relations:
        hidden = [key for key in relation.cells if key in withheld]
        assert len(hidden) != 1, f"{hidden} could be worked back from {relation}"


@pytest.mark.parametrize("seed", range(40))
def test_no_withheld_count_can_be_worked_back_from_a_random_three_way_table(seed):
    """Random tables of groups x segments x a measure and its complement, with
    every margin shown: no relation is ever left with exactly one withheld cell,
    and no shown count is small."""
    rng = random.Random(seed)
    groups = ["g1", "g2", "g3"]
    segments = [f"s{n}" for n in range(rng.randint(2, 6))]
    counts: dict = {}
    for group, segment in itertools.product(groups, segments):
        whole = rng.choice([0, 1, 2, 3, 5, 8, 13, 30])
        part = rng.randint(0, whole)
        counts[("whole", group, segment)] = whole
        counts[("part", group, segment)] = part
        counts[("rest", group, segment)] = whole - part
    for measure in ("whole", "part", "rest"):
        for segment in segments:
            counts[(measure, "all", segment)] = sum(counts[(measure, g, segment)] for g in groups)
        for group in [*groups, "all"]:
            counts[(measure, group, "all")] = sum(counts[(measure, group, s)] for s in segments)
    relations = []
    for measure in ("whole", "part", "rest"):
        for segment in [*segments, "all"]:
            relations.append(
                Relation((measure, "all", segment), tuple((measure, g, segment) for g in groups))
            )
        for group in [*groups, "all"]:
            relations.append(
                Relation((measure, group, "all"), tuple((measure, group, s) for s in segments))
            )
    for group, segment in itertools.product([*groups, "all"], [*segments, "all"]):
        relations.append(
            Relation(
                ("whole", group, segment), (("part", group, segment), ("rest", group, segment))
            )
        )

    result = suppress(counts, relations)

    _assert_no_relation_has_one_withheld(result.withheld, relations)
    assert not any(is_small(n) for key, n in counts.items() if key not in result.withheld)


def test_a_count_published_elsewhere_is_never_chosen_to_protect_another():
    # The opiate clients in treatment are shown by another family; the people
    # with opioid use are them plus 2 more, so the total here must go instead.
    counts = {"opioid_use": 32, "opiate_clients": 30, "use_on_top_only": 2}
    relation = Relation("opioid_use", ("opiate_clients", "use_on_top_only"))

    result = suppress(counts, [relation], published=["opiate_clients"])

    assert result.withheld == {"use_on_top_only", "opioid_use"}
    assert result.count("opiate_clients") == 30

    # Without it being published elsewhere, the smaller part goes as usual.
    assert suppress(counts, [relation]).withheld == {"use_on_top_only", "opiate_clients"}
