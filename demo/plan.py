"""The population plan: who each person is, their situation and who holds their case.

Drawn for everyone at once (a few small arrays), before any history, so that
caseloads can be shared out evenly and the demo keyworker's caseload can be
arranged to show each risk situation. About one in eight of the people in
treatment or discharged within the year is in a recent high-risk situation
from the risk-evidence notes; the rest are unremarkable.
"""

import datetime
import math
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from demo.codes import (
    ALCOHOL,
    CURRENTLY_INJECTING,
    FEMALE,
    IN_TREATMENT,
    LEFT_EARLIER,
    LEFT_RECENTLY,
    NON_OPIATE,
    OPIATE,
    POLY_ALCOHOL,
    POLY_BENZO,
    POLY_GABAPENTINOID,
    POLY_NONE,
    URGENT_HOUSING,
)
from demo.draws import between, pick, tristate, valid_nhs_numbers

CHUNK_PEOPLE = 100_000
CASELOAD_TARGET = 55  # people in treatment or left within a year, per keyworker
DEMO_CASELOAD = 58
LEAD_CASELOAD = 10
KEYWORKERS_PER_TEAM = 8
MIN_TEAMS = 4


class Scenario(IntEnum):
    """The recent situation that puts a person at raised risk (most people: none)."""

    NONE = 0
    PRISON_14 = 1
    PRISON_28 = 2
    PRISON_84 = 3
    OST_STOPPED = 4
    UNPLANNED_EXIT = 5
    OST_STARTED = 6
    HOSPITAL = 7
    HOSPITAL_INJECTING = 8
    DETOX = 9
    OVERDOSE_90 = 10
    OVERDOSE_90_NO_KIT = 11
    OVERDOSE_365 = 12
    BEREAVEMENT = 13
    CHILD_REMOVED = 14
    # A near-fatal overdose in the last four weeks: its follow-up is still on the worklists.
    OVERDOSE_28 = 15


# Share of people in treatment or recently discharged, and the window in days ago.
SCENARIOS = {
    Scenario.PRISON_14: (0.008, 0, 14),
    Scenario.PRISON_28: (0.008, 15, 28),
    Scenario.PRISON_84: (0.012, 29, 84),
    Scenario.OST_STOPPED: (0.010, 0, 28),
    Scenario.UNPLANNED_EXIT: (0.012, 0, 28),
    Scenario.OST_STARTED: (0.010, 0, 14),
    Scenario.HOSPITAL: (0.011, 0, 28),
    Scenario.HOSPITAL_INJECTING: (0.005, 0, 28),
    Scenario.DETOX: (0.010, 0, 120),
    Scenario.OVERDOSE_90: (0.010, 0, 90),
    Scenario.OVERDOSE_90_NO_KIT: (0.004, 0, 90),
    Scenario.OVERDOSE_365: (0.016, 91, 365),
    Scenario.BEREAVEMENT: (0.012, 0, 90),
    Scenario.CHILD_REMOVED: (0.004, 0, 180),
    Scenario.OVERDOSE_28: (0.008, 0, 27),
}
PRISON = (Scenario.PRISON_14, Scenario.PRISON_28, Scenario.PRISON_84)
OST_SCENARIOS = (Scenario.OST_STOPPED, Scenario.UNPLANNED_EXIT, Scenario.OST_STARTED)
OVERDOSES = (
    Scenario.OVERDOSE_28,
    Scenario.OVERDOSE_90,
    Scenario.OVERDOSE_90_NO_KIT,
    Scenario.OVERDOSE_365,
)
HOSPITAL = (Scenario.HOSPITAL, Scenario.HOSPITAL_INJECTING)

