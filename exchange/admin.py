"""Django admin for the NDTMS reference data: the code lists of each dataset version, and the
mapping of Lantern's own values to them, which an administrator reads and corrects.

Neither holds anything about a person. Rows are corrected, never deleted: a submission
written since names the code, and a value without a code is a mapping left empty."""

from django.contrib import admin

from cases.admin import ConfigurationAdmin
from exchange.models import NdtmsCode, NdtmsMapping


@admin.register(NdtmsCode)
class NdtmsCodeAdmin(ConfigurationAdmin):
    list_display = ["code_list", "code", "label", "dataset_version"]
    list_filter = ["dataset_version", "code_list"]
    search_fields = ["code_list", "code", "label"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NdtmsMapping)
class NdtmsMappingAdmin(ConfigurationAdmin):
    list_display = ["code_list", "lantern_value", "ndtms_code", "dataset_version"]
    list_editable = ["ndtms_code"]
    list_filter = ["dataset_version", "code_list"]
    search_fields = ["code_list", "lantern_value", "ndtms_code"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
