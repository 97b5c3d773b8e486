"""The backtest: does a rule set version find, beforehand, the people who go on to die?

Scoring is pure (pandas and numpy, no database) so that it is tested on figures worked
out by hand; `run_backtest` reads the records and feeds it. Definitions, for one
version, one outcome kind (death or near-fatal overdose) and one window of W days:

- the **cohort** on an as-of date t is the engine's population on t (in treatment, or
  discharged in the last year, and alive on t);
- a person's outcome **counts for t** if it falls in (t, t+W] and they were in the cohort
  on t; each person counts at most once per (date, outcome kind, window): their first
  such outcome;
- the (person, date) **pairs are summed over the dates**: a death within 90 days of three
  monthly dates counts at each of them, at the tier the person had on each;
- each pair is counted by the person's tier on t (very high, high, raised, unflagged);
  **captured** means flagged on t: at high or above, or at any tier;
- the **share in a tier** is the mean, over the dates, of that tier's people as a
  percentage of the population on the date;
- **capture per percent flagged** is the captured share divided by the share flagged
  (for high or above, and for any tier): 1 is no better than picking people at random;
- **lead time** of a captured pair: days from the first date of the unbroken run of
  as-of dates (up to t) on which the version flagged the person, at any tier, to the
  outcome; the median and quartiles over the captured pairs (None when there are none).

Undefined ratios (nothing to capture, or nobody flagged) are reported as 0.0. Records
dated after each as-of date are ignored (the loader cuts them, the engine ignores what
is left), and nothing is written to the flags.
"""

import datetime
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from risk import engine, loader
from risk.outcome_events import OUTCOMES, outcome_events

HIGH_OR_ABOVE = engine.TIER_RANKS["high"]
WINDOWS_DAYS = (28, 90)


@dataclass(frozen=True)
class Snapshot:
    """What one version said on one as-of date: who was in the population, and the tier
    rank (`engine.TIER_RANKS`) of each flagged person."""

    as_of: datetime.date
    population: np.ndarray  # person ids
    flagged: pd.DataFrame  # person_id, tier_rank


def population_ids(frames: dict[str, pd.DataFrame], as_of: datetime.date) -> np.ndarray:
    """The ids of the engine's population on `as_of` (the loader has already left out people
    dead on the date)."""
    return engine.population_ids(frames, as_of)


def snapshot(evaluation: engine.Evaluation, population: np.ndarray) -> Snapshot:
    people = evaluation.people
    return Snapshot(
        as_of=evaluation.as_of,
        population=population,
        flagged=pd.DataFrame(
            {
                "person_id": people["person_id"].to_numpy(dtype="int64"),
                "tier_rank": people["tier_rank"].to_numpy(dtype="int64"),
            }
        ),
    )


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _quartiles(days: np.ndarray) -> dict[str, float | None]:
    if len(days) == 0:
        return {"median": None, "q1": None, "q3": None}
    q1, median, q3 = np.percentile(days.astype("float64"), [25, 50, 75])
    return {"median": float(median), "q1": float(q1), "q3": float(q3)}


def _pairs(
    snap: Snapshot, run_start: pd.Series, outcomes: pd.DataFrame, window: int
) -> pd.DataFrame:
    """The (person, outcome) pairs counting for one date and window: each cohort member's
    first outcome of each kind in (t, t+W], with their tier rank on t (0: unflagged) and
    the date their current run of flags began (NaT if unflagged)."""
    day = np.datetime64(snap.as_of, "D")
    on = outcomes["on"].to_numpy().astype("datetime64[D]")
    after = (on - day).astype("int64")
    inside = (after >= 1) & (after <= window)
    inside &= np.isin(outcomes["person_id"].to_numpy(dtype="int64"), snap.population)
    pairs = outcomes.loc[inside, ["person_id", "outcome", "on"]]
    pairs = pairs.sort_values("on", kind="stable").drop_duplicates(["person_id", "outcome"])
    ranks = pd.Series(
        snap.flagged["tier_rank"].to_numpy(), index=snap.flagged["person_id"].to_numpy()
    )
    ids = pairs["person_id"].to_numpy(dtype="int64")
    return pd.DataFrame(
        {
            "outcome": pairs["outcome"].to_numpy(),
            "tier_rank": ranks.reindex(ids).fillna(0).to_numpy(dtype="int64"),
            "lead_days": (
                pairs["on"].to_numpy().astype("datetime64[D]")
                - run_start.reindex(ids).to_numpy().astype("datetime64[D]")
            ),
        }
    )


def _run_starts(previous: pd.Series | None, snap: Snapshot) -> pd.Series:
    """For each person flagged on the snapshot's date, the first date of their unbroken
    run of flagged dates (the previous snapshot's start if flagged then, else this date)."""
    ids = snap.flagged["person_id"].to_numpy(dtype="int64")
    starts = pd.Series(np.datetime64(snap.as_of, "D"), index=ids, dtype="datetime64[s]")
    if previous is not None and len(previous):
        carried = previous.reindex(ids)
        starts = carried.where(carried.notna(), starts)
    return starts


