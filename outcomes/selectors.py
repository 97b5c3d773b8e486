"""Reads of TOP assessments, and the TOP schedule shown on caseloads."""

import datetime

from django.db.models import DateField, OuterRef, QuerySet, Subquery

from cases.models import ServiceUser
from outcomes.models import Stage, TopAssessment
from outcomes.top_items import CHART_SCORE_ITEMS, CHART_USE_ITEMS, ITEMS_BY_CODE, TOP_ITEMS

REVIEW_INTERVAL_DAYS = 182  # a review TOP about every 6 months


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
