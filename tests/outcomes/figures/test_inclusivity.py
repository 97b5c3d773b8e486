"""Figures split by the equality questions, each row beside the whole population's, with
a marker where a group differs by more than chance; on datasets worked out by hand.

The equalities dataset (period: the second quarter of 2026), 60 people with heroin as
their problem substance, in treatment since 01/09/2025, so all 60 are the naloxone
coverage's opioid users in both quarters:

- 20 Muslim, gay or lesbian, with a mobility and a sight disability: each supplied a kit
  on 01/10/2025 (in date to 2027);
- 20 Christian, heterosexual, "No disability": 10 of them supplied a kit as above;
- 20 who have not been asked (each answer empty): no kit.

So 30 of the 60 (50.0%) have a kit. The Muslim group's 20 of 20 against everyone else's
10 of 40: pooled 30/60, standard error sqrt(0.5 x 0.5 x (1/20 + 1/40)) = 0.1369, z =
(1.00 - 0.25) / 0.1369 = 5.48, higher by more than chance (|z| >= 2.58). The Christian
group's 10 of 20 against 20 of 40 gives z = 0: not marked. The not-asked group's 0 of 20
against 30 of 40 gives z = -5.48: lower.
"""

import jsonschema
import pytest

from outcomes.figures import RESULT_SCHEMA, naloxone_coverage, outcome_summary
from outcomes.figures.difference import TEST_NAME, Z_THRESHOLD, z_score
from tests.factories import ServiceUserFactory
from tests.outcomes.figures.conftest import D, quarter_two, row, several, supply, treated

pytestmark = pytest.mark.django_db

KIT = "naloxone_kit_supplied"
HIGHER_WORDS = "Higher than the whole population, by more than chance"
LOWER_WORDS = "Lower than the whole population, by more than chance"


def opioid_user(*, kit: bool, religion="", sexual_orientation="", disabilities=()):
    who = ServiceUserFactory(
        religion=religion, sexual_orientation=sexual_orientation, disabilities=list(disabilities)
    )
    treated(who, started=D(2025, 9, 1), substances=("heroin",))
    if kit:
        supply(who, on=D(2025, 10, 1), expires=D(2027, 10, 1))
    return who


def muslim(kit: bool = True):
    return opioid_user(
        kit=kit,
        religion="muslim",
        sexual_orientation="gay_lesbian",
        disabilities=("mobility", "sight"),
    )


def christian(kit: bool):
    return opioid_user(
        kit=kit, religion="christian", sexual_orientation="heterosexual", disabilities=("none",)
    )


@pytest.fixture
def equalities():
    several(20, muslim)
    several(10, lambda: christian(True))
    several(10, lambda: christian(False))
    several(20, lambda: opioid_user(kit=False))


def segment_rows(result) -> list[tuple]:
    """(value, label, denominator) of each segment row of the kit figure, in order."""
    return [
        (r["segment_value"], r["segment_label"], r["denominator"])
        for r in result["figures"]
        if r["key"] == KIT and r["segment_value"] is not None
    ]


def test_a_split_by_disability_puts_each_person_in_one_group(equalities):
    result = naloxone_coverage(quarter_two(segment="disability"))

    assert segment_rows(result) == [
        ("disabled", "Has a disability (any kind)", 20),
        ("none", "No disability", 20),
        ("not_stated", "Prefers not to say", 0),
        ("not_recorded", "Not recorded", 20),
        ("unknown", "Not known", 0),  # kits to people who are not clients, none here
    ]


def test_a_split_by_sexual_orientation_labels_values_as_the_record_shows_them(equalities):
    result = naloxone_coverage(quarter_two(segment="sexual_orientation"))

    assert segment_rows(result) == [
        ("heterosexual", "Heterosexual or straight", 20),
        ("gay_lesbian", "Gay or lesbian", 20),
        ("bisexual", "Bisexual", 0),
        ("other", "Other", 0),
        ("not_stated", "Prefers not to say", 0),
        ("not_recorded", "Not recorded", 20),
        ("unknown", "Not known", 0),
    ]


def test_a_split_by_religion_adds_up_to_everyone(equalities):
    result = naloxone_coverage(quarter_two(segment="religion"))

    rows = segment_rows(result)
    assert [value for value, _, _ in rows] == [
        "none",
        "christian",
        "buddhist",
        "hindu",
        "jewish",
        "muslim",
        "sikh",
        "other",
        "not_stated",
        "not_recorded",
        "unknown",
    ]
    assert ("other", "Another religion or belief", 0) in rows
    assert sum(denominator for _, _, denominator in rows) == 60
    assert row(result, KIT)["denominator"] == 60


def test_each_split_row_carries_the_whole_populations_figure(equalities):
    result = naloxone_coverage(quarter_two(segment="religion"))

    whole = {"numerator": 30, "denominator": 60, "value": 50.0, "suppressed": False}
    for value in ("muslim", "christian", "hindu", "not_recorded"):
        assert row(result, KIT, segment=value)["whole"] == whole
    assert "whole" not in row(result, KIT)  # the row for everyone is the whole


def test_a_group_is_marked_only_where_it_differs_by_more_than_chance(equalities):
    result = naloxone_coverage(quarter_two(segment="religion"))

    muslims = row(result, KIT, segment="muslim")
    assert (muslims["numerator"], muslims["denominator"], muslims["value"]) == (20, 20, 100.0)
    assert muslims["difference"] == {"direction": "higher", "words": HIGHER_WORDS, "z": 5.48}
    christians = row(result, KIT, segment="christian")
    assert christians["value"] == 50.0
    assert christians["difference"] is None  # z = 0
    not_asked = row(result, KIT, segment="not_recorded")
    assert not_asked["difference"] == {"direction": "lower", "words": LOWER_WORDS, "z": -5.48}
    assert row(result, KIT, segment="hindu")["difference"] is None  # nobody to test
    assert result["test"]["name"] == TEST_NAME
    assert result["test"]["threshold"] == Z_THRESHOLD


def test_counts_and_statistics_carry_the_whole_but_are_never_marked(equalities):
    result = outcome_summary(quarter_two(segment="religion"))

    years = row(result, "average_years_in_treatment", client_group="all", segment="muslim")
    assert years["whole"]["denominator"] == 60
    assert years["difference"] is None


def test_an_unsplit_result_has_no_whole_difference_or_test(equalities):
    result = naloxone_coverage(quarter_two())

    assert "test" not in result
    assert not any("whole" in r or "difference" in r for r in result["figures"])


def test_a_withheld_cell_is_never_marked():
    # 4 Sikh people, all with a kit, beside 40 Christians of whom 5 have one: tested, the
    # 4 of 4 would be far above everyone else's 5 of 40, but 4 is withheld.
    several(4, lambda: opioid_user(kit=True, religion="sikh"))
    several(5, lambda: christian(True))
    several(35, lambda: christian(False))
    assert z_score((4, 4), (9, 44)) > Z_THRESHOLD

    result = naloxone_coverage(quarter_two(segment="religion"))

    sikhs = row(result, KIT, segment="sikh")
    assert sikhs["suppressed"] is True
    assert sikhs["numerator"] is None
    assert sikhs["difference"] is None
    marked = [r for r in result["figures"] if r.get("difference") and r["suppressed"]]
    assert marked == []


def test_split_results_match_the_one_schema(equalities):
    for segment in ("disability", "sexual_orientation", "religion"):
        jsonschema.validate(naloxone_coverage(quarter_two(segment=segment)), RESULT_SCHEMA)
