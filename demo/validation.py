"""The validation population's outcomes: deaths and near-fatal overdoses drawn day by day.

`outcomes_simulate` reads the seeded records (people, their latest episode, episodes, OST
prescriptions and events) in a few COPY statements, draws outcomes over the last
`hazard.SPAN_DAYS` days with the daily hazard in `demo.hazard`, and writes them with
set-based SQL: dates of death, overdose events, and the records a death makes impossible
removed or closed (contacts, events, naloxone supplies and TOPs dated after it; later
episodes and interventions gone; open ones ended on the death date, "client died").

The days run in order over arrays of people, so an overdose drawn on a day raises the
person's hazard from the next day (row 4's dose-response). Everything is drawn from
`numpy.random.default_rng` seeded from the population's seed: the same seed on the same
day gives the same outcomes. This module never reads the rule set.
"""

import datetime
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from demo import hazard

NEVER = -(10**6)  # the day of an event that never happened: far before any window

PEOPLE_SQL = """
    WITH latest AS (
        SELECT DISTINCT ON (service_user_id) *
        FROM cases_treatmentepisode
        ORDER BY service_user_id, referral_date DESC, id DESC
    )
    SELECT p.id,
           p.date_of_birth - %(origin)s::date,
           (p.sex = 'M')::int,
           (coalesce(s1.category, '') = 'opioid')::int,
           (coalesce(s1.category, '') = 'alcohol')::int,
           (coalesce(e.injecting_status, '') = 'current')::int,
           ('benzodiazepine' IN (coalesce(s2.category, ''), coalesce(s3.category, '')))::int,
           ('gabapentinoid' IN (coalesce(s2.category, ''), coalesce(s3.category, '')))::int,
           ('alcohol' IN (coalesce(s2.category, ''), coalesce(s3.category, '')))::int,
           (coalesce(e.accommodation_need, '') = 'urgent')::int,
           coalesce(e.dual_diagnosis, false)::int
    FROM cases_serviceuser p
    LEFT JOIN latest e ON e.service_user_id = p.id
    LEFT JOIN cases_substance s1 ON s1.id = e.substance_1_id
    LEFT JOIN cases_substance s2 ON s2.id = e.substance_2_id
    LEFT JOIN cases_substance s3 ON s3.id = e.substance_3_id
    WHERE p.date_of_death IS NULL
    ORDER BY p.id
"""
PRISON, HOSPITAL, OVERDOSE, DETOX = 0, 1, 2, 3
EVENTS_SQL = f"""
    SELECT service_user_id,
           CASE kind WHEN 'prison_release' THEN {PRISON} WHEN 'hospital_discharge' THEN {HOSPITAL}
                WHEN 'non_fatal_overdose' THEN {OVERDOSE} ELSE {DETOX} END,
           occurred_on - %(origin)s::date
    FROM cases_event
    WHERE status = 'happened' AND service_user_id IS NOT NULL
      AND kind IN ('prison_release', 'hospital_discharge', 'non_fatal_overdose',
                   'detox_completed', 'residential_completed')
"""
EPISODES_SQL = """
    SELECT service_user_id, referral_date - %(origin)s::date,
           coalesce(discharge_date - %(origin)s::date, 1000000)
    FROM cases_treatmentepisode
"""
OST_SQL = """
    SELECT e.service_user_id, i.start_date - %(origin)s::date,
           coalesce(i.end_date - %(origin)s::date, 1000000)
    FROM cases_intervention i JOIN cases_treatmentepisode e ON e.id = i.episode_id
    WHERE i.kind = 'pharmacological'
"""


@dataclass
class Records:
    """What the simulation reads, as arrays; days are counted from the first simulated day."""

    person_ids: np.ndarray
    static: hazard.Static
    events: tuple[np.ndarray, np.ndarray, np.ndarray]  # person index, kind, day
    episodes: tuple[np.ndarray, np.ndarray, np.ndarray]  # person index, start, end
    ost: tuple[np.ndarray, np.ndarray, np.ndarray]  # person index, start, end


@dataclass
class Drawn:
    """The outcomes drawn: deaths (person index, day) and overdoses (person index, day)."""

    death_person: np.ndarray
    death_day: np.ndarray
    overdose_person: np.ndarray
    overdose_day: np.ndarray
    base_death: float
    base_overdose: float
    person_days: int
    deaths_in_treatment: int = 0


