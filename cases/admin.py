"""Django admin for configuration: services, teams, staff, roles and lookups.

Clinical records are deliberately absent: they are reached only through the
app's pages, where the visibility rules apply.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from cases.models import (
    DischargeReason,
    LocalAuthority,
    Service,
    Substance,
    Team,
    TeamMembership,
    User,
)


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["team"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Lantern role", {"fields": ("role",)}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Lantern role", {"fields": ("first_name", "last_name", "email", "role")}),
    )
    inlines = [MembershipInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "caseload_cap"]
    list_filter = ["service"]
    search_fields = ["name"]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "starts_on", "ends_on"]
    list_filter = ["team"]
    autocomplete_fields = ["user", "team"]
    search_fields = ["user__username", "team__name"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Substance)
class SubstanceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "active"]
    list_filter = ["category", "active"]


@admin.register(DischargeReason)
class DischargeReasonAdmin(admin.ModelAdmin):
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
