"""The input frames, cut to `as_of` and the population, as numpy arrays, with the facts checks share.

`FRAME_COLUMNS` is the contract with the loader: the columns each input frame must
have (dates are datetime64, NaT for none). Records dated after `as_of` are dropped
here, so the same frames evaluated on past dates give what the engine would have
said then.

Inside the engine a person is a *position*: their place among the population's ids
sorted (`Context.person_ids`), so that anything "per person" is an array indexed
by position and grouping is a plain numpy reduction (`np.minimum.at`, `np.bincount`)
instead of a sort or a hash. Each frame becomes `Records`: its columns read into numpy
arrays when a check first asks for them, dates as whole days before `as_of`.
Pure: no Django.
"""

from __future__ import annotations

import datetime
from functools import cached_property

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

# How the columns read: dates as days before `as_of`, yes/no as bools (missing is no),
# TOP day counts as floats (missing is 0); the other columns as they come.
DATE_COLUMNS = frozenset(
    {
        "date_of_birth",
        "referral_date",
        "discharge_date",
        "start_date",
        "end_date",
        "occurred_on",
        "contact_date",
        "supplied_on",
        "expiry_date",
        "top_date",
    }
)
FLAG_COLUMNS = frozenset(
    {
        "lives_alone",
        "unplanned_exit",
        "opioid_main",
        "opioid",
        "benzodiazepine",
        "gabapentinoid",
        "alcohol",
        "injecting",
        "no_fixed_abode",
        "dual_diagnosis",
        "is_ost",
        "acuthpbm",
    }
)
NUMBER_COLUMNS = frozenset({"opiuse", "alcuse", "ivdrguse"})

# Days before `as_of` of a missing date: below every window, and never "on or before".
NO_DATE = np.iinfo(np.int64).min
# A record id that is missing (e.g. the naloxone kit of someone who has none).
NO_ID = np.iinfo(np.int64).min
# A person id that is not in the population (a lookup's miss).
NOBODY = -1