@dataclass
class Summary:
    people: int
    deaths: int
    overdoses: int
    seconds: float
    base_death: float
    base_overdose: float
    person_years: float
    deaths_in_treatment: int = 0
    months: list[tuple[str, int, int]] = field(default_factory=list)

    def text(self) -> str:
        per_1000 = 1000 / self.person_years if self.person_years else 0.0
        lines = [
            f"Validation outcomes over the last {hazard.SPAN_DAYS} days, drawn in "
            f"{self.seconds:.1f}s for {self.people:,} people: {self.deaths:,} deaths "
            f"({self.deaths * per_1000:.2f} per 1,000 a year) and {self.overdoses:,} near-fatal "
            f"overdoses ({self.overdoses * per_1000:.2f} per 1,000 a year); base hazards "
            f"{self.base_death * 365:.5f} and {self.base_overdose * 365:.5f} a year. "
            f"{self.deaths_in_treatment:,} of the deaths were of people in treatment that day.",
            f"  {'month':<8} {'deaths':>8} {'overdoses':>10}",
        ]
        lines += [f"  {month:<8} {d:>8,} {o:>10,}" for month, d, o in self.months]
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Reading


def _read(cursor, sql: str, origin: datetime.date, names: list[str]) -> pd.DataFrame:
    buffer = io.BytesIO()
    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", {"origin": origin}) as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    if not buffer.getbuffer().nbytes:
        return pd.DataFrame({name: np.zeros(0, dtype=np.int64) for name in names})
    return pd.read_csv(buffer, header=None, names=names, dtype="int64")


