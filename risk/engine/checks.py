"""The checks rules name: each takes the context and a rule and returns the rows it fires.

A check returns `Hits`: one row per person it fires for, with the record that
triggered it, the date it fired from, the last day it applies, and a count or detail
for the reason's wording. `CHECKS` maps the names rules use to the checks;
`CHECK_SOURCES` says which dated frames each reads, so a loader fetches only the
history needed. Checks work on numpy arrays (`context.Records`), people as positions
in the population. Pure: no Django.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import DTypeLike

from risk.engine.context import NO_DATE, NO_ID, Context, Records, is_open, latest
from risk.engine.reasons import uk_dates
from risk.engine.rules import RuleSetSpec, RuleSpec

LIFE_EVENT_WORDS = {
    "bereavement": "bereavement",
    "relationship_breakdown": "relationship breakdown",
    "job_loss": "lost their job",
}
TOLERANCE_EVENTS = ("detox_completed", "residential_completed")
TOLERANCE_INTERVENTIONS = ("inpatient_detox", "residential")

# The kinds of record that can trigger a rule.
TRIGGER_KINDS = ["person", "episode", "intervention", "event", "contact", "naloxone", "top"]


@dataclass
class Hits:
    """The rows one rule fires, one per person, as plain arrays of the same length."""

    person: np.ndarray  # positions in the population (`Context.person_ids`)
    trigger_kind: np.ndarray  # codes into TRIGGER_KINDS
    trigger_id: np.ndarray  # int64, NO_ID for none
    fired_from: np.ndarray  # datetime64[D], NaT for none
    expires_on: np.ndarray  # datetime64[D], NaT for none
    count: np.ndarray  # int64
    detail: np.ndarray  # text (objects), "" for none

    def __len__(self) -> int:
        return len(self.person)

    def where(self, mask: np.ndarray) -> Hits:
        return Hits(
            self.person[mask],
            self.trigger_kind[mask],
            self.trigger_id[mask],
            self.fired_from[mask],
            self.expires_on[mask],
            self.count[mask],
            self.detail[mask],
        )

    @staticmethod
    def joined(parts: list[Hits]) -> Hits:
        """The parts' rows one after another."""
        return Hits(
            *(
                np.concatenate([getattr(part, name) for part in parts])
                for name in (
                    "person",
                    "trigger_kind",
                    "trigger_id",
                    "fired_from",
                    "expires_on",
                    "count",
                    "detail",
                )
            )
        )


def hits(
    person: np.ndarray,
    trigger_kind: str,
    trigger_id: np.ndarray | None = None,
    fired_from: np.ndarray | None = None,
    expires_on: np.ndarray | None = None,
    detail: np.ndarray | None = None,
    count: np.ndarray | None = None,
) -> Hits:
    """The rows of one rule, from arrays aligned with `person`; what is not given is none
    (a read-only stand-in that costs nothing until the rows are joined)."""
    n = len(person)

    def none(value: object, dtype: DTypeLike) -> np.ndarray:
        return np.broadcast_to(np.array(value, dtype=dtype), (n,))

    return Hits(
        person=np.asarray(person, dtype=np.int64),
        trigger_kind=np.full(n, TRIGGER_KINDS.index(trigger_kind), dtype=np.int8),
        trigger_id=none(NO_ID, np.int64) if trigger_id is None else trigger_id,
        fired_from=none("NaT", "datetime64[D]") if fired_from is None else fired_from,
        expires_on=none("NaT", "datetime64[D]") if expires_on is None else expires_on,
        count=none(0, np.int64) if count is None else np.asarray(count, dtype=np.int64),
        detail=none("", object) if detail is None else np.asarray(detail, dtype=object),
    )


def _in_window(days_ago: np.ndarray, rule: RuleSpec) -> np.ndarray:
    low = rule.window_from or 0
    high = rule.window_to if rule.window_to is not None else np.iinfo(np.int64).max
    return (days_ago >= low) & (days_ago <= high)


def _latest_in_window(
    ctx: Context,
    records: Records,
    date_column: str,
    id_column: str,
    rule: RuleSpec,
    trigger_kind: str,
    words: dict[str, str] | None = None,
) -> Hits:
    """Fire on each person's most recent record when it falls inside the rule's window;
    `words`, if given, word its `kind` as the detail."""
    dated = records.where(records[date_column] != NO_DATE)
    rows = latest(dated["person"], dated[date_column], dated[id_column])
    days_ago = dated[date_column][rows]
    rows = rows[_in_window(days_ago, rule)]
    dates = ctx.date(dated[date_column][rows])
    return hits(
        dated["person"][rows],
        trigger_kind,
        dated[id_column][rows],
        dates,
        _expiry(dates, rule),
        None if words is None else dated.words("kind", words)[rows],
    )


