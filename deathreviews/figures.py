"""Death-review figures for commissioners: the governance dashboard's definitions, suppressed.

`review_figures(filters)` returns the shape every figure family returns (see
`outcomes.figures`; family "death_reviews"), computed with pandas from the
reviews of the two periods and their frozen snapshots, every count passed
through `outcomes.suppression`. It counts with the dashboard's own named
definitions (`deathreviews.dashboard`): `review_rows`, `is_death`,
`treatment_status`, `track_record_of`, `implicated_findings`, `OPEN_ACTION`
and `overdue_action`, so the two never disagree about what a figure means.

Who and what is counted:

- A review counts in the period its death or overdose happened in
  (`occurred_on`). `team_ids` keep the reviews of people those teams held (a
  person the service never knew has no team); `local_authority_ids` the reviews
  of people living in those local authorities (the review's own record, filled
  from the snapshot for a known person); `person_scope` likewise limits teams.
- Segments: `local_authority`, `sex`, `age_band` (the review's age at the
  time, in `cases.ages` bands) and `ethnicity`, each as the review records it
  (filled from the snapshot for a known person; "unknown" where it is blank).
  Many cells of a small area's split are withheld: suppression is as
  everywhere. Not `team`, since people the service never knew have none and a
  team's deaths in a period are almost always a suppressed handful, nor
  disability, sexual orientation or religion, which a review does not record.
  Others raise `FigureInputError`.

The figures (definitions also in docs/death-reviews.md):

- `reviews`: reviews by kind (drug-related death, alcohol-related death,
  near-fatal overdose; "deaths" is the first two).
- `drug_deaths_by_quarter`, `alcohol_deaths_by_quarter`,
  `near_fatal_overdoses_by_quarter`: the period cut at calendar quarters (the
  first and last part may be part of a quarter). The previous figure of each
  part is the part in the same place of the previous period: for a year, the
  same quarter a year before; for one quarter, the quarter before.
- `treatment_at_death`: of the deaths, the share in treatment, left within 6
  months, left longer ago, known but never in treatment, never known.
- `flagged_at_death`, `flagged_in_28_days_before`, `flagged_in_90_days_before`:
  of the deaths of people known to Lantern (with a snapshot), the share with a
  flag open then, by the highest tier in the span.
- `median_days_from_first_flag`: from the earliest flag in the snapshot to the
  death, over the deaths flagged in the 90 days before.
- `outreach_in_28_days_before`: of the known deaths, the share with an outreach
  attempt recorded, and reached, in the 28 days before.
- `substance_implicated`: of all reviews, the share in which toxicology found
  the substance implicated (a review counts under every such substance).
- `review_actions`: the actions set by the period's reviews, by their status
  on the day the figures are computed (open, overdue, done, not done).

Reviews keep arriving after a period ends (a death can be notified, and its
toxicology reported, months later), so every figure but the actions is
provisional until 6 months after its period ends.
"""

import datetime
from collections.abc import Sequence

import pandas as pd
from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.utils import timezone

from cases.ages import age_band
from core.dates import add_months, quarter_start
from deathreviews.dashboard import (
    OPEN_ACTION,
    TREATMENT_STATUSES,
    WINDOWS,
    Row,
    implicated_findings,
    is_death,
    overdue_action,
    review_rows,
    track_record_of,
    treatment_status,
)
from deathreviews.models import ActionStatus, Review, ReviewAction, ReviewKind, ToxicologySubstance
from deathreviews.selectors import quarter_of
from outcomes.figures import FigureFilters, FigureInputError, Period
from outcomes.figures.segments import UNKNOWN, SegmentValues, authority_codes, segment_values
from outcomes.figures.tables import CountTable, Figure, figures_result, nested_in
from risk.engine import TIERS
from risk.wording import TIER_LABELS

FAMILY = "death_reviews"
REVIEW_SEGMENTS = ("local_authority", "sex", "age_band", "ethnicity")
# Deaths are notified, and toxicology reported, weeks or months after the date.
SETTLES_AFTER_MONTHS = 6
KNOWN_STATUSES = [s for s in TREATMENT_STATUSES if s != "never_known"]
ACTION_STATES = {
    "open": "Open (including in progress)",
    "overdue": "Open and past its due date",
    "done": "Done",
    "not_done": "Not done, with a reason",
}
KIND_FIGURES = {
    ReviewKind.DRUG_DEATH: "drug_deaths_by_quarter",
    ReviewKind.ALCOHOL_DEATH: "alcohol_deaths_by_quarter",
    ReviewKind.NEAR_FATAL: "near_fatal_overdoses_by_quarter",
}


