"""The governance dashboard's figures: named selectors over reviews and their frozen snapshots.

Each figure is one named function. `dashboard_rows(user, start, end)` reads the
reviews in the period once (with only the parts of each snapshot the figures
need); the figures computed from those rows are pure Python. Toxicology,
actions and themes are one aggregate query each. The whole dashboard is a
fixed number of queries, however many reviews there are.

The commissioners' figures of reviews (`deathreviews.figures`) count with the
same definitions: `review_rows`, `is_death`, `treatment_status`,
`track_record_of`, `implicated_findings` and `OPEN_ACTION` / `overdue_action`
are the one statement of each.

The engine's track record comes from each review's snapshot, never from the
live flags: what the panel saw stays what the dashboard counts.

Definitions (also in `docs/death-reviews.md`):

- Deaths are reviews of drug-related and alcohol-related deaths; near-fatal
  overdoses are counted beside them where a figure says so.
- Flagged at death: a flag in the snapshot was open on the date of death
  (raised on or before it, not ended before it). Flagged in the N days before:
  a flag was open on any day from N days before the death to the death.
  Each death counts once, under the highest tier it had in that span.
- Lead time: days from the earliest flag raised in the snapshot (flags open
  in the 90 days before the death) to the death.
- Outreach in the 28 days before: an outreach attempt recorded in the 28 days
  before the death; "reached" when its outcome was contacted or agreed to attend.
- The track record's denominator is the reviewed deaths of people known to
  Lantern (those with a snapshot); deaths of people it never knew are shown
  beside it, since the engine could not have flagged them.
"""

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cases.models import User
from core.dates import add_months, quarter_start
from deathreviews.models import (
    DEATH_KINDS,
    OPEN_ACTION_STATUSES,
    ActionStatus,
    PlaceOfDeath,
    Review,
    ReviewKind,
    ReviewTheme,
    ToxicologyFinding,
    ToxicologySubstance,
)
from deathreviews.selectors import actions_visible_to, quarter_of, reviews_visible_to
from deathreviews.snapshot import treatment_at
from risk.engine import TIER_RANKS, TIERS
from risk.models import REACHED_OUTCOMES

WINDOWS = (0, 28, 90)
OUTREACH_DAYS = 28
TREATMENT_STATUSES = {
    "in_treatment": "In treatment",
    "left_within_6_months": "Left treatment in the 6 months before",
    "left_longer_ago": "Left treatment more than 6 months before",
    "never_in_treatment": "Known, but never in treatment",
    "never_known": "Never known to the service",
}
LEAD_TIME_BANDS = ((0, 7, "0–7 days"), (8, 28, "8–28 days"), (29, 90, "29–90 days"))


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """From the start of the quarter a year ago to today: the last four quarters and this one."""
    day = today or timezone.localdate()
    start = quarter_start(day)
    return start.replace(year=start.year - 1), day


@dataclass
class Row:
    """One review as the figures need it."""

    kind: str
    occurred_on: datetime.date
    team: str
    place_of_death: str
    witnessed: bool | None
    naloxone_present: bool | None
    naloxone_used: bool | None
    emergency_call_made: bool | None
    known: bool
    snapshot: dict | None
    review_id: int = 0
    team_id: int | None = None
    local_authority_id: int | None = None
    sex: str = ""
    age: int | None = None
    ethnicity: str = ""


