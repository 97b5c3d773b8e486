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

    `day` is a SQL date expression, e.g. a bound parameter cast to date. Each is
    used once, so a placeholder may stand for either.
    """
    labels = ", ".join(f"'{label}'" for label in AGE_BAND_LABELS)
    lows = ", ".join(str(low) for _, low, _ in AGE_BANDS[1:])
    age = f"date_part('year', age({day}, {born}))::int"
    # width_bucket gives 0 below the first threshold, i from the i-th: the label's index - 1.
    return f"(ARRAY[{labels}])[width_bucket({age}, ARRAY[{lows}]) + 1]"
