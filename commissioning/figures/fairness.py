"""The fairness report's endpoint, at `/api/v1/figures/fairness/`.

`FairnessFigures` serves `risk.fairness.fairness_report` with the figures' parameters,
defaults, scope and suppression (`commissioning.figures.endpoint`), but its own result
shape, `risk.fairness.FAIRNESS_SCHEMA`: the shared figure rows without a previous period,
each with the characteristic it splits by and its comparison with the whole population.
The report splits by every characteristic itself, so it takes no `segment`. Governance,
team leads (their teams' people) and commissioners may call it
(`risk.access.FAIRNESS_API_ROLES`).
"""

from commissioning.api import figure_view, json_schema_serializer
from commissioning.figures.endpoint import figure_compute
from risk.access import FAIRNESS_API_ROLES
from risk.fairness import FAIRNESS_SCHEMA, TEST_DESCRIPTION, fairness_report

ABOUT_THE_REPORT = """

**Parameters.** `from` and `to` (YYYY-MM-DD) give the period, both days included, ending by
today at the latest; without them it is the last whole calendar quarter. `team` and
`local_authority` (ids from `/api/v1/teams/`, ONS codes from `/api/v1/local-authorities/`)
narrow whom the report counts.

**Who is counted.** Staff count the people of their own teams; commissioners the whole
service, or the residents of their client's local authorities, which `local_authority` can
narrow but not widen.

**Small numbers.** Every count from 1 to 4, and every count that would give one back (a total
minus the other groups, a denominator minus its numerator), is withheld: `null`, with
`suppressed` true. A rate over a withheld count is withheld too, and never marked.

**Provisional.** Outreach within 7 days can change until 7 days after the period ends.
"""

FairnessResultSerializer = json_schema_serializer("FairnessResult", FAIRNESS_SCHEMA)

FairnessFigures = figure_view(
    name="fairness",
    title="Fairness report",
    description="Whether the risk engine flags, reaches and captures every group alike. "
    "For each sex, age band, ethnicity, local authority, disability, sexual orientation "
    "and religion or belief, one row per group and figure, "
    "and the whole population's rows (`segment` null) beside them: the flag rate per 100 "
    "people in the risk population on the period's last day (in treatment, or discharged "
    "within the 365 days before, and alive), with its numerator and denominator; the tier "
    "mix of the flagged; the share of very high and high flags raised in the period whose "
    "person was reached within 7 days; and the deaths and near-fatal overdoses recorded in "
    "the period, with the share whose person had a flag open the day before (any tier, "
    "and very high or high). A person's group is their age band on the period's last day "
    "and their local authority of residence; a person has one disability group (any kind "
    "of disability, or several, is `disabled`), and one not yet asked about disability, "
    "sexual orientation or religion is in the group `not_recorded`. All groups are "
    "suppressed as one table. "
    "No previous period, and no `segment` parameter.\n\n**Differences larger than "
    f"chance.** {TEST_DESCRIPTION} A marked row has `difference` `higher` or `lower` and "
    "`difference_words`; `z` is the statistic of every tested row, null where none was "
    "computed." + ABOUT_THE_REPORT,
    compute=figure_compute(fairness_report),
    serializer=FairnessResultSerializer,
    roles=FAIRNESS_API_ROLES,
    segments=(),
)
