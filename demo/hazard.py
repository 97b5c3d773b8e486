"""The validation population's hazard: every number the outcome simulation uses, and nothing else.

A person's chance of dying of drug poisoning on a day is a base rate times the product of
the rate ratios for the windows and states they are in that day, times an individual
frailty no record shows. Near-fatal overdoses have a hazard of their own, built the same
way with the ratios published for them where the evidence table has them. Each ratio
names its row in `../shared/domain/risk-evidence.md` (quoted in
docs/validation-population.md); a number the table does not give is marked ASSUMPTION.

This module never reads the rule set (`risk`): the simulation is built from the
published evidence, not from the rules it is used to judge. `demo.validation` reads the
records and runs the days; `daily_hazards` is the one formula, pure numpy, so a test
can put a hand-built person through it.
"""

from dataclasses import dataclass

import numpy as np

# --- The span -----------------------------------------------------------------------
# The backtest scores 12 monthly as-of dates over the last year and looks 90 days ahead:
# outcomes are drawn for every day of the last 15 months, up to yesterday.
SPAN_DAYS = 455
# The generator spreads the risk situations over the span instead of the last weeks,
# and draws SITUATION_SCALE times as many of them as the default demo (whose shares are
# for a few weeks): over 15 months a third of the caseload meets one. ASSUMPTION.
SITUATION_SCALE = 2.5

# --- Base rates (per person per year) -------------------------------------------------
# Drug-poisoning deaths among opioid clients in treatment or discharged in the last 12
# months. ASSUMPTION within the 0.5-1% a year of UK treatment cohorts; the simulation
# sets its base so that this group's mean hazard on the first day equals it.
DEATH_RATE_OPIOID_CLIENTS = 0.007
# Near-fatal overdoses that reach the service, in the same group: five times the deaths.
# ASSUMPTION ("several times the death rate"; most overdoses never reach a service).
OVERDOSE_RATE_OPIOID_CLIENTS = 0.035

# --- Main substance (death and overdose) ---------------------------------------------
# Opioid users carry most of the drug-poisoning risk. ASSUMPTION: people whose main
# problem is another drug (crack, cocaine, cannabis...) a fifth of it, alcohol a tenth.
MAIN_SUBSTANCE_OPIOID = 1.0
MAIN_SUBSTANCE_OTHER_DRUG = 0.2
MAIN_SUBSTANCE_ALCOHOL = 0.1

# --- Release from prison (rows 1, 1b) -------------------------------------------------
PRISON_WEEKS_5_12 = 1.0  # ASSUMPTION: no excess of its own beyond the person's other risks
PRISON_WEEKS_3_4 = 1.7 * PRISON_WEEKS_5_12  # row 1b: 1.7 against weeks 5-12
# Row 1: 7.5 against weeks 3-12 as a whole (2 weeks at 1.7, 8 at 1.0).
PRISON_WEEKS_1_2 = 7.5 * (2 * PRISON_WEEKS_3_4 + 8 * PRISON_WEEKS_5_12) / 10

# --- Treatment state, opioid users (rows 2b, 2e, 2f, 3, 3b, 2d) -----------------------
# The reference is "on OST". One state holds at a time, so no exposure counts twice.
OST_STARTED_WEEKS_1_2 = 3.0  # row 3: about 3x the rest of time on OST
OST_STARTED_WEEKS_3_4 = 1.0  # ASSUMPTION: the table gives no excess after two weeks
OST_STOPPED_WEEKS_1_2 = 9.0  # row 2b
OST_STOPPED_WEEKS_3_4 = 8.0  # row 2b
IN_TREATMENT_NOT_ON_OST = 2.1  # row 2f: psychosocial-only treatment against OST
OUT_OF_TREATMENT = 1.7  # row 2e: out of treatment, any time (everyone, not only opioids)
# Near-fatal overdoses (rows 2d, 3b): the first four weeks after stopping or starting.
OVERDOSE_OST_STOPPED_WEEKS_1_4 = 13.0  # row 2d
OVERDOSE_OST_STARTED_WEEKS_1_4 = 5.6  # row 3b

