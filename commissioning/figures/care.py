"""The care record's figure endpoint, at `/api/v1/figures/harm-reduction/`.

`HarmReductionFigures` serves `care.figures.harm_reduction` through
`commissioning.figures.endpoint.figure_endpoint` (definitions in docs/figures.md).
"""

from care.figures import harm_reduction
from commissioning.figures.endpoint import figure_endpoint

HarmReductionFigures = figure_endpoint(
    family=harm_reduction,
    name="harm_reduction",
    title="Harm reduction",
    description="Of the people in treatment who inject or have injected, the shares offered, "
    "accepting and tested for hepatitis C in the 12 months to the period end; hepatitis B "
    "vaccination courses started (first dose) and completed (third dose) in the period; "
    "needle and syringe programme contacts (named and anonymous) and the people with a named "
    "contact; and, of the people in treatment, the share whose current care plan was not "
    "overdue for review at the period end. An anonymous contact counts under the team that "
    "recorded it, and is left out when a local authority is asked for. Naloxone is its own "
    "family, at `/api/v1/figures/naloxone-coverage/`.",
)
