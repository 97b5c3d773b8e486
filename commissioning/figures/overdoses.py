"""The overdose pathway's figure endpoint, at `/api/v1/figures/overdose-pathway/`.

`OverdosePathwayFigures` serves `overdoses.figures.overdose_figures` through
`commissioning.figures.endpoint.figure_endpoint` (definitions in docs/figures.md).
"""

from commissioning.figures.endpoint import figure_endpoint
from overdoses.figures import overdose_figures

OverdosePathwayFigures = figure_endpoint(
    family=overdose_figures,
    name="overdose_pathway",
    title="Overdose pathway",
    description="The response to near-fatal overdoses (MAT standard 3): overdoses by "
    "whether the person was known, by who told the service and by ISO week; follow-ups "
    "opened, and those due by whether they closed on time, late or are open and overdue; "
    "the median hours from a follow-up opening to first contact; the share of overdoses "
    "followed up whose person was offered, or started, treatment (MAT) within 7 days; and "
    "the share of overdoses of people out of treatment after which they were referred "
    "within 28 days. An overdose of someone not yet known counts under the team holding "
    "them, and is left out when a local authority is asked for (nobody knows where they "
    "live).",
)
