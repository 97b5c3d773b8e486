"""The 6-month review: each episode's start TOP paired with its review TOP.

- **The pair**: the episode's start TOP and its review TOP dated 5 to 7
  calendar months after it (the one nearest 6 months if there are several),
  counted in the period the review falls in.
- **Abstinent or reliably improved** (opiates: OPIUSE, crack: CRAUSE,
  cocaine: COCAUSE): of the pairs that used above 0 days at the start and
  answered at the review, those using on 0 days at the review, or on at least
  the item's reliable-change threshold fewer days than at the start.
- **No longer injecting** (IVDRGUSE): of the pairs that injected at the start
  and answered at the review, those injecting on 0 days at the review.

An answer left "not disclosed" is never taken as 0: it leaves the pair out.
"""

import pandas as pd
from django.conf import settings

from outcomes.figures import loading
from outcomes.figures.filters import Period
from outcomes.figures.tables import nested_in

REVIEW_MONTHS = (5, 6, 7)  # earliest, target, latest

# (category, TOP item column, label)
REVIEW_SUBSTANCES = (
    ("opiates", "opiuse", "Opiates"),
    ("crack", "crause", "Crack"),
    ("cocaine", "cocause", "Powder cocaine"),
)


def reliable_change_days() -> dict[str, int]:
    """The reliable change in days of use (of 28) between the start and the 6-month
    review, by TOP item: `TOP_RELIABLE_CHANGE_DAYS`, checked when the settings load."""
    return settings.TOP_RELIABLE_CHANGE_DAYS


# How far before the window start and review TOPs are read: a review in the
# window pairs with a start up to 7 months before it, and competes with the
# start's other reviews from 5 months after it (a few days more, for the ends
# of months).
STARTS_FROM = "interval '7 months 3 days'"
REVIEWS_FROM = "interval '2 months 3 days'"


SUBSTANCE_ITEMS = ("opiuse", "crause", "cocause", "ivdrguse")


def review_pairs(tops: pd.DataFrame, items: tuple[str, ...] = SUBSTANCE_ITEMS) -> pd.DataFrame:
    """Each episode's start TOP with its 6-month review (see the module docstring),
    with the TOP `items` of both."""
    starts = tops.loc[tops["stage"] == "S", ["episode_id", "top_date", *items]]
    reviews = tops.loc[tops["stage"] == "R", ["episode_id", "top_date", *items]]
    pairs = reviews.merge(starts, on="episode_id", suffixes=("_review", "_start"))
    earliest, target, latest = REVIEW_MONTHS
    started = pairs["top_date_start"]
    in_window = (pairs["top_date_review"] >= loading.months_after(started, earliest)) & (
        pairs["top_date_review"] <= loading.months_after(started, latest)
    )
    pairs = pairs[in_window]
    distance = (
        pairs["top_date_review"] - loading.months_after(pairs["top_date_start"], target)
    ).abs()
    return (
        pairs.assign(distance=distance)
        .sort_values(["episode_id", "distance", "top_date_review"])
        .drop_duplicates("episode_id")
    )


def review_measures(
    pairs: pd.DataFrame, person_of_episode: pd.Series, period: Period, thresholds: dict[str, int]
) -> pd.DataFrame:
    here = pairs[
        pairs["top_date_review"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))
    ]
    measures = pd.DataFrame(
        {"person_id": loading.lookup(here["episode_id"], person_of_episode).to_numpy()}
    )
    for category, item, _ in REVIEW_SUBSTANCES:
        before, after = here[f"{item}_start"], here[f"{item}_review"]
        using = (before > 0) & after.notna()
        improved = using & ((after == 0) | (before - after >= thresholds[item.upper()]))
        measures[f"review_{category}_using"] = using.to_numpy()
        measures[f"review_{category}_improved"] = improved.to_numpy()
    before, after = here["ivdrguse_start"], here["ivdrguse_review"]
    injecting = (before > 0) & after.notna()
    measures["review_injecting"] = injecting.to_numpy()
    measures["review_stopped_injecting"] = (injecting & (after == 0)).to_numpy()
    return measures


REVIEW_MEASURES = [
    *(f"review_{c}_{m}" for c, _, _ in REVIEW_SUBSTANCES for m in ("using", "improved")),
    "review_injecting",
    "review_stopped_injecting",
]
REVIEW_NESTED = nested_in(
    *([f"review_{c}_using", f"review_{c}_improved"] for c, _, _ in REVIEW_SUBSTANCES),
    ["review_injecting", "review_stopped_injecting"],
)