class Records:
    """The rows of one input frame, as numpy arrays read column by column when first asked for.

    `records[name]` is a column: ids as int64 (`NO_ID` for none), dates as whole days
    before `as_of` (`NO_DATE` for none; negative for a date after it), yes/no columns
    as bools, TOP day counts as floats and text as it comes; `records["person"]` is each
    row's person as a position (see the module docstring). `take` and `where` give a
    subset of the rows, reading nothing until a column is asked for.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        day: np.datetime64,
        person: np.ndarray,
        rows: np.ndarray | None = None,
        read: dict[str, np.ndarray] | None = None,
    ):
        self._frame = frame
        self._day = day
        # Whole columns read so far (shared by every subset), and this subset's rows of them.
        self._read = read if read is not None else {"person": person}
        self._rows = rows
        self._taken: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._read["person"]) if self._rows is None else len(self._rows)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._read:
            self._read[name] = _column(self._frame[name], name, self._day)
        if self._rows is None:
            return self._read[name]
        if name not in self._taken:
            self._taken[name] = self._read[name][self._rows]
        return self._taken[name]

    def take(self, rows: np.ndarray) -> Records:
        """These records' rows at the positions `rows`, in that order."""
        rows = rows if self._rows is None else self._rows[rows]
        return Records(self._frame, self._day, self._read["person"], rows, self._read)

    def where(self, mask: np.ndarray) -> Records:
        return self.take(np.flatnonzero(mask))

    def isin(self, name: str, values: tuple[str, ...]) -> np.ndarray:
        """Whether each row's text in `name` is one of `values`.

        The column is turned into codes once (one hash per row), so each test after is
        a comparison of small integers rather than of strings.
        """
        codes, texts = self._codes(name)
        # One yes/no per code, the last for missing text (code -1), read by code.
        wanted = np.array([text in values for text in texts] + [False])
        return wanted[codes]

    def words(self, name: str, words: dict[str, str]) -> np.ndarray:
        """Each row's text in `name` put in other words ("" for text not in `words`)."""
        codes, texts = self._codes(name)
        # The last entry is for missing text, whose code is -1.
        return np.array([words.get(text, "") for text in texts] + [""], dtype=object)[codes]

    def _codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The column as small integer codes (-1 for missing text), and the text of each code."""
        codes = f"{name}:codes"
        if codes not in self._read:
            self._read[codes], self._read[f"{name}:texts"] = _codes(self._frame[name])
        return self[codes], self._read[f"{name}:texts"]


class Context:
    """The frames cut to `as_of` and the population, with the facts several checks share."""

    def __init__(self, frames: dict[str, pd.DataFrame], as_of: datetime.date):
        self.as_of = as_of
        self.day = np.datetime64(as_of, "D")
        episodes = frames["episodes"]
        referred = _days(episodes["referral_date"], self.day) >= 0
        self.population = _population(episodes, referred, self.day)
        # A person's position is their place among the population's ids in order.
        self.person_ids = np.sort(self.population)
        self.size = len(self.person_ids)
        self.people = self._cut(frames["people"], None)
        self.episodes = self._cut(episodes, "referral_date", referred)
        self.interventions = self._cut(frames["interventions"], "start_date")
        self.events = self._cut(frames["events"], "occurred_on")
        self.contacts = self._cut(frames["contacts"], "contact_date")
        self.naloxone = self._cut(frames["naloxone"], "supplied_on")
        self.tops = self._cut(frames["tops"], "top_date")

    def _cut(
        self, frame: pd.DataFrame, date_column: str | None, dated: np.ndarray | None = None
    ) -> Records:
        """The frame's records of people in the population, dated on or before `as_of`."""
        person = self.positions(int_ids(frame["person_id"]))
        keep = person != NOBODY
        if date_column is not None:
            keep &= dated if dated is not None else _days(frame[date_column], self.day) >= 0
        records = Records(frame, self.day, person)
        # The loader's frames are already cut: then nothing is copied.
        return records if keep.all() else records.where(keep)

    def positions(self, ids: np.ndarray) -> np.ndarray:
        """Each person id's position in the population, `NOBODY` for someone not in it."""
        if len(ids) == 0 or self.size == 0:
            return np.full(len(ids), NOBODY, dtype=np.int64)
        if self._table is not None and len(ids) > 64:
            # One read per row, however many rows; ids out of the table's range read one
            # of its ends, which are nobody.
            return np.take(self._table, ids - (self._low - 1), mode="clip")
        at = np.searchsorted(self.person_ids, ids).clip(max=self.size - 1)
        return np.where(self.person_ids[at] == ids, at, NOBODY)

    @cached_property
    def _table(self) -> np.ndarray | None:
        """Positions by id, from the lowest id less one to the highest plus one (both
        nobody): when the ids are dense enough for such a table to be small."""
        if self.size == 0:
            return None
        span = int(self.person_ids[-1]) - self._low
        if span > 4 * self.size + 65_536:
            return None
        table = np.full(span + 3, NOBODY, dtype=np.int64)
        table[self.person_ids - (self._low - 1)] = np.arange(self.size)
        return table

    @property
    def _low(self) -> int:
        return int(self.person_ids[0])

    def among(self, positions: np.ndarray) -> np.ndarray:
        """A yes/no per person position: whether it is one of `positions`."""
        marked = np.zeros(self.size, dtype=bool)
        marked[positions] = True
        return marked

    def date(self, days_ago: np.ndarray) -> np.ndarray:
        """The dates `days_ago` days before `as_of` (NaT for `NO_DATE`)."""
        dates = self.day - days_ago.astype("timedelta64[D]")
        dates[days_ago == NO_DATE] = np.datetime64("NaT")
        return dates

    @cached_property
    def latest_episodes(self) -> Records:
        """Each person's most recent episode as of the date, in person order."""
        episodes = self.episodes
        rows = latest(episodes["person"], episodes["referral_date"], episodes["episode_id"])
        return episodes.take(rows)

    @cached_property
    def current_tops(self) -> Records:
        """Each person's latest TOP when it is recent enough to describe their current use."""
        tops = self.tops.where(self.tops["top_date"] <= TOP_CURRENT_DAYS)
        return tops.take(latest(tops["person"], tops["top_date"], tops["top_id"]))

    @cached_property
    def on_ost(self) -> np.ndarray:
        """Positions of people with an OST prescription running on the date."""
        ost = self.interventions.where(self.interventions["is_ost"])
        return pd.unique(ost["person"][~(ost["end_date"] >= 0)])

    @cached_property
    def opioid_users(self) -> np.ndarray:
        """Positions of people who use opioids: by their episode, a current TOP or OST."""
        episode = self.latest_episodes
        top = self.current_tops
        return pd.unique(
            np.concatenate(
                [
                    episode["person"][episode["opioid"]],
                    top["person"][top["opiuse"] >= 1],
                    self.on_ost,
                ]
            )
        )