# The demo keyworker's caseload: every situation once, then current-state risks.
DEMO_SCENARIOS = (
    Scenario.PRISON_14,
    Scenario.PRISON_28,
    Scenario.PRISON_84,
    Scenario.OST_STOPPED,
    Scenario.UNPLANNED_EXIT,
    Scenario.OST_STARTED,
    Scenario.HOSPITAL,
    Scenario.HOSPITAL_INJECTING,
    Scenario.DETOX,
    Scenario.OVERDOSE_90,
    Scenario.OVERDOSE_90_NO_KIT,
    Scenario.OVERDOSE_365,
    Scenario.BEREAVEMENT,
    Scenario.CHILD_REMOVED,
    Scenario.OVERDOSE_28,
)
DEMO_TRAITS = (
    "benzodiazepines",
    "gabapentinoids",
    "alcohol",
    "injecting",
    "no_fixed_abode",
    "dual_diagnosis",
    "not_on_ost",
    "lives_alone",
    "missed_appointments",
    "missed_appointments",
    "left_treatment",
    "left_treatment",
)


@dataclass(frozen=True)
class SituationSpread:
    """For the validation population: situations on any of `span_days` days before today,
    `scale` times as many as the demo draws for its few recent weeks."""

    span_days: int
    scale: float


@dataclass
class Population:
    size: int
    seed: int
    today: datetime.date
    keyworkers: int
    teams: int
    holder_team: np.ndarray  # team of each caseload holder: keyworkers, then team leads
    status: np.ndarray
    group: np.ndarray
    sex: np.ndarray
    age_days: np.ndarray
    scenario: np.ndarray
    scenario_day: np.ndarray
    injecting: np.ndarray
    accommodation: np.ndarray
    dual_diagnosis: np.ndarray
    poly: np.ndarray
    not_on_ost: np.ndarray
    lives_alone: np.ndarray
    missed_appointments: np.ndarray
    holder: np.ndarray  # -1: nobody holds the case
    team: np.ndarray
    nhs_number: np.ndarray  # 0: none recorded

    @property
    def holders(self) -> int:
        return self.keyworkers + self.teams

    @property
    def chunks(self) -> int:
        return math.ceil(self.size / CHUNK_PEOPLE)

    def team_lead(self, team: int) -> int:
        return self.keyworkers + team


