"""The outcome layer's figure endpoints: the outcome summary, naloxone coverage, exits,
TOP outcomes, and criminal justice and families.

`OutcomeSummaryFigures`, `NaloxoneCoverageFigures`, `TreatmentExitsFigures`,
`TopOutcomesFigures` and `CriminalJusticeAndFamiliesFigures` serve the figure families
`outcomes.figures.outcome_summary`, `naloxone_coverage`, `exits.treatment_exits`,
`top_outcomes.top_outcomes` and `justice_families.criminal_justice_and_families` through
`commissioning.figures.endpoint.figure_endpoint` (definitions in docs/figures.md).
"""

from commissioning.figures.endpoint import figure_endpoint
from outcomes.figures import naloxone_coverage, outcome_summary
from outcomes.figures.exits import treatment_exits
from outcomes.figures.justice_families import criminal_justice_and_families
from outcomes.figures.top_outcomes import top_outcomes

OutcomeSummaryFigures = figure_endpoint(
    family=outcome_summary,
    name="outcome_summary",
    title="Outcome summary",
    description="The DOMES-style outcome summary, by client group (opiate, non-opiate, "
    "alcohol, all): effective treatment (retained 12 weeks or completed), successful "
    "completions, completions not re-presenting within 6 months, time in treatment, the "
    "6-month review outcomes, housing and work at exit, and waits over 3 and over 6 weeks, "
    "for first interventions started and for those still waiting at the period end. One row "
    "per figure, client group, category and segment value.",
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

TreatmentExitsFigures = figure_endpoint(
    family=treatment_exits,
    name="treatment_exits",
    title="Treatment exits",
    description="Exits from treatment in the period: planned (successful completion) and "
    "unplanned (dropped out, withdrawn, declined, refused) as shares of every exit, by client "
    "group and by the modality at exit (the intervention types running on the discharge day, "
    "else those that ended last); and, of the people whose latest planned or unplanned exit "
    "was in the period, when they were next referred (within 1 month, 1 to 3, 3 to 6 months, "
    "not within 6 months; provisional for 6 months).",
)

TopOutcomesFigures = figure_endpoint(
    family=top_outcomes,
    name="top_outcomes",
    title="TOP outcomes",
    description="TOP completion at start, at the 6-month review and at a planned exit, as "
    "shares of the episodes due one, each with the 80% threshold (`target`: met or not, in "
    "words); and the change in psychological health, physical health and quality of life "
    "from the start TOP to the 6-month review: the mean change in points (unit `points`, "
    "with n as the denominator) and the share who scored higher.",
)

CriminalJusticeAndFamiliesFigures = figure_endpoint(
    family=criminal_justice_and_families,
    name="criminal_justice_and_families",
    title="Criminal justice and families",
    description="People released from prison in the period with a first treatment contact "
    "in the community (an attended contact, or an intervention outside prison) within 3 "
    "weeks, against the local target loaded for the period, or 75% where none is loaded "
    "(`target`: met or not, in words, with `origin` and `source` saying which; provisional "
    "for 21 days); and, of the people in treatment, the shares who are parents and who live with "
    "children, each beside the share not recorded.",
)
