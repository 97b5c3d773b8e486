"""Reads of TOP assessments, and the TOP schedule shown on caseloads."""

import datetime

import pandas as pd
from django.db.models import (
    BooleanField,
    DateField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from cases.models import (
    Intervention,
    InterventionType,
    ServiceUser,
    SubstanceCategory,
    TreatmentEpisode,
)
from outcomes.models import Stage, TopAssessment
from outcomes.top_items import CHART_SCORE_ITEMS, CHART_USE_ITEMS, ITEMS_BY_CODE, TOP_ITEMS

REVIEW_INTERVAL_DAYS = 182  # a review TOP about every 6 months
# How recent a TOP must be to tell of opioid use now: the risk engine's `TOP_CURRENT_DAYS`
# (the engine imports no Django, so it cannot read it from here; a test holds them equal).
OPIOID_USE_TOP_DAYS = 182


def with_top_columns(people: QuerySet[ServiceUser]) -> QuerySet[ServiceUser]:
    """Annotate each person's latest TOP date (one subquery, any page size)."""
    return people.annotate(
        last_top_date=Subquery(
            TopAssessment.objects.filter(service_user=OuterRef("pk"))
            .order_by("-top_date", "-id")
            .values("top_date")[:1],
            output_field=DateField(),
        )
    )


def with_opioid_use(people: QuerySet[ServiceUser]) -> QuerySet[ServiceUser]:
    """Annotate `uses_opioids`, as the naloxone rule decides it (`Context.opioid_users`
    in the risk engine): an opioid among the latest episode's problem substances, opioid
    use on a TOP of the last six months, or OST running. Three subqueries, any page size.

    Here, below the risk engine, so that the caseload and the naloxone pages of the
    overdose pathway decide it the same way."""
    today = timezone.localdate()
    latest_episode = TreatmentEpisode.objects.filter(service_user=OuterRef(OuterRef("pk")))
    opioid = SubstanceCategory.OPIOID
    opioid_episode = Exists(
        TreatmentEpisode.objects.filter(
            pk=Subquery(latest_episode.order_by("-referral_date", "-id").values("pk")[:1])
        ).filter(
            Q(substance_1__category=opioid)
            | Q(substance_2__category=opioid)
            | Q(substance_3__category=opioid)
        )
    )
    latest_top = TopAssessment.objects.filter(
        service_user=OuterRef(OuterRef("pk")),
        top_date__lte=today,
        top_date__gte=today - datetime.timedelta(days=OPIOID_USE_TOP_DAYS),
    ).order_by("-top_date", "-id")
    opioid_top = Exists(
        TopAssessment.objects.filter(pk=Subquery(latest_top.values("pk")[:1]), opiuse__gte=1)
    )
    ost_running = Exists(
        Intervention.objects.filter(
            episode__service_user=OuterRef("pk"),
            kind=InterventionType.PHARMACOLOGICAL,
            start_date__lte=today,
        )
        .exclude(medicine="")
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
    )
    return people.annotate(
        uses_opioids=ExpressionWrapper(
            opioid_episode | opioid_top | ost_running, output_field=BooleanField()
        )
    )


def next_top_due(
    *,
    in_treatment: bool,
    episode_start: datetime.date | None,
    episode_referral: datetime.date | None,
    last_top_date: datetime.date | None,
) -> datetime.date | None:
    """When the next TOP is due: a start TOP at the start of treatment, then every 6 months.

    People who have left treatment have no TOP due (a post-exit TOP is optional).
    """
    if not in_treatment:
        return None
    opened = episode_start or episode_referral
    if last_top_date is None or (opened and last_top_date < opened):
        return opened
    return last_top_date + datetime.timedelta(days=REVIEW_INTERVAL_DAYS)


def next_top_due_dates(opened: pd.Series, last_top: pd.Series) -> pd.Series:
    """`next_top_due` for many people in treatment at once: `opened` is each one's episode
    start (else referral), `last_top` their latest TOP (NaT for none), aligned; gives the
    date each next TOP is due (NaT where nothing opened it). The same rule as the one
    person's, as columns (a test holds the two equal)."""
    start_due = last_top.isna() | (opened.notna() & (last_top < opened))
    return (last_top + pd.Timedelta(days=REVIEW_INTERVAL_DAYS)).where(~start_due, opened)


def top_assessments_for(person: ServiceUser) -> list[TopAssessment]:
    return list(TopAssessment.objects.filter(service_user=person).select_related("episode"))


def top_trajectory(assessments: list[TopAssessment]) -> dict:
    """The chart's data: dates, and one series per charted item (None = not disclosed)."""

    def series(codes: tuple[str, ...]) -> list[dict]:
        return [
            {
                "code": code,
                "label": ITEMS_BY_CODE[code].label,
                "values": [a.item_value(code) for a in assessments],
            }
            for code in codes
        ]

    return {
        "labels": [f"{a.top_date:%d/%m/%Y} ({a.stage})" for a in assessments],
        "use": series(CHART_USE_ITEMS),
        "scores": series(CHART_SCORE_ITEMS),
    }


def start_top_exists(episode_id: int) -> bool:
    return TopAssessment.objects.filter(episode_id=episode_id, stage=Stage.START).exists()


def _shown(value: object) -> str:
    if value is None:
        return "n/d"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def top_table_rows(assessments: list[TopAssessment]) -> list[dict]:
    """Every item's answers across assessments, as the table beside the chart shows them.

    "n/d" is "not disclosed", shown apart from 0.
    """
    return [
        {
            "label": f"{item.code}: {item.label}",
            "values": [_shown(a.item_value(item.code)) for a in assessments],
        }
        for item in TOP_ITEMS
    ]
