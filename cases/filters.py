"""Filters for caseload lists (django-filter). Expects the caseload annotations."""

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import SubstanceCategory
from cases.search import people_matching
from cases.selectors import in_caseload_window


class CaseloadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label="Name, reference, NHS number or date of birth",
        help_text="For example, Jo Bloggs, LAN-0000123, 943 476 5919 or 27/03/1985",
    )
    status = django_filters.ChoiceFilter(
        label="Treatment",
        method="filter_nothing",
        empty_label="In treatment or left in the last 12 months",
        choices=[("in_treatment", "In treatment"), ("recently_left", "Recently left (12 months)")],
    )
    substance = django_filters.ChoiceFilter(
        label="Main substance",
        field_name="main_substance_category",
        choices=SubstanceCategory.choices,
        empty_label="Any",
    )
    naloxone = django_filters.ChoiceFilter(
        label="Naloxone",
        method="filter_naloxone",
        empty_label="Any",
        choices=[("none", "No kit on record"), ("expired", "Kit expired"), ("held", "Kit held")],
    )

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return people_matching(queryset, value)

    def filter_nothing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied in `qs`, because it applies when empty too

    def filter_naloxone(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == "none":
            return queryset.filter(naloxone_expiry__isnull=True)
        if value == "expired":
            return queryset.filter(naloxone_expiry__lt=today)
        return queryset.filter(naloxone_expiry__gte=today)

    @property
    def qs(self) -> QuerySet:
        cleaned = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        status = cleaned.get("status", "")
        if cleaned.get("q") and not status:
            # A search finds anyone the list's people include, however long ago they
            # left: each of them opens, so each must be found.
            return super().qs
        return in_caseload_window(super().qs, status)
