"""The checks rules name: each takes the context and a rule and returns the rows it fires.

A check returns one row per person it fires for, with the record that triggered it,
the date it fired from, the last day it applies, and a count or detail for the
reason's wording. `CHECKS` maps the names rules use to the checks; `CHECK_SOURCES`
says which dated frames each reads, so a loader fetches only the history needed.
Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from risk.engine.rules import RuleSetSpec, RuleSpec
from tests.risk.engine_reference.context import (
    Context,
    _flag,
    _positive,
)

LIFE_EVENT_WORDS = {
    "bereavement": "bereavement",
    "relationship_breakdown": "relationship breakdown",
    "job_loss": "lost their job",
}
TOLERANCE_EVENTS = ("detox_completed", "residential_completed")
TOLERANCE_INTERVENTIONS = ("inpatient_detox", "residential")

# The kinds of record that can trigger a rule.
TRIGGER_KINDS = ["person", "episode", "intervention", "event", "contact", "naloxone", "top"]


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


def check_injecting(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    top = ctx.current_top()
    return _state(ctx, _flag(ctx.latest_episode(), "injecting"), _positive(top, "ivdrguse", 1))


def _with_opioids(column: str, top_column: str | None = None):
    """A substance alongside opioids, by the latest episode's problem substances or, with
    `top_column`, the current TOP: at least the rule's `min_count` days of use in 28."""

    def check(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
        top = ctx.current_top()
        mask_top = None if top_column is None else _positive(top, top_column, rule.min_count)
        hits = _state(ctx, _flag(ctx.latest_episode(), column), mask_top)
        return hits[hits["person_id"].isin(ctx.opioid_users())]

    return check


def check_opioid_use(ctx: Context, rule: RuleSpec) -> pd.DataFrame:
    """The base rate by substance: people who use opioids, as the main or another problem
    substance, on a current TOP or on OST, carry most of the risk of a drug-poisoning death."""
    return _hits(ctx.opioid_users(), "person")


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
    "opioids_with_alcohol": _with_opioids("alcohol", "alcuse"),
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
