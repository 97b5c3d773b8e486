"""The outcome layer's figure endpoints: the outcome summary and naloxone coverage.

`OutcomeSummaryFigures` and `NaloxoneCoverageFigures` serve the figure families
`outcomes.figures.outcome_summary` and `naloxone_coverage` through
`commissioning.figures.endpoint.figure_endpoint` (definitions in docs/figures.md).
"""

from commissioning.figures.endpoint import figure_endpoint
from outcomes.figures import naloxone_coverage, outcome_summary

OutcomeSummaryFigures = figure_endpoint(
    family=outcome_summary,
    name="outcome_summary",
    title="Outcome summary",
    description="The DOMES-style outcome summary, by client group (opiate, non-opiate, "
    "alcohol, all): successful completions, completions not re-presenting within 6 months, "
    "time in treatment, the 6-month review outcomes, housing and work at exit, and waiting "
    "times. One row per figure, client group, category and segment value.",
)

NaloxoneCoverageFigures = figure_endpoint(
    family=naloxone_coverage,
    name="naloxone_coverage",
    title="Naloxone coverage",
    description="Of the people in treatment with opioid use in the period, the share who have "
    "ever been supplied a naloxone kit, the share whose latest kit was in date on the "
    "period's last day, and the first supplies in the period per 100 of them; and the "
    "naloxone programme's kits supplied in the period, to clients and to people who are not "
    "clients, by outlet, by recipient, first or repeat, and the repeats because the last kit "
    "was used (on the person, or on someone else). A kit to someone who is not a client "
    "counts under the team that supplied it, and is left out when a local authority is "
    "asked for (nobody knows where its holder lives).",
)
