"""Rule set version 3: every weight derived from the evidence table, one exposure counted once.

Plain data with no Django import, read by the migration that installs it as a draft
(`risk/migrations/0013_evidence_rule_set.py`) and by the tests. Each rule carries the rate
ratio its weight comes from (`ratio`) and how that ratio follows from the evidence table in
the domain notes (`derivation`); the weight is the ratio's natural logarithm to one decimal
place. Where the table gives no ratio, the derivation says so and what was assumed.

What changed from versions 1 and 2, and why, is in `docs/risk-engine.md` ("Rule set
version 3"). In short:

- Weights follow the method: `male` 0.3 -> 0.7 (men die at about twice the rate of women),
  `opioids_benzodiazepines` 1.3 -> 1.4 (HR 3.9), `prison_release_2w` 2.0 -> 2.6 (weeks 1-2
  against the usual rate, not against weeks 3-12), `ost_stopped_4w` 2.3 -> 2.1 (8.5 over
  the four weeks).
- One exposure counts once: leaving OST, leaving treatment unplanned, being out of
  treatment and being an opiate user not on OST are one exposure (`not_in_treatment`), so
  only the heaviest of them counts; release windows, OST start windows and overdose windows
  are groups too.
- Being off OST after leaving lasts the rest of the year (`ost_stopped_12m`, 29-365 days,
  1.8 times), where version 1 ended at 182 days.
- The drinking days that make alcohol a problem alongside opioids are the rule's count (8 or
  more days in 28), no longer a constant of the engine (14).
- A base rate by substance (`opioid_use`): people who use opioids carry most of the risk.
- The overdose pathway's minimum tiers carry forward: each rests on a window many times the
  usual rate.
"""

import math

from risk.first_rule_set import PATHWAY_MINIMUM_TIERS
from risk.first_rule_set import RULES as FIRST_RULES

NAME = "Weights from the evidence, each exposure counted once"
NOTES = (
    "Every weight is the natural logarithm of a rate ratio from the evidence table, written "
    "beside each rule; leaving OST, leaving treatment and being out of treatment count once "
    "(group not_in_treatment); off OST for the rest of the year; problem alcohol from 8 "
    "drinking days in 28; a base rate for opioid use; thresholds on the new scale; the "
    "overdose pathway's minimum tiers kept."
)

# On the new scale every opioid user starts from the base rule's 1.4 and a man from 0.7, so
# the thresholds sit higher than version 1's (2.0 / 3.0 / 4.2). Each is a combined relative
# hazard against the reference person (a woman under 35, in treatment, no opioids, nothing
# else recorded): raised about e^3.6 = 37 times, high e^4.6 = 100 times, very high e^5.6 =
# 270 times.
THRESHOLDS = {"raised": 3.6, "high": 4.6, "very_high": 5.6}


# A rule's source as version 1 cites it, where version 3 cites it alike.
FIRST_EVIDENCE = {rule["code"]: rule["evidence"] for rule in FIRST_RULES}


def weight_of(ratio: float) -> float:
    """A rate ratio's weight: its natural logarithm to one decimal place."""
    return round(math.log(ratio), 1)