# The period in quarters --------------------------------------------------------


def _month_start(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` months after the month `day` is in."""
    return datetime.date(*add_months(day.year, day.month, months), 1)


def _next_quarter(day: datetime.date) -> datetime.date:
    return _month_start(quarter_start(day), 3)


def quarter_parts(period: Period) -> list[Period]:
    """The period cut at the start of each calendar quarter in it."""
    parts = []
    start = period.start
    while start <= period.end:
        following = _next_quarter(start)
        parts.append(Period(start, min(following - datetime.timedelta(days=1), period.end)))
        start = following
    return parts


def aligned_parts(period: Period, parts: Sequence[Period]) -> list[Period]:
    """The previous period cut in the same places as `period` is cut into `parts`.

    A period of whole months is compared with as many whole months just before
    it, so each part moves back that many months; any other period with as
    many days just before it, so each part moves back that many days.
    """
    months = period.whole_months
    moved = []
    for part in parts:
        if months is not None:
            start = _month_start(part.start, -months)
            after_end = _month_start(part.end, 1 - months)
            moved.append(Period(start, after_end - datetime.timedelta(days=1)))
        else:
            back = datetime.timedelta(days=period.days)
            moved.append(Period(part.start - back, part.end - back))
    return moved


def _part_label(part: Period) -> str:
    """ "2025 Q1", or with its dates when the part is not the whole quarter."""
    quarter_end = _next_quarter(part.start) - datetime.timedelta(days=1)
    if (part.start, part.end) == (quarter_start(part.start), quarter_end):
        return quarter_of(part.start)
    return f"{quarter_of(part.start)} ({part.start:%d/%m/%Y} to {part.end:%d/%m/%Y})"


# Reading -------------------------------------------------------------------------


def _reviews(filters: FigureFilters) -> QuerySet[Review]:
    """Every review of the two periods that the filters keep."""
    reviews = Review.objects.filter(occurred_on__range=(filters.previous_period.start, filters.end))
    if filters.teams is not None:
        reviews = reviews.filter(team_id__in=filters.teams)
    if filters.local_authority_ids is not None:
        reviews = reviews.filter(local_authority_id__in=filters.local_authority_ids)
    return reviews


def _segment_of(row: Row, segment: str | None, codes: dict[int, str]) -> str:
    if segment == "sex":
        return row.sex or UNKNOWN
    if segment == "ethnicity":
        return row.ethnicity or UNKNOWN
    if segment == "age_band":
        return age_band(row.age) or UNKNOWN
    if segment == "local_authority":
        return codes.get(row.local_authority_id, UNKNOWN) if row.local_authority_id else UNKNOWN
    return UNKNOWN


def review_measures(
    rows: Sequence[Row], parts: Sequence[Period], substances: dict[int, set[str]]
) -> pd.DataFrame:
    """One row per review of `rows`, with a yes/no column per measure and the lead time."""
    records = []
    for row in rows:
        death = is_death(row)
        known = death and row.snapshot is not None
        track = track_record_of(row.snapshot) if known and row.snapshot else None
        status = treatment_status(row) if death else None
        record: dict = {
            "review_id": row.review_id,
            "reviews": True,
            "deaths": death,
            "known_deaths": known,
            "lead_days": float(track.lead_days) if track and track.lead_days is not None else None,
            "outreach_attempted": bool(track and track.outreach_attempts),
            "outreach_reached": bool(track and track.outreach_reached),
        }
        for kind in ReviewKind.values:
            record[f"kind:{kind}"] = row.kind == kind
            for i, part in enumerate(parts):
                record[f"part{i}:{kind}"] = row.kind == kind and (
                    part.start <= row.occurred_on <= part.end
                )
        for key in TREATMENT_STATUSES:
            record[f"treatment:{key}"] = status == key
        for days in WINDOWS:
            tier = track.tier_in[days] if track else None
            record[f"flagged_{days}"] = tier is not None
            for name in TIERS:
                record[f"flagged_{days}:{name}"] = tier == name
        found = substances.get(row.review_id, set())
        for code in ToxicologySubstance.values:
            record[f"substance:{code}"] = code in found
        records.append(record)
    return pd.DataFrame.from_records(records, columns=_review_columns(len(parts)))


def _review_columns(part_count: int) -> list[str]:
    return [
        "review_id",
        "reviews",
        "deaths",
        "known_deaths",
        "lead_days",
        "outreach_attempted",
        "outreach_reached",
        *(f"kind:{kind}" for kind in ReviewKind.values),
        *(f"part{i}:{kind}" for kind in ReviewKind.values for i in range(part_count)),
        *(f"treatment:{key}" for key in TREATMENT_STATUSES),
        *(f"flagged_{days}" for days in WINDOWS),
        *(f"flagged_{days}:{name}" for days in WINDOWS for name in TIERS),
        *(f"substance:{code}" for code in ToxicologySubstance.values),
    ]


def _action_measures(actions: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "review_id": actions["review_id"],
            "actions": True,
            "action:open": actions["is_open"],
            "action:overdue": actions["is_overdue"],
            "action:done": actions["status"] == ActionStatus.DONE,
            "action:not_done": actions["status"] == ActionStatus.NOT_DONE,
        }
    )


# Counting ------------------------------------------------------------------------


def review_table(
    reviews: pd.DataFrame, actions: pd.DataFrame, parts: int, segments: SegmentValues | None
) -> CountTable:
    """The counts of one period, with everything that adds up declared for suppression."""
    table = CountTable(segments=segments.codes if segments else ())
    kinds = [f"kind:{kind}" for kind in ReviewKind.values]
    death_kinds = ["kind:drug_death", "kind:alcohol_death"]
    windows = [f"flagged_{days}" for days in sorted(WINDOWS, reverse=True)]
    substances = [f"substance:{code}" for code in ToxicologySubstance.values]
    table.add_counts(
        reviews,
        [c for c in _review_columns(parts) if c not in ("review_id", "lead_days")],
        nested=nested_in(
            ["deaths", "known_deaths", *windows],
            ["known_deaths", "outreach_attempted", "outreach_reached"],
            *(["reviews", substance] for substance in substances),
        ),
    )
    table.add_partition("reviews", kinds)
    table.add_partition("deaths", death_kinds)
    table.add_partition("reviews", ["deaths", "kind:near_fatal"])
    for kind in ReviewKind.values:
        table.add_partition(f"kind:{kind}", [f"part{i}:{kind}" for i in range(parts)])
    table.add_partition("deaths", [f"treatment:{key}" for key in TREATMENT_STATUSES])
    table.add_partition("known_deaths", [f"treatment:{key}" for key in KNOWN_STATUSES])
    for days in WINDOWS:
        table.add_partition(f"flagged_{days}", [f"flagged_{days}:{name}" for name in TIERS])
    flagged = reviews[reviews["flagged_90"].astype("bool")]
    table.add_statistic("lead_days", flagged, "lead_days", "median")
    table.add_counts(
        actions,
        ["actions", "action:open", "action:done", "action:not_done", "action:overdue"],
        nested=nested_in(["action:open", "action:overdue"]),
    )
    table.add_partition("actions", ["action:open", "action:done", "action:not_done"])
    return table


def _figures(parts: Sequence[Period]) -> list[Figure]:
    kind_labels = dict(ReviewKind.choices)
    settles = SETTLES_AFTER_MONTHS
    figures = [
        Figure(
            "reviews",
            "Deaths and near-fatal overdoses reviewed, by kind",
            "count",
            numerator=measure,
            category=category,
            category_label=label,
            follow_up_months=settles,
        )
        for measure, category, label in (
            ("reviews", None, None),
            ("deaths", "deaths", "Drug- and alcohol-related deaths"),
            *((f"kind:{k}", str(k), str(kind_labels[k])) for k in ReviewKind.values),
        )
    ]
    for kind, key in KIND_FIGURES.items():
        figures += [
            Figure(
                key,
                f"{kind_labels[kind]}s reviewed, by the quarter it happened in",
                "count",
                numerator=f"part{i}:{kind}",
                category=quarter_of(part.start).replace(" ", "-"),
                category_label=_part_label(part),
                follow_up_months=settles,
            )
            for i, part in enumerate(parts)
        ]
    figures += [
        Figure(
            "treatment_at_death",
            "Deaths by where the person stood with treatment, as a share of all deaths",
            "percent",
            numerator=f"treatment:{key}",
            denominator="deaths",
            category=key,
            category_label=label,
            follow_up_months=settles,
        )
        for key, label in TREATMENT_STATUSES.items()
    ]
    for days, key, words in (
        (0, "flagged_at_death", "with a flag open on the day they died"),
        (28, "flagged_in_28_days_before", "with a flag open in the 28 days before"),
        (90, "flagged_in_90_days_before", "with a flag open in the 90 days before"),
    ):
        figures += [
            Figure(
                key,
                f"Deaths of people known to Lantern {words}, by the highest tier, as a share "
                "of those deaths",
                "percent",
                numerator=f"flagged_{days}:{tier}" if tier else f"flagged_{days}",
                denominator="known_deaths",
                category=tier,
                category_label=TIER_LABELS[tier] if tier else None,
                follow_up_months=settles,
            )
            for tier in (None, *TIERS)
        ]
    figures.append(
        Figure(
            "median_days_from_first_flag",
            "Median days from the first flag to the death, of the deaths flagged in the 90 "
            "days before",
            "days",
            denominator="flagged_90",
            statistic="lead_days",
            follow_up_months=settles,
        )
    )
    figures += [
        Figure(
            "outreach_in_28_days_before",
            "Deaths of people known to Lantern with outreach in the 28 days before, as a "
            "share of those deaths",
            "percent",
            numerator=f"outreach_{category}",
            denominator="known_deaths",
            category=category,
            category_label=label,
            follow_up_months=settles,
        )
        for category, label in (
            ("attempted", "An outreach attempt was recorded"),
            ("reached", "An outreach attempt reached them"),
        )
    ]
    figures += [
        Figure(
            "substance_implicated",
            "Reviews in which toxicology found the substance implicated, as a share of all reviews",
            "percent",
            numerator=f"substance:{code}",
            denominator="reviews",
            category=str(code),
            category_label=str(label),
            follow_up_months=settles,
        )
        for code, label in ToxicologySubstance.choices
    ]
    figures += [
        Figure(
            "review_actions",
            "Actions set by the reviews, by their status on the day the figures were computed",
            "count",
            numerator=f"action:{state}" if state else "actions",
            category=state,
            category_label=label,
        )
        for state, label in ((None, None), *ACTION_STATES.items())
    ]
    return figures


def _with_segments(
    frame: pd.DataFrame, segment_by_review: dict[int, str], segments: SegmentValues | None
) -> pd.DataFrame:
    if segments is not None:
        frame = frame.assign(
            segment=frame["review_id"].map(segment_by_review).fillna(UNKNOWN).astype("str")
        )
    return frame


def review_figures(filters: FigureFilters, *, today: datetime.date | None = None) -> dict:
    """The death-review figures of the period beside the previous one, suppressed.

    Returns the shape described in `outcomes.figures` (family "death_reviews").
    """
    if filters.segment is not None and filters.segment not in REVIEW_SEGMENTS:
        raise FigureInputError(
            {
                "segment": f"Death-review figures can be split by {', '.join(REVIEW_SEGMENTS)}, "
                f"not {filters.segment}."
            }
        )
    day = today or timezone.localdate()
    reviews = _reviews(filters)
    rows = review_rows(reviews)
    substances: dict[int, set[str]] = {}
    for review_id, code in implicated_findings(reviews).values_list("review_id", "substance"):
        substances.setdefault(review_id, set()).add(code)
    actions = pd.DataFrame.from_records(
        list(
            ReviewAction.objects.filter(review__in=reviews)
            .annotate(
                is_open=ExpressionWrapper(OPEN_ACTION, output_field=BooleanField()),
                is_overdue=ExpressionWrapper(overdue_action(day), output_field=BooleanField()),
            )
            .values_list("review_id", "status", "is_open", "is_overdue")
        ),
        columns=["review_id", "status", "is_open", "is_overdue"],
    )
    segments = None
    segment_by_review: dict[int, str] = {}
    if filters.segment is not None:
        codes = authority_codes() if filters.segment == "local_authority" else {}
        segment_by_review = {r.review_id: _segment_of(r, filters.segment, codes) for r in rows}
        segments = segment_values(filters).including(segment_by_review.values())
    period, previous = filters.period, filters.previous_period
    parts = quarter_parts(period)
    tables = []
    for each, cuts in ((period, parts), (previous, aligned_parts(period, parts))):
        kept = [r for r in rows if each.start <= r.occurred_on <= each.end]
        ids = {r.review_id for r in kept}
        measures = _with_segments(
            review_measures(kept, cuts, substances), segment_by_review, segments
        )
        done = _with_segments(
            _action_measures(actions[actions["review_id"].isin(ids)]), segment_by_review, segments
        )
        tables.append(review_table(measures, done, len(parts), segments))
    current, before = tables
    return figures_result(
        family=FAMILY,
        filters=filters,
        figures=_figures(parts),
        current=current,
        previous=before,
        segments=segments,
        today=day,
    )