def records_read(raw, origin: datetime.date, rng: np.random.Generator) -> Records:
    """Read the seeded records; draw what no record shows (frailty, unrecorded use)."""
    with raw.cursor() as cursor:
        people = _read(
            cursor,
            PEOPLE_SQL,
            origin,
            [
                "id",
                "born",
                "male",
                "opioid",
                "alcohol_main",
                "injecting",
                "benzo",
                "gaba",
                "alcohol",
                "nfa",
                "mental",
            ],
        )
        events = _read(cursor, EVENTS_SQL, origin, ["person", "kind", "day"])
        episodes = _read(cursor, EPISODES_SQL, origin, ["person", "start", "end"])
        ost = _read(cursor, OST_SQL, origin, ["person", "start", "end"])
    ids = people["id"].to_numpy()
    n = len(ids)

    def column(name: str) -> np.ndarray:
        return people[name].to_numpy().astype(bool)

    opioid = column("opioid")
    unrecorded_benzo = opioid & (rng.random(n) < hazard.UNRECORDED_BENZODIAZEPINES)
    static = hazard.Static(
        opioid=opioid,
        alcohol_main=column("alcohol_main"),
        male=column("male"),
        born_day=people["born"].to_numpy(),
        injecting=column("injecting"),
        benzodiazepines=column("benzo") | unrecorded_benzo,
        gabapentinoids=column("gaba"),
        alcohol=column("alcohol"),
        no_fixed_abode=column("nfa"),
        mental_health=column("mental"),
        frailty=hazard.frailty(rng, n),
    )

    def indexed(frame: pd.DataFrame, *columns: str) -> tuple[np.ndarray, ...]:
        person = frame["person"].to_numpy()
        at = np.minimum(np.searchsorted(ids, person), max(n - 1, 0))
        known = (ids[at] == person) if n else np.zeros(len(person), dtype=bool)
        return (at[known], *(frame[c].to_numpy()[known] for c in columns))

    return Records(
        person_ids=ids,
        static=static,
        events=indexed(events, "kind", "day"),  # type: ignore[arg-type]
        episodes=indexed(episodes, "start", "end"),  # type: ignore[arg-type]
        ost=indexed(ost, "start", "end"),  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------------------
# Drawing


class Latest:
    """Each person's latest day of one kind of happening, as the days go by."""

    def __init__(self, n: int, person: np.ndarray, day: np.ndarray) -> None:
        order = np.argsort(day, kind="stable")
        self.person, self.day = person[order], day[order]
        self.at = 0
        self.value = np.full(n, NEVER, dtype=np.int64)

    def advance(self, today: int) -> np.ndarray:
        end = int(np.searchsorted(self.day, today, side="right"))
        if end > self.at:
            np.maximum.at(self.value, self.person[self.at : end], self.day[self.at : end])
            self.at = end
        return self.value


class Open:
    """How many of each person's intervals (start <= day < end) are open, day by day."""

    def __init__(self, n: int, person: np.ndarray, start: np.ndarray, end: np.ndarray) -> None:
        self.count = np.zeros(n, dtype=np.int64)
        self.starts = Latest(n, person, start)
        self.ends = Latest(n, person, end)
        self._marks = [(self.starts, 1), (self.ends, -1)]

    def advance(self, today: int) -> np.ndarray:
        for latest, sign in self._marks:
            end = int(np.searchsorted(latest.day, today, side="right"))
            if end > latest.at:
                people = latest.person[latest.at : end]
                np.add.at(self.count, people, sign)
                np.maximum.at(latest.value, people, latest.day[latest.at : end])
                latest.at = end
        return self.count > 0


def outcomes_draw(
    records: Records,
    rng: np.random.Generator,
    span: int = hazard.SPAN_DAYS,
    on_day: Callable[[int], None] | None = None,
) -> Drawn:
    """Draw deaths and overdoses for days 0..span-1, in order. Pure numpy."""
    s = records.static
    n = len(records.person_ids)
    person, kind, day = records.events

    def latest_of(k: int) -> Latest:
        return Latest(n, person[kind == k], day[kind == k])

    prison, hospital, detox = latest_of(PRISON), latest_of(HOSPITAL), latest_of(DETOX)
    od = kind == OVERDOSE
    overdoses = Open(n, person[od], day[od], day[od] + hazard.OVERDOSE_WINDOW_DAYS)
    episodes = Open(n, *records.episodes)
    ost = Open(n, *records.ost)
    fixed = hazard.static_ratio(s)
    alive = np.ones(n, dtype=bool)
    died = np.full(n, -1, dtype=np.int64)
    expiring: dict[int, np.ndarray] = {}
    od_people: list[np.ndarray] = []
    od_days: list[np.ndarray] = []
    base_death = base_overdose = 0.0
    person_days = 0
    deaths_in_treatment = 0
    for t in range(span):
        in_treatment = episodes.advance(t)
        on_ost = ost.advance(t)
        overdoses.advance(t)
        if t in expiring:
            np.add.at(overdoses.count, expiring.pop(t), -1)
        today = hazard.Today(
            day=t,
            since_prison=t - prison.advance(t),
            since_hospital=t - hospital.advance(t),
            since_detox=t - detox.advance(t),
            since_ost_start=t - ost.starts.value,
            since_ost_stop=t - ost.ends.value,
            on_ost=on_ost,
            in_treatment=in_treatment,
            overdoses_12m=overdoses.count,
        )
        if t == 0:
            base_death, base_overdose = _calibrate(s, today, fixed, alive, episodes.ends.value)
        death_h, overdose_h = hazard.daily_hazards(s, today, base_death, base_overdose, fixed)
        living = alive & (s.born_day < t)
        dies = living & (rng.random(n) < -np.expm1(-death_h))
        overdosed = living & ~dies & (rng.random(n) < -np.expm1(-overdose_h))
        person_days += int(living.sum())
        died[dies] = t
        deaths_in_treatment += int((dies & in_treatment).sum())
        alive &= ~dies
        who = np.flatnonzero(overdosed)
        if len(who):
            od_people.append(who)
            od_days.append(np.full(len(who), t))
            overdoses.count[who] += 1  # from tomorrow, for 12 months
            expiring[t + hazard.OVERDOSE_WINDOW_DAYS] = who
        if on_day is not None:
            on_day(t)
    dead = np.flatnonzero(died >= 0)
    return Drawn(
        death_person=dead,
        death_day=died[dead],
        overdose_person=np.concatenate(od_people) if od_people else np.zeros(0, np.int64),
        overdose_day=np.concatenate(od_days) if od_days else np.zeros(0, np.int64),
        base_death=base_death,
        base_overdose=base_overdose,
        person_days=person_days,
        deaths_in_treatment=deaths_in_treatment,
    )


def _calibrate(
    s: hazard.Static,
    today: hazard.Today,
    fixed: np.ndarray,
    alive: np.ndarray,
    last_discharge: np.ndarray,
) -> tuple[float, float]:
    """Base hazards that give the opioid clients in treatment or discharged in the last
    12 months the published yearly rates on the first day (see `hazard`)."""
    clients = alive & s.opioid & (today.in_treatment | (today.day - last_discharge < 365))
    if not clients.any():
        clients = alive
    if not clients.any():
        return 0.0, 0.0
    death, overdose = hazard.daily_ratios(s, today)
    mean_death = float((fixed * death)[clients].mean())
    mean_overdose = float((fixed * overdose)[clients].mean())
    return (
        hazard.DEATH_RATE_OPIOID_CLIENTS / 365 / mean_death,
        hazard.OVERDOSE_RATE_OPIOID_CLIENTS / 365 / mean_overdose,
    )


# ---------------------------------------------------------------------------
# Writing


CLEAN_UP_AFTER_DEATH = (
    """DELETE FROM cases_contact c USING validation_death d
       WHERE c.service_user_id = d.person_id AND c.contact_date > d.died_on""",
    # A kit that reported an overdose before the death but was itself handed over after it:
    # the overdose stays, told by someone else.
    """UPDATE cases_event v SET source_supply_id = NULL, information_source = 'other'
       FROM cases_naloxonesupply k, validation_death d
       WHERE v.source_supply_id = k.id AND k.service_user_id = d.person_id
         AND k.supplied_on > d.died_on""",
    """DELETE FROM cases_event v USING validation_death d
       WHERE v.service_user_id = d.person_id AND v.occurred_on > d.died_on""",
    """DELETE FROM cases_naloxonesupply k USING validation_death d
       WHERE k.service_user_id = d.person_id AND k.supplied_on > d.died_on""",
    """DELETE FROM outcomes_topassessment t USING validation_death d
       WHERE t.service_user_id = d.person_id AND t.top_date > d.died_on""",
    """DELETE FROM outcomes_topassessment t
       USING cases_treatmentepisode e, validation_death d
       WHERE t.episode_id = e.id AND e.service_user_id = d.person_id
         AND e.referral_date > d.died_on""",
    """DELETE FROM cases_intervention i USING cases_treatmentepisode e, validation_death d
       WHERE i.episode_id = e.id AND e.service_user_id = d.person_id
         AND (i.start_date > d.died_on OR e.referral_date > d.died_on)""",
    """DELETE FROM cases_treatmentepisode e USING validation_death d
       WHERE e.service_user_id = d.person_id AND e.referral_date > d.died_on""",
    """UPDATE cases_intervention i SET end_date = d.died_on, exit_status = 'unplanned'
       FROM cases_treatmentepisode e, validation_death d
       WHERE i.episode_id = e.id AND e.service_user_id = d.person_id
         AND (i.end_date IS NULL OR i.end_date > d.died_on)""",
    """UPDATE cases_treatmentepisode e
       SET discharge_date = d.died_on, discharge_reason_id = %(died)s,
           discharge_destination = '',
           triage_date = LEAST(e.triage_date, d.died_on),
           start_date = CASE WHEN e.start_date > d.died_on THEN NULL ELSE e.start_date END,
           updated_at = %(now)s
       FROM validation_death d
       WHERE e.service_user_id = d.person_id
         AND (e.discharge_date IS NULL OR e.discharge_date > d.died_on)""",
    """UPDATE cases_serviceuser p SET date_of_death = d.died_on, updated_at = %(now)s
       FROM validation_death d WHERE p.id = d.person_id""",
)

OVERDOSE_INSERT = """
    INSERT INTO cases_event (
        external_id, service_user_id, kind, status, occurred_on, notes, occurred_at_time,
        place, substances_suspected, naloxone_given_by, naloxone_doses, responders,
        taken_to_hospital, information_source, followup_basis, recorded_by_id, created_at
    )
    SELECT o.external_id, o.person_id, 'non_fatal_overdose', 'happened', o.occurred_on, '',
           o.occurred_at_time, '', o.substances::varchar[], o.giver, o.doses,
           o.responders::varchar[], o.hospital, o.source, 'direct_care', p.keyworker_id,
           %(now)s
    FROM validation_overdose o JOIN cases_serviceuser p ON p.id = o.person_id
    ORDER BY o.person_id, o.occurred_on
"""


def _copy(cursor, table: str, frame: pd.DataFrame) -> None:
    data = frame.to_csv(index=False, header=False, na_rep="").encode()
    columns = ", ".join(frame.columns)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(data)


def _overdose_records(
    drawn: Drawn, records: Records, origin: datetime.date, rng: np.random.Generator
) -> pd.DataFrame:
    """The minimum overdose record for each drawn overdose, as a notifier would give it."""
    who, day = drawn.overdose_person, drawn.overdose_day
    m = len(who)
    s = records.static
    substances = np.where(
        s.benzodiazepines[who] & s.opioid[who],
        "{opioids,benzodiazepines}",
        np.where(s.opioid[who], "{opioids}", "{unknown}"),
    )
    substances = np.where(s.alcohol[who] & s.opioid[who], "{opioids,alcohol}", substances)
    giver = np.array(["ambulance", "peer", "not_given"])[
        np.searchsorted([0.6, 0.9], rng.random(m), side="right")
    ]
    doses = pd.Series(rng.integers(1, 4, m)).astype("Int64").where(giver != "not_given")
    responders = np.where(giver == "peer", "{peer,ambulance}", "{ambulance}")
    hospital = rng.random(m) < 0.6
    source = np.array(["ambulance", "emergency_dept", "person"])[
        np.searchsorted([0.4, 0.8], rng.random(m), side="right")
    ]
    minutes = 5 * rng.integers(0, 288, m)
    uuids = rng.integers(0, 2**63, (m, 2), dtype=np.int64)
    return pd.DataFrame(
        {
            "external_id": [_uuid(a, b) for a, b in uuids],
            "person_id": records.person_ids[who],
            "occurred_on": [str(origin + datetime.timedelta(days=int(d))) for d in day],
            "occurred_at_time": [f"{x // 60:02d}:{x % 60:02d}" for x in minutes],
            "substances": substances,
            "giver": giver,
            "doses": doses,
            "responders": responders,
            "hospital": hospital,
            "source": source,
        }
    )


def _uuid(high: int, low: int) -> str:
    value = (int(high) << 64 | int(low)) & ~(0xF000 << 64) | (0x4000 << 64)
    value = value & ~(0xC000 << 48) | (0x8000 << 48)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def outcomes_write(raw, drawn: Drawn, records: Records, origin: datetime.date, rng) -> None:
    """Write the drawn outcomes and tidy what a death makes impossible, set-based."""
    now = timezone.now()
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM cases_dischargereason WHERE code = 'client_died' "
            "AND dataset_version = 'current'"
        )
        row = cursor.fetchone()
        if row is None:
            raise RuntimeError("The 'client_died' discharge reason is missing.")
        cursor.execute(
            "CREATE TEMP TABLE validation_death (person_id bigint PRIMARY KEY, died_on date)"
            " ON COMMIT DROP"
        )
        deaths = pd.DataFrame(
            {
                "person_id": records.person_ids[drawn.death_person],
                "died_on": [str(origin + datetime.timedelta(days=int(d))) for d in drawn.death_day],
            }
        )
        _copy(cursor, "validation_death", deaths)
        for statement in CLEAN_UP_AFTER_DEATH:
            cursor.execute(statement, {"died": row[0], "now": now})
        cursor.execute(
            """CREATE TEMP TABLE validation_overdose (
                external_id uuid, person_id bigint, occurred_on date, occurred_at_time time,
                substances text, giver text, doses int, responders text, hospital boolean,
                source text) ON COMMIT DROP"""
        )
        _copy(cursor, "validation_overdose", _overdose_records(drawn, records, origin, rng))
        cursor.execute(OVERDOSE_INSERT, {"now": now})
        # ON COMMIT DROP is not enough inside an outer transaction (a test's, a caller's).
        cursor.execute("DROP TABLE validation_death, validation_overdose")


