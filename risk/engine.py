"""The risk engine: rules over data frames, pure in `as_of`.

Contract: `evaluate(frames, rule_set, as_of)` takes the frames described in
`FRAME_COLUMNS` and returns an `Evaluation` holding every fired rule (one row
per person and rule, with the record that triggered it, the date it fired from,
the last day it applies and the reason in words) and every flagged person's
tier. Nothing here touches a database or Django: the loader builds the frames,
a service writes the results. Records dated after `as_of` are ignored, so the
same frames evaluated on past dates give what the engine would have said then.

Each rule names a *check* (an evaluator below) and carries its own window,
weight and reason wording, so a rule set is data that can be changed and
versioned without changing this module. Weights add up per person; the tier
comes from the total against the rule set's thresholds.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TIERS = ("very_high", "high", "raised")
TIER_LABELS = {"very_high": "Very high", "high": "High", "raised": "Raised"}
TIER_RANKS = {"very_high": 3, "high": 2, "raised": 1}

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
# Days of drinking in the last 28 that count as problem alcohol use alongside opioids.
PROBLEM_ALCOHOL_DAYS = 14

LIFE_EVENT_WORDS = {
    "bereavement": "bereavement",
    "relationship_breakdown": "relationship breakdown",
    "job_loss": "lost their job",
}
TOLERANCE_EVENTS = ("detox_completed", "residential_completed")
TOLERANCE_INTERVENTIONS = ("inpatient_detox", "residential")
PLACEHOLDERS = re.compile(r"(\{ago\}|\{date\}|\{count\}|\{detail\})")


@dataclass(frozen=True)
class RuleSpec:
    """One rule as the engine sees it; `window_from`/`window_to` are in the check's unit."""

    code: str
    version: int
    check: str
    weight: float
    reason: str
    evidence: str = ""
    window_from: int | None = None
    window_to: int | None = None
    min_count: int = 1
    enabled: bool = True
    # Rules in the same group measure the same exposure: only the heaviest one
    # that fires for a person counts, so one fact is never weighed twice.
    group: str = ""


@dataclass(frozen=True)
class RuleSetSpec:
    version: int
    rules: tuple[RuleSpec, ...]
    raised: float
    high: float
    very_high: float

    def tier_for(self, score: np.ndarray) -> np.ndarray:
        return np.select(
            [score >= self.very_high, score >= self.high, score >= self.raised],
            ["very_high", "high", "raised"],
            default="",
        )


@dataclass
class Evaluation:
    as_of: datetime.date
    rule_set_version: int
    population: int
    fired: pd.DataFrame
    people: pd.DataFrame
    reasons: pd.DataFrame
    rows_read: int = 0
    counts_by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def counts_by_tier(self) -> dict[str, int]:
        counts = self.people["tier"].value_counts()
        return {tier: int(counts.get(tier, 0)) for tier in TIERS}


# The kinds of record that can trigger a rule.
TRIGGER_KINDS = ["person", "episode", "intervention", "event", "contact", "naloxone", "top"]
# How many reasons a flag's one-line summary shows.
SUMMARY_REASONS = 3

FIRED_COLUMNS = (
    "person_id",
    "rule_code",
    "rule_version",
    "weight",
    "trigger_kind",
    "trigger_id",
    "fired_from",
    "expires_on",
    "count",
    "detail",
    "reason",
)


class Context:
    """The frames cut to `as_of` and the population, with shared derived columns."""

    def __init__(self, frames: dict[str, pd.DataFrame], as_of: datetime.date):
        self.as_of = as_of
        self.day = np.datetime64(as_of, "D")
        episodes = frames["episodes"]
        episodes = episodes[_days(episodes["referral_date"], self.day) >= 0]
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


