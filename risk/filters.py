"""The caseload filter with a tier choice. Expects `with_flag_columns`."""

import django_filters
from django.db.models import QuerySet

from cases.filters import CaseloadFilter
from risk.models import Tier

NOT_FLAGGED = "none"


class CaseloadRiskFilter(CaseloadFilter):
    tier = django_filters.ChoiceFilter(
        label="Risk",
        method="filter_tier",
        empty_label="Any",
        choices=[*Tier.choices, (NOT_FLAGGED, "Not flagged")],
    )

    def filter_tier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == NOT_FLAGGED:
            return queryset.filter(flag_tier__isnull=True)
        return queryset.filter(flag_tier=value)
