"""Django admin for the commissioner API: clients, tokens and the request log; and the
benchmarks and targets shown beside its figures.

Administrators issue and revoke API tokens here: a new token is shown once, on
the page after saving, and only its hash is kept. The request log is read only.
Benchmarks are read only too: an administrator loads them from a CSV file (checked
against every figure the API serves), and corrects them by loading the period again.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control

from cases.admin import ConfigurationAdmin, ReadOnlyAdmin
from cases.forms import CheckedInputForm
from commissioning import services
from commissioning.figures.catalogue import figure_catalogue
from commissioning.models import ApiClient, ApiRequestLog, ApiToken
from outcomes.benchmarks import BenchmarkFileError, benchmarks_load
from outcomes.models import Benchmark

# A benchmark file is a small table: anything bigger is not one.
BENCHMARK_FILE_MOST_BYTES = 1 << 20


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


class BenchmarkUploadForm(CheckedInputForm, forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="The columns and what each holds are in docs/benchmarks.md.",
        error_messages={"required": "Choose a CSV file to load."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > BENCHMARK_FILE_MOST_BYTES:
            raise forms.ValidationError(
                "The file is larger than 1 MB: it is not a benchmark table."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not text in UTF-8: save it from the spreadsheet as CSV UTF-8."
            ) from None


@admin.register(Benchmark)
class BenchmarkAdmin(ReadOnlyAdmin):
    """Benchmarks and targets, read only: loaded from a CSV file a period and source at a
    time (`outcomes.benchmarks`), never typed in one by one."""

    list_display = [
        "figure_key",
        "client_group",
        "category",
        "period_label",
        "kind",
        "value",
        "better",
        "source",
        "loaded_at",
    ]
    list_filter = ["kind", "better", "period_label"]
    search_fields = ["figure_key", "source"]

    def get_urls(self):
        own = [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="outcomes_benchmark_upload",
            )
        ]
        return own + super().get_urls()

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        form = BenchmarkUploadForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                result = benchmarks_load(
                    text=form.cleaned_data["file"],
                    catalogue=figure_catalogue(),
                    loaded_by=request.user,
                )
            except BenchmarkFileError as error:
                problems = error.problems
            else:
                periods = ", ".join(f"{period} ({source})" for source, period in result.periods)
                messages.success(
                    request,
                    f"Loaded {result.loaded} benchmarks, replacing {result.replaced}, "
                    f"for {periods}.",
                )
                return redirect("admin:outcomes_benchmark_changelist")
        return TemplateResponse(
            request,
            "admin/outcomes/benchmark/upload.html",
            {
                **self.admin_site.each_context(request),
                "title": "Load benchmarks and targets",
                "opts": self.model._meta,
                "form": form,
                "problems": problems,
            },
            status=400 if request.method == "POST" else 200,
        )