def _expiry(dates: np.ndarray, rule: RuleSpec) -> np.ndarray | None:
    """The last day a rule fired from `dates` holds: the end of its window, if it has one."""
    return None if rule.window_to is None else dates + np.timedelta64(rule.window_to, "D")


def _events_latest_in_window(ctx: Context, rule: RuleSpec, kind: str) -> Hits:
    """Fire on each person's most recent event of `kind` inside the rule's window."""
    events = ctx.events.where(ctx.events.isin("kind", (kind,)))
    return _latest_in_window(ctx, events, "occurred_on", "event_id", rule, "event")


def check_prison_release(ctx: Context, rule: RuleSpec) -> Hits:
    return _events_latest_in_window(ctx, rule, "prison_release")


def check_hospital_discharge(ctx: Context, rule: RuleSpec) -> Hits:
    return _events_latest_in_window(ctx, rule, "hospital_discharge")


def check_non_fatal_overdose(ctx: Context, rule: RuleSpec) -> Hits:
    return _events_latest_in_window(ctx, rule, "non_fatal_overdose")


def check_child_removed(ctx: Context, rule: RuleSpec) -> Hits:
    return _events_latest_in_window(ctx, rule, "child_removed")


def check_life_event(ctx: Context, rule: RuleSpec) -> Hits:
    """The latest bereavement, relationship breakdown or job loss, worded in the detail."""
    events = ctx.events.where(ctx.events.isin("kind", tuple(LIFE_EVENT_WORDS)))
    return _latest_in_window(
        ctx, events, "occurred_on", "event_id", rule, "event", LIFE_EVENT_WORDS
    )


def check_repeat_overdose(ctx: Context, rule: RuleSpec) -> Hits:
    overdoses = ctx.events.where(ctx.events.isin("kind", ("non_fatal_overdose",)))
    days = overdoses["occurred_on"]
    overdoses = overdoses.where(
        (days >= (rule.window_from or 0)) & (days <= (rule.window_to or 365))
    )
    counts = np.bincount(overdoses["person"], minlength=ctx.size)
    rows = latest(overdoses["person"], overdoses["occurred_on"], overdoses["event_id"])
    rows = rows[counts[overdoses["person"][rows]] >= rule.min_count]
    person = overdoses["person"][rows]
    dates = ctx.date(overdoses["occurred_on"][rows])
    # It stops firing when the oldest counted overdose leaves the window; the newest one
    # is a safe, simple stand-in for the reason's expiry.
    return hits(
        person,
        "event",
        overdoses["event_id"][rows],
        dates,
        _expiry(dates, rule),
        count=counts[person],
    )


def _ost(ctx: Context) -> Records:
    return ctx.interventions.where(ctx.interventions["is_ost"])


def check_ost_started(ctx: Context, rule: RuleSpec) -> Hits:
    return _latest_in_window(ctx, _ost(ctx), "start_date", "intervention_id", rule, "intervention")


def check_ost_stopped(ctx: Context, rule: RuleSpec) -> Hits:
    ost = _ost(ctx)
    ended = ost.where(ost["end_date"] >= 0)
    fired = _latest_in_window(ctx, ended, "end_date", "intervention_id", rule, "intervention")
    return fired.where(~ctx.among(ctx.on_ost)[fired.person])


def check_left_unplanned(ctx: Context, rule: RuleSpec) -> Hits:
    latest_episodes = ctx.latest_episodes
    left = latest_episodes.where(~is_open(latest_episodes) & latest_episodes["unplanned_exit"])
    return _latest_in_window(ctx, left, "discharge_date", "episode_id", rule, "episode")


def check_out_of_treatment(ctx: Context, rule: RuleSpec) -> Hits:
    latest_episodes = ctx.latest_episodes
    left = latest_episodes.where(~is_open(latest_episodes))
    return _latest_in_window(ctx, left, "discharge_date", "episode_id", rule, "episode")


def check_tolerance_loss(ctx: Context, rule: RuleSpec) -> Hits:
    """The latest detox completed or residential stay ended, from events or interventions."""
    events = ctx.events.where(ctx.events.isin("kind", TOLERANCE_EVENTS))
    stays = ctx.interventions.where(ctx.interventions.isin("kind", TOLERANCE_INTERVENTIONS))
    stays = stays.where(stays["end_date"] >= 0)
    person = np.concatenate([events["person"], stays["person"]])
    days_ago = np.concatenate([events["occurred_on"], stays["end_date"]])
    record_id = np.concatenate([events["event_id"], stays["intervention_id"]])
    is_stay = np.r_[np.zeros(len(events), dtype=bool), np.ones(len(stays), dtype=bool)]
    detox = np.concatenate(
        [events.isin("kind", ("detox_completed",)), stays.isin("kind", ("inpatient_detox",))]
    )
    # A stay and an event with the same id on the same day: the stay counts as the latest.
    rows = latest(person, days_ago, record_id * 2 + is_stay)
    rows = rows[_in_window(days_ago[rows], rule)]
    dates = ctx.date(days_ago[rows])
    fired = hits(
        person[rows],
        "event",
        record_id[rows],
        dates,
        _expiry(dates, rule),
        np.where(detox[rows], "completed detox", "left residential treatment").astype(object),
    )
    fired.trigger_kind[is_stay[rows]] = TRIGGER_KINDS.index("intervention")
    return fired