def score_version(
    snapshots: Sequence[Snapshot],
    outcomes: pd.DataFrame,
    windows: Sequence[int] = WINDOWS_DAYS,
) -> dict:
    """One version's figures over its snapshots (in date order) and the outcomes
    (`risk.outcome_events` columns: person_id, outcome, on). See the module's definitions."""
    per_date = []
    shares: dict[str, list[float]] = {t: [] for t in (*engine.TIERS, "high_or_above", "flagged")}
    pairs: dict[int, list[pd.DataFrame]] = {window: [] for window in windows}
    starts: pd.Series | None = None
    for snap in sorted(snapshots, key=lambda s: s.as_of):
        starts = _run_starts(starts, snap)
        population = len(snap.population)
        ranks = snap.flagged["tier_rank"].to_numpy()
        counts = {tier: int((ranks == engine.TIER_RANKS[tier]).sum()) for tier in engine.TIERS}
        per_date.append({"as_of": snap.as_of.isoformat(), "population": population, **counts})
        for tier in engine.TIERS:
            shares[tier].append(_pct(counts[tier], population))
        shares["high_or_above"].append(_pct(int((ranks >= HIGH_OR_ABOVE).sum()), population))
        shares["flagged"].append(_pct(int((ranks > 0).sum()), population))
        for window in windows:
            pairs[window].append(_pairs(snap, starts, outcomes, window))
    share_pct = {name: float(np.mean(values)) if values else 0.0 for name, values in shares.items()}
    figures: dict[str, dict[str, dict]] = {kind: {} for kind in OUTCOMES}
    for window in windows:
        every = pd.concat(pairs[window], ignore_index=True) if pairs[window] else None
        for kind in OUTCOMES:
            if every is None:
                rows = np.zeros(0, dtype="int64")
                leads = np.zeros(0, dtype="timedelta64[D]")
            else:
                chosen = every[every["outcome"].to_numpy() == kind]
                rows = chosen["tier_rank"].to_numpy(dtype="int64")
                leads = chosen["lead_days"].to_numpy()[rows > 0]
            counted = {tier: int((rows == engine.TIER_RANKS[tier]).sum()) for tier in engine.TIERS}
            total = len(rows)
            high = int((rows >= HIGH_OR_ABOVE).sum())
            captured = int((rows > 0).sum())
            captured_high_pct = _pct(high, total)
            captured_any_pct = _pct(captured, total)
            figures[kind][str(window)] = {
                **counted,
                "unflagged": total - captured,
                "total": total,
                "captured_high_or_above_pct": captured_high_pct,
                "captured_any_pct": captured_any_pct,
                "capture_per_pct_flagged_high_or_above": _ratio(
                    captured_high_pct, share_pct["high_or_above"]
                ),
                "capture_per_pct_flagged_any": _ratio(captured_any_pct, share_pct["flagged"]),
                "lead_time_days": _quartiles(leads.astype("timedelta64[D]").astype("int64")),
            }
    return {
        "population_mean": float(np.mean([d["population"] for d in per_date])) if per_date else 0.0,
        "tier_share_pct": share_pct,
        "per_date": per_date,
        "outcomes": figures,
    }


def loading_spec(specs: Sequence[engine.RuleSetSpec]) -> engine.RuleSetSpec:
    """One spec whose look-back covers every version's rules, for loading frames once."""
    first = specs[0]
    rules = tuple(rule for spec in specs for rule in spec.rules)
    return engine.RuleSetSpec(0, rules, first.raised, first.high, first.very_high)


def run_backtest(
    *,
    versions: list[int],
    dates: list[datetime.date],
    windows: tuple[int, ...] = WINDOWS_DAYS,
) -> dict:
    """Evaluate each rule set version on each date and score it against the outcomes.

    The frames are loaded once per date for all versions. Returns a JSON-able dict:
    `dates`, `windows_days`, `seconds` and, per version, `score_version`'s figures.
    """
    from risk.models import RuleSet  # the scoring above stays importable without Django

    started = time.monotonic()
    versions = list(dict.fromkeys(versions))
    found = {
        rule_set.version: rule_set.spec()
        for rule_set in RuleSet.objects.filter(version__in=versions).prefetch_related("rules")
    }
    missing = sorted(set(versions) - set(found))
    if missing:
        raise ValueError(f"There is no rule set version {', '.join(map(str, missing))}.")
    if not dates:
        raise ValueError("A backtest needs at least one date.")
    dates = sorted(set(dates))
    specs = [found[version] for version in versions]
    both = loading_spec(specs)
    snapshots: dict[int, list[Snapshot]] = {spec.version: [] for spec in specs}
    for day in dates:
        frames = loader.load_frames(both, day)
        population = population_ids(frames, day)
        for spec in specs:
            snapshots[spec.version].append(
                snapshot(engine.evaluate(frames, spec, day, every_fired=False), population)
            )
        del frames
    outcomes = outcome_events(
        dates[0] + datetime.timedelta(days=1), dates[-1] + datetime.timedelta(days=max(windows))
    )
    return {
        "dates": [day.isoformat() for day in dates],
        "windows_days": list(windows),
        "versions": {
            str(version): score_version(snapshots[version], outcomes, windows)
            for version in versions
        },
        "seconds": round(time.monotonic() - started, 1),
    }


def last_complete_date(
    today: datetime.date, windows: Sequence[int] = WINDOWS_DAYS
) -> datetime.date:
    """The latest as-of date whose following windows have all passed by `today`: a later
    date would count only the outcomes recorded so far and look better or worse by chance."""
    return today - datetime.timedelta(days=max(windows))


def monthly_dates(months: int, end: datetime.date) -> list[datetime.date]:
    """`months` dates a month apart, the last being `end` (a 31st falls back to the month's
    last day)."""
    dates = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(end.year * 12 + end.month - 1 - back, 12)
        month += 1
        day = end.day
        while True:
            try:
                dates.append(datetime.date(year, month, day))
                break
            except ValueError:
                day -= 1
    return dates


def every_dates(start: datetime.date, end: datetime.date, every: int) -> list[datetime.date]:
    dates = []
    day = start
    while day <= end:
        dates.append(day)
        day += datetime.timedelta(days=every)
    return dates
