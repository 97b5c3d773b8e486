"""Treatment episodes and their interventions, including the OST starts and stops,
detox and residential completions that the risk situations call for.

Episode dates are whole days ago: referral >= triage >= care-plan start >=
discharge (or today while open), one open episode per person, earlier
episodes discharged before the next referral and none before age 16.
Interventions start and end inside their episode.
"""

import math
from dataclasses import dataclass

import numpy as np

from demo import fastcsv as fc
from demo.codes import (
    ACCOMMODATION,
    ALCOHOL,
    COMPLETED,
    CURRENTLY_INJECTING,
    CUSTODY,
    DESTINATION_FOR_REASON,
    EMPLOYMENT,
    EXIT_FOR_REASON,
    EXITS,
    FEMALE,
    IN_TREATMENT,
    INJECTING,
    INPATIENT_DETOX,
    INTENTIONS,
    KINDS,
    LEFT_EARLIER,
    LEFT_RECENTLY,
    MEDICINES,
    OPIATE,
    PHARMACOLOGICAL,
    PLANNED,
    PSYCHOSOCIAL,
    REASONS,
    RECOVERY_SUPPORT,
    REFERRAL_SOURCES,
    RESIDENTIAL,
    ROUTES,
    SETTINGS,
    SUBSTANCES,
    UNPLANNED,
    YEAR,
    R,
    S,
)
from demo.draws import between, pick, tristate
from demo.people import NextIds, People, Rows
from demo.plan import OST_SCENARIOS, PRISON, Scenario


@dataclass
class Episodes:
    """Episodes flattened, oldest first within each person."""

    person: np.ndarray
    latest: np.ndarray  # the person's latest episode
    referral: np.ndarray  # days ago
    triage: np.ndarray
    start: np.ndarray  # care-plan start, -1 if never started
    discharge: np.ndarray  # -1 while open
    reason: np.ndarray  # code into REASONS, -1 while open
    ids: np.ndarray
    first_referral: np.ndarray  # per person: days ago of their first referral
    last_discharge: np.ndarray  # per person: days ago of their latest discharge, -1 open

    @property
    def floor(self) -> np.ndarray:
        """The latest day (fewest days ago) a record inside the episode may carry."""
        return np.maximum(self.discharge, 0)


def _lognormal_days(rng, n, median, sigma, low, high) -> np.ndarray:
    days = np.exp(rng.normal(math.log(median), sigma, n))
    return np.clip(days, low, high).astype(np.int64)


