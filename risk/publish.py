"""Engine results into flags: staged with COPY, published in one transaction.

A run (or each of its chunks) compares its flagged people with their open
flags and stages only what changes: people newly flagged, flags whose tier,
score, reasons or wording move on, and open flags that end (staged with an
empty tier). Reasons are staged only where the fired rules themselves changed.
On a quiet night that is a fraction of the flags; on the first run, or a new
rule set version's first night, it is every flag and reason once. Nobody reads
the staging tables. Publishing then turns the staged rows into flags with a
handful of set-based statements inside one transaction, so readers see either
every person's new flags or none of them. A run killed before or during
publishing leaves the previous flags exactly as they were.

A single person's recompute writes their few rows directly (`person_publish`),
with the same rules for overrides, ends and reasons.
"""

import datetime
import logging
import time

import numpy as np
import pandas as pd

from core import frames
from risk.engine import FIRED_COLUMNS, Evaluation, clip_marked

logger = logging.getLogger(__name__)

SUMMARY_LENGTH = 400  # `Flag.summary`'s max_length
STAGED_PERSON_COLUMNS = (
    "run_id",
    "chunk",
    "person_id",
    "tier",
    "tier_rank",
    "score",
    "summary",
    "rule_codes",
    "signature",
)
# Everything about a fired rule except its wording, which moves on with the days.
SIGNATURE_COLUMNS = tuple(column for column in FIRED_COLUMNS if column != "reason")
STAGED_REASON_COLUMNS = ("run_id", "chunk", "position", *SIGNATURE_COLUMNS, "text")


def _copy_frame(
    cursor, table: str, columns: tuple[str, ...], frame: pd.DataFrame, texts: tuple[str, ...]
) -> None:
    # In CSV an empty field is NULL; for these columns it is an empty text.
    options = f"FORMAT csv, FORCE_NOT_NULL ({', '.join(texts)})"
    data = _csv(frame, columns)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH ({options})") as copy:
        # Block by block: psycopg sends each from its own thread, so the server
        # parses one block while the next is handed over.
        for start in range(0, len(data), COPY_BLOCK_BYTES):
            copy.write(data[start : start + COPY_BLOCK_BYTES])


COPY_BLOCK_BYTES = 1 << 20


def _csv(frame: pd.DataFrame, columns: tuple[str, ...]) -> memoryview:
    """`frame`'s columns as CSV (no header, nulls empty), written by Arrow's C++ writer:
    several times faster than pandas' `to_csv`."""
    import pyarrow  # type: ignore[import-untyped]
    import pyarrow.csv  # type: ignore[import-untyped]

    selected = frame[list(columns)]
    categories = [c for c in columns if isinstance(selected[c].dtype, pd.CategoricalDtype)]
    if categories:
        selected = selected.astype(dict.fromkeys(categories, object))
    table = pyarrow.Table.from_pandas(selected, preserve_index=False)
    sink = pyarrow.BufferOutputStream()
    pyarrow.csv.write_csv(table, sink, write_options=pyarrow.csv.WriteOptions(include_header=False))
    return memoryview(sink.getvalue())