def _state(ctx: Context, by_episode: np.ndarray, by_top: np.ndarray | None) -> Hits:
    """People for whom a current-state fact holds, by their latest episode or (for those
    it does not hold for by their episode) their current TOP.

    `by_episode` is a yes/no per latest episode (`ctx.latest_episodes`), `by_top` per
    current TOP (`ctx.current_tops`).
    """
    episodes = ctx.latest_episodes
    fired = hits(episodes["person"][by_episode], "episode", episodes["episode_id"][by_episode])
    if by_top is None:
        return fired
    tops = ctx.current_tops
    by_top = by_top & ~ctx.among(fired.person)[tops["person"]]
    return Hits.joined([fired, hits(tops["person"][by_top], "top", tops["top_id"][by_top])])


def check_injecting(ctx: Context, rule: RuleSpec) -> Hits:
    return _state(ctx, ctx.latest_episodes["injecting"], ctx.current_tops["ivdrguse"] >= 1)


def _with_opioids(ctx: Context, by_episode: np.ndarray, by_top: np.ndarray | None) -> Hits:
    fired = _state(ctx, by_episode, by_top)
    return fired.where(ctx.among(ctx.opioid_users)[fired.person])


def check_opioids_with_benzodiazepines(ctx: Context, rule: RuleSpec) -> Hits:
    return _with_opioids(ctx, ctx.latest_episodes["benzodiazepine"], None)


def check_opioids_with_gabapentinoids(ctx: Context, rule: RuleSpec) -> Hits:
    return _with_opioids(ctx, ctx.latest_episodes["gabapentinoid"], None)


def check_opioids_with_alcohol(ctx: Context, rule: RuleSpec) -> Hits:
    """Alcohol alongside opioids, by the latest episode's problem substances or the current
    TOP: at least the rule's `min_count` days of drinking in 28."""
    by_top = ctx.current_tops["alcuse"] >= rule.min_count
    return _with_opioids(ctx, ctx.latest_episodes["alcohol"], by_top)


def check_opioid_use(ctx: Context, rule: RuleSpec) -> Hits:
    """The base rate by substance: people who use opioids, as the main or another problem
    substance, on a current TOP or on OST, carry most of the risk of a drug-poisoning death."""
    return hits(ctx.opioid_users, "person")


def check_no_fixed_abode(ctx: Context, rule: RuleSpec) -> Hits:
    return _state(ctx, ctx.latest_episodes["no_fixed_abode"], ctx.current_tops["acuthpbm"])


def check_mental_health(ctx: Context, rule: RuleSpec) -> Hits:
    return _state(ctx, ctx.latest_episodes["dual_diagnosis"], None)


def check_opiate_not_on_ost(ctx: Context, rule: RuleSpec) -> Hits:
    episodes = ctx.latest_episodes
    fired = _state(ctx, is_open(episodes) & episodes["opioid_main"], None)
    return fired.where(~ctx.among(ctx.on_ost)[fired.person])


def check_male(ctx: Context, rule: RuleSpec) -> Hits:
    return hits(ctx.people["person"][ctx.people.isin("sex", ("M",))], "person")


def check_age_band(ctx: Context, rule: RuleSpec) -> Hits:
    people = ctx.people.where(ctx.people["date_of_birth"] != NO_DATE)
    # Ages are worked out once for each distinct date of birth, far fewer than people.
    births, born = pd.factorize(people["date_of_birth"])
    age = _age(ctx.date(born), ctx.as_of)[births]
    low = rule.window_from or 0
    high = rule.window_to if rule.window_to is not None else 200
    band = (age >= low) & (age <= high)
    return hits(people["person"][band], "person", count=age[band])


def _age(born: np.ndarray, as_of: datetime.date) -> np.ndarray:
    """Age in whole years on `as_of` of people born on `born` (dates)."""
    years = born.astype("datetime64[Y]").astype(int) + 1970
    months = born.astype("datetime64[M]").astype(int) % 12 + 1
    days = (born - born.astype("datetime64[M]")).astype(int) + 1
    birthday_ahead = (as_of.month < months) | ((as_of.month == months) & (as_of.day < days))
    return as_of.year - years - birthday_ahead


