"""The fairness report: whether the engine flags, reaches and captures every group alike.

`fairness_report(filters)` returns, for each of `CHARACTERISTICS` (sex, age band,
ethnicity, local authority, disability, sexual orientation, religion or belief), one row
per group and figure, and the whole population's
rows beside them (`segment` null), every count through small-number suppression
(`outcomes.suppression`), in `FAIRNESS_SCHEMA`'s shape: the rows of the shared figure
result (`outcomes.figures.RESULT_SCHEMA`) with no previous period, plus the
characteristic each row splits by and a comparison with the whole population.
`filters.segment` is ignored: the report splits by every characteristic itself.

Definitions (also in docs/figures.md):

- **Risk population**: the engine's (`risk.engine.context`), taken on the period's last
  day: people with an episode referred by then and open, or discharged within the 365
  days before, and alive on that day.
- **Flagged**: of the risk population, those with a flag open on the period's last day
  (raised on or before it, not ended before it: a flag's interval includes the day it
  ended, as in the flag figures), at the highest tier open that day. The flag rate is
  flagged per 100 people in the risk population; the tier mix is each tier's share of
  the flagged.
- **Reached within 7 days**: of the very high and high flags raised in the period, the
  share whose person was reached within 7 days: the flag figures' definition
  (`risk.figures.raised_measures`), provisional until 7 days after the period.
- **Deaths and near-fatal overdoses**: those recorded in the period
  (`risk.outcome_events`), each counted once. **Captured beforehand**: the person had a
  flag open (any tier; and very high or high) on the day before it.
- A person's group is read from their record, as every figure split by a segment reads
  it (`outcomes.figures.segments`): age band on the period's last day, their local
  authority of residence; one disability group each ("Has a disability (any kind)" for
  one kind or several); and "Not recorded" as a group of its own for a person not yet
  asked about disability, sexual orientation or religion.
- **Differences larger than chance**: each percentage of a group is compared with the
  same percentage of everyone else in the population by a two-sided two-proportion
  z-test (pooled standard error); where |z| >= 2.58 (p < 0.01), the row is marked
  "higher (or lower) than the whole population, by more than chance". A withheld cell
  is never tested or marked, nor a group or a rest of nobody. The test is stated once,
  in `outcomes.figures.difference`, which every figure split by a segment uses too.

All groups of all characteristics are suppressed as one table, whose whole-population
counts each characteristic's groups add up to, so no cell withheld under one split can
be worked back from another.
"""

from outcomes.figures.difference import DIFFERENCE_WORDS, TEST_DESCRIPTION, Z_THRESHOLD, z_score
from risk.fairness.counts import CHARACTERISTIC_LABELS, CHARACTERISTICS, fairness_counts
from risk.fairness.page import page_tables
from risk.fairness.result import FAIRNESS_SCHEMA, fairness_report, fairness_result

__all__ = [
    "CHARACTERISTICS",
    "CHARACTERISTIC_LABELS",
    "DIFFERENCE_WORDS",
    "FAIRNESS_SCHEMA",
    "TEST_DESCRIPTION",
    "Z_THRESHOLD",
    "fairness_counts",
    "fairness_report",
    "fairness_result",
    "page_tables",
    "z_score",
]