def plan_population(
    size: int,
    seed: int,
    today: datetime.date,
    nhs_numbers_in_use: np.ndarray | None = None,
    situations: SituationSpread | None = None,
) -> Population:
    """Draw everyone's plan. `situations` (the validation population) spreads the risk
    situations over a longer span and draws more of them; without it the demo's
    situations sit in the weeks before today, as they always have."""
    rng = np.random.default_rng([seed, 0])
    n = size
    status = pick(rng, n, (0.65, 0.20, 0.15))
    group = pick(rng, n, (0.50, 0.22, 0.28))
    sex = pick(rng, n, (0.70, 0.29, 0.005, 0.005))
    age = np.where(rng.random(n) < 0.75, rng.normal(44, 8.5, n), rng.uniform(18, 71, n))
    age_years = np.clip(np.floor(age), 18, 70).astype(np.int64)

    # Situations happen to people in treatment or discharged within the year.
    scenario = np.zeros(n, dtype=np.int64)
    in_window = status != LEFT_EARLIER
    rates = [rate for rate, _, _ in SCENARIOS.values()]
    if situations is not None:
        # The validation population's overdoses in the span are drawn by its hazard
        # (`demo.validation`), so the plan draws none there of its own.
        rates = [
            0.0 if kind in OVERDOSES else rate * situations.scale
            for kind, rate in zip(SCENARIOS, rates, strict=True)
        ]
    drawn = pick(rng, n, [1 - sum(rates), *rates])
    scenario[in_window] = drawn[in_window]

    # Caseload holders: keyworkers (about 55 current people each) and one lead per team.
    window = np.flatnonzero(in_window)
    keyworkers = max(1, round(len(window) / CASELOAD_TARGET))
    teams = max(MIN_TEAMS, math.ceil(keyworkers / KEYWORKERS_PER_TEAM))
    holder_team = np.concatenate([np.arange(keyworkers) % teams, np.arange(teams)])
    quota = _caseload_quotas(len(window), keyworkers, teams)
    holder = np.full(n, -1, dtype=np.int64)
    shuffled = rng.permutation(window)
    holder[shuffled] = np.repeat(np.arange(keyworkers + teams), quota)
    earlier = np.flatnonzero(~in_window)
    held = rng.random(len(earlier)) < 0.7
    holder[earlier[held]] = rng.integers(0, keyworkers, held.sum())
    team = np.where(holder >= 0, holder_team[np.maximum(holder, 0)], rng.integers(0, teams, n))

    # The demo keyworker (holder 0) sees every situation once; the rest of their
    # caseload shows the current-state risks, then ordinary people in treatment.
    demo = shuffled[: quota[0]]
    scenario[demo] = Scenario.NONE
    forced = demo[: len(DEMO_SCENARIOS)]
    scenario[forced] = np.array(DEMO_SCENARIOS[: len(forced)])
    status[demo[len(DEMO_SCENARIOS) :]] = IN_TREATMENT

    # Situations decide status and main substance: the OST and overdose ones are
    # about opioids, and most people leaving prison, hospital or detox use them too.
    status[np.isin(scenario, (Scenario.OST_STOPPED, Scenario.OST_STARTED))] = IN_TREATMENT
    status[scenario == Scenario.UNPLANNED_EXIT] = LEFT_RECENTLY
    opioid_situation = np.isin(scenario, (*OST_SCENARIOS, *OVERDOSES, Scenario.HOSPITAL_INJECTING))
    mostly_opioid = np.isin(scenario, (*PRISON, Scenario.HOSPITAL, Scenario.DETOX))
    group[opioid_situation | (mostly_opioid & (rng.random(n) < 0.7))] = OPIATE
    group[forced[np.isin(scenario[forced], (*PRISON, *HOSPITAL, Scenario.DETOX))]] = OPIATE
    sex[scenario == Scenario.CHILD_REMOVED] = FEMALE

    injecting = np.select(
        [group == OPIATE, group == NON_OPIATE],
        [pick(rng, n, (0.18, 0.37, 0.40, 0.05)), pick(rng, n, (0.02, 0.08, 0.85, 0.05))],
        pick(rng, n, (0.0, 0.04, 0.93, 0.03)),
    )
    injecting[scenario == Scenario.HOSPITAL_INJECTING] = CURRENTLY_INJECTING
    accommodation = np.where(
        group == OPIATE, pick(rng, n, (0.08, 0.16, 0.76)), pick(rng, n, (0.03, 0.12, 0.85))
    )
    dual_diagnosis = tristate(rng, n, 0.30, 0.10)
    poly = np.where(group == OPIATE, pick(rng, n, (0.71, 0.10, 0.07, 0.12)), POLY_NONE)
    not_on_ost = rng.random(n) < 0.10
    lives_alone = tristate(rng, n, 0.35, 0.13)
    missed_appointments = rng.random(n) < 0.06

    traits = demo[len(DEMO_SCENARIOS) : len(DEMO_SCENARIOS) + len(DEMO_TRAITS)]
    for person, trait in zip(traits, DEMO_TRAITS, strict=False):
        _force_trait(
            person,
            trait,
            status,
            group,
            poly,
            injecting,
            accommodation,
            dual_diagnosis,
            not_on_ost,
            lives_alone,
            missed_appointments,
        )

    # Keep the traits consistent with each other.
    poly[group != OPIATE] = POLY_NONE
    injecting[(group == ALCOHOL) & (injecting == CURRENTLY_INJECTING)] = 2
    not_on_ost &= (group == OPIATE) & (status == IN_TREATMENT) & ~np.isin(scenario, OST_SCENARIOS)
    missed_appointments &= status == IN_TREATMENT
    age_years[status == LEFT_EARLIER] = np.maximum(age_years[status == LEFT_EARLIER], 22)
    age_days = np.floor(age_years * 365.25).astype(np.int64) + rng.integers(0, 365, n)

    low = np.array([0] + [lo for _, lo, _ in SCENARIOS.values()])
    high = np.array([0] + [hi for _, _, hi in SCENARIOS.values()])
    if situations is not None:
        # Any day of the span: the kinds keep their meaning (a release, a stop), not
        # their distance from today. The demo keyworker's caseload stays recent.
        low[1:], high[1:] = 0, situations.span_days - 1
    scenario_day = between(rng, low[scenario], high[scenario])
    if situations is not None:
        recent_low = np.array([0] + [lo for _, lo, _ in SCENARIOS.values()])
        recent_high = np.array([0] + [hi for _, _, hi in SCENARIOS.values()])
        scenario_day[demo] = between(rng, recent_low[scenario[demo]], recent_high[scenario[demo]])

    nhs = valid_nhs_numbers()
    if nhs_numbers_in_use is not None and len(nhs_numbers_in_use):
        nhs = np.setdiff1d(nhs, nhs_numbers_in_use)
    nhs = rng.permutation(nhs)
    wants = np.flatnonzero(rng.random(n) < 0.7)[: len(nhs)]
    nhs_number = np.zeros(n, dtype=np.int64)
    nhs_number[wants] = nhs[: len(wants)]

    return Population(
        size=size,
        seed=seed,
        today=today,
        keyworkers=keyworkers,
        teams=teams,
        holder_team=holder_team,
        status=status,
        group=group,
        sex=sex,
        age_days=age_days,
        scenario=scenario,
        scenario_day=scenario_day,
        injecting=injecting,
        accommodation=accommodation,
        dual_diagnosis=dual_diagnosis,
        poly=poly,
        not_on_ost=not_on_ost,
        lives_alone=lives_alone,
        missed_appointments=missed_appointments,
        holder=holder,
        team=team,
        nhs_number=nhs_number,
    )