def review_rows(reviews: QuerySet[Review]) -> list[Row]:
    """Each of `reviews` as a `Row`, in the order they happened. One query."""
    values = reviews.values(
        "id",
        "kind",
        "occurred_on",
        "team_id",
        "team__name",
        "local_authority_id",
        "sex",
        "age",
        "ethnicity",
        "place_of_death",
        "witnessed",
        "naloxone_present",
        "naloxone_used",
        "emergency_call_made",
        "service_user_id",
        "snapshot__as_of",
        # Only the parts of the snapshot the figures read leave the database.
        "snapshot__data__flags",
        "snapshot__data__outreach",
        "snapshot__data__episodes",
    ).order_by("occurred_on", "id")
    rows = []
    for v in values:
        snapshot = None
        if v["snapshot__as_of"] is not None:
            snapshot = {
                "as_of": v["snapshot__as_of"].isoformat(),
                "flags": v["snapshot__data__flags"] or [],
                "outreach": v["snapshot__data__outreach"] or [],
                "episodes": v["snapshot__data__episodes"] or [],
            }
        rows.append(
            Row(
                kind=v["kind"],
                occurred_on=v["occurred_on"],
                team=v["team__name"] or "Not known to the service",
                place_of_death=v["place_of_death"],
                witnessed=v["witnessed"],
                naloxone_present=v["naloxone_present"],
                naloxone_used=v["naloxone_used"],
                emergency_call_made=v["emergency_call_made"],
                known=v["service_user_id"] is not None,
                snapshot=snapshot,
                review_id=v["id"],
                team_id=v["team_id"],
                local_authority_id=v["local_authority_id"],
                sex=v["sex"],
                age=v["age"],
                ethnicity=v["ethnicity"],
            )
        )
    return rows


def dashboard_rows(user: User, start: datetime.date, end: datetime.date) -> list[Row]:
    """The reviews `user` may see that happened in the period. One query."""
    return review_rows(reviews_visible_to(user).filter(occurred_on__range=(start, end)))


def is_death(row: Row) -> bool:
    """A review of a drug- or alcohol-related death (not a near-fatal overdose)."""
    return row.kind in DEATH_KINDS


def _deaths(rows: list[Row]) -> list[Row]:
    return [r for r in rows if is_death(r)]


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# Counts by quarter, team and circumstance -----------------------------------


def quarters_between(start: datetime.date, end: datetime.date) -> list[str]:
    """The calendar quarters from the one `start` is in to the one `end` is in, e.g. "2026 Q1"."""
    quarters = []
    day = quarter_start(start)
    while day <= end:
        quarters.append(quarter_of(day))
        day = datetime.date(*add_months(day.year, day.month, 3), 1)
    return quarters


def reviews_by_quarter(rows: list[Row], start: datetime.date, end: datetime.date) -> list[dict]:
    """For each quarter of the period: drug deaths, alcohol deaths and near-fatal overdoses."""
    counts = Counter((quarter_of(r.occurred_on), r.kind) for r in rows)
    return [
        {"quarter": q, **{kind: counts[(q, kind)] for kind in ReviewKind.values}}
        for q in quarters_between(start, end)
    ]


def reviews_by_team(rows: list[Row]) -> list[dict]:
    """Deaths and near-fatal overdoses by the team that held the person's record."""
    counts = Counter((r.team, r.kind in DEATH_KINDS) for r in rows)
    teams = sorted({r.team for r in rows})
    return [
        {"team": t, "deaths": counts[(t, True)], "near_fatal": counts[(t, False)]} for t in teams
    ]


def deaths_by_place(rows: list[Row]) -> list[dict]:
    deaths = _deaths(rows)
    counts = Counter(r.place_of_death or "" for r in deaths)
    labels = dict(PlaceOfDeath.choices) | {"": "Not yet recorded"}
    return [
        {"place": labels[key], "deaths": counts[key], "share": _share(counts[key], len(deaths))}
        for key in [*PlaceOfDeath.values, ""]
        if counts[key]
    ]


CIRCUMSTANCES = (
    ("witnessed", "Witnessed"),
    ("naloxone_present", "Naloxone kit present"),
    ("naloxone_used", "Naloxone used"),
    ("emergency_call_made", "Emergency call made"),
)


