"""Engine results into flags: staged with COPY, published in one transaction.

A run (or each of its chunks) writes its flagged people and their fired rules
into the staging tables tagged with its run id; nobody reads those. Publishing
then turns the staged rows into flags with a handful of set-based statements
inside one transaction, so readers see either every person's new flags or
none of them. A run killed before or during publishing leaves the previous
flags exactly as they were.

The same statements publish a single person's recompute, narrowed to them.
"""

import datetime
import logging
import time

import numpy as np
import pandas as pd

from risk.engine import FIRED_COLUMNS, Evaluation

logger = logging.getLogger(__name__)

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
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH ({options})") as copy:
        # Slice by slice: psycopg sends each block from its own thread, so the
        # server parses one slice while pandas writes the next.
        for start in range(0, len(frame), COPY_SLICE_ROWS):
            piece = frame.iloc[start : start + COPY_SLICE_ROWS]
            copy.write(piece.to_csv(index=False, header=False, columns=list(columns)))


COPY_SLICE_ROWS = 100_000


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


def current_flags(cursor, who: str) -> pd.DataFrame:
    """The open flags' tier and signature, for people matching `who` (SQL on f)."""
    cursor.execute(
        f"SELECT service_user_id, tier, signature FROM risk_flag f WHERE ended_on IS NULL AND {who}"
    )
    return pd.DataFrame(cursor.fetchall(), columns=["person_id", "tier", "signature"])


def stage(
    cursor,
    evaluation: Evaluation,
    *,
    run_id: int,
    chunk: int = 0,
    current: pd.DataFrame | None = None,
) -> None:
    """Write one evaluation's flagged people and reasons into the staging tables.

    Reasons are staged only for people whose tier or signature differs from
    their open flag in `current` (all of them when `current` is None): on a
    quiet night most flags are unchanged, and rewriting their reasons would be
    most of the work.
    """
    for table in ("risk_staged_person", "risk_staged_reason"):
        cursor.execute(f"DELETE FROM {table} WHERE run_id = %s AND chunk = %s", [run_id, chunk])
    people = evaluation.people.assign(
        run_id=run_id,
        chunk=chunk,
        summary=evaluation.people["summary"].str.slice(0, 400),
        rule_codes="{" + evaluation.people["rule_codes"] + "}",
        signature=signatures(evaluation),
    )
    _copy_frame(cursor, "risk_staged_person", STAGED_PERSON_COLUMNS, people, ("summary",))
    reasons = evaluation.reasons
    if current is not None and not current.empty:
        known = people[["person_id", "tier", "signature"]].merge(
            current, on=["person_id", "tier", "signature"], how="inner"
        )
        reasons = reasons[~reasons["person_id"].isin(known["person_id"])]
    reasons = reasons.assign(
        run_id=run_id,
        chunk=chunk,
        text=reasons["reason"].str.slice(0, 300),
        detail=reasons["detail"].str.slice(0, 200),
        fired_from=_iso(reasons["fired_from"]),
        expires_on=_iso(reasons["expires_on"]),
    )
    _copy_frame(cursor, "risk_staged_reason", STAGED_REASON_COLUMNS, reasons, ("detail", "text"))


def _iso(dates: pd.Series) -> np.ndarray:
    return pd.Series(dates).dt.strftime("%Y-%m-%d").to_numpy()


