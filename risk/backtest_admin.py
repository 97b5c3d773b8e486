"""The backtests in the Django admin: read only, each shown as side-by-side tables.

A backtest is started from the rule sets' list ("Backtest against the active version")
and runs on the Celery workers; its page follows it until it is done. Only those who may
change rule sets see or start backtests. `backtest_tables` also serves the activation's
confirmation page, which shows the draft's figures beside the active version's.
"""

from django.contrib import admin
from django.http import HttpRequest

from cases.admin import ReadOnlyAdmin
from risk.backtest_tables import backtest_tables
from risk.models import Backtest

RULE_SET_RIGHTS = "risk.change_ruleset"


@admin.register(Backtest)
class BacktestAdmin(ReadOnlyAdmin):
    change_form_template = "admin/risk/backtest/change_form.html"
    list_display = ["requested_at", "compared", "status", "date_count", "requested_by"]
    list_filter = ["status"]
    list_select_related = ["requested_by"]
    fields = [
        "compared",
        "status",
        "dates_asked",
        ("requested_by", "requested_at"),
        ("started_at", "finished_at"),
        "error",
    ]
    readonly_fields = [
        "compared",
        "status",
        "dates_asked",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "error",
    ]

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        # Backtests are the evidence for activating a rule set: for those who may.
        return request.user.has_perm(RULE_SET_RIGHTS)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(RULE_SET_RIGHTS)

    @admin.display(description="versions")
    def compared(self, backtest: Backtest) -> str:
        return " beside ".join(f"version {v}" for v in backtest.versions)

    @admin.display(description="dates")
    def date_count(self, backtest: Backtest) -> int:
        return len(backtest.dates)

    @admin.display(description="as-of dates")
    def dates_asked(self, backtest: Backtest) -> str:
        if not backtest.dates:
            return "—"
        return f"{len(backtest.dates)}, from {backtest.dates[0]} to {backtest.dates[-1]}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        backtest = self.get_object(request, object_id)
        extra = {
            "backtest": backtest,
            "tables": backtest_tables(backtest.results, backtest.versions) if backtest else [],
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})
