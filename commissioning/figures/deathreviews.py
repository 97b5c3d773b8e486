"""The death-review figures of the commissioner API, at `/api/v1/figures/death-reviews/`.

`DeathReviewFigures` serves `deathreviews.figures.review_figures` through
`commissioning.figures.endpoint.figure_endpoint`, with the same parameters, defaults,
suppression and previous-period column as every figure, the segments the
family offers, and only the roles in `deathreviews.access.REVIEW_FIGURE_API_ROLES`.
"""

from commissioning.figures.endpoint import figure_endpoint
from deathreviews.access import REVIEW_FIGURE_API_ROLES
from deathreviews.figures import REVIEW_SEGMENTS, review_figures

DeathReviewFigures = figure_endpoint(
    family=review_figures,
    name="death_reviews",
    title="Death reviews",
    description="What the reviews of drug- and alcohol-related deaths and near-fatal "
    "overdoses found, counted by the date each happened: reviews by kind and by quarter; "
    "where people stood with treatment when they died; the risk engine's track record from "
    "the snapshots frozen at notification (the share of deaths of people known to Lantern "
    "that were flagged at death and in the 28 and 90 days before, by tier, the median days "
    "from the first flag, and outreach in the 28 days before); the substances implicated; "
    "and the reviews' actions by their status today. For clinical governance and "
    "commissioners. Split by local authority, sex, age band (the age at the time) or "
    "ethnicity.",
    roles=REVIEW_FIGURE_API_ROLES,
    segments=REVIEW_SEGMENTS,
)