# Each statement takes %(run)s, %(as_of)s, %(rule_set)s, %(started)s and
# narrows to `{who}` (everyone, or one person). People recomputed on their own
# after the run started keep that newer answer.
PUBLISH_STEPS = (
    # For a whole run: fresh statistics, and hash joins only. A nested loop over
    # hundreds of thousands of staged rows, probing the index being inserted
    # into, takes minutes instead of seconds.
    "ANALYZE risk_staged_person, risk_staged_reason, risk_flag",
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
    # An override in force holds back a flag built only from the rules it covers; one
    # waiting for a team lead (or declined) holds back nothing.
    """
    DELETE FROM risk_staged_person s USING risk_flagoverride o
    WHERE s.run_id = %(run)s AND o.service_user_id = s.person_id
      AND o.expires_on >= %(as_of)s AND s.rule_codes <@ o.rule_codes
      AND o.approval IN ('not_needed', 'approved', 'lead_own')
    """,
    # End open flags whose person no longer fires (or has died), or now fires at another tier.
    """
    UPDATE risk_flag f
    SET ended_on = GREATEST(%(as_of)s, f.raised_on),
        status = 'ended',
        end_reason = CASE
            WHEN s.person_id IS NOT NULL THEN 'tier_changed'
            WHEN EXISTS (
                SELECT 1 FROM cases_serviceuser d
                WHERE d.id = f.service_user_id AND d.date_of_death <= %(as_of)s
            ) THEN 'died'
            ELSE 'stopped_firing'
        END
    FROM risk_flag open_flag
    LEFT JOIN risk_staged_person s
        ON s.run_id = %(run)s AND s.person_id = open_flag.service_user_id
    WHERE f.id = open_flag.id AND f.ended_on IS NULL AND {who_flag}
      AND (s.person_id IS NULL OR s.tier <> f.tier)
      AND NOT EXISTS (
          SELECT 1 FROM risk_personrecompute p
          WHERE p.service_user_id = f.service_user_id AND p.computed_at > %(started)s
      )
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
    # Everyone else staged is newly flagged.
    """
    INSERT INTO risk_flag (
        external_id, service_user_id, tier, tier_rank, score, summary, rule_codes, signature,
        rule_set_id, raised_run_id, raised_on, changed_on, status, end_reason
    )
    SELECT gen_random_uuid(), s.person_id, s.tier, s.tier_rank, s.score, s.summary,
           s.rule_codes, s.signature, %(rule_set)s, %(raised_run)s, %(as_of)s, %(as_of)s,
           'raised', ''
    FROM risk_staged_person s
    WHERE s.run_id = %(run)s
      AND NOT EXISTS (
          SELECT 1 FROM risk_flag f WHERE f.service_user_id = s.person_id AND f.ended_on IS NULL
      )
    """,
    "ANALYZE risk_flag",
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
    WHERE r.run_id = %(run)s
    """,
)

WHOLE_RUN_ONLY = ("ANALYZE", "SET LOCAL")


def publish_staged(
    cursor,
    *,
    run_id: int,
    as_of: datetime.date,
    rule_set_id: int,
    started: datetime.datetime,
    raised_run_id: int | None,
    person_id: int | None = None,
) -> dict[str, int]:
    """Apply a staged result to the flags; the caller holds the transaction.

    Returns the staged count by tier (after overrides and newer answers).
    """
    who_flag = "TRUE" if person_id is None else f"f.service_user_id = {int(person_id)}"
    params = {
        "run": run_id,
        "as_of": as_of,
        "rule_set": rule_set_id,
        "started": started,
        "raised_run": raised_run_id,
    }
    for statement in PUBLISH_STEPS:
        if statement.startswith(WHOLE_RUN_ONLY) and person_id is not None:
            continue
        started = time.perf_counter()
        cursor.execute(statement.replace("{who_flag}", who_flag), params)
        logger.debug(
            "%.3f s, %s rows: %s",
            time.perf_counter() - started,
            cursor.rowcount,
            " ".join(statement.split())[:70],
        )
    cursor.execute(
        "SELECT tier, count(*) FROM risk_staged_person WHERE run_id = %s GROUP BY tier", [run_id]
    )
    counts = dict(cursor.fetchall())
    clear_staged(cursor, run_id=run_id)
    return counts


def clear_staged(cursor, *, run_id: int | None = None) -> None:
    """Drop the staged rows of one run, or (with no run) empty the staging tables.

    A whole run empties them with TRUNCATE rather than DELETE: a person's
    recompute scans these unindexed tables, and a million dead rows left behind
    would make every one of those scans slow until the next vacuum.
    """
    if run_id is None or run_id > 0:
        cursor.execute("TRUNCATE risk_staged_reason, risk_staged_person")
        return
    for table in ("risk_staged_reason", "risk_staged_person"):
        cursor.execute(f"DELETE FROM {table} WHERE run_id = %s", [run_id])
