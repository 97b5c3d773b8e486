"""The risk layer's figure endpoint: flags and outreach.

`FlagsAndOutreachFigures` is the view of the flags-and-outreach figure family
(`risk.figures.flag_figures`, made with `commissioning.figures.endpoint.figure_endpoint`).
"""

from commissioning.figures.endpoint import figure_endpoint
from risk.figures import flag_figures

FlagsAndOutreachFigures = figure_endpoint(
    family=flag_figures,
    name="flags_and_outreach",
    title="Flags and outreach",
    description="People flagged during the period by their highest tier, flags raised by "
    "tier, the share of flagged people each rule contributed to, and outreach: the share of "
    "very high and high flags whose person was reached within 2 and 7 days, and the median "
    "days to the first contact; and outreach attempts made in the period by method and, "
    "within each method, by outcome.",
)