def _dates(values, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    return np.asarray(values).astype("datetime64[s]")


def _hits(
    person_id,
    trigger_kind: str,
    trigger_id=None,
    fired_from=None,
    expires_on=None,
    detail=None,
    count=None,
) -> pd.DataFrame:
    """Fired rows of one rule, built from plain arrays (never aligned on an index)."""
    people = np.asarray(person_id, dtype="int64")
    n = len(people)
    if trigger_id is None:
        ids = pd.array(np.full(n, np.nan), dtype="Int64")
    else:
        ids = pd.array(pd.Series(trigger_id).to_numpy(dtype="float64", na_value=np.nan))
        ids = pd.array(ids, dtype="Int64")
    return pd.DataFrame(
        {
            "person_id": people,
            "trigger_kind": pd.Categorical.from_codes(
                np.full(n, TRIGGER_KINDS.index(trigger_kind), dtype="int8"), pd.Index(TRIGGER_KINDS)
            ),
            "trigger_id": ids,
            "fired_from": _dates(fired_from, n),
            "expires_on": _dates(expires_on, n),
            # Plain objects: inferring a string type for every rule costs more than it saves.
            "detail": pd.Series(
                np.full(n, "", dtype=object)
                if detail is None
                else np.asarray(detail, dtype=object),
                dtype=object,
            ),
            "count": np.zeros(n, dtype="int64") if count is None else np.asarray(count),
        }
    )


def _latest_in_window(
    frame: pd.DataFrame,
    date_column: str,
    id_column: str,
    rule: RuleSpec,
    ctx: Context,
    trigger_kind: str,
    detail_column: str | None = None,
) -> pd.DataFrame:
    """Fire on each person's most recent record when it falls inside the rule's window."""
    frame = frame.dropna(subset=[date_column]).sort_values(["person_id", date_column, id_column])
    latest = frame.drop_duplicates("person_id", keep="last")
    days = ctx.days_since(latest[date_column])
    low = rule.window_from or 0
    high = rule.window_to if rule.window_to is not None else np.iinfo(np.int64).max
    latest = latest[(days >= low) & (days <= high)]
    dates = latest[date_column].to_numpy().astype("datetime64[D]")
    expires = None if rule.window_to is None else dates + np.timedelta64(rule.window_to, "D")
    detail = None if detail_column is None else latest[detail_column].to_numpy()
    return _hits(latest["person_id"], trigger_kind, latest[id_column], dates, expires, detail)


def _event_window(kinds: tuple[str, ...]) -> Callable[[Context, RuleSpec], pd.DataFrame]:
    def check(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
        events = ctx.events[ctx.events["kind"].isin(kinds)]
        if len(kinds) > 1:
            events = events.assign(words=events["kind"].map(LIFE_EVENT_WORDS).fillna(""))
            return _latest_in_window(events, "occurred_on", "event_id", rule, ctx, "event", "words")
        return _latest_in_window(events, "occurred_on", "event_id", rule, ctx, "event")

    return check


def check_repeat_overdose(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    overdoses = ctx.events[ctx.events["kind"] == "non_fatal_overdose"]
    days = ctx.days_since(overdoses["occurred_on"])
    overdoses = overdoses[(days >= (rule.window_from or 0)) & (days <= (rule.window_to or 365))]
    overdoses = overdoses.sort_values(["person_id", "occurred_on", "event_id"])
    counts = overdoses.groupby("person_id", sort=False).size()
    latest = overdoses.drop_duplicates("person_id", keep="last").set_index("person_id")
    many = counts[counts >= rule.min_count].index
    latest = latest.loc[many]
    dates = latest["occurred_on"].to_numpy().astype("datetime64[D]")
    expires = None
    if rule.window_to is not None:
        # It stops firing when the oldest counted overdose leaves the window; the
        # newest one is a safe, simple stand-in for the reason's expiry.
        expires = dates + np.timedelta64(rule.window_to, "D")
    return _hits(latest.index, "event", latest["event_id"], dates, expires, count=counts.loc[many])


def check_ost_started(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    ost = ctx.interventions[_flag(ctx.interventions, "is_ost")]
    return _latest_in_window(ost, "start_date", "intervention_id", rule, ctx, "intervention")


def check_ost_stopped(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    ost = ctx.interventions[_flag(ctx.interventions, "is_ost")]
    ended = ost[ctx.days_since(ost["end_date"]) >= 0]
    hits = _latest_in_window(ended, "end_date", "intervention_id", rule, ctx, "intervention")
    return hits[~hits["person_id"].isin(ctx.current_ost())]


def check_left_unplanned(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    latest = ctx.latest_episode()
    left = latest[~latest["open"].to_numpy() & _flag(latest, "unplanned_exit")]
    return _latest_in_window(left, "discharge_date", "episode_id", rule, ctx, "episode")


def check_out_of_treatment(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    latest = ctx.latest_episode()
    return _latest_in_window(
        latest[~latest["open"]], "discharge_date", "episode_id", rule, ctx, "episode"
    )


def _tolerance_records(
    frame: pd.DataFrame, date_column: str, id_column: str, source: str, detox_kind: str
) -> pd.DataFrame:
    """Detox or residential endings from one kind of record, in one shape."""
    return pd.DataFrame(
        {
            "person_id": frame["person_id"].to_numpy(),
            "on": frame[date_column].to_numpy().astype("datetime64[s]"),
            "record_id": frame[id_column].to_numpy(),
            "source": source,
            "words": np.where(
                frame["kind"].to_numpy() == detox_kind,
                "completed detox",
                "left residential treatment",
            ),
        }
    )


def check_tolerance_loss(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    events = ctx.events[ctx.events["kind"].isin(TOLERANCE_EVENTS)]
    stays = ctx.interventions[ctx.interventions["kind"].isin(TOLERANCE_INTERVENTIONS)]
    stays = stays[ctx.days_since(stays["end_date"]) >= 0]
    both = pd.concat(
        [
            _tolerance_records(events, "occurred_on", "event_id", "event", "detox_completed"),
            _tolerance_records(
                stays, "end_date", "intervention_id", "intervention", "inpatient_detox"
            ),
        ],
        ignore_index=True,
    )
    hits = _latest_in_window(both, "on", "record_id", rule, ctx, "event", "words")
    sources = both.sort_values(["person_id", "on", "record_id"]).drop_duplicates(
        "person_id", keep="last"
    )
    kind_by_person = sources.set_index("person_id")["source"]
    hits["trigger_kind"] = pd.Categorical(
        kind_by_person.reindex(hits["person_id"]).to_numpy(), categories=TRIGGER_KINDS
    )
    return hits


def _state(ctx: Context, mask_episode: np.ndarray, mask_top: np.ndarray | None) -> pd.DataFrame:
    """People for whom a current-state fact holds, by their latest episode or current TOP."""
    latest = ctx.latest_episode()
    by_episode = latest.loc[mask_episode, ["person_id", "episode_id"]]
    frames = [_hits(by_episode["person_id"], "episode", by_episode["episode_id"])]
    if mask_top is not None:
        top = ctx.current_top().loc[mask_top, ["person_id", "top_id"]]
        top = top[~top["person_id"].isin(by_episode["person_id"])]
        frames.append(_hits(top["person_id"], "top", top["top_id"]))
    return pd.concat(frames, ignore_index=True)


def _flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].fillna(False).astype(bool).to_numpy()


def _positive(frame: pd.DataFrame, column: str, minimum: int) -> np.ndarray:
    return frame[column].astype("float64").fillna(0).to_numpy() >= minimum


def check_injecting(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    top = ctx.current_top()
    return _state(ctx, _flag(ctx.latest_episode(), "injecting"), _positive(top, "ivdrguse", 1))


def _with_opioids(column: str, top_column: str | None = None, top_minimum: int = 1):
    def check(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
        top = ctx.current_top()
        mask_top = None if top_column is None else _positive(top, top_column, top_minimum)
        hits = _state(ctx, _flag(ctx.latest_episode(), column), mask_top)
        return hits[hits["person_id"].isin(ctx.opioid_users())]

    return check


def check_no_fixed_abode(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    top = ctx.current_top()
    return _state(ctx, _flag(ctx.latest_episode(), "no_fixed_abode"), _flag(top, "acuthpbm"))


def check_mental_health(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    return _state(ctx, _flag(ctx.latest_episode(), "dual_diagnosis"), None)


def check_opiate_not_on_ost(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    latest = ctx.latest_episode()
    mask = latest["open"].to_numpy() & _flag(latest, "opioid_main")
    hits = _state(ctx, mask, None)
    return hits[~hits["person_id"].isin(ctx.current_ost())]


def check_male(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    people = ctx.people[ctx.people["sex"] == "M"]
    return _hits(people["person_id"], "person")


def check_age_band(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    people = ctx.people.dropna(subset=["date_of_birth"])
    born = people["date_of_birth"].to_numpy().astype("datetime64[D]")
    years = born.astype("datetime64[Y]").astype(int) + 1970
    months = born.astype("datetime64[M]").astype(int) % 12 + 1
    days = (born - born.astype("datetime64[M]")).astype(int) + 1
    age = (
        ctx.as_of.year
        - years
        - ((ctx.as_of.month < months) | ((ctx.as_of.month == months) & (ctx.as_of.day < days)))
    )
    low = rule.window_from or 0
    high = rule.window_to if rule.window_to is not None else 200
    band = (age >= low) & (age <= high)
    return _hits(people.loc[band, "person_id"], "person", count=age[band])


def check_lives_alone(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    people = ctx.people[_flag(ctx.people, "lives_alone")]
    return _hits(people["person_id"], "person")


def check_no_naloxone(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    """Opioid users with no naloxone kit on record, or whose latest kit has expired."""
    users = ctx.opioid_users()
    supplies = ctx.naloxone.sort_values(["person_id", "supplied_on", "supply_id"])
    latest = supplies.drop_duplicates("person_id", keep="last").set_index("person_id")
    latest = latest.reindex(users)
    expiry = latest["expiry_date"].to_numpy().astype("datetime64[D]")
    none = np.isnat(expiry)
    expired = ~none & (expiry < ctx.day)
    detail = np.where(
        none,
        "no naloxone kit on record",
        "naloxone kit expired " + pd.Series(expiry).dt.strftime("%d/%m/%Y").fillna("").to_numpy(),
    )
    mask = none | expired
    return _hits(
        users[mask],
        "naloxone",
        latest["supply_id"].to_numpy()[mask],
        detail=detail[mask],
    )


def check_missed_appointments(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    """Several missed appointments in a row within the window, since the last one attended."""
    held = ctx.contacts[ctx.contacts["status"].isin(("attended", "dna"))]
    days = ctx.days_since(held["contact_date"])
    held = held[(days >= (rule.window_from or 0)) & (days <= (rule.window_to or 10**9))]
    held = held.sort_values(["person_id", "contact_date", "contact_id"])
    attended = (held["status"] == "attended").to_numpy()
    # A run of DNAs is counted back from the latest contact to the last attended one.
    group_id = pd.Series(attended).groupby(held["person_id"].to_numpy()).cumsum().to_numpy()
    last_group = pd.Series(group_id).groupby(held["person_id"].to_numpy()).transform("max")
    tail = held[(group_id == last_group.to_numpy()) & ~attended]
    counts = tail.groupby("person_id").size()
    latest = tail.drop_duplicates("person_id", keep="last").set_index("person_id")
    latest = latest.loc[counts[counts >= rule.min_count].index]
    dates = latest["contact_date"].to_numpy().astype("datetime64[D]")
    expires = None if rule.window_to is None else dates + np.timedelta64(rule.window_to, "D")
    return _hits(
        latest.index,
        "contact",
        latest["contact_id"],
        dates,
        expires,
        count=counts.loc[latest.index],
    )


CHECKS: dict[str, Callable[[Context, RuleSpec], pd.DataFrame]] = {
    "prison_release": _event_window(("prison_release",)),
    "hospital_discharge": _event_window(("hospital_discharge",)),
    "non_fatal_overdose": _event_window(("non_fatal_overdose",)),
    "repeat_overdose": check_repeat_overdose,
    "child_removed": _event_window(("child_removed",)),
    "life_event": _event_window(tuple(LIFE_EVENT_WORDS)),
    "ost_started": check_ost_started,
    "ost_stopped": check_ost_stopped,
    "left_unplanned": check_left_unplanned,
    "out_of_treatment": check_out_of_treatment,
    "tolerance_loss": check_tolerance_loss,
    "injecting": check_injecting,
    "opioids_with_benzodiazepines": _with_opioids("benzodiazepine"),
    "opioids_with_gabapentinoids": _with_opioids("gabapentinoid"),
    "opioids_with_alcohol": _with_opioids("alcohol", "alcuse", PROBLEM_ALCOHOL_DAYS),
    "no_fixed_abode": check_no_fixed_abode,
    "mental_health": check_mental_health,
    "opiate_not_on_ost": check_opiate_not_on_ost,
    "male": check_male,
    "age_band": check_age_band,
    "lives_alone": check_lives_alone,
    "no_naloxone": check_no_naloxone,
    "missed_appointments": check_missed_appointments,
}

# Which frames each check reads, so a loader can fetch only the history the
# enabled rules can see (the longest window of the rules reading each frame).
CHECK_SOURCES: dict[str, tuple[str, ...]] = {
    "prison_release": ("events",),
    "hospital_discharge": ("events",),
    "non_fatal_overdose": ("events",),
    "repeat_overdose": ("events",),
    "child_removed": ("events",),
    "life_event": ("events",),
    "tolerance_loss": ("events", "interventions"),
    "ost_started": ("interventions",),
    "ost_stopped": ("interventions",),
    "missed_appointments": ("contacts",),
}


def lookback_days(rule_set: RuleSetSpec) -> dict[str, int]:
    """How many days of dated history each frame needs for the enabled rules."""
    days = {"events": 0, "interventions": 0, "contacts": 0}
    for rule in rule_set.rules:
        if not rule.enabled:
            continue
        for source in CHECK_SOURCES.get(rule.check, ()):
            days[source] = max(days[source], rule.window_to or 0)
    return days


# The unit of a rule's window for each check, for people editing rule sets.
WINDOW_UNITS = {name: "days" for name in CHECKS} | {"age_band": "years of age"}


def _ago(days: np.ndarray) -> np.ndarray:
    text = days.astype(str).astype(object) + " days ago"
    return np.where(days == 0, "today", np.where(days == 1, "yesterday", text))


def _reason_text(rule: RuleSpec, hits: pd.DataFrame, day: np.datetime64) -> np.ndarray:
    """Fill the rule's wording for every hit."""
    return word_reasons(
        rule.reason,
        fired_from=hits["fired_from"].to_numpy(),
        count=hits["count"].to_numpy(),
        detail=hits["detail"].to_numpy(),
        day=day,
    )


def word_reasons(
    template: str, *, fired_from: np.ndarray, count: np.ndarray, detail: np.ndarray, day
) -> np.ndarray:
    """A reason template filled for each record as of `day`: {ago}, {date}, {count}, {detail}.

    The one place reasons are worded, for a whole run or for one stored reason
    re-worded on a later day.
    """
    parts = PLACEHOLDERS.split(template)
    n = len(fired_from)
    if len(parts) == 1 or n == 0:
        return np.full(n, template, dtype=object)
    dates = np.asarray(fired_from).astype("datetime64[D]")
    day = np.datetime64(day, "D")

    def ago() -> np.ndarray:
        # A record with no date (a current-state rule) has no "days ago".
        return np.where(np.isnat(dates), "", _ago((day - dates).astype("int64")))

    fillers: dict[str, Callable[[], np.ndarray]] = {
        "{ago}": ago,
        "{date}": lambda: pd.Series(dates).dt.strftime("%d/%m/%Y").fillna("").to_numpy(),
        "{count}": lambda: np.asarray(count).astype(str),
        "{detail}": lambda: np.asarray(detail).astype(str),
    }
    text = pd.Series(np.full(n, "", dtype=object))
    for part in parts:
        if part in fillers:
            text = text + pd.Series(fillers[part](), dtype=object)
        elif part:
            text = text + part
    return text.to_numpy(dtype=object)


def evaluate(
    frames: dict[str, pd.DataFrame], rule_set: RuleSetSpec, as_of: datetime.date
) -> Evaluation:
    """Every rule that fires on `as_of`, and each flagged person's tier and reasons.

    Reasons are worded only for the people who end up flagged: nobody reads
    the wording of a lone modifier, and at national scale it is most of the cost.
    """
    _check_frames(frames)
    ctx = Context(frames, as_of)
    # Rules in display order (largest weight first), so one integer sort orders
    # every person's reasons.
    rules = sorted(
        (rule for rule in rule_set.rules if rule.enabled), key=lambda r: (-r.weight, r.code)
    )
    parts = []
    counts: dict[str, int] = {}
    for rank, rule in enumerate(rules):
        hits = CHECKS[rule.check](ctx, rule)
        if not hits.empty:
            parts.append(hits.assign(rule_rank=rank, weight=float(rule.weight)))
    if not parts:
        parts = [_hits([], "person").assign(rule_rank=0, weight=0.0)]
    fired = _one_per_group(pd.concat(parts, ignore_index=True), rules)
    for rank, rule in enumerate(rules):
        counts[rule.code] = int((fired["rule_rank"].to_numpy() == rank).sum())
    # Categorical codes: cheap to build, sort and stage, whatever the row count.
    codes = [rule.code for rule in rules] or [""]
    fired["rule_code"] = pd.Categorical.from_codes(
        fired["rule_rank"].to_numpy(dtype="int64"), pd.Index(codes)
    )
    fired["rule_version"] = np.array([r.version for r in rules] or [0])[
        fired["rule_rank"].to_numpy()
    ]
    fired["reason"] = pd.Series(np.full(len(fired), "", dtype=object), dtype=object)
    fired["row"] = np.arange(len(fired))
    people, reasons = _tiers(fired, rule_set)
    reasons["reason"] = pd.Series(_worded(reasons, rules, ctx.day), dtype=object)
    # The flagged people's fired rules carry the same wording as their reasons.
    worded = fired["reason"].to_numpy(dtype=object, copy=True)
    worded[reasons["row"].to_numpy()] = reasons["reason"].to_numpy()
    fired["reason"] = pd.Series(worded, dtype=object)
    people["summary"], people["rule_codes"] = _joined(reasons)
    return Evaluation(
        as_of=as_of,
        rule_set_version=rule_set.version,
        population=len(ctx.population),
        fired=fired[list(FIRED_COLUMNS)],
        people=people,
        reasons=reasons[[*FIRED_COLUMNS, "position"]],
        rows_read=sum(len(frame) for frame in frames.values()),
        counts_by_rule=counts,
    )


def _one_per_group(fired: pd.DataFrame, rules: list[RuleSpec]) -> pd.DataFrame:
    """Keep, for each person and rule group, only the heaviest rule that fired.

    `rules` are in weight order, so the lowest rank in a group is the heaviest.
    """
    groups = np.array([rule.group for rule in rules] or [""], dtype=object)
    group = groups[fired["rule_rank"].to_numpy()]
    in_group = group != ""
    if not in_group.any():
        return fired
    candidates = pd.DataFrame(
        {
            "person_id": fired["person_id"].to_numpy()[in_group],
            "group": group[in_group],
            "rule_rank": fired["rule_rank"].to_numpy()[in_group],
            "row": np.flatnonzero(in_group),
        }
    ).sort_values(["person_id", "group", "rule_rank"], kind="stable")
    outweighed = candidates.loc[candidates.duplicated(["person_id", "group"]), "row"]
    return fired.drop(index=fired.index[outweighed.to_numpy()]).reset_index(drop=True)


def _tiers(fired: pd.DataFrame, rule_set: RuleSetSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sum the weights per person and keep those at or above the lowest tier.

    Returns the flagged people with score and tier, and their fired rules
    ordered largest first and numbered from 0 within each person.
    """
    scores = fired.groupby("person_id", sort=True)["weight"].sum().round(3)
    tier = rule_set.tier_for(scores.to_numpy())
    keep = tier != ""
    flagged_ids = scores.index.to_numpy()[keep]
    people = pd.DataFrame(
        {
            "person_id": flagged_ids.astype("int64"),
            "score": scores.to_numpy()[keep],
            "tier": tier[keep].astype(object),
            "tier_rank": pd.Series(tier[keep]).map(TIER_RANKS).to_numpy(dtype="int64"),
        }
    )
    chosen = fired[fired["person_id"].isin(flagged_ids)]
    order = np.lexsort((chosen["rule_rank"].to_numpy(), chosen["person_id"].to_numpy()))
    ordered = chosen.iloc[order].reset_index(drop=True)
    person = ordered["person_id"].to_numpy()
    n = len(person)
    starts = _starts(person)
    ordered["position"] = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    return people, ordered


def _starts(person: np.ndarray) -> np.ndarray:
    """Index of each person's first row in an array sorted by person."""
    if len(person) == 0:
        return np.array([], dtype="int64")
    return np.flatnonzero(np.r_[True, person[1:] != person[:-1]])


def _worded(reasons: pd.DataFrame, rules: list[RuleSpec], day: np.datetime64) -> np.ndarray:
    text = np.full(len(reasons), "", dtype=object)
    ranks = reasons["rule_rank"].to_numpy()
    for rank in np.unique(ranks):
        rows = np.flatnonzero(ranks == rank)
        text[rows] = _reason_text(rules[rank], reasons.iloc[rows], day)
    return text


def _joined(reasons: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each flagged person's first reasons as one line, and their rule codes."""
    position = reasons["position"].to_numpy()
    starts = _starts(reasons["person_id"].to_numpy())
    if len(starts) == 0:
        return np.array([], dtype=object), np.array([], dtype=object)
    # numpy's reduceat joins the strings per person without a Python call per group.
    lead = np.where(position == 0, "", "; ").astype(object)
    text = np.where(position < SUMMARY_REASONS, lead + reasons["reason"].to_numpy(), "")
    comma = np.where(position == 0, "", ",").astype(object)
    codes = comma + reasons["rule_code"].to_numpy(dtype=object)
    return np.add.reduceat(text.astype(object), starts), np.add.reduceat(codes, starts)


def _check_frames(frames: dict[str, pd.DataFrame]) -> None:
    for name, columns in FRAME_COLUMNS.items():
        if name not in frames:
            raise ValueError(f"The engine needs a {name!r} frame.")
        missing = set(columns) - set(frames[name].columns)
        if missing:
            raise ValueError(f"The {name!r} frame lacks {sorted(missing)}.")


def empty_frames() -> dict[str, pd.DataFrame]:
    """Frames with the right columns and no rows, for building inputs by hand."""
    return {name: pd.DataFrame({c: [] for c in columns}) for name, columns in FRAME_COLUMNS.items()}
