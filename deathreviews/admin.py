"""Django admin for the death reviews' reference lists: learning themes and partner agencies.

Reviews themselves are worked in the app, where only governance reaches them
and every change is versioned; they are not in the admin (`cases.access.ADMIN_MODELS`). Reference rows are retired (unticked "active"), never deleted, so the
reviews that used them keep their meaning.
"""

from django.contrib import admin
from django.db.models import Count

from cases.admin import ConfigurationAdmin
from deathreviews.models import LearningTheme, PartnerAgency


class RetireNotDelete(ConfigurationAdmin):
    list_filter = ["active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LearningTheme)
class LearningThemeAdmin(RetireNotDelete):
    list_display = ["name", "active", "reviews_count"]
    fields = ["name", "description", "active"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reviews_count=Count("reviews"))

    @admin.display(description="Reviews", ordering="reviews_count")
    def reviews_count(self, theme: LearningTheme) -> int:
        return theme.reviews_count


@admin.register(PartnerAgency)
class PartnerAgencyAdmin(RetireNotDelete):
    list_display = ["name", "kind", "active"]
    list_filter = ["kind", "active"]
    fields = ["name", "kind", "active", "organisation"]