def deaths_by_circumstance(rows: list[Row]) -> list[dict]:
    """For each circumstance: how many deaths it was yes, no, or not recorded."""
    deaths = _deaths(rows)
    figures = []
    for attr, label in CIRCUMSTANCES:
        values = [getattr(r, attr) for r in deaths]
        yes = sum(v is True for v in values)
        figures.append(
            {
                "circumstance": label,
                "yes": yes,
                "no": sum(v is False for v in values),
                "unknown": sum(v is None for v in values),
                "share_yes": _share(yes, len(deaths)),
            }
        )
    return figures


def treatment_status(row: Row) -> str:
    """Where the person stood with treatment on the date: one of TREATMENT_STATUSES' keys."""
    return treatment_at(row.snapshot) if row.snapshot else "never_known"


def treatment_status_at_death(rows: list[Row]) -> list[dict]:
    """The share of deaths in treatment, left within 6 months, left longer ago, never known."""
    deaths = _deaths(rows)
    counts = Counter(treatment_status(r) for r in deaths)
    return [
        {"status": label, "deaths": counts[key], "share": _share(counts[key], len(deaths))}
        for key, label in TREATMENT_STATUSES.items()
    ]


# The engine's track record, from the snapshots ------------------------------


@dataclass
class TrackRecord:
    """How the engine stood for one person before the date, from their snapshot."""

    tier_in: dict[int, str | None] = field(default_factory=dict)  # days before -> tier
    first_flag_on: datetime.date | None = None
    lead_days: int | None = None
    outreach_attempts: int = 0
    outreach_reached: int = 0

    @property
    def flagged_at_death(self) -> bool:
        return self.tier_in.get(0) is not None


def track_record_of(snapshot: dict) -> TrackRecord:
    """The tier at death and in the 28 and 90 days before, lead time and outreach."""
    death = datetime.date.fromisoformat(snapshot["as_of"])
    record = TrackRecord()
    spans = []
    for flag in snapshot["flags"]:
        raised = datetime.date.fromisoformat(flag["raised_on"])
        ended = datetime.date.fromisoformat(flag["ended_on"]) if flag["ended_on"] else None
        spans.append((raised, ended, flag["tier"]))
    for days in WINDOWS:
        since = death - datetime.timedelta(days=days)
        tiers = [
            tier
            for raised, ended, tier in spans
            if raised <= death and (ended is None or ended >= since)
        ]
        record.tier_in[days] = max(tiers, key=lambda t: TIER_RANKS[t]) if tiers else None
    if spans:
        record.first_flag_on = min(raised for raised, _, _ in spans)
        record.lead_days = (death - record.first_flag_on).days
    since = (death - datetime.timedelta(days=OUTREACH_DAYS)).isoformat()
    recent = [a for a in snapshot["outreach"] if since <= a["attempted_on"] <= snapshot["as_of"]]
    record.outreach_attempts = len(recent)
    record.outreach_reached = sum(a["outcome"] in REACHED_OUTCOMES for a in recent)
    return record


def engine_track_record(rows: list[Row]) -> dict:
    """Of the reviewed deaths of people known to Lantern: the share flagged at death and in
    the 28 and 90 days before, by tier; lead times; and outreach in the 28 days before."""
    deaths = _deaths(rows)
    known = [track_record_of(r.snapshot) for r in deaths if r.snapshot]
    n = len(known)
    windows = []
    for days in WINDOWS:
        by_tier = Counter(t.tier_in[days] for t in known)
        flagged = n - by_tier[None]
        windows.append(
            {
                "label": "At death" if days == 0 else f"In the {days} days before",
                "days": days,
                "flagged": flagged,
                "share": _share(flagged, n),
                "tiers": {tier: by_tier[tier] for tier in TIERS},
            }
        )
    leads = sorted(t.lead_days for t in known if t.lead_days is not None)
    bands = [
        {"band": label, "deaths": sum(low <= d <= high for d in leads)}
        for low, high, label in LEAD_TIME_BANDS
    ]
    bands.append({"band": "Over 90 days", "deaths": sum(d > 90 for d in leads)})
    attempted = sum(t.outreach_attempts > 0 for t in known)
    reached = sum(t.outreach_reached > 0 for t in known)
    return {
        "deaths": len(deaths),
        "known": n,
        "never_known": len(deaths) - n,
        "windows": windows,
        "lead_days_median": statistics.median(leads) if leads else None,
        "lead_bands": bands,
        "outreach_attempted": attempted,
        "outreach_attempted_share": _share(attempted, n),
        "outreach_reached": reached,
        "outreach_reached_share": _share(reached, n),
    }


