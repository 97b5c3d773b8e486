"""The case review figures of the commissioner API, at `/api/v1/figures/case-reviews/`.

`CaseReviewFigures` serves `casereviews.figures.case_review_figures` through
`commissioning.figures.endpoint.figure_endpoint`, with the same parameters, defaults,
suppression and previous-period column as every figure; it is not split by segment.
"""

from casereviews.figures import case_review_figures
from commissioning.figures.endpoint import figure_endpoint

CaseReviewFigures = figure_endpoint(
    family=case_review_figures,
    name="case_reviews",
    title="Case reviews",
    description="Whether the people whose flag reached very high had a multidisciplinary "
    "case review: the share of very high flags reviewed within 7 and 14 days, the case "
    "review actions done by their due date, and, of the people flagged very high who died "
    "or had a non-fatal overdose in the period, the share who had been reviewed before it. "
    "Not split by segment.",
    segments=(),
)
