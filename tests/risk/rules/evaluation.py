"""Run the pure engine on hand-built frames and read what it found, for the rule tests here.

`run(builder)` evaluates the first rule set at the builder's as-of date; `codes`, `fired_row`,
`flagged` and `reasons` read one person's part of the result; `day(n)` is n days before as-of.
"""

import datetime

import pandas as pd

from risk.engine import RuleSetSpec, evaluate
from risk.first_rule_set import RULES
from tests.risk.builders import AS_OF, FrameBuilder, first_rule_set

SPEC = first_rule_set()
CODES_BY_CHECK: dict[str, set[str]] = {}
for _rule in RULES:
    CODES_BY_CHECK.setdefault(_rule["check"], set()).add(_rule["code"])


def run(builder: FrameBuilder, spec: RuleSetSpec = SPEC, as_of: datetime.date | None = None):
    return evaluate(builder.frames(), spec, as_of or builder.as_of)


def codes(evaluation, person_id: int, check: str | None = None) -> set[str]:
    """The codes of the rules that fired for the person, of one check only if given."""
    fired = evaluation.fired
    found = set(fired.loc[fired["person_id"] == person_id, "rule_code"].astype(str))
    return found & CODES_BY_CHECK[check] if check else found


def fired_row(evaluation, person_id: int, code: str) -> pd.Series:
    fired = evaluation.fired
    rows = fired[(fired["person_id"] == person_id) & (fired["rule_code"] == code)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def flagged(evaluation, person_id: int) -> pd.Series | None:
    people = evaluation.people[evaluation.people["person_id"] == person_id]
    return None if people.empty else people.iloc[0]


def reasons(evaluation, person_id: int) -> list[str]:
    rows = evaluation.reasons[evaluation.reasons["person_id"] == person_id]
    return list(rows.sort_values("position")["reason"])


def day(days_ago: int, as_of: datetime.date = AS_OF) -> datetime.date:
    return as_of - datetime.timedelta(days=days_ago)
