"""The death-review figures, on a dataset whose answers are worked out by hand below,
through the family and through `/api/v1/figures/death-reviews/`.

The period is the calendar year 2025, beside 2024. Every group has 5 reviews, the
fewest a figure shows, so every number below is shown:

- A: 5 drug-related deaths on 10/02/2025 (2025 Q1) of people known to Lantern, in North,
  living in the first local authority, male, born 01/01/1985 (40 at death, "35-44").
  Each was in treatment, had a very high flag raised on 01/02/2025 and still open
  (9 days before death), and an outreach attempt on 05/02/2025 that reached them.
  Heroin was implicated. Each review has one action, due 01/06/2025 and still open.
- B: 5 drug-related deaths on 05/08/2025 (2025 Q3) of people the service never knew,
  female, 30, living in the second local authority. Fentanyl was implicated.
- C: 5 near-fatal overdoses on 02/05/2025 (2025 Q2) of people never known, as B.
- D: 5 drug-related deaths on 15/03/2024 (2024 Q1, the previous period), as B.

So in 2025: 15 reviews, 10 deaths (all drug-related), 5 near-fatal overdoses. Of the
10 deaths, 5 were in treatment and 5 never known; of the 5 deaths of known people, all
5 were flagged (very high) at death and in the 28 and 90 days before, all had outreach
attempted and reached in the 28 days before, and the median lead time is 9 days. Heroin
and fentanyl were each implicated in 5 of the 15 reviews (33.3%). The 5 actions are all
open and overdue. In 2024: 5 reviews, 5 drug deaths, all never known.
"""

import datetime

import pytest

from deathreviews.figures import aligned_parts, quarter_parts, review_figures
from outcomes.figures import FigureFilters, FigureInputError, Period
from tests.deathreviews.conftest import figure_rows as rows
from tests.deathreviews.conftest import notify, review_figures_dataset

pytestmark = pytest.mark.django_db

D = datetime.date


def year_2025(**options) -> FigureFilters:
    return FigureFilters(start=D(2025, 1, 1), end=D(2025, 12, 31), **options)


@pytest.fixture
def dataset(gina, alice, north, authorities):
    review_figures_dataset(gina, alice, north, authorities)


@pytest.fixture
def result(dataset):
    return review_figures(year_2025(), today=D(2026, 12, 1))


def test_reviews_by_kind(result):
    assert result["family"] == "death_reviews"
    assert rows(result, "reviews") == {
        None: ((15, None, 15), (5, None, 5)),
        "deaths": ((10, None, 10), (5, None, 5)),
        "drug_death": ((10, None, 10), (5, None, 5)),
        "alcohol_death": ((0, None, 0), (0, None, 0)),
        "near_fatal": ((5, None, 5), (0, None, 0)),
    }


def test_reviews_by_quarter_and_kind_beside_the_same_quarter_a_year_before(result):
    assert rows(result, "drug_deaths_by_quarter") == {
        "2025-Q1": ((5, None, 5), (5, None, 5)),
        "2025-Q2": ((0, None, 0), (0, None, 0)),
        "2025-Q3": ((5, None, 5), (0, None, 0)),
        "2025-Q4": ((0, None, 0), (0, None, 0)),
    }
    assert rows(result, "near_fatal_overdoses_by_quarter")["2025-Q2"] == (
        (5, None, 5),
        (0, None, 0),
    )
    assert set(rows(result, "alcohol_deaths_by_quarter")) == {
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
    }


def test_treatment_status_at_death(result):
    assert rows(result, "treatment_at_death") == {
        "in_treatment": ((5, 10, 50.0), (0, 5, 0.0)),
        "left_within_6_months": ((0, 10, 0.0), (0, 5, 0.0)),
        "left_longer_ago": ((0, 10, 0.0), (0, 5, 0.0)),
        "never_in_treatment": ((0, 10, 0.0), (0, 5, 0.0)),
        "never_known": ((5, 10, 50.0), (5, 5, 100.0)),
    }


@pytest.mark.parametrize(
    "key", ["flagged_at_death", "flagged_in_28_days_before", "flagged_in_90_days_before"]
)
def test_the_engine_track_record_by_tier(result, key):
    # No death in 2024 was of someone known, so there is nothing to divide by.
    assert rows(result, key) == {
        None: ((5, 5, 100.0), (0, 0, None)),
        "very_high": ((5, 5, 100.0), (0, 0, None)),
        "high": ((0, 5, 0.0), (0, 0, None)),
        "raised": ((0, 5, 0.0), (0, 0, None)),
    }


def test_the_lead_time_and_outreach_before_death(result):
    assert rows(result, "median_days_from_first_flag") == {None: ((None, 5, 9.0), (None, 0, None))}
    assert rows(result, "outreach_in_28_days_before") == {
        "attempted": ((5, 5, 100.0), (0, 0, None)),
        "reached": ((5, 5, 100.0), (0, 0, None)),
    }