# Aggregates in the database --------------------------------------------------


def implicated_findings(reviews: QuerySet[Review]) -> QuerySet[ToxicologyFinding]:
    """The toxicology findings of `reviews` that were implicated (none entered in error)."""
    return ToxicologyFinding.objects.filter(
        review__in=reviews, implicated=True, entered_in_error=False
    )


def substances_implicated(user: User, start: datetime.date, end: datetime.date) -> list[dict]:
    """For each substance: in how many reviews of the period it was implicated. One query."""
    counts = (
        implicated_findings(reviews_visible_to(user).filter(occurred_on__range=(start, end)))
        .values("substance")
        .annotate(reviews=Count("review", distinct=True))
        .order_by("-reviews", "substance")
    )
    labels = dict(ToxicologySubstance.choices)
    return [{"substance": labels[c["substance"]], "reviews": c["reviews"]} for c in counts]


# An action still to do; overdue when also past its due date on the day.
OPEN_ACTION = Q(status__in=OPEN_ACTION_STATUSES)


def overdue_action(day: datetime.date) -> Q:
    return OPEN_ACTION & Q(due_on__lt=day)


def action_figures(
    user: User, start: datetime.date, end: datetime.date, on: datetime.date | None = None
) -> dict:
    """Open, overdue, done and not-done actions of the period's reviews. One query."""
    day = on or timezone.localdate()
    return (
        actions_visible_to(user)
        .filter(review__occurred_on__range=(start, end))
        .aggregate(
            open=Count("pk", filter=OPEN_ACTION),
            overdue=Count("pk", filter=overdue_action(day)),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            not_done=Count("pk", filter=Q(status=ActionStatus.NOT_DONE)),
        )
    )


def recurring_themes(user: User, start: datetime.date, end: datetime.date) -> list[dict]:
    """Learning themes by how many of the period's reviews found them. One query."""
    counts = (
        ReviewTheme.objects.filter(
            review__in=reviews_visible_to(user).filter(occurred_on__range=(start, end))
        )
        .values("theme__name")
        .annotate(reviews=Count("review", distinct=True))
        .order_by("-reviews", "theme__name")
    )
    return [{"theme": c["theme__name"], "reviews": c["reviews"]} for c in counts]


def dashboard(user: User, start: datetime.date, end: datetime.date) -> dict:
    """Every figure of the dashboard for the period, in a fixed number of queries."""
    rows = dashboard_rows(user, start, end)
    deaths = _deaths(rows)
    return {
        "totals": {
            "reviews": len(rows),
            "deaths": len(deaths),
            "drug_deaths": sum(r.kind == ReviewKind.DRUG_DEATH for r in rows),
            "alcohol_deaths": sum(r.kind == ReviewKind.ALCOHOL_DEATH for r in rows),
            "near_fatal": sum(r.kind == ReviewKind.NEAR_FATAL for r in rows),
        },
        "by_quarter": reviews_by_quarter(rows, start, end),
        "by_team": reviews_by_team(rows),
        "by_place": deaths_by_place(rows),
        "by_circumstance": deaths_by_circumstance(rows),
        "treatment": treatment_status_at_death(rows),
        "track": engine_track_record(rows),
        "substances": substances_implicated(user, start, end),
        "actions": action_figures(user, start, end),
        "themes": recurring_themes(user, start, end),
    }