def draw_episodes(p: People, rng) -> Episodes:
    n = p.n
    sc, day, status = p.scenario, p.day, p.status
    prison = np.isin(sc, PRISON)
    count = 1 + pick(rng, n, (0.55, 0.30, 0.15))
    oldest_referral = p.age_days - 16 * 366  # no referral before 16, leap days and all

    # The latest episode: open, left in the last year, or left before that.
    discharge0 = np.full(n, -1, dtype=np.int64)
    recent = status == LEFT_RECENTLY
    earlier = status == LEFT_EARLIER
    # Ordinary recent leavers left over four weeks ago: the 28-day windows are scenarios.
    discharge0[recent] = between(rng, 29, 365, n)[recent]
    discharge0[earlier] = between(rng, 366, np.minimum(3650, p.age_days - 17 * YEAR))[earlier]
    m = recent & (sc == Scenario.UNPLANNED_EXIT)
    discharge0[m] = day[m]
    m = recent & (sc == Scenario.DETOX)
    discharge0[m] = day[m] - between(rng, 0, np.minimum(14, day))[m]
    m = recent & prison  # went into custody from treatment and has since been released
    discharge0[m] = day[m] + between(rng, 20, 365 - day)[m]

    length = _lognormal_days(rng, n, 420, 0.9, 14, 4500)
    new = (status == IN_TREATMENT) & (rng.random(n) < 0.07)
    length[new] = between(rng, 0, 90, n)[new]
    referral0 = np.maximum(discharge0, 0) + length
    m = sc == Scenario.OST_STARTED
    referral0[m] = day[m] + between(rng, 0, 28, n)[m]
    m = np.isin(sc, (Scenario.OST_STOPPED, Scenario.UNPLANNED_EXIT))
    referral0[m] = np.maximum(referral0, day + p.ost_length + between(rng, 0, 60, n))[m]
    m = (status == IN_TREATMENT) & prison  # referred by the prison team on release
    referral0[m] = day[m] + between(rng, 0, 5, n)[m]
    m = sc == Scenario.DETOX
    referral0[m] = np.maximum(referral0, p.detox_start + between(rng, 30, 400, n))[m]
    referral0 = np.minimum(referral0, oldest_referral)

    referral = np.full((n, 3), -1, dtype=np.int64)
    discharge = np.full((n, 3), -1, dtype=np.int64)
    valid = np.zeros((n, 3), dtype=bool)
    referral[:, 0], discharge[:, 0], valid[:, 0] = referral0, discharge0, True
    for j in (1, 2):
        previous_discharge = referral[:, j - 1] + between(rng, 21, 1500, n)
        if j == 1:
            m = (status == IN_TREATMENT) & prison
            previous_discharge[m] = day[m] + between(rng, 30, 700, n)[m]
        previous_referral = previous_discharge + _lognormal_days(rng, n, 250, 0.9, 14, 3000)
        ok = valid[:, j - 1] & (count > j) & (previous_referral <= oldest_referral)
        referral[ok, j] = previous_referral[ok]
        discharge[ok, j] = previous_discharge[ok]
        valid[:, j] = ok

    reason = np.full((n, 3), -1, dtype=np.int64)
    drawn = pick(rng, 3 * n, (0.42, 0.08, 0.04, 0.32, 0.03, 0.02, 0.05, 0.04)).reshape(n, 3)
    reason_codes = np.array(
        [
            -2,
            R["transferred_not_custody"],
            R["transferred_custody"],
            R["dropped_out"],
            R["withdrawn_by_provider"],
            R["retained_in_custody"],
            R["commencement_declined"],
            R["onward_referral_refused"],
        ]
    )
    reason[:] = reason_codes[drawn]
    completed = np.select(
        [p.group == OPIATE, p.group == ALCOHOL],
        [R["completed_drug_free"], R["completed_alcohol_free"]],
        np.where(rng.random(n) < 0.6, R["completed_drug_free"], R["completed_occasional_user"]),
    )
    reason = np.where(reason == -2, completed[:, None], reason)
    latest = reason[:, 0]
    m = sc == Scenario.UNPLANNED_EXIT
    latest[m] = np.where(rng.random(n) < 0.8, R["dropped_out"], R["withdrawn_by_provider"])[m]
    latest[sc == Scenario.DETOX] = completed[sc == Scenario.DETOX]
    m = prison & recent
    latest[m] = CUSTODY[(rng.random(n) < 0.3).astype(np.int64)][m]
    # A scenario person started treatment in their latest episode.
    m = (sc != Scenario.NONE) & (latest == R["commencement_declined"])
    latest[m] = R["dropped_out"]
    m = (status == IN_TREATMENT) & prison & valid[:, 1]
    reason[m, 1] = CUSTODY[(rng.random(n) < 0.3).astype(np.int64)][m]
    reason[discharge < 0] = -1

    floor = np.maximum(discharge, 0)
    triage = np.maximum(referral - between(rng, np.zeros_like(referral), 10), floor)
    start = np.maximum(triage - between(rng, np.zeros_like(referral), 21), floor)
    # The care plan starts no later than the interventions a scenario fixes.
    must_start_by = np.full(n, -1, dtype=np.int64)
    must_start_by[sc == Scenario.OST_STARTED] = day[sc == Scenario.OST_STARTED]
    m = np.isin(sc, (Scenario.OST_STOPPED, Scenario.UNPLANNED_EXIT))
    must_start_by[m] = np.minimum(day + p.ost_length, referral0)[m]
    m = sc == Scenario.DETOX
    must_start_by[m] = np.minimum(p.detox_start, referral0)[m]
    start[:, 0] = np.maximum(start[:, 0], must_start_by)
    triage = np.maximum(triage, start)
    start[reason == R["commencement_declined"]] = -1

    # Flatten, oldest episode first.
    person, column = np.nonzero(valid[:, ::-1])
    j = 2 - column
    first_referral = np.where(valid, referral, -1).max(axis=1)
    return Episodes(
        person=person,
        latest=j == 0,
        referral=referral[person, j],
        triage=triage[person, j],
        start=start[person, j],
        discharge=discharge[person, j],
        reason=reason[person, j],
        ids=np.zeros(len(person), dtype=np.int64),
        first_referral=first_referral,
        last_discharge=discharge0,
    )