RULES: list[dict] = [
    # Release from prison: the latest release, one window at a time.
    {
        "code": "prison_release_2w",
        "group": "prison_release",
        "check": "prison_release",
        "title": "Released from prison in the last 2 weeks",
        "looks_at": "Events: release from prison",
        "window_from": 0,
        "window_to": 14,
        "ratio": 7.5 * 1.86,
        "derivation": "7.5 × 1.86 ≈ 14: weeks 1–2 carry 7.5 times the rate of weeks 3–12 "
        "(evidence 1), and weeks 3–12 themselves average about 1.86 times the usual rate by "
        "the two rules below (2 weeks at 2.7, 8 weeks at 1.6).",
        "reason": "released from prison {ago}",
        "evidence": FIRST_EVIDENCE["prison_release_2w"],
    },
    {
        "code": "prison_release_4w",
        "group": "prison_release",
        "check": "prison_release",
        "title": "Released from prison 2 to 4 weeks ago",
        "looks_at": "Events: release from prison",
        "window_from": 15,
        "window_to": 28,
        "ratio": 1.7 * 1.6,
        "derivation": "1.7 × 1.6 ≈ 2.7: weeks 3–4 carry 1.7 times the rate of weeks 5–12 "
        "(evidence 1b), which are taken at 1.6 (the rule below).",
        "reason": "released from prison {ago}",
        "evidence": "Evidence 1b: risk about 1.7 times higher in weeks 3–4 than in weeks 5–12 "
        "(Merrall et al., 2010).",
    },
    {
        "code": "prison_release_12w",
        "group": "prison_release",
        "check": "prison_release",
        "title": "Released from prison 4 to 12 weeks ago",
        "looks_at": "Events: release from prison",
        "window_from": 29,
        "window_to": 84,
        "ratio": 1.6,
        "derivation": "Assumed 1.6: evidence 1 says weeks 5–12 stay above the usual rate but "
        "gives no ratio against people not recently released (version 1's 0.5 kept).",
        "reason": "released from prison {ago}",
        "evidence": FIRST_EVIDENCE["prison_release_12w"],
    },
    # Not in treatment: one exposure, whichever record shows it, counted once.
    {
        "code": "ost_stopped_4w",
        "group": "not_in_treatment",
        "check": "ost_stopped",
        "title": "OST stopped in the last 4 weeks and not restarted",
        "looks_at": "Interventions: OST prescriptions that ended, and none running now",
        "window_from": 0,
        "window_to": 28,
        "ratio": 8.5,
        "derivation": "8.5, the mean of 9 (weeks 1–2) and 8 (weeks 3–4) times the in-treatment "
        "rate (evidence 2b); fatal overdose 12.8 (2c) and non-fatal overdose 13 (2d) in the "
        "first 4 weeks bound it from above.",
        "reason": "OST stopped {ago} and not restarted",
        "evidence": "Evidence 2b/2c/2d: mortality about 9 and 8 times the in-treatment rate in "
        "weeks 1–2 and 3–4 after OST stops (Cornish et al., BMJ 2010); fatal overdose rate "
        "ratio about 12.8 in the first 4 weeks (Jones et al., 2022).",
    },
    {
        "code": "ost_stopped_12m",
        "group": "not_in_treatment",
        "check": "ost_stopped",
        "title": "OST stopped 1 to 12 months ago and not restarted",
        "looks_at": "Interventions: OST prescriptions that ended, and none running now",
        "window_from": 29,
        "window_to": 365,
        "ratio": 1.8,
        "derivation": "1.8: off OST after leaving stays about 1.7–1.9 times the in-treatment "
        "rate for the rest of the year (evidence 2e; Cornish et al., 2010, evidence 2b).",
        "reason": "OST stopped {ago} and not restarted",
        "evidence": "Evidence 2e/2b: fatal poisoning hazard about 1.7 out of treatment (Pierce "
        "et al., Addiction 2016), mortality about 1.9 off OST after the first month (Cornish "
        "et al., 2010).",
    },
    {
        "code": "left_unplanned_4w",
        "group": "not_in_treatment",
        "check": "left_unplanned",
        "title": "Left treatment unplanned in the last 4 weeks",
        "looks_at": "Episodes: discharge with an unplanned reason",
        "window_from": 0,
        "window_to": 28,
        "ratio": 2.7,
        "derivation": "Assumed 2.7: for someone on OST, leaving is the OST rule above (8.5); "
        "for someone not on OST the table gives 1.7 out of treatment at any time (evidence "
        "2e) and no ratio for the first weeks, taken here at 2.7 (version 1's 1.0 kept).",
        "reason": "left treatment unplanned {ago}",
        "evidence": "Evidence 17 and 2e: an unplanned exit is leaving treatment; out of "
        "treatment the hazard of fatal poisoning is about 1.7 (Pierce et al., 2016).",
    },
    {
        "code": "opiate_not_on_ost",
        "group": "not_in_treatment",
        "check": "opiate_not_on_ost",
        "title": "Opiate user in treatment but not on OST",
        "looks_at": "Open episode with an opioid main substance and no OST running",
        "ratio": 2.1,
        "derivation": "2.1: psychosocial-only treatment for an opiate client against OST "
        "(evidence 2f).",
        "reason": "in treatment for opioids but not on OST",
        "evidence": FIRST_EVIDENCE["opiate_not_on_ost"],
    },
    {
        "code": "out_of_treatment",
        "group": "not_in_treatment",
        "check": "out_of_treatment",
        "title": "Out of treatment after leaving in the last 12 months",
        "looks_at": "Episodes: no episode open, discharged in the last year",
        "window_from": 0,
        "window_to": 365,
        "ratio": 1.7,
        "derivation": "1.7: fatal poisoning out of treatment against in treatment (evidence 2e).",
        "reason": "out of treatment since {date}",
        "evidence": FIRST_EVIDENCE["out_of_treatment"],
    },
    # Starting OST: the latest start, one window at a time.
    {
        "code": "ost_started_2w",
        "group": "ost_start",
        "check": "ost_started",
        "title": "Started OST in the last 2 weeks",
        "looks_at": "Interventions: OST prescription start date",
        "window_from": 0,
        "window_to": 14,
        "ratio": 3.0,
        "derivation": "3: mortality in the first 2 weeks of OST against the rest of time on "
        "it (evidence 3).",
        "reason": "started OST {ago}",
        "evidence": FIRST_EVIDENCE["ost_started_2w"],
    },
    {
        "code": "ost_started_4w",
        "group": "ost_start",
        "check": "ost_started",
        "title": "Started OST 2 to 4 weeks ago",
        "looks_at": "Interventions: OST prescription start date",
        "window_from": 15,
        "window_to": 28,
        "ratio": 1.8,
        "derivation": "Assumed 1.8: the table gives no ratio for weeks 3–4 alone, only "
        "non-fatal overdose 5.6 over weeks 1–4 together (evidence 3b) and deaths 3 in weeks "
        "1–2 (evidence 3) (version 1's 0.6 kept).",
        "reason": "started OST {ago}",
        "evidence": FIRST_EVIDENCE["ost_started_4w"],
    },
    # Overdose: the latest one, one window at a time; more overdoses add to it.
    {
        "code": "overdose_90d",
        "group": "overdose",
        "check": "non_fatal_overdose",
        "title": "Non-fatal overdose in the last 90 days",
        "looks_at": "Events: non-fatal overdose",
        "window_from": 0,
        "window_to": 90,
        "ratio": 4.0,
        "derivation": "2 × 2 = 4: a previous overdose doubles the fatal hazard over the whole "
        "follow-up (evidence 4), and repeat and fatal overdose rates are highest in the "
        "months right after one (evidence 4b, no ratio), taken here as twice the average.",
        "reason": "overdose {ago}",
        "evidence": FIRST_EVIDENCE["overdose_90d"],
    },
    {
        "code": "overdose_12m",
        "group": "overdose",
        "check": "non_fatal_overdose",
        "title": "Non-fatal overdose 3 to 12 months ago",
        "looks_at": "Events: non-fatal overdose",
        "window_from": 91,
        "window_to": 365,
        "ratio": 2.0,
        "derivation": "2.0: the fatal overdose hazard after a non-fatal overdose (evidence 4).",
        "reason": "overdose {ago}",
        "evidence": FIRST_EVIDENCE["overdose_12m"],
    },
    {
        "code": "repeat_overdose",
        "check": "repeat_overdose",
        "title": "Two or more overdoses in the last 12 months",
        "looks_at": "Events: non-fatal overdoses",
        "window_from": 0,
        "window_to": 365,
        "min_count": 2,
        "ratio": 2.0,
        "derivation": "Assumed 2: risk rises with the number of overdoses (evidence 4, "
        "dose-response, no ratio per overdose); a second one is taken to double it again.",
        "reason": "{count} overdoses in the last 12 months",
        "evidence": FIRST_EVIDENCE["repeat_overdose"],
    },
    {
        "code": "tolerance_loss",
        "check": "tolerance_loss",
        "title": "Completed detox or left residential treatment in the last 4 months",
        "looks_at": "Events and interventions: detox completed, residential treatment ended",
        "window_from": 0,
        "window_to": 120,
        "ratio": 4.0,
        "derivation": "Assumed 4: evidence 10 finds deaths concentrated after lost tolerance "
        "but gives no ratio (version 1's 1.4 kept).",
        "reason": "{detail} {ago}: tolerance may be lost",
        "evidence": FIRST_EVIDENCE["tolerance_loss"],
    },
    {
        "code": "hospital_discharge_4w",
        "check": "hospital_discharge",
        "title": "Discharged from hospital in the last 4 weeks",
        "looks_at": "Events: hospital discharge",
        "window_from": 0,
        "window_to": 28,
        "ratio": 2.7,
        "derivation": "Assumed 2.7: evidence 9 names the first 28 days a high-risk period "
        "without a ratio (version 1's 1.0 kept).",
        "reason": "discharged from hospital {ago}",
        "evidence": FIRST_EVIDENCE["hospital_discharge_4w"],
    },
    {
        "code": "child_removed",
        "check": "child_removed",
        "title": "A child removed into care in the last 2 years",
        "looks_at": "Events: child removed into care",
        "window_from": 0,
        "window_to": 730,
        "ratio": 2.5,
        "derivation": "Assumed 2.5: mothers' all-cause mortality is 7.8 times higher (evidence "
        "14), but the table gives no ratio for drug-related deaths alone (version 1's 0.9 "
        "kept).",
        "reason": "child removed into care {ago}",
        "evidence": FIRST_EVIDENCE["child_removed"],
    },
    {
        "code": "life_event",
        "check": "life_event",
        "title": "Bereavement, relationship breakdown or job loss in the last 90 days",
        "looks_at": "Events: bereavement, relationship breakdown, job loss",
        "window_from": 0,
        "window_to": 90,
        "ratio": 1.35,
        "derivation": "Assumed 1.35, a mild modifier: evidence 16 records these events before "
        "many deaths but gives no ratio.",
        "reason": "{detail} {ago}",
        "evidence": FIRST_EVIDENCE["life_event"],
    },
    # Current state.
    {
        "code": "opioid_use",
        "check": "opioid_use",
        "title": "Uses opioids",
        "looks_at": "Latest episode's problem substances, TOP opioid use, OST",
        "ratio": 4.0,
        "derivation": "Assumed 4, the base rate by substance: most drug-poisoning deaths "
        "involve opioids, and the ratios of evidence 2e, 2f, 7 and 8 (Pierce et al., 2016) were "
        "measured among opiate clients; the table gives no ratio between opioid users and "
        "people whose problem is alcohol, cannabis or cocaine alone, taken here as 4 (a "
        "quarter of the risk).",
        "reason": "uses opioids",
        "evidence": "Evidence 2e/2f, 7, 8 and 13: the drug-poisoning rates in the table are "
        "those of opiate clients; opioids are involved in most drug-poisoning deaths (ONS).",
    },
    {
        "code": "opioids_benzodiazepines",
        "check": "opioids_with_benzodiazepines",
        "title": "Opioids with benzodiazepines",
        "looks_at": "Latest episode's problem substances, TOP opioid use, OST",
        "ratio": 3.9,
        "derivation": "3.9: overdose death with current benzodiazepine use alongside opioids "
        "(evidence 5).",
        "reason": "uses opioids with benzodiazepines",
        "evidence": FIRST_EVIDENCE["opioids_benzodiazepines"],
    },
    {
        "code": "no_fixed_abode",
        "check": "no_fixed_abode",
        "title": "No fixed abode or an acute housing problem",
        "looks_at": "Latest episode's accommodation need; TOP acute housing problem",
        "ratio": 3.3,
        "derivation": "3.3: overdose death with homelessness (evidence 11).",
        "reason": "no fixed abode or an acute housing problem",
        "evidence": FIRST_EVIDENCE["no_fixed_abode"],
    },
    {
        "code": "opioids_alcohol",
        "check": "opioids_with_alcohol",
        "title": "Opioids with problem alcohol use",
        "looks_at": "Latest episode's problem substances; TOP drinking days (8 or more of 28)",
        "min_count": 8,
        "ratio": 2.4,
        "derivation": "2.4: fatal poisoning with problem alcohol use (evidence 7). Problem "
        "use: alcohol recorded as a problem substance, or drinking on 8 or more of the last "
        "28 days on the current TOP (twice a week or more; version 1 asked for 14).",
        "reason": "uses opioids with problem alcohol use",
        "evidence": FIRST_EVIDENCE["opioids_alcohol"],
    },
    {
        "code": "opioids_gabapentinoids",
        "check": "opioids_with_gabapentinoids",
        "title": "Opioids with pregabalin or gabapentin",
        "looks_at": "Latest episode's problem substances, TOP opioid use, OST",
        "ratio": 2.5,
        "derivation": "Assumed 2.5: evidence 6 finds a raised overdose risk and a large rise "
        "in deaths involving gabapentinoids, without a ratio in the table (version 1's 0.9 "
        "kept).",
        "reason": "uses opioids with pregabalin or gabapentin",
        "evidence": FIRST_EVIDENCE["opioids_gabapentinoids"],
    },
    {
        "code": "injecting",
        "check": "injecting",
        "title": "Currently injecting",
        "looks_at": "Latest episode's injecting status; injecting days on a TOP in the last "
        "6 months",
        "ratio": 2.3,
        "derivation": "2.3: fatal poisoning for people who inject (evidence 8).",
        "reason": "currently injecting",
        "evidence": FIRST_EVIDENCE["injecting"],
    },
    {
        "code": "male",
        "check": "male",
        "title": "Male",
        "looks_at": "Sex",
        "ratio": 2.0,
        "derivation": "2: men die of drug poisoning at about twice the rate of women "
        "(evidence 13); version 1 gave 0.3.",
        "reason": "male",
        "evidence": FIRST_EVIDENCE["male"],
    },
    {
        "code": "mental_health",
        "check": "mental_health",
        "title": "Co-existing mental health need",
        "looks_at": "Latest episode's co-existing mental health need",
        "ratio": 1.65,
        "derivation": "Assumed 1.65: evidence 12's ratio (3.9) is for panic disorder after "
        "release from prison, not for any co-existing need (version 1's 0.5 kept).",
        "reason": "co-existing mental health need",
        "evidence": FIRST_EVIDENCE["mental_health"],
    },
    {
        "code": "no_naloxone",
        "check": "no_naloxone",
        "title": "Uses opioids with no naloxone kit, or the kit has expired",
        "looks_at": "Naloxone supplies of opioid users",
        "ratio": 1.65,
        "derivation": "Assumed 1.65: no ratio in the table; a kit at hand lets whoever is "
        "present reverse an overdose (version 1's 0.5 kept).",
        "reason": "{detail}",
        "evidence": FIRST_EVIDENCE["no_naloxone"],
    },
    {
        "code": "missed_appointments",
        "check": "missed_appointments",
        "title": "Missed two or more appointments in a row",
        "looks_at": "Contacts: did-not-attend since the last attended appointment",
        "window_from": 0,
        "window_to": 60,
        "min_count": 2,
        "ratio": 1.65,
        "derivation": "Assumed 1.65: missed appointments are a proxy for disengagement "
        "(evidence 17, no ratio; version 1's 0.5 kept).",
        "reason": "missed the last {count} appointments",
        "evidence": FIRST_EVIDENCE["missed_appointments"],
    },
    {
        "code": "age_35_54",
        "check": "age_band",
        "title": "Aged 35 to 54",
        "looks_at": "Date of birth",
        "window_from": 35,
        "window_to": 54,
        "ratio": 1.35,
        "derivation": "Assumed 1.35: drug-poisoning death rates peak at ages 40–49 (evidence "
        "13), without a ratio in the table (version 1's 0.3 kept).",
        "reason": "aged 35 to 54",
        "evidence": FIRST_EVIDENCE["age_35_54"],
    },
    {
        "code": "lives_alone",
        "check": "lives_alone",
        "title": "Lives alone",
        "looks_at": "Lives alone",
        "ratio": 1.35,
        "derivation": "Assumed 1.35, a mild modifier: common among the dead (evidence 15), "
        "no ratio published.",
        "reason": "lives alone",
        "evidence": FIRST_EVIDENCE["lives_alone"],
    },
]

for _rule in RULES:
    _rule["weight"] = weight_of(_rule["ratio"])
    _rule["min_tier"] = PATHWAY_MINIMUM_TIERS.get(_rule["code"], "")
del _rule


def evidence_text(rule: dict) -> str:
    """The evidence a rule shows in the admin: its source, then how its weight was derived."""
    return (
        f"{rule['evidence']} Weight {rule['weight']} = ln {rule['ratio']:.3g}: {rule['derivation']}"
    )
