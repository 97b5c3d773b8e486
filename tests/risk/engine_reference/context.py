"""The input frames, cut to `as_of` and the population, with the derived facts checks share.

`FRAME_COLUMNS` is the contract with the loader: the columns each input frame must
have (dates are datetime64, NaT for none). Records dated after `as_of` are dropped
here, so the same frames evaluated on past dates give what the engine would have
said then. Pure: no Django.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

# The columns each input frame must have. Dates are datetime64 (NaT for none).
FRAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person_id", "sex", "date_of_birth", "lives_alone"),
    "episodes": (
        "episode_id",
        "person_id",
        "referral_date",
        "discharge_date",
        "unplanned_exit",
        "opioid_main",
        "opioid",
        "benzodiazepine",
        "gabapentinoid",
        "alcohol",
        "injecting",
        "no_fixed_abode",
        "dual_diagnosis",
    ),
    "interventions": ("intervention_id", "person_id", "kind", "is_ost", "start_date", "end_date"),
    "events": ("event_id", "person_id", "kind", "occurred_on"),
    "contacts": ("contact_id", "person_id", "contact_date", "status"),
    "naloxone": ("supply_id", "person_id", "supplied_on", "expiry_date"),
    "tops": ("top_id", "person_id", "top_date", "opiuse", "alcuse", "ivdrguse", "acuthpbm"),
}

# People discharged this long ago or less are still in the population.
POPULATION_DAYS_SINCE_DISCHARGE = 365
# A TOP older than this no longer describes someone's current use.
TOP_CURRENT_DAYS = 182


class Context:
    """The frames cut to `as_of` and the population, with shared derived columns."""

    def __init__(self, frames: dict[str, pd.DataFrame], as_of: datetime.date):
        self.as_of = as_of
        self.day = np.datetime64(as_of, "D")
        episodes = _referred_by(frames["episodes"], self.day)
        self.population = _population(episodes, self.day)
        keep = self.population

        def cut(name: str, date_column: str) -> pd.DataFrame:
            frame = frames[name]
            frame = frame[frame["person_id"].isin(keep)]
            return frame[_days(frame[date_column], self.day) >= 0]

        self.episodes = episodes[episodes["person_id"].isin(keep)]
        self.people = frames["people"][frames["people"]["person_id"].isin(keep)]
        self.interventions = cut("interventions", "start_date")
        self.events = cut("events", "occurred_on")
        self.contacts = cut("contacts", "contact_date")
        self.naloxone = cut("naloxone", "supplied_on")
        self.tops = cut("tops", "top_date")
        self._cache: dict[str, pd.DataFrame] = {}
        self._ids: dict[str, np.ndarray] = {}

    def days_since(self, dates: pd.Series) -> np.ndarray:
        return _days(dates, self.day)

    def latest_episode(self) -> pd.DataFrame:
        """Each person's most recent episode as of the date, with whether it is open."""
        if "latest_episode" not in self._cache:
            episodes = self.episodes.sort_values(["person_id", "referral_date", "episode_id"])
            latest = episodes.drop_duplicates("person_id", keep="last").copy()
            discharged = self.days_since(latest["discharge_date"])
            latest["open"] = ~(discharged >= 0)
            self._cache["latest_episode"] = latest
        return self._cache["latest_episode"]

    def current_top(self) -> pd.DataFrame:
        if "current_top" not in self._cache:
            tops = self.tops[self.days_since(self.tops["top_date"]) <= TOP_CURRENT_DAYS]
            tops = tops.sort_values(["person_id", "top_date", "top_id"])
            self._cache["current_top"] = tops.drop_duplicates("person_id", keep="last")
        return self._cache["current_top"]

    def current_ost(self) -> np.ndarray:
        """Ids of people with an OST prescription running on the date."""
        if "current_ost" not in self._ids:
            ost = self.interventions[_flag(self.interventions, "is_ost")]
            ended = self.days_since(ost["end_date"]) >= 0
            self._ids["current_ost"] = _distinct(ost.loc[~ended, "person_id"].to_numpy())
        return self._ids["current_ost"]

    def opioid_users(self) -> np.ndarray:
        """Ids of people who use opioids: by their episode, a current TOP or OST."""
        if "opioid_users" not in self._ids:
            latest = self.latest_episode()
            top = self.current_top()
            self._ids["opioid_users"] = _distinct(
                latest.loc[_flag(latest, "opioid"), "person_id"].to_numpy(),
                top.loc[_positive(top, "opiuse", 1), "person_id"].to_numpy(),
                self.current_ost(),
            )
        return self._ids["opioid_users"]


def population_ids(frames: dict[str, pd.DataFrame], as_of: datetime.date) -> np.ndarray:
    """The ids of the people in the population on `as_of`, as `Context` picks them: an
    episode referred by the date, open or closed at most a year before it."""
    day = np.datetime64(as_of, "D")
    return _population(_referred_by(frames["episodes"], day), day)


def _referred_by(episodes: pd.DataFrame, day: np.datetime64) -> pd.DataFrame:
    return episodes[_days(episodes["referral_date"], day) >= 0]


def _days(dates: pd.Series, day: np.datetime64) -> np.ndarray:
    """Whole days from each date to `day`; NaT gives a large negative number."""
    values = dates.to_numpy().astype("datetime64[D]")
    out = (day - values).astype("int64")
    out[np.isnat(values)] = np.iinfo(np.int64).min
    return out


def _population(episodes: pd.DataFrame, day: np.datetime64) -> np.ndarray:
    since = _days(episodes["discharge_date"], day)
    in_scope = (since < 0) | (since <= POPULATION_DAYS_SINCE_DISCHARGE)
    return _distinct(episodes.loc[in_scope, "person_id"].to_numpy())


def _distinct(*ids: np.ndarray) -> np.ndarray:
    """The distinct ids in any of the arrays (pandas' hash table beats a numpy sort here)."""
    return pd.unique(np.concatenate([np.asarray(part, dtype="int64") for part in ids]))


def _flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].fillna(False).astype(bool).to_numpy()


def _positive(frame: pd.DataFrame, column: str, minimum: int) -> np.ndarray:
    return frame[column].astype("float64").fillna(0).to_numpy() >= minimum