def episode_rows(p: People, e: Episodes, refs, ids: NextIds, calendar, rng) -> Rows:
    ne = len(e.person)
    e.ids = ids.episode + np.arange(ne)
    ids.episode += ne
    who = e.person
    rows = Rows("episode", count=ne)
    rows.add("id", fc.integers(e.ids))
    rows.add("external_id", fc.uuids(rng, ne))
    rows.add("service_user", fc.integers(p.ids[who]))
    rows.add("team", fc.integers(p.team_id[who]))
    rows.add("referral_date", calendar.dates(e.referral))
    source = pick(rng, ne, (0.35, 0.12, 0.06, 0.06, 0.12, 0.05, 0.07, 0.05, 0.12))
    source[e.latest & np.isin(p.scenario[who], PRISON)] = REFERRAL_SOURCES.index("prison")
    rows.add("referral_source", fc.choices(REFERRAL_SOURCES, source))
    rows.add("triage_date", calendar.dates(e.triage))
    rows.add("start_date", calendar.dates(np.maximum(e.start, 0), null=e.start < 0))
    # Earlier episodes in this data mean "previously treated"; the first is a guess.
    has_earlier = np.r_[False, who[1:] == who[:-1]]
    rows.add(
        "previously_treated", fc.booleans(np.where(has_earlier, 1, tristate(rng, ne, 0.35, 0.10)))
    )
    substance_ids = np.array([refs.substance[code] for code in SUBSTANCES])
    for k in range(3):
        code = p.substances[who, k]
        rows.add(
            f"substance_{k + 1}", fc.integers(substance_ids[np.maximum(code, 0)], null=code < 0)
        )
    first_use = np.where(p.group == OPIATE, between(rng, 13, 25, p.n), between(rng, 12, 30, p.n))
    first_use = np.minimum(first_use, (p.age_days - e.first_referral) // YEAR)
    rows.add("age_first_use", fc.integers(first_use[who]))
    rows.add("route", fc.choices(ROUTES, _route(p, rng)[who]))
    rows.add("injecting_status", fc.choices(INJECTING, p.injecting[who]))
    housing = np.where(e.latest, p.accommodation[who], pick(rng, ne, (0.03, 0.15, 0.82)))
    rows.add("accommodation_need", fc.choices(ACCOMMODATION, housing))
    rows.add("dual_diagnosis", fc.booleans(p.dual_diagnosis[who]))
    parent = tristate(rng, p.n, 0.45, 0.10)
    children = np.where(parent == 1, pick(rng, p.n, (0.65, 0.2, 0.1, 0.05)), 0)
    rows.add("parental_status", fc.booleans(parent[who]))
    rows.add("children_living_with", fc.integers(children[who], null=parent[who] != 1))
    pregnant = np.where(p.sex == FEMALE, (rng.random(p.n) < 0.025).astype(np.int64), -1)
    rows.add(
        "pregnant",
        fc.booleans(np.where(e.latest, pregnant[who], np.where(p.sex[who] == FEMALE, 0, -1))),
    )
    rows.add(
        "employment_status",
        fc.choices(EMPLOYMENT, pick(rng, ne, (0.18, 0.30, 0.42, 0.02, 0.03, 0.05))),
    )
    closed = e.discharge >= 0
    rows.add("discharge_date", calendar.dates(e.floor, null=~closed))
    reason_ids = np.array([refs.discharge_reason[code] for code in REASONS])
    rows.add("discharge_reason", fc.integers(reason_ids[np.maximum(e.reason, 0)], null=~closed))
    destination = np.where(closed, e.reason, len(REASONS))
    rows.add("discharge_destination", fc.choices([*DESTINATION_FOR_REASON, ""], destination))
    rows.add("created_at", fc.constant(refs.created_at, ne))
    rows.add("updated_at", fc.constant(refs.created_at, ne))
    return rows


def _route(p: People, rng) -> np.ndarray:
    inject, sniff, smoke, oral = 0, 1, 2, 3
    main = p.substances[:, 0]
    by_substance = np.full(len(SUBSTANCES), smoke)
    by_substance[[S["cocaine"], S["mephedrone"], S["ketamine"]]] = sniff
    by_substance[
        [
            S["amphetamine"],
            S["alcohol"],
            S["benzodiazepine"],
            S["pregabalin"],
            S["gabapentin"],
            S["methadone_illicit"],
            S["buprenorphine_illicit"],
        ]
    ] = oral
    route = by_substance[main]
    opiate_route = np.array([smoke, oral, sniff])[pick(rng, p.n, (0.85, 0.10, 0.05))]
    route = np.where(p.group == OPIATE, opiate_route, route)
    route[(p.injecting == CURRENTLY_INJECTING) & (p.group != ALCOHOL)] = inject
    return route


# ---------------------------------------------------------------------------
# Interventions


def intervention_rows(p: People, e: Episodes, refs, ids: NextIds, calendar, rng) -> Rows:
    ne = len(e.person)
    who = e.person
    sc = p.scenario[who]
    day = p.day[who]
    floor = e.floor
    open_ = e.discharge < 0
    started = e.start >= 0
    completed = np.isin(e.reason, COMPLETED)
    exit_default = np.where(open_, -1, EXIT_FOR_REASON[np.maximum(e.reason, 0)])
    latest = e.latest
    parts: list[dict[str, np.ndarray]] = []

    def part(mask, kind, setting, start, end, exit_status):
        start = np.minimum(np.maximum(start, floor), e.referral)
        end = np.where(end >= 0, np.minimum(end, start), -1)
        parts.append(
            {
                "episode": np.flatnonzero(mask),
                "kind": np.full(mask.sum(), kind),
                "setting": np.full(mask.sum(), setting) if np.isscalar(setting) else setting[mask],
                "start": start[mask],
                "end": end[mask],
                "exit": np.where(end >= 0, exit_status, -1)[mask],
            }
        )

    # Psychosocial key work runs the length of every started episode.
    part(started, PSYCHOSOCIAL, 0, e.start - between(rng, 0, 14, ne), e.discharge, exit_default)

    # OST for most opiate episodes; the scenarios fix their own starts and stops.
    opiate = p.group[who] == OPIATE
    # Nearly everyone currently in treatment for opiates is on OST; not_on_ost marks the rest.
    ost = started & opiate & (rng.random(ne) < np.where(latest & open_, 0.98, 0.85))
    forced = latest & np.isin(sc, OST_SCENARIOS)
    ost |= forced & started
    ost_start = e.start - between(rng, 0, 28, ne)
    ost_end = e.discharge.copy()
    ost_exit = exit_default.copy()
    # Successful completions come off OST before discharge, as planned withdrawal.
    ost_end[completed] = (e.discharge + between(rng, 0, 90, ne))[completed]
    ost_exit[completed] = PLANNED
    m = latest & (sc == Scenario.OST_STARTED)
    ost_start[m], ost_end[m] = day[m], -1
    m = latest & np.isin(sc, (Scenario.OST_STOPPED, Scenario.UNPLANNED_EXIT))
    ost_start[m] = (day + p.ost_length[who])[m]
    ost_end[m], ost_exit[m] = day[m], UNPLANNED
    m = latest & (sc == Scenario.DETOX)
    ost_end[m] = (p.detox_start[who] + between(rng, 0, 7, ne))[m]
    ost_exit[m] = PLANNED
    # Opiate users in treatment but not on OST: never prescribed, or stopped long ago.
    no_ost = latest & p.not_on_ost[who]
    stopped_long_ago = no_ost & (rng.random(ne) < 0.5) & (ost_start >= 70)
    ost &= ~(no_ost & ~stopped_long_ago)
    ost_end[stopped_long_ago] = between(rng, 61, ost_start)[stopped_long_ago]
    ost_exit[stopped_long_ago] = np.where(rng.random(ne) < 0.6, PLANNED, UNPLANNED)[
        stopped_long_ago
    ]
    first_ost = len(parts)
    part(ost, PHARMACOLOGICAL, 0, ost_start, ost_end, ost_exit)

    # Recovery support for some; always after a completed detox.
    support = started & (rng.random(ne) < 0.25)
    support_start = e.start - between(rng, 30, 400, ne)
    m = latest & (sc == Scenario.DETOX)
    support |= m & started
    support_start[m] = (day - between(rng, 0, 14, ne))[m]
    support_exit = np.where(completed | (exit_default == PLANNED), PLANNED, exit_default)
    part(support, RECOVERY_SUPPORT, 5, support_start, e.discharge, support_exit)

    # Detox or residential rehab: the recent completions, and some in the past.
    detox = latest & (sc == Scenario.DETOX) & started
    residential = p.residential[who]
    part(detox & ~residential, INPATIENT_DETOX, 1, p.detox_start[who], day, PLANNED)
    part(detox & residential, RESIDENTIAL, 2, p.detox_start[who], day, PLANNED)
    past = started & completed & ~detox & (rng.random(ne) < 0.15)
    past_end = e.discharge + between(rng, 0, 30, ne)
    part(past, INPATIENT_DETOX, 1, past_end + between(rng, 7, 28, ne), past_end, PLANNED)

    merged = {key: np.concatenate([x[key] for x in parts]) for key in parts[0]}
    is_ost = np.zeros(len(merged["kind"]), dtype=bool)
    offset = sum(len(x["kind"]) for x in parts[:first_ost])
    is_ost[offset : offset + len(parts[first_ost]["kind"])] = True
    order = np.lexsort((-merged["start"], merged["episode"]))
    merged = {key: value[order] for key, value in merged.items()}
    is_ost = is_ost[order]
    count = len(order)
    episode = merged["episode"]

    rows = Rows("intervention", count=count)
    rows.add("id", fc.integers(ids.intervention + np.arange(count)))
    ids.intervention += count
    rows.add("external_id", fc.uuids(rng, count))
    rows.add("episode", fc.integers(e.ids[episode]))
    rows.add("kind", fc.choices(KINDS, merged["kind"]))
    rows.add("setting", fc.choices(SETTINGS, merged["setting"]))
    start, end = merged["start"], merged["end"]
    referred = np.minimum(start + between(rng, 0, 21, count), e.referral[episode])
    offered = start + np.floor(rng.random(count) * (referred - start + 1)).astype(np.int64)
    unknown = rng.random(count) < 0.1
    rows.add("referral_date", calendar.dates(referred, null=unknown))
    rows.add("first_offered_date", calendar.dates(offered, null=unknown))
    rows.add("start_date", calendar.dates(start))
    rows.add("end_date", calendar.dates(np.maximum(end, 0), null=end < 0))
    rows.add("exit_status", fc.choices([*EXITS, ""], np.where(end >= 0, merged["exit"], 3)))

    intention = pick(rng, count, (0.30, 0.10, 0.60))
    intention[is_ost & np.isin(e.reason[episode], COMPLETED)] = 1
    medicine = pick(rng, count, (0.65, 0.25, 0.06, 0.01, 0.03))
    dose = np.select(
        [medicine == 0, medicine == 1, medicine == 2, medicine == 3],
        [
            np.clip(np.round(rng.normal(60, 20, count) / 5) * 5, 10, 150),
            2 * between(rng, 2, 12, count),
            np.array([64, 96, 128, 160])[rng.integers(0, 4, count)],
            between(rng, 20, 80, count) * 5,
        ],
        between(rng, 10, 60, count),
    ).astype(np.int64)
    rows.add("intention", fc.choices([*INTENTIONS, ""], np.where(is_ost, intention, 3)))
    rows.add("medicine", fc.choices([*MEDICINES, ""], np.where(is_ost, medicine, 5)))
    rows.add("daily_dose_mg", fc.integers(dose, null=~is_ost))
    supervised = np.where(is_ost, tristate(rng, count, 0.45, 0.10), -1)
    rows.add("supervised", fc.booleans(supervised))
    rows.add("created_at", fc.constant(refs.created_at, count))
    return rows