def test_substances_implicated(result):
    substances = rows(result, "substance_implicated")

    assert substances["heroin"] == ((5, 15, 33.3), (0, 5, 0.0))
    assert substances["fentanyl"] == ((5, 15, 33.3), (0, 5, 0.0))
    # Cannabis was found but not implicated.
    assert substances["cannabis"] == ((0, 15, 0.0), (0, 5, 0.0))


def test_open_and_overdue_actions(result):
    assert rows(result, "review_actions") == {
        None: ((5, None, 5), (0, None, 0)),
        "open": ((5, None, 5), (0, None, 0)),
        "overdue": ((5, None, 5), (0, None, 0)),
        "done": ((0, None, 0), (0, None, 0)),
        "not_done": ((0, None, 0), (0, None, 0)),
    }


def test_a_split_by_sex_age_band_or_local_authority(dataset, authorities):
    def reviews_by(segment):
        result = review_figures(year_2025(segment=segment), today=D(2026, 12, 1))
        return {
            value: counts[0][0]
            for value, counts in (
                (r["segment_value"], rows(result, "reviews", segment=r["segment_value"])[None])
                for r in result["figures"]
                if r["key"] == "reviews" and r["category"] is None
            )
        }

    assert reviews_by("sex") == {None: 15, "M": 5, "F": 10, "I": 0, "U": 0}
    assert reviews_by("age_band") == {
        None: 15,
        "under 18": 0,
        "18-24": 0,
        "25-34": 10,
        "35-44": 5,
        "45-54": 0,
        "55-64": 0,
        "65+": 0,
    }
    by_authority = reviews_by("local_authority")
    assert by_authority[authorities[0].code] == 5
    assert by_authority[authorities[1].code] == 10


def test_a_split_by_ethnicity_as_the_review_records_it(gina):
    # 5 drug deaths of Black African people, 10 of White British people and 5 whose
    # ethnicity the review does not record, all in 2025; 5 White British in 2024.
    for ethnicity, count, on in (
        ("N", 5, D(2025, 3, 1)),
        ("A", 10, D(2025, 6, 1)),
        ("", 5, D(2025, 9, 1)),
        ("A", 5, D(2024, 6, 1)),
    ):
        for i in range(count):
            notify(gina, person_name=f"{ethnicity} {i}", occurred_on=on, ethnicity=ethnicity)

    result = review_figures(year_2025(segment="ethnicity"), today=D(2026, 12, 1))

    deaths = {
        r["segment_value"]: (r["segment_label"], r["numerator"], r["previous"]["numerator"])
        for r in result["figures"]
        if r["key"] == "reviews" and r["category"] == "deaths"
    }
    assert deaths[None] == (None, 20, 5)
    assert deaths["A"] == ("White British", 10, 5)
    assert deaths["N"] == ("Black African", 5, 0)
    assert deaths["unknown"] == ("Not known", 5, 0)
    assert deaths["H"] == ("Indian", 0, 0)
    assert len(deaths) == 1 + 17 + 1  # everyone, every ethnicity, and not known
    never_known = [
        r
        for r in result["figures"]
        if r["key"] == "treatment_at_death" and r["category"] == "never_known"
    ]
    by_value = {r["segment_value"]: r for r in never_known}
    assert by_value["A"]["whole"] == {
        "numerator": 20,
        "denominator": 20,
        "value": 100.0,
        "suppressed": False,
    }
    assert by_value["A"]["difference"] is None  # everyone was never known: nothing to test


def test_a_team_or_disability_split_is_refused_at_segment(dataset):
    for segment in ("team", "disability", "religion", "sexual_orientation"):
        with pytest.raises(FigureInputError) as refused:
            review_figures(year_2025(segment=segment))
        assert list(refused.value.errors) == ["segment"]


def test_the_figures_read_a_fixed_number_of_statements(dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        review_figures(year_2025(segment="local_authority"))


def test_quarters_of_a_part_year_are_cut_to_the_period_and_aligned_with_the_one_before():
    period = Period(D(2025, 2, 15), D(2025, 5, 10))
    parts = quarter_parts(period)

    assert parts == [Period(D(2025, 2, 15), D(2025, 3, 31)), Period(D(2025, 4, 1), D(2025, 5, 10))]
    assert aligned_parts(period, parts) == [
        Period(D(2024, 11, 22), D(2025, 1, 5)),
        Period(D(2025, 1, 6), D(2025, 2, 14)),
    ]
    year = Period(D(2025, 1, 1), D(2025, 12, 31))
    assert aligned_parts(year, quarter_parts(year))[3] == Period(D(2024, 10, 1), D(2024, 12, 31))