# --- Windows after other events -------------------------------------------------------
HOSPITAL_DAYS = 28  # row 9: the first 28 days after discharge
HOSPITAL_DISCHARGE = 2.0  # ASSUMPTION: row 9 names the window, not a ratio
DETOX_EARLY_DAYS = 28  # row 10: lost tolerance, worst in the first weeks
DETOX_LATE_DAYS = 120
DETOX_EXIT_EARLY = 3.0  # ASSUMPTION: row 10 gives no ratio
DETOX_EXIT_LATE = 1.5  # ASSUMPTION
# Row 4: a previous non-fatal overdose about doubles the risk, more overdoses more risk;
# row 4b: the 12 months after one. Each further overdose in the 12 months multiplies by
# OVERDOSE_DOSE_STEP (ASSUMPTION for the shape), up to OVERDOSE_COUNT_CAP of them.
OVERDOSE_WINDOW_DAYS = 365
AFTER_OVERDOSE = 2.0  # row 4 (deaths; row 4b's repeat overdoses use it too)
OVERDOSE_DOSE_STEP = 1.4
OVERDOSE_COUNT_CAP = 4

# --- Current states --------------------------------------------------------------------
INJECTING = 2.3  # row 8
BENZODIAZEPINES_WITH_OPIOIDS = 3.9  # row 5 (current use)
# Row 6 gives no ratio; Gomes et al. 2017 report an odds ratio of about 1.5 for opioid
# deaths with a gabapentinoid co-prescribed.
GABAPENTINOIDS_WITH_OPIOIDS = 1.5
ALCOHOL_WITH_OPIOIDS = 2.4  # row 7
NO_FIXED_ABODE = 3.3  # row 11
MENTAL_HEALTH = 1.5  # ASSUMPTION: row 12's 3.9 is one disorder after prison, not general
MALE = 2.0  # row 13
# Row 13: highest at 40-49. ASSUMPTION for the shape, after ONS 2023's age-specific rates.
AGE_BANDS = (0, 30, 40, 50, 60)  # lower bounds in years
AGE_RATIOS = (0.6, 0.9, 1.3, 1.0, 0.6)

# --- What no record shows --------------------------------------------------------------
# An individual frailty, lognormal with mean 1, shared by the death and overdose hazards
# (the people who overdose are the people who die). ASSUMPTION.
FRAILTY_SIGMA = 0.8
# Opioid users taking benzodiazepines nobody recorded, and so at row 5's ratio. ASSUMPTION.
UNRECORDED_BENZODIAZEPINES = 0.10

# --- Guard -----------------------------------------------------------------------------
MAX_DAILY_HAZARD = 0.05  # a day's hazard above this is capped; see the documentation


@dataclass
class Static:
    """What stays the same for a person over the span: one array per attribute."""

    opioid: np.ndarray  # main substance is an opioid
    alcohol_main: np.ndarray  # main substance is alcohol
    male: np.ndarray
    born_day: np.ndarray  # day number of birth (day 0 is the first simulated day)
    injecting: np.ndarray
    benzodiazepines: np.ndarray  # recorded or not
    gabapentinoids: np.ndarray
    alcohol: np.ndarray  # problem alcohol alongside opioids
    no_fixed_abode: np.ndarray
    mental_health: np.ndarray
    frailty: np.ndarray


@dataclass
class Today:
    """Where each person stands on one day: days since each event (large when never)."""

    day: int
    since_prison: np.ndarray
    since_hospital: np.ndarray
    since_detox: np.ndarray
    since_ost_start: np.ndarray
    since_ost_stop: np.ndarray
    on_ost: np.ndarray
    in_treatment: np.ndarray
    overdoses_12m: np.ndarray


def static_ratio(s: Static) -> np.ndarray:
    """The product of the ratios that do not change over the span, frailty included."""
    opioid = s.opioid
    ratio = np.where(
        opioid,
        MAIN_SUBSTANCE_OPIOID,
        np.where(s.alcohol_main, MAIN_SUBSTANCE_ALCOHOL, MAIN_SUBSTANCE_OTHER_DRUG),
    )
    ratio = ratio * np.where(s.male, MALE, 1.0)
    ratio = ratio * np.where(s.injecting, INJECTING, 1.0)
    ratio = ratio * np.where(opioid & s.benzodiazepines, BENZODIAZEPINES_WITH_OPIOIDS, 1.0)
    ratio = ratio * np.where(opioid & s.gabapentinoids, GABAPENTINOIDS_WITH_OPIOIDS, 1.0)
    ratio = ratio * np.where(opioid & s.alcohol, ALCOHOL_WITH_OPIOIDS, 1.0)
    ratio = ratio * np.where(s.no_fixed_abode, NO_FIXED_ABODE, 1.0)
    ratio = ratio * np.where(s.mental_health, MENTAL_HEALTH, 1.0)
    return ratio * s.frailty


