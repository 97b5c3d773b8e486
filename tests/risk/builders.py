"""Engine input frames built by hand, one record at a time, with dates as days before as-of.

A person made by `FrameBuilder.person()` starts neutral: a woman aged 25 who does
not live alone, with one open episode for cannabis. Nothing fires for her, so a
test adds exactly the facts it is about and sees exactly the rules they fire.
"""

import datetime
import itertools
from dataclasses import replace

import pandas as pd

from risk import evidence_rule_set
from risk.engine import FRAME_COLUMNS, RuleSetSpec, RuleSpec, empty_frames
from risk.engine.context import DATE_COLUMNS, NUMBER_COLUMNS
from risk.engine.context import FLAG_COLUMNS as BOOL_COLUMNS
from risk.first_rule_set import PATHWAY_MINIMUM_TIERS, RULES, THRESHOLDS

AS_OF = datetime.date(2026, 3, 15)

EPISODE_FLAGS = (
    "unplanned_exit",
    "opioid_main",
    "opioid",
    "benzodiazepine",
    "gabapentinoid",
    "alcohol",
    "injecting",
    "no_fixed_abode",
    "dual_diagnosis",
)


def first_rule_set() -> RuleSetSpec:
    """Version 1 as the migration installs it."""
    rules = tuple(
        RuleSpec(version=1, **{k: v for k, v in r.items() if k not in ("title", "looks_at")})
        for r in RULES
    )
    return RuleSetSpec(1, rules, **THRESHOLDS)


def pathway_rule_set() -> RuleSetSpec:
    """Version 2 as the migration installs it: version 1 with the pathway's minimum tiers."""
    rules = tuple(
        replace(rule, version=2, min_tier=PATHWAY_MINIMUM_TIERS[rule.code])
        if rule.code in PATHWAY_MINIMUM_TIERS
        else rule
        for rule in first_rule_set().rules
    )
    return RuleSetSpec(2, rules, **THRESHOLDS)


def evidence_based_rule_set() -> RuleSetSpec:
    """Version 3 as the migration installs it, a draft: weights derived from the evidence."""
    rules = tuple(
        RuleSpec(
            version=3,
            **{
                key: value
                for key, value in rule.items()
                if key not in ("title", "looks_at", "ratio", "derivation")
            },
        )
        for rule in evidence_rule_set.RULES
    )
    return RuleSetSpec(3, rules, **evidence_rule_set.THRESHOLDS)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


class FrameBuilder:
    def __init__(self, as_of: datetime.date = AS_OF):
        self.as_of = as_of
        self.rows: dict[str, list[dict]] = {name: [] for name in FRAME_COLUMNS}
        self._ids = itertools.count(1)

    def day(self, days_ago: int | None) -> datetime.date | None:
        if days_ago is None:
            return None
        return self.as_of - datetime.timedelta(days=days_ago)

    def person(
        self,
        *,
        sex: str = "F",
        born: datetime.date | None = None,
        lives_alone: bool = False,
        episode: bool = True,
        **episode_fields,
    ) -> int:
        person_id = next(self._ids)
        self.rows["people"].append(
            {
                "person_id": person_id,
                "sex": sex,
                "date_of_birth": born or years_before(self.as_of, 25),
                "lives_alone": lives_alone,
            }
        )
        if episode:
            self.episode(person_id, **episode_fields)
        return person_id

    def episode(
        self,
        person_id: int,
        *,
        referred: int = 200,
        discharged: int | None = None,
        **flags: bool,
    ) -> int:
        unknown = set(flags) - set(EPISODE_FLAGS)
        if unknown:
            raise TypeError(f"Unknown episode flags {sorted(unknown)}")
        episode_id = next(self._ids)
        self.rows["episodes"].append(
            {
                "episode_id": episode_id,
                "person_id": person_id,
                "referral_date": self.day(referred),
                "discharge_date": self.day(discharged),
                **{flag: flags.get(flag, False) for flag in EPISODE_FLAGS},
            }
        )
        return episode_id

    def ost(self, person_id: int, *, started: int, ended: int | None = None) -> int:
        return self.intervention(
            person_id, kind="pharmacological", is_ost=True, started=started, ended=ended
        )

    def intervention(
        self,
        person_id: int,
        *,
        kind: str,
        started: int,
        ended: int | None = None,
        is_ost: bool = False,
    ) -> int:
        intervention_id = next(self._ids)
        self.rows["interventions"].append(
            {
                "intervention_id": intervention_id,
                "person_id": person_id,
                "kind": kind,
                "is_ost": is_ost,
                "start_date": self.day(started),
                "end_date": self.day(ended),
            }
        )
        return intervention_id

    def event(self, person_id: int, kind: str, days_ago: int) -> int:
        event_id = next(self._ids)
        self.rows["events"].append(
            {
                "event_id": event_id,
                "person_id": person_id,
                "kind": kind,
                "occurred_on": self.day(days_ago),
            }
        )
        return event_id

    def contact(self, person_id: int, days_ago: int, status: str = "attended") -> int:
        contact_id = next(self._ids)
        self.rows["contacts"].append(
            {
                "contact_id": contact_id,
                "person_id": person_id,
                "contact_date": self.day(days_ago),
                "status": status,
            }
        )
        return contact_id

    def naloxone(self, person_id: int, *, supplied: int, expires: int) -> int:
        """A kit supplied `supplied` days ago whose expiry is `expires` days ago (negative: ahead)."""
        supply_id = next(self._ids)
        self.rows["naloxone"].append(
            {
                "supply_id": supply_id,
                "person_id": person_id,
                "supplied_on": self.day(supplied),
                "expiry_date": self.day(expires),
            }
        )
        return supply_id

    def top(
        self,
        person_id: int,
        days_ago: int,
        *,
        opiuse: float | None = 0,
        alcuse: float | None = 0,
        ivdrguse: float | None = 0,
        acuthpbm: bool = False,
    ) -> int:
        top_id = next(self._ids)
        self.rows["tops"].append(
            {
                "top_id": top_id,
                "person_id": person_id,
                "top_date": self.day(days_ago),
                "opiuse": opiuse,
                "alcuse": alcuse,
                "ivdrguse": ivdrguse,
                "acuthpbm": acuthpbm,
            }
        )
        return top_id

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames with the dtypes the loader gives: datetime64 dates, bools, int64 ids."""
        frames = empty_frames()
        for name, columns in FRAME_COLUMNS.items():
            frame = (
                pd.DataFrame(self.rows[name], columns=list(columns))
                if self.rows[name]
                else frames[name]
            )
            for column in columns:
                if column in DATE_COLUMNS:
                    frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
                elif column in BOOL_COLUMNS:
                    frame[column] = frame[column].astype(bool)
                elif column in NUMBER_COLUMNS:
                    frame[column] = frame[column].astype("float64")
                elif column.endswith("_id"):
                    frame[column] = frame[column].astype("int64")
                else:
                    frame[column] = frame[column].astype(object)
            frames[name] = frame
        return frames
