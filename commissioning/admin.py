"""Django admin for the commissioner API: clients, tokens and the request log.

Administrators issue and revoke API tokens here: a new token is shown once, on
the page after saving, and only its hash is kept. The request log is read only.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from cases.admin import ConfigurationAdmin, ReadOnlyAdmin
from commissioning import services
from commissioning.models import ApiClient, ApiRequestLog, ApiToken


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["client", "user", "name", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        expires = self.fields.get("expires_at")  # absent when viewing an issued token
        if expires is not None:
            expires.initial = timezone.now() + datetime.timedelta(days=90)
            expires.help_text = f"At most {settings.LANTERN_API_TOKEN_MAX_DAYS} days from now."

    def clean(self):
        data = super().clean()
        if data.get("client") and data.get("user"):
            problems = services.api_token_check(
                client=data["client"], user=data["user"], expires_at=data.get("expires_at")
            )
            for field, message in problems.items():
                self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(ApiClient)
class ApiClientAdmin(ConfigurationAdmin):
    list_display = ["name", "is_active", "own_pseudonyms", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    filter_horizontal = ["local_authorities"]


@admin.register(ApiToken)
class ApiTokenAdmin(ConfigurationAdmin):
    """Issue a token (shown once, on the page after saving) and revoke tokens; nothing else."""

    form = ApiTokenForm
    list_display = ["prefix", "name", "client", "user", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["client", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "client__name", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]
    readonly_fields = [
        "prefix",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "client", "user", "name", "expires_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = services.api_token_create(
            client=form.cleaned_data["client"],
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            expires_at=form.cleaned_data["expires_at"],
            created_by=request.user,
        )
        obj.pk, obj.prefix, obj.raw_token = token.pk, token.prefix, raw

    def response_add(self, request, obj, post_url_continue=None):
        """Show the new token once, on a page never cached; it is not kept anywhere."""
        response = TemplateResponse(
            request,
            "admin/commissioning/apitoken/created.html",
            {
                **self.admin_site.each_context(request),
                "title": "Token created",
                "token": obj,
                "raw_token": obj.raw_token,
                "opts": self.model._meta,
            },
        )
        patch_cache_control(response, no_store=True, no_cache=True, private=True)
        return response

    def has_change_permission(self, request, obj=None):
        # Viewing is allowed (read only); the one change is the revoke action.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        # Revoking cuts a commissioner's systems off at once: a page says whose
        # tokens stop working before anything changes.
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/commissioning/apitoken/revoke_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Revoke these API tokens?",
                    "opts": self.model._meta,
                    "tokens": list(queryset.select_related("client", "user")),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for token in queryset:
            services.api_token_revoke(token=token, revoked_by=request.user)
        messages.success(request, f"Revoked {queryset.count()} token(s); they stop working now.")
        return None


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(ReadOnlyAdmin):
    """The record of API requests, read only."""

    list_display = ["at", "username", "client", "method", "path", "format", "rows", "status"]
    list_filter = ["client", "status", "format", "extract"]
    search_fields = ["username", "path"]
    date_hierarchy = "at"