def signatures(evaluation: Evaluation) -> np.ndarray:
    """One number per flagged person (in `evaluation.people` order) that changes
    when anything about their fired rules changes, but not with the passing days."""
    reasons = evaluation.reasons
    if reasons.empty:
        return np.zeros(0, dtype="int64")
    row_hashes = pd.util.hash_pandas_object(
        reasons[list(SIGNATURE_COLUMNS)], index=False, categorize=False
    ).to_numpy()
    person = reasons["person_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    combined = np.add.reduceat(row_hashes, starts) + np.uint64(evaluation.rule_set_version)
    return combined.view("int64")


CURRENT_COLUMNS = ("person_id", "tier", "signature", "summary", "rule_set_id")


def current_flags(who: str) -> pd.DataFrame:
    """The open flags of people matching `who` (SQL on f): what a run compares against."""
    query = frames.FrameQuery(
        sql=f"""
            SELECT service_user_id, tier, signature, summary, rule_set_id
            FROM risk_flag f WHERE ended_on IS NULL AND {who}
        """,
        names=CURRENT_COLUMNS,
        dtypes={
            "person_id": "int64",
            "tier": "object",
            "signature": "int64",
            "summary": "object",
            "rule_set_id": "int64",
        },
    )
    current = frames.read_frames({"current": query})["current"]
    # Read as CSV, an empty summary comes back missing.
    current["summary"] = current["summary"].fillna("")
    return current


def stage(
    cursor,
    evaluation: Evaluation,
    *,
    run_id: int,
    chunk: int = 0,
    rule_set_id: int,
    current: pd.DataFrame,
) -> dict[str, int]:
    """Write what changes from `current` (the open flags of the people evaluated) into
    the staging tables, and say how much: people newly flagged or whose flag moves on,
    open flags that end (an empty tier), and the reasons of people whose fired rules
    changed. Everything, the first time."""
    for table in ("risk_staged_person", "risk_staged_reason"):
        cursor.execute(f"DELETE FROM {table} WHERE run_id = %s AND chunk = %s", [run_id, chunk])
    people = evaluation.people.assign(
        summary=_clipped(evaluation.people["summary"]),
        signature=signatures(evaluation),
    )
    known = people[["person_id", "tier", "signature", "summary"]].merge(
        current, on="person_id", how="inner", suffixes=("", "_now")
    )
    same_rules = known["person_id"][
        (known["tier"] == known["tier_now"]) & (known["signature"] == known["signature_now"])
    ]
    unchanged = known["person_id"][
        (known["tier"] == known["tier_now"])
        & (known["signature"] == known["signature_now"])
        & (known["summary"] == known["summary_now"])
        & (known["rule_set_id"] == rule_set_id)
    ]
    changed = people[~people["person_id"].isin(unchanged)]
    changed = changed.assign(rule_codes=[_code_array(codes) for codes in changed["rule_codes"]])
    ending = current.loc[~current["person_id"].isin(people["person_id"]), ["person_id"]].assign(
        tier="", tier_rank=0, score=0.0, summary="", rule_codes="{}", signature=0
    )
    staged = pd.concat([changed, ending], ignore_index=True).assign(run_id=run_id, chunk=chunk)
    _copy_frame(cursor, "risk_staged_person", STAGED_PERSON_COLUMNS, staged, ("tier", "summary"))
    reasons = evaluation.reasons
    reasons = reasons[~reasons["person_id"].isin(same_rules)]
    reasons = reasons.assign(
        run_id=run_id,
        chunk=chunk,
        text=reasons["reason"].str.slice(0, 300),
        detail=reasons["detail"].str.slice(0, 200),
        fired_from=_iso(reasons["fired_from"]),
        expires_on=_iso(reasons["expires_on"]),
    )
    _copy_frame(cursor, "risk_staged_reason", STAGED_REASON_COLUMNS, reasons, ("detail", "text"))
    return {"staged_people": len(staged), "staged_reasons": len(reasons)}


def _clipped(summaries: pd.Series) -> pd.Series:
    """Summaries cut to `Flag.summary`'s length (few are longer), never through a marked date."""
    long = (summaries.str.len() > SUMMARY_LENGTH).to_numpy()
    if not long.any():
        return summaries
    clipped = summaries.copy()
    clipped[long] = [clip_marked(text, SUMMARY_LENGTH) for text in summaries[long]]
    return clipped


def _code_array(codes: str) -> str:
    """The engine's rule codes (comma-separated, largest first) as a sorted SQL array: a
    flag's codes are a set, stored in one order whichever way it was written."""
    return "{" + ",".join(sorted(codes.split(","))) + "}" if codes else "{}"


def _iso(dates: pd.Series) -> np.ndarray:
    return pd.Series(dates).dt.strftime("%Y-%m-%d").to_numpy()


# How an open flag `f` ends on %(as_of)s, for the run and for one person alike: because
# its tier changed (`tier_changed`, an SQL condition), its person died, or its rules
# stopped firing.
_ENDED = """
    ended_on = GREATEST(%(as_of)s, f.raised_on),
    status = 'ended',
    end_reason = CASE
        WHEN {tier_changed} THEN 'tier_changed'
        WHEN EXISTS (
            SELECT 1 FROM cases_serviceuser d
            WHERE d.id = f.service_user_id AND d.date_of_death <= %(as_of)s
        ) THEN 'died'
        ELSE 'stopped_firing'
    END
"""

# Each statement takes %(run)s, %(as_of)s, %(rule_set)s, %(started)s and
# %(raised_run)s. People recomputed on their own after the run started keep
# that newer answer. A staged person with an empty tier is an open flag that ends.
PUBLISH_STEPS = (
    # Fresh statistics for the staged rows (risk_flag's own are good enough: its
    # size changes little from night to night), and hash joins only. A nested
    # loop over hundreds of thousands of staged rows, probing the index being
    # inserted into, takes minutes instead of seconds.
    "ANALYZE risk_staged_person, risk_staged_reason",
    "SET LOCAL enable_nestloop = off",
    # A recompute of one person after this run began is newer than the run:
    # drop their staged reasons too, or the run would replace the newer ones.
    """
    DELETE FROM risk_staged_person s USING risk_personrecompute p
    WHERE s.run_id = %(run)s AND p.service_user_id = s.person_id
      AND p.computed_at > %(started)s
    """,
    """
    DELETE FROM risk_staged_reason r USING risk_personrecompute p
    WHERE r.run_id = %(run)s AND p.service_user_id = r.person_id
      AND p.computed_at > %(started)s
    """,
    # An override in force holds back a flag built only from the rules it covers (its
    # open flag, if any, ends as if nothing fired); one waiting for a team lead (or
    # declined) holds back nothing.
    """
    UPDATE risk_staged_person s SET tier = '', tier_rank = 0
    FROM risk_flagoverride o
    WHERE s.run_id = %(run)s AND s.tier <> '' AND o.service_user_id = s.person_id
      AND o.expires_on >= %(as_of)s AND s.rule_codes <@ o.rule_codes
      AND o.approval IN ('not_needed', 'approved', 'lead_own')
    """,
    # End open flags whose person no longer fires (or has died), or now fires at another tier.
    f"""
    UPDATE risk_flag f SET {_ENDED.format(tier_changed="s.tier <> ''")}
    FROM risk_staged_person s
    WHERE s.run_id = %(run)s AND s.person_id = f.service_user_id
      AND f.ended_on IS NULL AND s.tier <> f.tier
    """,
    # Flags that carry on at the same tier take the new score and reasons
    # (the summary's "days ago" moves on every day; the rest only on change).
    """
    UPDATE risk_flag f
    SET score = s.score, summary = s.summary, signature = s.signature,
        changed_on = CASE WHEN f.signature = s.signature THEN f.changed_on ELSE %(as_of)s END,
        rule_set_id = %(rule_set)s,
        rule_codes = ARRAY(SELECT DISTINCT c FROM unnest(f.rule_codes || s.rule_codes) c ORDER BY c)
    FROM risk_staged_person s
    WHERE s.run_id = %(run)s AND s.person_id = f.service_user_id
      AND f.ended_on IS NULL AND s.tier = f.tier
      AND (f.summary, f.signature, f.rule_set_id) IS DISTINCT FROM
          (s.summary, s.signature, %(rule_set)s)
    """,
    # Everyone else staged with a tier is newly flagged.
    """
    INSERT INTO risk_flag (
        external_id, service_user_id, tier, tier_rank, score, summary, rule_codes, signature,
        rule_set_id, raised_run_id, raised_on, changed_on, status, end_reason
    )
    SELECT gen_random_uuid(), s.person_id, s.tier, s.tier_rank, s.score, s.summary,
           s.rule_codes, s.signature, %(rule_set)s, %(raised_run)s, %(as_of)s, %(as_of)s,
           'raised', ''
    FROM risk_staged_person s
    WHERE s.run_id = %(run)s AND s.tier <> ''
      AND NOT EXISTS (
          SELECT 1 FROM risk_flag f WHERE f.service_user_id = s.person_id AND f.ended_on IS NULL
      )
    """,
    # Open flags whose reasons changed get the new ones; ended flags keep their last.
    """
    DELETE FROM risk_flagreason r USING risk_flag f
    WHERE r.flag_id = f.id AND f.ended_on IS NULL
      AND f.service_user_id IN (SELECT person_id FROM risk_staged_reason WHERE run_id = %(run)s)
    """,
    """
    INSERT INTO risk_flagreason (
        flag_id, position, rule_code, rule_version, weight, trigger_kind, trigger_id,
        fired_from, expires_on, count, detail, text
    )
    SELECT f.id, r.position, r.rule_code, r.rule_version, r.weight, r.trigger_kind,
           r.trigger_id, r.fired_from, r.expires_on, r.count, r.detail, r.text
    FROM risk_staged_reason r
    JOIN risk_staged_person s ON s.run_id = r.run_id AND s.person_id = r.person_id
    JOIN risk_flag f ON f.service_user_id = r.person_id AND f.ended_on IS NULL
    WHERE r.run_id = %(run)s AND s.tier <> ''
    """,
)

# The tables a first run fills, whose indexes it builds once at the end (`core.bulk`).
FIRST_RUN_TABLES = ("risk_flag", "risk_flagreason")

# What the run flagged, as readers now see it: every open flag but those of people
# recomputed on their own since the run began.
COUNT_BY_TIER = """
    SELECT f.tier, count(*) FROM risk_flag f
    WHERE f.ended_on IS NULL AND NOT EXISTS (
        SELECT 1 FROM risk_personrecompute p
        WHERE p.service_user_id = f.service_user_id AND p.computed_at > %(started)s
    )
    GROUP BY f.tier
"""


def publish_staged(
    cursor,
    *,
    run_id: int,
    as_of: datetime.date,
    rule_set_id: int,
    started: datetime.datetime,
    raised_run_id: int | None,
) -> dict[str, int]:
    """Apply a run's staged changes to the flags; the caller holds the transaction.

    Returns the open flags by tier that the run stands behind (not those of people
    recomputed on their own since it began).
    """
    params = {
        "run": run_id,
        "as_of": as_of,
        "rule_set": rule_set_id,
        "started": started,
        "raised_run": raised_run_id,
    }
    for statement in PUBLISH_STEPS:
        began = time.perf_counter()
        cursor.execute(statement, params)
        logger.debug(
            "%.3f s, %s rows: %s",
            time.perf_counter() - began,
            cursor.rowcount,
            " ".join(statement.split())[:70],
        )
    cursor.execute(COUNT_BY_TIER, params)
    counts = dict(cursor.fetchall())
    clear_staged(cursor)
    return counts


def clear_staged(cursor) -> None:
    """Empty the staging tables (with TRUNCATE: no dead rows left behind)."""
    cursor.execute("TRUNCATE risk_staged_reason, risk_staged_person")


# One person ------------------------------------------------------------------

OVERRIDE_IN_FORCE = ("not_needed", "approved", "lead_own")


def person_publish(
    cursor, evaluation: Evaluation, *, person_id: int, as_of: datetime.date, rule_set_id: int
) -> None:
    """Apply one person's evaluation to their flag with a few single-row statements:
    what a run's publish does for them (overrides, ends, new flags, reasons), minus
    the staging. Their reasons are always written afresh. The caller holds the
    transaction and the locks."""
    cursor.execute(
        "SELECT id, tier, signature, summary, rule_set_id FROM risk_flag"
        " WHERE service_user_id = %s AND ended_on IS NULL",
        [person_id],
    )
    open_flag = cursor.fetchone()
    mine = evaluation.people["person_id"].to_numpy() == person_id
    person = evaluation.people[mine]
    flagged = None
    if len(person):
        row = person.iloc[0]
        codes = sorted(str(row["rule_codes"]).split(",")) if row["rule_codes"] else []
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM risk_flagoverride WHERE service_user_id = %s"
            " AND expires_on >= %s AND %s::varchar(40)[] <@ rule_codes AND approval = ANY(%s))",
            [person_id, as_of, codes, list(OVERRIDE_IN_FORCE)],
        )
        if not cursor.fetchone()[0]:
            flagged = {
                "tier": str(row["tier"]),
                "tier_rank": int(row["tier_rank"]),
                "score": float(row["score"]),
                "summary": clip_marked(str(row["summary"]), SUMMARY_LENGTH),
                "codes": codes,
                "signature": int(signatures(evaluation)[np.flatnonzero(mine)[0]]),
            }
    if open_flag is not None and (flagged is None or flagged["tier"] != open_flag[1]):
        cursor.execute(
            f"UPDATE risk_flag f SET {_ENDED.format(tier_changed='%(tier_changed)s')}"
            " WHERE f.id = %(flag)s",
            {"as_of": as_of, "tier_changed": flagged is not None, "flag": open_flag[0]},
        )
        open_flag = None
    if flagged is None:
        return
    values = {**flagged, "as_of": as_of, "rule_set": rule_set_id}
    if open_flag is None:
        cursor.execute(
            """
            INSERT INTO risk_flag (
                external_id, service_user_id, tier, tier_rank, score, summary, rule_codes,
                signature, rule_set_id, raised_run_id, raised_on, changed_on, status, end_reason
            ) VALUES (
                gen_random_uuid(), %(person)s, %(tier)s, %(tier_rank)s, %(score)s, %(summary)s,
                %(codes)s, %(signature)s, %(rule_set)s, NULL, %(as_of)s, %(as_of)s, 'raised', ''
            ) RETURNING id
            """,
            {**values, "person": person_id},
        )
        flag_id = cursor.fetchone()[0]
    else:
        flag_id = open_flag[0]
        if (open_flag[3], open_flag[2], open_flag[4]) != (
            flagged["summary"],
            flagged["signature"],
            rule_set_id,
        ):
            cursor.execute(
                """
                UPDATE risk_flag f
                SET score = %(score)s, summary = %(summary)s, signature = %(signature)s,
                    changed_on = CASE WHEN f.signature = %(signature)s
                                      THEN f.changed_on ELSE %(as_of)s END,
                    rule_set_id = %(rule_set)s,
                    rule_codes = ARRAY(
                        SELECT DISTINCT c FROM unnest(f.rule_codes || %(codes)s::varchar(40)[]) c
                        ORDER BY c
                    )
                WHERE f.id = %(flag)s
                """,
                {**values, "flag": flag_id},
            )
        cursor.execute("DELETE FROM risk_flagreason WHERE flag_id = %s", [flag_id])
    reasons = evaluation.reasons[evaluation.reasons["person_id"].to_numpy() == person_id]
    if reasons.empty:
        return
    rows = [
        (
            flag_id,
            int(reason.position),
            str(reason.rule_code),
            int(reason.rule_version),
            float(reason.weight),
            str(reason.trigger_kind),
            None if pd.isna(reason.trigger_id) else int(reason.trigger_id),
            None if pd.isna(reason.fired_from) else reason.fired_from.date(),
            None if pd.isna(reason.expires_on) else reason.expires_on.date(),
            int(reason.count),
            _text(reason.detail)[:200],
            _text(reason.reason)[:300],
        )
        for reason in reasons.itertuples(index=False)
    ]
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    cursor.execute(
        "INSERT INTO risk_flagreason (flag_id, position, rule_code, rule_version, weight,"
        " trigger_kind, trigger_id, fired_from, expires_on, count, detail, text)"
        f" VALUES {placeholders}",
        [value for row in rows for value in row],
    )


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