def _caseload_quotas(window: int, keyworkers: int, teams: int) -> np.ndarray:
    """How many current people each holder gets; they add up to `window`."""
    quota = np.zeros(keyworkers + teams, dtype=np.int64)
    quota[0] = min(DEMO_CASELOAD, window)
    rest = window - quota[0]
    lead = min(LEAD_CASELOAD, rest // max(1, keyworkers - 1 + teams))
    quota[keyworkers:] = lead
    rest -= lead * teams
    if keyworkers > 1:
        base, extra = divmod(rest, keyworkers - 1)
        quota[1:keyworkers] = base
        quota[1 : 1 + extra] += 1
    else:
        quota[keyworkers] += rest
    return quota


def _force_trait(
    person,
    trait,
    status,
    group,
    poly,
    injecting,
    accommodation,
    dual_diagnosis,
    not_on_ost,
    lives_alone,
    missed_appointments,
) -> None:
    status[person] = IN_TREATMENT
    if trait in ("benzodiazepines", "gabapentinoids", "alcohol"):
        group[person] = OPIATE
        poly[person] = {
            "benzodiazepines": POLY_BENZO,
            "gabapentinoids": POLY_GABAPENTINOID,
            "alcohol": POLY_ALCOHOL,
        }[trait]
    elif trait == "injecting":
        group[person] = OPIATE
        injecting[person] = CURRENTLY_INJECTING
    elif trait == "no_fixed_abode":
        accommodation[person] = URGENT_HOUSING
    elif trait == "dual_diagnosis":
        dual_diagnosis[person] = 1
    elif trait == "not_on_ost":
        group[person] = OPIATE
        not_on_ost[person] = True
    elif trait == "lives_alone":
        lives_alone[person] = 1
    elif trait == "missed_appointments":
        missed_appointments[person] = True
    elif trait == "left_treatment":
        status[person] = LEFT_RECENTLY