def check_lives_alone(ctx: Context, rule: RuleSpec) -> Hits:
    return hits(ctx.people["person"][ctx.people["lives_alone"]], "person")


def check_no_naloxone(ctx: Context, rule: RuleSpec) -> Hits:
    """Opioid users with no naloxone kit on record, or whose latest kit has expired."""
    users = ctx.opioid_users
    supplies = ctx.naloxone
    rows = latest(supplies["person"], supplies["supplied_on"], supplies["supply_id"])
    kit = np.full(ctx.size, -1, dtype=np.int64)
    kit[supplies["person"][rows]] = rows
    kit = kit[users]
    supply_id = _at(supplies["supply_id"], kit, NO_ID)
    expiry_ago = _at(supplies["expiry_date"], kit, NO_DATE)
    # No kit (or none with an expiry date), or a kit whose expiry date is before the date.
    fires = (expiry_ago == NO_DATE) | (expiry_ago > 0)
    # Worded once for each distinct expiry date (none has no date).
    expiries, distinct = pd.factorize(expiry_ago[fires], use_na_sentinel=False)
    words = np.array(
        [
            f"naloxone kit expired {date}" if date else "no naloxone kit on record"
            for date in uk_dates(ctx.date(distinct))
        ],
        dtype=object,
    )
    return hits(users[fires], "naloxone", supply_id[fires], detail=words[expiries])


def _at(values: np.ndarray, rows: np.ndarray, missing: int) -> np.ndarray:
    """`values` at `rows`, `missing` where a row is -1 (none)."""
    out = np.full(len(rows), missing, dtype=values.dtype)
    found = rows >= 0
    out[found] = values[rows[found]]
    return out


def check_missed_appointments(ctx: Context, rule: RuleSpec) -> Hits:
    """Several missed appointments in a row within the window, since the last one attended."""
    held = ctx.contacts.where(ctx.contacts.isin("status", ("attended", "dna")))
    days = held["contact_date"]
    held = held.where((days >= (rule.window_from or 0)) & (days <= (rule.window_to or 10**9)))
    attended = held.isin("status", ("attended",))
    # A run of missed appointments is counted back from the latest contact to the last
    # attended one: the misses after it, by date then id.
    person, days, contact_id = held["person"], held["contact_date"], held["contact_id"]
    went = held.where(attended)
    last = latest(went["person"], went["contact_date"], went["contact_id"])
    last_days = np.full(ctx.size, np.iinfo(np.int64).max)
    last_id = np.full(ctx.size, np.iinfo(np.int64).min)
    last_days[went["person"][last]] = went["contact_date"][last]
    last_id[went["person"][last]] = went["contact_id"][last]
    after = (days < last_days[person]) | (
        (days == last_days[person]) & (contact_id > last_id[person])
    )
    missed = held.where(~attended & after)
    counts = np.bincount(missed["person"], minlength=ctx.size)
    rows = latest(missed["person"], missed["contact_date"], missed["contact_id"])
    rows = rows[counts[missed["person"][rows]] >= rule.min_count]
    person = missed["person"][rows]
    dates = ctx.date(missed["contact_date"][rows])
    return hits(
        person,
        "contact",
        missed["contact_id"][rows],
        dates,
        _expiry(dates, rule),
        count=counts[person],
    )


CHECKS: dict[str, Callable[[Context, RuleSpec], Hits]] = {
    "prison_release": check_prison_release,
    "hospital_discharge": check_hospital_discharge,
    "non_fatal_overdose": check_non_fatal_overdose,
    "repeat_overdose": check_repeat_overdose,
    "child_removed": check_child_removed,
    "life_event": check_life_event,
    "ost_started": check_ost_started,
    "ost_stopped": check_ost_stopped,
    "left_unplanned": check_left_unplanned,
    "out_of_treatment": check_out_of_treatment,
    "tolerance_loss": check_tolerance_loss,
    "injecting": check_injecting,
    "opioids_with_benzodiazepines": check_opioids_with_benzodiazepines,
    "opioids_with_gabapentinoids": check_opioids_with_gabapentinoids,
    "opioids_with_alcohol": check_opioids_with_alcohol,
    "no_fixed_abode": check_no_fixed_abode,
    "mental_health": check_mental_health,
    "opiate_not_on_ost": check_opiate_not_on_ost,
    "opioid_use": check_opioid_use,
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
# What a rule's count (`RuleSpec.min_count`) means for the checks that read it.
COUNT_UNITS = {
    "repeat_overdose": "overdoses in the window",
    "missed_appointments": "missed appointments in a row",
    "opioids_with_alcohol": "days of drinking in the last 28 on the current TOP",
}