def outcomes_simulate(*, seed: int, today: datetime.date | None = None, progress=None) -> Summary:
    """Draw and write the validation outcomes for the seeded population; see the module doc."""
    started = time.monotonic()
    today = today or timezone.localdate()
    origin = today - datetime.timedelta(days=hazard.SPAN_DAYS)
    rng = np.random.default_rng([seed, 7])
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection
        records = records_read(raw, origin, rng)

        def tick(t: int) -> None:
            if progress is not None:
                progress.bar("outcomes", t + 1, hazard.SPAN_DAYS, f"day {t + 1}")

        drawn = outcomes_draw(records, rng, on_day=tick)
        outcomes_write(raw, drawn, records, origin, rng)
    return _summary(drawn, records, origin, time.monotonic() - started)


def _summary(drawn: Drawn, records: Records, origin: datetime.date, seconds: float) -> Summary:
    def month_of(days: np.ndarray) -> np.ndarray:
        dates = np.datetime64(origin) + days.astype("timedelta64[D]")
        return dates.astype("datetime64[M]")

    deaths = month_of(drawn.death_day)
    overdoses = month_of(drawn.overdose_day)
    first = np.datetime64(origin, "M")
    last = (np.datetime64(origin) + np.timedelta64(hazard.SPAN_DAYS - 1, "D")).astype(
        "datetime64[M]"
    )
    months = []
    month = first
    while month <= last:
        months.append((str(month), int((deaths == month).sum()), int((overdoses == month).sum())))
        month = month + np.timedelta64(1, "M")
    return Summary(
        people=len(records.person_ids),
        deaths=len(drawn.death_person),
        overdoses=len(drawn.overdose_person),
        seconds=seconds,
        base_death=drawn.base_death,
        base_overdose=drawn.base_overdose,
        person_years=drawn.person_days / 365.25,
        deaths_in_treatment=drawn.deaths_in_treatment,
        months=months,
    )
