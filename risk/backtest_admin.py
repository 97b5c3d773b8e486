"""The backtests in the Django admin: read only, each shown as side-by-side tables.

A backtest is started from the rule sets' list ("Backtest against the active version")
and runs on the Celery workers; its page follows it until it is done. Only those who may
change rule sets see or start backtests. `backtest_tables` also serves the activation's
confirmation page, which shows the draft's figures beside the active version's.
"""

from django.contrib import admin
from django.http import HttpRequest

from cases.admin import ReadOnlyAdmin
from risk import engine
from risk.engine import TIERS
from risk.models import Backtest
from risk.wording import SELECTIVITY_WORDS, TIER_LABELS

OUTCOME_WORDS = {"death": "Deaths", "overdose": "Near-fatal overdoses"}
RULE_SET_RIGHTS = "risk.change_ruleset"


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _lead(quartiles: dict) -> str:
    if quartiles.get("median") is None:
        return "—"
    return f"{quartiles['median']:.0f} days ({quartiles['q1']:.0f}–{quartiles['q3']:.0f})"


def _selective(shares: dict) -> str:
    """Whether the tiers stay selective (`engine.SELECTIVE_MAX_PERCENT`), and if not, where."""
    over = engine.unselective(shares)
    if not over:
        return "yes"
    return "no: " + ", ".join(
        f"{SELECTIVITY_WORDS[key]} over {engine.SELECTIVE_MAX_PERCENT[key]:g}%" for key in over
    )


def backtest_tables(results: dict | None, versions: list[int] | None = None) -> list[dict]:
    """The figures as tables, one column per version: {"title", "versions", "rows":
    [(label, [cell, ...]), ...]}. `versions` picks and orders the columns (stored results
    come back with their keys in the database's order, not the order asked)."""
    if not results:
        return []
    columns = [str(v) for v in (versions or results["versions"]) if str(v) in results["versions"]]
    figures = [results["versions"][v] for v in columns]
    shares = [f["tier_share_pct"] for f in figures]
    tables = [
        {
            "title": "Share of the population in each tier (mean over the dates)",
            "versions": columns,
            "rows": [
                ("People (mean)", [f"{f['population_mean']:,.0f}" for f in figures]),
                *[(TIER_LABELS[t], [_pct(s[t]) for s in shares]) for t in TIERS],
                ("High or above", [_pct(s["high_or_above"]) for s in shares]),
                ("Any tier", [_pct(s["flagged"]) for s in shares]),
                ("Selective tiers", [_selective(s) for s in shares]),
            ],
        }
    ]
    for kind, words in OUTCOME_WORDS.items():
        for window in results["windows_days"]:
            cells = [f["outcomes"][kind][str(window)] for f in figures]
            tables.append(
                {
                    "title": f"{words} in the following {window} days, by tier beforehand",
                    "versions": columns,
                    "rows": [
                        *[(TIER_LABELS[t], [f"{c[t]:,}" for c in cells]) for t in TIERS],
                        ("Unflagged", [f"{c['unflagged']:,}" for c in cells]),
                        ("Total", [f"{c['total']:,}" for c in cells]),
                        (
                            "Captured at high or above",
                            [_pct(c["captured_high_or_above_pct"]) for c in cells],
                        ),
                        ("Captured at any tier", [_pct(c["captured_any_pct"]) for c in cells]),
                        (
                            "Capture per % flagged, high or above",
                            [f"{c['capture_per_pct_flagged_high_or_above']:.2f}" for c in cells],
                        ),
                        (
                            "Capture per % flagged, any tier",
                            [f"{c['capture_per_pct_flagged_any']:.2f}" for c in cells],
                        ),
                        (
                            "Lead time from the first flag: median (quartiles)",
                            [_lead(c["lead_time_days"]) for c in cells],
                        ),
                    ],
                }
            )
    return tables


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