def is_open(episodes: Records) -> np.ndarray:
    """Whether each episode is open on the date: not discharged on or before it."""
    return ~(episodes["discharge_date"] >= 0)


def latest(person: np.ndarray, days_ago: np.ndarray, record_id: np.ndarray) -> np.ndarray:
    """Each person's most recent row: fewest days ago, then highest id; one row per person who
    has any, in person order.

    Two grouped reductions over the rows (the newest day per person, then the highest id
    on it), never a sort: `record_id` must be unique within a person's day.
    """
    if len(person) == 0:
        return np.empty(0, dtype=np.int64)
    people = int(person.max()) + 1
    newest = np.full(people, np.iinfo(np.int64).max)
    np.minimum.at(newest, person, days_ago)
    rows = np.flatnonzero(days_ago == newest[person])
    highest = np.full(people, np.iinfo(np.int64).min)
    np.maximum.at(highest, person[rows], record_id[rows])
    rows = rows[record_id[rows] == highest[person[rows]]]
    by_person = np.full(people, -1, dtype=np.int64)
    by_person[person[rows]] = rows
    return by_person[by_person >= 0]


def population_ids(frames: dict[str, pd.DataFrame], as_of: datetime.date) -> np.ndarray:
    """The ids of the people in the population on `as_of`, as `Context` picks them: an
    episode referred by the date, open or closed at most a year before it."""
    day = np.datetime64(as_of, "D")
    episodes = frames["episodes"]
    return _population(episodes, _days(episodes["referral_date"], day) >= 0, day)


def _population(episodes: pd.DataFrame, referred: np.ndarray, day: np.datetime64) -> np.ndarray:
    """The distinct ids, in order of first appearance, of people with a referred episode open
    on the date or closed within the population window."""
    since = _days(episodes["discharge_date"], day)
    in_scope = referred & ((since < 0) | (since <= POPULATION_DAYS_SINCE_DISCHARGE))
    # pandas' hash table beats a numpy sort here.
    return pd.unique(int_ids(episodes["person_id"])[in_scope])


def _days(dates: pd.Series, day: np.datetime64) -> np.ndarray:
    """Whole days from each date to `day`; NaT gives `NO_DATE`."""
    values = dates.to_numpy().astype("datetime64[D]")
    out = (day - values).astype("int64")
    out[np.isnat(values)] = NO_DATE
    return out


def int_ids(values: pd.Series) -> np.ndarray:
    """Ids as int64, `NO_ID` for none."""
    if values.dtype.kind in "iu":
        return values.to_numpy(dtype=np.int64)
    floats = values.to_numpy(dtype="float64", na_value=np.nan)
    missing = np.isnan(floats)
    out = np.where(missing, 0, floats).astype(np.int64)
    out[missing] = NO_ID
    return out


def _column(values: pd.Series, name: str, day: np.datetime64) -> np.ndarray:
    if name in DATE_COLUMNS:
        return _days(values, day)
    if name in FLAG_COLUMNS:
        if values.dtype == bool:
            return values.to_numpy()
        return values.fillna(False).astype(bool).to_numpy()
    if name in NUMBER_COLUMNS:
        return values.astype("float64").fillna(0).to_numpy()
    if name.endswith("_id"):
        return int_ids(values)
    return values.to_numpy()


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A text column as small integer codes (one hash per row), and the text of each code."""
    codes, uniques = pd.factorize(values.to_numpy(), use_na_sentinel=True)
    return codes.astype(np.int8 if len(uniques) < 127 else np.int64), np.asarray(uniques)
