"""Django admin for configuration: services, teams, staff, roles and lookups.

Records of people are deliberately absent (`cases.access.ADMIN_MODELS`, which the
admin site enforces): the people themselves, their flags, the audit's access
events and break-glass grants are reached only through the app's pages, where
the visibility rules apply. Deleting a row here counts the records it would take
with it or that keep it, never names them (`CountedNotNamed`). The
commissioner API's clients, tokens and request log have their admin in
`commissioning.admin`.
"""

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import router
from django.utils.text import capfirst

from cases.models import (
    DischargeReason,
    LocalAuthority,
    Service,
    Substance,
    Team,
    TeamMembership,
    User,
)


class CountedNotNamed:
    """A delete page that names only the rows being deleted and counts everything else.

    Django's page lists every related row by name, so deleting a team or a member of
    staff would list the people on their caseload. Those are counted here instead."""

    def get_deleted_objects(self, objs, request):
        _named, counts, perms_needed, _protected = super().get_deleted_objects(objs, request)
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        kept: dict[str, int] = {}
        for row in collector.protected:
            name = str(row._meta.verbose_name_plural)
            kept[name] = kept.get(name, 0) + 1
        named = [f"{capfirst(obj._meta.verbose_name)}: {obj}" for obj in objs]
        protected = [f"{count} {name}" for name, count in sorted(kept.items())]
        return named, counts, perms_needed, protected


class ConfigurationAdmin(CountedNotNamed, admin.ModelAdmin):
    pass


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["team"]


@admin.register(User)
class UserAdmin(CountedNotNamed, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Lantern role", {"fields": ("role", "api_client")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Lantern role", {"fields": ("first_name", "last_name", "email", "role")}),
    )
    inlines = [MembershipInline]


@admin.register(Service)
class ServiceAdmin(ConfigurationAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Team)
class TeamAdmin(ConfigurationAdmin):
    list_display = ["name", "service", "caseload_cap"]
    list_filter = ["service"]
    search_fields = ["name"]


@admin.register(TeamMembership)
class TeamMembershipAdmin(ConfigurationAdmin):
    list_display = ["user", "team", "starts_on", "ends_on"]
    list_filter = ["team"]
    autocomplete_fields = ["user", "team"]
    search_fields = ["user__username", "team__name"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(ConfigurationAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Substance)
class SubstanceAdmin(ConfigurationAdmin):
    list_display = ["name", "code", "category", "active"]
    list_filter = ["category", "active"]


@admin.register(DischargeReason)
class DischargeReasonAdmin(ConfigurationAdmin):
    list_display = [
        "label",
        "code",
        "group",
        "is_successful_completion",
        "is_unplanned_exit",
        "dataset_version",
        "active",
    ]
    list_filter = ["dataset_version", "group", "active"]


class ReadOnlyMixin:
    """Viewable, never added, changed or deleted through the admin: the API's request log
    and the risk engine's runs."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, ConfigurationAdmin):
    pass
