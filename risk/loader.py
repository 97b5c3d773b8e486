"""Database rows into the engine's frames, in bulk.

Each frame is one SQL statement read by `core.frames`: streamed out with
`COPY ... TO STDOUT` into a single buffer and parsed once by pandas (the fast
path measured in the platform notes; never row by row through the ORM). Dates
travel as day numbers, which are cheaper to parse than text. The statements already cut
each frame to what the enabled rules can see: the population (in treatment, or
discharged in the last 12 months, and alive on the date), each person's latest episode, latest
naloxone supply and latest TOP, and only as much dated history as the longest
window reading it.

The same statements load one chunk of people (`chunk`, `chunks`) for a
recompute split across workers, or one person (`load_person_frames`) for the
recompute after a save: there each is one indexed read, fetched without COPY.

Whichever way they are read, the frames are the same (`core.frames`): ids and
other whole numbers `int64` (`float64` where a null is among them; every
column of an empty frame but the text ones), texts (`sex`, `kind`, `status`)
`object`, dates `datetime64[s]` (NaT for none), yes/no columns `bool`.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core import frames
from risk import engine


@dataclass(frozen=True)
class Selection:
    """Which people to load: everyone, one person, or one chunk of many."""

    person_id: int | None = None
    chunk: int = 0
    chunks: int = 1

    def clause(self, column: str) -> str:
        if self.person_id is not None:
            return f"{column} = {int(self.person_id)}"
        if self.chunks > 1:
            return f"mod({column}, {int(self.chunks)}) = {int(self.chunk)}"
        # Records of nobody yet (an overdose of someone not yet known, a naloxone kit given
        # to someone who is not a client) are nobody's risk.
        return f"{column} IS NOT NULL"


# The episodes that put a person in the population on %(as_of)s (see `population_params`):
# referred by the date, and open or closed within the population window. Other readers of
# the population (the fairness report) use the same condition.
POPULATION_EPISODES = (
    "e.referral_date <= %(as_of)s"
    " AND (e.discharge_date IS NULL OR e.discharge_date >= %(population_from)s)"
)


def population_params(as_of: datetime.date) -> dict[str, datetime.date]:
    """The parameters `POPULATION_EPISODES` reads."""
    return {
        "as_of": as_of,
        "population_from": as_of - datetime.timedelta(days=engine.POPULATION_DAYS_SINCE_DISCHARGE),
    }


# One statement per frame. `{who}` narrows to everyone, one person or one
# chunk. Every frame is cut to the dates the rules can see; the engine itself
# picks the population and each person's latest episode, so no statement needs
# to join the others.
FRAME_SQL: dict[str, str] = {
    # Episodes open on the date or closed within the population window; an
    # episode that closed earlier cannot be anyone's latest in the population.
    "episodes": """
        SELECT e.id, e.service_user_id,
               e.referral_date - DATE '1970-01-01',
               CASE WHEN e.discharge_date <= %(as_of)s
                    THEN e.discharge_date - DATE '1970-01-01' END,
               {episode_bits}
        FROM cases_treatmentepisode e
        JOIN cases_substance s1 ON s1.id = e.substance_1_id
        LEFT JOIN cases_substance s2 ON s2.id = e.substance_2_id
        LEFT JOIN cases_substance s3 ON s3.id = e.substance_3_id
        LEFT JOIN cases_dischargereason r ON r.id = e.discharge_reason_id
        WHERE {population}
          AND {who:e.service_user_id}
          -- From the date of death a person leaves the population (a small
          -- hashed set, read through a partial index).
          AND e.service_user_id NOT IN (
              SELECT d.id FROM cases_serviceuser d WHERE d.date_of_death <= %(as_of)s
          )
    """,
    "people": """
        SELECT p.id, p.sex, p.date_of_birth - DATE '1970-01-01', {people_bits}
        FROM cases_serviceuser p
        WHERE {who:p.id}
    """,
    # OST and residential/detox stays: those running on the date, and those that
    # started or ended inside the longest window reading them.
    "interventions": """
        SELECT i.id, e.service_user_id, i.kind,
               i.start_date - DATE '1970-01-01',
               CASE WHEN i.end_date <= %(as_of)s THEN i.end_date - DATE '1970-01-01' END,
               {intervention_bits}
        FROM cases_intervention i
        JOIN cases_treatmentepisode e ON e.id = i.episode_id
        WHERE i.start_date <= %(as_of)s
          AND (i.end_date IS NULL OR i.end_date >= %(interventions_from)s
               OR i.start_date >= %(interventions_from)s)
          AND ((i.kind = 'pharmacological' AND i.medicine <> '')
               OR i.kind IN ('inpatient_detox', 'residential'))
          AND {who:e.service_user_id}
    """,
    "events": """
        SELECT v.id, v.service_user_id, v.kind, v.occurred_on - DATE '1970-01-01'
        FROM cases_event v
        WHERE v.occurred_on BETWEEN %(events_from)s AND %(as_of)s AND {who:v.service_user_id}
          -- An expected release or discharge fires nothing until confirmed as happened.
          AND v.status = 'happened'
    """,
    # Only missed appointments after the last attended one can count towards a
    # run of them, so the rest never leave the database.
    "contacts": """
        SELECT c.id, c.service_user_id, c.contact_date - DATE '1970-01-01', c.status
        FROM cases_contact c
        WHERE c.contact_date BETWEEN %(contacts_from)s AND %(as_of)s
          AND c.status = 'dna' AND {who:c.service_user_id}
          AND NOT EXISTS (
              SELECT 1 FROM cases_contact a
              WHERE a.service_user_id = c.service_user_id AND a.status = 'attended'
                AND a.contact_date > c.contact_date AND a.contact_date <= %(as_of)s
          )
    """,
    "naloxone": """
        SELECT DISTINCT ON (n.service_user_id) n.id, n.service_user_id,
               n.supplied_on - DATE '1970-01-01', n.expiry_date - DATE '1970-01-01'
        FROM cases_naloxonesupply n
        WHERE n.supplied_on <= %(as_of)s AND {who:n.service_user_id}
        ORDER BY n.service_user_id, n.supplied_on DESC, n.id DESC
    """,
    "tops": """
        SELECT DISTINCT ON (t.service_user_id) t.id, t.service_user_id,
               t.top_date - DATE '1970-01-01', t.opiuse, t.alcuse, t.ivdrguse,
               {top_bits}
        FROM outcomes_topassessment t
        WHERE t.top_date BETWEEN %(tops_from)s AND %(as_of)s AND {who:t.service_user_id}
        ORDER BY t.service_user_id, t.top_date DESC, t.id DESC
    """,
}

WHO = re.compile(r"\{who:([a-z_.]+)\}")

# Which selected columns are day numbers, booleans or whole numbers, per frame.
DATE_COLUMNS = {
    "people": ("date_of_birth",),
    "episodes": ("referral_date", "discharge_date"),
    "interventions": ("start_date", "end_date"),
    "events": ("occurred_on",),
    "contacts": ("contact_date",),
    "naloxone": ("supplied_on", "expiry_date"),
    "tops": ("top_date",),
}
# Yes/no columns travel packed into one integer per row (one bit each, NULL
# as no): parsing one number is far cheaper than parsing nine words.
BOOL_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "people": (("lives_alone", "p.lives_alone"),),
    "episodes": (
        ("unplanned_exit", "r.is_unplanned_exit"),
        ("opioid_main", "s1.category = 'opioid'"),
        ("opioid", "'opioid' IN (s1.category, s2.category, s3.category)"),
        ("benzodiazepine", "'benzodiazepine' IN (s1.category, s2.category, s3.category)"),
        ("gabapentinoid", "'gabapentinoid' IN (s1.category, s2.category, s3.category)"),
        ("alcohol", "'alcohol' IN (s1.category, s2.category, s3.category)"),
        ("injecting", "e.injecting_status = 'current'"),
        ("no_fixed_abode", "e.accommodation_need = 'urgent'"),
        ("dual_diagnosis", "e.dual_diagnosis"),
    ),
    "interventions": (("is_ost", "i.kind = 'pharmacological' AND i.medicine <> ''"),),
    "tops": (("acuthpbm", "t.acuthpbm"),),
}
BITS_PLACEHOLDER = {
    "people": "{people_bits}",
    "episodes": "{episode_bits}",
    "interventions": "{intervention_bits}",
    "tops": "{top_bits}",
}


def _bits_sql(columns: tuple[tuple[str, str], ...]) -> str:
    return " | ".join(
        f"(COALESCE(({expression}), FALSE)::int << {bit})"
        for bit, (_, expression) in enumerate(columns)
    )


FRAME_SQL["episodes"] = FRAME_SQL["episodes"].replace("{population}", POPULATION_EPISODES)
for _name, _placeholder in BITS_PLACEHOLDER.items():
    FRAME_SQL[_name] = FRAME_SQL[_name].replace(_placeholder, _bits_sql(BOOL_COLUMNS[_name]))


# Text columns keep pandas' object dtype, which the engine compares with strings.
TEXT_COLUMNS = ("sex", "kind", "status")


def _query(name: str, sql: str, params: dict) -> frames.FrameQuery:
    """One frame's statement: its columns, with the packed yes/no bits last."""
    bools = [column for column, _ in BOOL_COLUMNS.get(name, ())]
    columns = [c for c in engine.FRAME_COLUMNS[name] if c not in bools]
    if bools:
        columns.append("bits")
    return frames.FrameQuery(
        sql=sql,
        names=tuple(columns),
        params=params,
        dtypes={column: "object" for column in TEXT_COLUMNS if column in columns},
        dates=DATE_COLUMNS.get(name, ()),
    )