def age_ratio(age_years: np.ndarray) -> np.ndarray:
    band = np.searchsorted(np.array(AGE_BANDS), age_years, side="right") - 1
    return np.array(AGE_RATIOS)[np.clip(band, 0, len(AGE_RATIOS) - 1)]


def daily_ratios(s: Static, t: Today) -> tuple[np.ndarray, np.ndarray]:
    """The day's (death, overdose) ratios that change with time, before the static ones."""
    opioid = s.opioid
    prison = np.select(
        [t.since_prison < 14, t.since_prison < 28, t.since_prison < 84],
        [PRISON_WEEKS_1_2, PRISON_WEEKS_3_4, PRISON_WEEKS_5_12],
        1.0,
    )
    hospital = np.where(t.since_hospital < HOSPITAL_DAYS, HOSPITAL_DISCHARGE, 1.0)
    detox = np.select(
        [t.since_detox < DETOX_EARLY_DAYS, t.since_detox < DETOX_LATE_DAYS],
        [DETOX_EXIT_EARLY, DETOX_EXIT_LATE],
        1.0,
    )
    count = np.minimum(t.overdoses_12m, OVERDOSE_COUNT_CAP)
    after_overdose = np.where(
        count > 0, AFTER_OVERDOSE * OVERDOSE_DOSE_STEP ** np.maximum(count - 1, 0), 1.0
    )
    age = age_ratio((t.day - s.born_day) // 365.25)
    shared = prison * hospital * detox * after_overdose * age

    on = t.on_ost
    started_1_2 = on & (t.since_ost_start < 14)
    started_3_4 = on & (t.since_ost_start >= 14) & (t.since_ost_start < 28)
    stopped_1_2 = ~on & (t.since_ost_stop < 14)
    stopped_3_4 = ~on & (t.since_ost_stop >= 14) & (t.since_ost_stop < 28)
    off = ~on & ~stopped_1_2 & ~stopped_3_4
    treatment_opioid = np.select(
        [started_1_2, started_3_4, on, stopped_1_2, stopped_3_4, off & t.in_treatment],
        [
            OST_STARTED_WEEKS_1_2,
            OST_STARTED_WEEKS_3_4,
            1.0,
            OST_STOPPED_WEEKS_1_2,
            OST_STOPPED_WEEKS_3_4,
            IN_TREATMENT_NOT_ON_OST,
        ],
        OUT_OF_TREATMENT,
    )
    overdose_opioid = np.select(
        [started_1_2 | started_3_4, stopped_1_2 | stopped_3_4],
        [OVERDOSE_OST_STARTED_WEEKS_1_4, OVERDOSE_OST_STOPPED_WEEKS_1_4],
        treatment_opioid,
    )
    other = np.where(t.in_treatment, 1.0, OUT_OF_TREATMENT)
    death = shared * np.where(opioid, treatment_opioid, other)
    overdose = shared * np.where(opioid, overdose_opioid, other)
    return death, overdose


def daily_hazards(
    s: Static, t: Today, base_death: float, base_overdose: float, static: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each person's (death, overdose) hazard for the day `t` describes, capped."""
    fixed = static_ratio(s) if static is None else static
    death, overdose = daily_ratios(s, t)
    return (
        np.minimum(base_death * fixed * death, MAX_DAILY_HAZARD),
        np.minimum(base_overdose * fixed * overdose, MAX_DAILY_HAZARD),
    )


def frailty(rng: np.random.Generator, n: int) -> np.ndarray:
    """Lognormal with mean 1."""
    return np.exp(rng.normal(-(FRAILTY_SIGMA**2) / 2, FRAILTY_SIGMA, n))
