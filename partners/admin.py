"""Django admin for partners: the organisations, their staff's access and the
information-sharing agreements. A person's consent and the legal bases for sharing are
about people, so they are kept on the person's pages, never here (`web.admin_site`).
Organisations are retired (unticked "active"), never deleted."""

from django.contrib import admin

from cases.admin import ConfigurationAdmin
from partners.models import PartnerAccess, PartnerOrganisation, SharingAgreement


class AgreementInline(admin.TabularInline):
    model = SharingAgreement
    extra = 0
    fields = ["what", "purpose", "starts_on", "ends_on"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(ConfigurationAdmin):
    list_display = ["name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    fields = ["name", "kind", "active"]
    inlines = [AgreementInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PartnerAccess)
class PartnerAccessAdmin(ConfigurationAdmin):
    list_display = ["user", "organisation", "starts_on", "ends_on"]
    list_filter = ["organisation"]
    autocomplete_fields = ["user", "organisation"]
    fields = ["user", "organisation", "starts_on", "ends_on"]


@admin.register(SharingAgreement)
class SharingAgreementAdmin(ConfigurationAdmin):
    list_display = ["organisation", "starts_on", "ends_on"]
    list_filter = ["organisation"]
    fields = ["organisation", "what", "purpose", "starts_on", "ends_on"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