def _unpack_bits(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    bools = [column for column, _ in BOOL_COLUMNS.get(name, ())]
    if not bools:
        return frame
    bits = frame["bits"].to_numpy(dtype="int64")
    # Built in one go from the columns' arrays: adding columns one by one, or joining two
    # frames, costs more than one person's whole read.
    columns: dict[str, Any] = {c: frame[c] for c in frame.columns if c != "bits"}
    columns.update({column: (bits >> bit) & 1 == 1 for bit, column in enumerate(bools)})
    return pd.DataFrame(columns, index=frame.index, copy=False)


def load_frames(
    rule_set: engine.RuleSetSpec, as_of: datetime.date, selection: Selection | None = None
) -> dict[str, pd.DataFrame]:
    """The engine's input frames for `as_of`, cut to what `rule_set` can see.

    Loading many people uses two connections side by side (`core.frames`),
    so the database works on one frame while another is converted.
    """
    selection = selection or Selection()
    queries = _queries(rule_set, as_of, selection)
    # One person's few rows are quicker read in line than over two new connections.
    loaded = frames.read_frames(queries, in_line=selection.person_id is not None)
    return {name: _unpack_bits(name, frame) for name, frame in loaded.items()}


def load_person_frames(
    rule_set: engine.RuleSetSpec, as_of: datetime.date, person_id: int
) -> dict[str, pd.DataFrame]:
    """`load_frames` for one person: the same frames, one indexed fetch per table."""
    queries = _queries(rule_set, as_of, Selection(person_id=person_id))
    loaded = frames.fetch_frames(queries)
    return {name: _unpack_bits(name, frame) for name, frame in loaded.items()}


def _queries(
    rule_set: engine.RuleSetSpec, as_of: datetime.date, selection: Selection
) -> dict[str, frames.FrameQuery]:
    lookback = engine.lookback_days(rule_set)
    params = {
        **population_params(as_of),
        "events_from": as_of - datetime.timedelta(days=lookback["events"]),
        "interventions_from": as_of - datetime.timedelta(days=lookback["interventions"]),
        "contacts_from": as_of - datetime.timedelta(days=lookback["contacts"]),
        "tops_from": as_of - datetime.timedelta(days=engine.TOP_CURRENT_DAYS),
    }
    return {
        name: _query(name, WHO.sub(lambda match: selection.clause(match.group(1)), sql), params)
        for name, sql in FRAME_SQL.items()
    }
