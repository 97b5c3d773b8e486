"""Aggregate figures for commissioners, computed with pandas and small numbers suppressed.

The public functions (an endpoint calls one with a `FigureFilters` and returns
its result as it is):

- `outcome_summary(filters)`: the DOMES-style outcome summary
  (`outcomes.figures.treatment`);
- `naloxone_coverage(filters)`: naloxone coverage of people with opioid use,
  and the naloxone programme's kits (`outcomes.figures.naloxone`);
- `exits.treatment_exits(filters)`: planned and unplanned exits by modality, and
  time to re-presentation;
- `top_outcomes.top_outcomes(filters)`: TOP completion against the 80%
  threshold, and the change in wellbeing from start to review;
- `justice_families.criminal_justice_and_families(filters)`: prison release to
  treatment within 3 weeks against the 75% local target, and parents and people
  living with children in treatment;
- `care.figures.harm_reduction(filters)`: hepatitis C tests, hepatitis B
  courses, needle exchange and plans in date (in the care layer, which owns them);
- `risk.figures.flag_figures(filters)`: flags by tier and rule, and outreach
  performance (in the risk layer, which these figures read);
- `overdoses.figures.overdose_figures(filters)`: the near-fatal overdose
  pathway (in the overdoses layer).

`risk.figures.FIGURE_FAMILIES` maps each family's name ("outcome_summary",
"naloxone_coverage", "flags_and_outreach", "overdose_pathway") to its function, for an endpoint
that serves them by name. A caller's visibility goes in
`FigureFilters.person_scope`: the teams a member of staff may see, or None for
the whole service.

Each raises `FigureInputError` (a ValueError whose `errors` maps a filter
field to a message) for filters that cannot be used; `FigureFilters` raises it
when it is made.

The result, the same shape for every family (`RESULT_SCHEMA` is its JSON
Schema)::

    {
      "family": "outcome_summary",
      "computed_on": "2026-12-01",            # figures can change until settled
      "period": {"start": "2026-07-01", "end": "2026-09-30", "days": 92},
      "previous_period": {"start": "2026-04-01", "end": "2026-06-30", "days": 91,
                          "rule": "previous_whole_months"},  # or previous_equal_length
      "segment": "sex",                       # or null
      "figures": [
        {
          "key": "successful_completions",    # the figure
          "label": "Successful completions, as a share of everyone in treatment",
          "unit": "percent",                  # percent | count | years | days | hours | points
          "client_group": "opiate",           # opiate | non_opiate | alcohol | all | null
          "category": null,                   # e.g. a band, tier or rule, else null
          "category_label": null,
          "segment_value": "F",               # null on the row for everyone
          "segment_label": "Female",
          "numerator": 12,                    # null when withheld or not used
          "denominator": 80,
          "value": 15.0,                      # percent: 0-100, one decimal
          "suppressed": false,                # true when anything above is withheld
          "provisional": false,               # true while later records can change it
          "previous": {"numerator": 9, "denominator": 75, "value": 12.0,
                       "suppressed": false, "provisional": false},
          "change": 3.0,                      # value - previous value, or null
          "target": {"value": 80.0, "met": false,   # only on a figure held to one
                     "words": "Not met: 15% is below the 80% threshold."},
          # Only on a split row (segment_value not null):
          "whole": {"numerator": 30, "denominator": 300, "value": 10.0,
                    "suppressed": false},     # the same figure for everyone
          "difference": null                  # or {"direction": "higher" | "lower",
                                              #     "words": "...", "z": 2.9}
        }
      ],
      # Only when split: the test a row's `difference` comes from.
      "test": {"name": "two_proportion_z_test", "threshold": 2.58, "description": "..."}
    }

Rows come in a fixed order: by figure, then client group (opiate, non-opiate,
alcohol, all), then segment (everyone first, then each value in order). The
same filters always give the same rows, whatever the data: segments list every
value there is (a value with nobody shows zeros). `numerator` is null on
statistic rows (years, days, hours, points) and `denominator` on count rows; otherwise null
means withheld, and `suppressed` is then true. A `value` of null with
`suppressed` false means nobody was in the denominator. Percent changes are in
percentage points. A percentage row's `difference` is marked only where the
segment's share differs from everyone else's by more than chance
(`outcomes.figures.difference`), never when a count it is tested on is
withheld.

The comparison period is described in `outcomes.figures.filters`. Every count,
rate and statistic passes through `outcomes.suppression` before it is
returned. The definitions of the figures are in `docs/figures.md`.
"""

from outcomes.figures.filters import SEGMENTS, FigureFilters, FigureInputError, Period
from outcomes.figures.naloxone import naloxone_coverage
from outcomes.figures.schema import RESULT_SCHEMA
from outcomes.figures.treatment import outcome_summary

__all__ = [
    "RESULT_SCHEMA",
    "SEGMENTS",
    "FigureFilters",
    "FigureInputError",
    "Period",
    "naloxone_coverage",
    "outcome_summary",
]
