"""The outcomes a rule set is judged by: recorded deaths and near-fatal overdoses.

A death is a person's recorded date of death; a near-fatal overdose is an overdose event
that happened (not one merely expected) of a known person. The backtest and the fairness
report both read outcomes here, so both judge the engine by the same events.
"""

import datetime

import pandas as pd

from core import frames

DEATH = "death"
OVERDOSE = "overdose"
OUTCOMES = (DEATH, OVERDOSE)

OUTCOME_SQL = f"""
    SELECT p.id, '{DEATH}', {frames.day_number("p.date_of_death")}
    FROM cases_serviceuser p
    WHERE p.date_of_death BETWEEN %(start)s AND %(end)s
    UNION ALL
    SELECT v.service_user_id, '{OVERDOSE}', {frames.day_number("v.occurred_on")}
    FROM cases_event v
    WHERE v.kind = 'non_fatal_overdose' AND v.status = 'happened'
      AND v.service_user_id IS NOT NULL
      AND v.occurred_on BETWEEN %(start)s AND %(end)s
"""


def outcome_events(start: datetime.date, end: datetime.date) -> pd.DataFrame:
    """Every death and near-fatal overdose dated from `start` to `end`, inclusive.

    Columns: `person_id` (int64), `outcome` (`DEATH` or `OVERDOSE`), `on` (datetime64).
    """
    query = frames.FrameQuery(
        sql=OUTCOME_SQL,
        names=("person_id", "outcome", "on"),
        params={"start": start, "end": end},
        dtypes={"person_id": "int64", "outcome": "object"},
        dates=("on",),
    )
    return frames.read_frames({"outcomes": query}, in_line=True)["outcomes"]
