"""Age bands: the one definition every report, extract and figure uses.

Commissioner data never carries a full date of birth; it carries the age band on
a stated day. The bands follow the ten-year groups that treatment statistics
report (with 18 to 24 apart), and the same bands are given three ways: for one
age, for a pandas column of ages, and as a SQL expression, so a figure computed
in pandas and an extract streamed by PostgreSQL always agree.
"""

import pandas as pd

# (label, lowest age, highest age or None for no upper limit), youngest first.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under 18", 0, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, None),
)
AGE_BAND_LABELS = tuple(label for label, _, _ in AGE_BANDS)


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return None


def age_bands(ages: pd.Series) -> pd.Series:
    """The band of each age in a column (missing where the age is missing or negative)."""
    edges = [low for _, low, _ in AGE_BANDS] + [float("inf")]
    return pd.cut(ages, bins=edges, labels=list(AGE_BAND_LABELS), right=False).astype("string")


def age_band_sql(born: str, day: str) -> str:
    """A SQL expression for the band of the person born on `born` (a column) on `day`.

    `day` is a SQL date expression, e.g. a literal cast to date; it is used once for each
    band, so give a column or a literal, not a placeholder. Rather than working out an age
    for every row, the expression compares `born` with the first date of birth too late for
    each band's lowest age: `day` less that many years (29 February becomes 28 February, as
    `age()` counts it), plus a day. For a literal `day` PostgreSQL works those dates out
    once, and a row costs a few date comparisons.
    """
    labels = ", ".join(f"'{label}'" for label in reversed(AGE_BAND_LABELS))
    too_late = ", ".join(
        f"({day} - interval '{low} years')::date + 1" for _, low, _ in reversed(AGE_BANDS[1:])
    )
    # width_bucket counts the dates at or before `born`: none for the oldest band (the last
    # label reversed), every one for the youngest.
    return f"(ARRAY[{labels}])[width_bucket({born}, ARRAY[{too_late}]) + 1]"
