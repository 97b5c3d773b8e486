"""Django admin for the risk layer: rule set versions and recompute runs.

A rule set is edited only while it is a draft. Active and retired versions are
read only and cannot be deleted, because flags and runs name the version that
produced them. New versions come from "Copy as a new draft"; "Activate" makes a
draft the active version after a confirmation page. Runs are written by the
engine, never here: they are read only, but "Recompute now" on the runs' list
starts a run on the workers and follows it. Flags and overrides are records of
people: governance reads them on each person's record, never here.
"""

import datetime
import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from cases.admin import ConfigurationAdmin, ReadOnlyAdmin
from risk import (
    backtest_admin,  # noqa: F401  (registers the backtests' admin)
    engine,
    preview,
    selectors,
    services,
    tasks,
)
from risk.backtest import last_complete_date, monthly_dates
from risk.backtest_tables import backtest_tables
from risk.engine import TIERS, WINDOW_UNITS
from risk.models import Backtest, RecomputeRun, Rule, RuleSet
from risk.wording import TIER_LABELS, selectivity_warning

# Rule set versions --------------------------------------------------------


def _editable(obj: RuleSet | None) -> bool:
    return obj is None or obj.is_editable


class RuleRowForm(forms.ModelForm):
    """A row of the rules' table: each input is named for its rule, as the table's
    column heading alone does not label it for a screen reader."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{self.instance.code}: {field.label}"


class RuleInline(admin.TabularInline):
    """The rules as one table: a row per rule with its id, title, switch, window, weight
    and the tier it never lets a flag fall below.

    A draft's rules come from the version it was copied from; what an administrator
    changes is which rules are on, their windows, counts, weights and minimum tiers. A
    rule's text (what it looks at, its evidence and wording) comes with its code and
    version."""

    model = Rule
    form = RuleRowForm
    extra = 0
    can_delete = False
    fields = [
        "code",
        "title",
        "enabled",
        "window_from",
        "window_to",
        "unit",
        "min_count",
        "weight",
        "min_tier",
    ]
    readonly_fields = ["code", "title", "unit"]

    @admin.display(description="window unit")
    def unit(self, rule: Rule) -> str:
        return WINDOW_UNITS.get(rule.check_name, "days")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RuleSet)
class RuleSetAdmin(ConfigurationAdmin):
    list_display = [
        "version",
        "name",
        "status",
        "raised_threshold",
        "high_threshold",
        "very_high_threshold",
        "activated_at",
    ]
    list_filter = ["status"]
    fields = [
        "version",
        "name",
        "notes",
        "status",
        ("raised_threshold", "high_threshold", "very_high_threshold"),
        ("created_by", "created_at"),
        ("activated_by", "activated_at"),
    ]
    readonly_fields = [
        "version",
        "status",
        "created_by",
        "created_at",
        "activated_by",
        "activated_at",
    ]
    inlines = [RuleInline]
    actions = ["copy_as_draft", "backtest", "activate"]

    def has_add_permission(self, request) -> bool:
        # A version starts as a copy of another, so its rules are never blank.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting in bulk would bypass the per-version check above.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Copy as a new draft", permissions=["change"])
    def copy_as_draft(self, request: HttpRequest, queryset: QuerySet[RuleSet]):
        if queryset.count() != 1:
            self.message_user(request, "Choose one version to copy.", messages.WARNING)
            return None
        source = queryset.get()
        draft = services.rule_set_copy(source=source, user=request.user)
        self.message_user(
            request,
            f"Version {draft.version} is a new draft copied from version {source.version}. "
            "Change it here, then activate it.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:risk_ruleset_change", args=[draft.pk]))

    @admin.action(description="Backtest against the active version", permissions=["change"])
    def backtest(self, request: HttpRequest, queryset: QuerySet[RuleSet]):
        if queryset.count() != 1:
            self.message_user(request, "Choose one version to backtest.", messages.WARNING)
            return None
        chosen = queryset.get()
        active = RuleSet.objects.filter(status=RuleSet.Status.ACTIVE).first()
        compared = [chosen] if active is None or active == chosen else [chosen, active]
        run = services.backtest_request(
            rule_sets=compared,
            dates=monthly_dates(BACKTEST_MONTHS, last_complete_date(timezone.localdate())),
            months=BACKTEST_MONTHS,
            user=request.user,
        )
        try:
            tasks.backtest_run.delay(run.pk)
        except Exception:
            logger.exception("Could not queue a backtest")
            Backtest.objects.filter(pk=run.pk).update(
                status=Backtest.Status.FAILED, error=BACKTEST_NOT_QUEUED
            )
            self.message_user(request, BACKTEST_NOT_QUEUED, messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:risk_backtest_change", args=[run.pk]))

    @admin.action(description="Activate (make this draft the rules in use)", permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[RuleSet]):
        if queryset.count() != 1:
            self.message_user(request, "Choose one draft to activate.", messages.WARNING)
            return None
        draft = queryset.get()
        if not draft.is_editable:
            self.message_user(request, f"Version {draft.version} is not a draft.", messages.WARNING)
            return None
        if request.POST.get("confirmed") == "yes":
            try:
                services.rule_set_activate(rule_set=draft, user=request.user)
            except ValidationError as invalid:
                self.message_user(request, " ".join(invalid.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                format_html(
                    "Version {} is now active; the previous version is retired. Flags follow "
                    'it from tonight\'s recompute, or <a href="{}">recompute them now</a>.',
                    draft.version,
                    reverse("admin:risk_recomputerun_recompute"),
                ),
                messages.SUCCESS,
            )
            return None
        return self._activate_confirmation(request, draft)

    def _activate_confirmation(self, request: HttpRequest, draft: RuleSet) -> HttpResponse:
        current = RuleSet.objects.filter(status=RuleSet.Status.ACTIVE).first()
        evidence = selectors.backtest_for_activation(draft=draft, current=current)
        compared = [draft.version] + ([current.version] if current else [])
        return TemplateResponse(
            request,
            "admin/risk/ruleset/activate_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Activate rule set version {draft.version}?",
                "opts": self.model._meta,
                "draft": draft,
                "current": current,
                "thresholds": _threshold_changes(current, draft),
                "changes": _rule_changes(current, draft),
                "tiers": preview.tier_changes(current=current, draft=draft),
                "backtest": evidence,
                "backtest_tables": backtest_tables(evidence.results, compared) if evidence else [],
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


THRESHOLDS = {
    "raised_threshold": "Raised from",
    "high_threshold": "High from",
    "very_high_threshold": "Very high from",
}


def _shown(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return "none" if value in (None, "") else Truncator(str(value)).chars(60)


def _threshold_changes(current: RuleSet | None, draft: RuleSet) -> list[str]:
    """Each threshold as "old → new" where it changes, or as it stays."""
    lines = []
    for field, label in THRESHOLDS.items():
        new = getattr(draft, field)
        old = getattr(current, field) if current else None
        if current is None or old == new:
            lines.append(f"{label} {new} (unchanged)" if current else f"{label} {new}")
        else:
            lines.append(f"{label}: {old} → {new}")
    return lines


def _rule_changes(current: RuleSet | None, draft: RuleSet) -> list[str]:
    """Each difference between the rules in use and the draft's, as "old → new"."""
    before = {rule.code: rule for rule in current.rules.all()} if current else {}
    changes = []
    for rule in draft.rules.all():
        old = before.pop(rule.code, None)
        if old is None:
            changes.append(f"{rule.code}: new rule")
            continue
        for field in services.RULE_FIELDS:
            was, now = getattr(old, field), getattr(rule, field)
            if was != now:
                model_field = Rule._meta.get_field(field)
                # A choice in its words: "never below none → High", not "→ high".
                words = dict(model_field.flatchoices)
                changes.append(
                    f"{rule.code}: {model_field.verbose_name} "
                    f"{_shown(words.get(was, was))} → {_shown(words.get(now, now))}"
                )
    changes += [f"{code}: not in the draft" for code in before]
    return changes


# Recompute runs -------------------------------------------------------------


logger = logging.getLogger(__name__)

# A backtest from the admin: the draft beside the active version over a year of months.
BACKTEST_MONTHS = 12
BACKTEST_NOT_QUEUED = (
    "The backtest could not be started because the task queue did not answer. "
    "Nothing has changed; try again in a few minutes."
)

WAITING = "Waiting for a worker to start the recompute"
RECOMPUTE_NOT_QUEUED = (
    "The recompute could not be started because the task queue did not answer. "
    "Nothing has changed; try again in a few minutes. Tonight's run goes ahead as usual."
)


def _since(request: HttpRequest) -> datetime.datetime | None:
    """The `since` parameter (seconds since the epoch), or None if absent or not a time."""
    try:
        seconds = float(request.GET.get("since", ""))
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _run_to_follow(since: datetime.datetime | None) -> RecomputeRun | None:
    """The run a progress page follows: the newest started at or after `since`; else the
    one that was running at `since` (it held the lock, so the request started nothing),
    followed to its end."""
    runs = RecomputeRun.objects.select_related("rule_set")
    if since is None:
        return runs.first()
    newest = runs.filter(started_at__gte=since).first()
    return newest or runs.filter(Q(finished_at__isnull=True) | Q(finished_at__gte=since)).first()


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):
    """Past runs, read only, and "Recompute now": an administrator who has just activated
    a rule set need not wait for the night. The run goes to the Celery workers like the
    nightly one; its progress page follows it step by step."""

    change_list_template = "admin/risk/recomputerun/change_list.html"
    list_display = [
        "as_of",
        "version",
        "status",
        "started_at",
        "seconds",
        "population",
        "flagged",
        "by_tier",
        "shares",
    ]
    list_filter = ["status", "rule_set__version"]
    list_select_related = ["rule_set"]
    date_hierarchy = "as_of"

    @admin.display(description="rule set", ordering="rule_set__version")
    def version(self, run: RecomputeRun) -> str:
        return f"Version {run.rule_set.version}"

    @admin.display(description="wall time (s)")
    def seconds(self, run: RecomputeRun) -> str:
        if not run.finished_at:
            return "—"
        return f"{(run.finished_at - run.started_at).total_seconds():.1f}"

    @admin.display(description=" / ".join(TIER_LABELS[t] for t in TIERS).lower())
    def by_tier(self, run: RecomputeRun) -> str:
        counts = run.counts_by_tier or {}
        return " / ".join(str(counts.get(t, 0)) for t in TIERS)

    @admin.display(description="share of the population (%)")
    def shares(self, run: RecomputeRun) -> str:
        shares = run.tier_shares
        text = " / ".join(f"{shares[t]:.1f}" for t in TIERS)
        return f"{text} (not selective)" if engine.unselective(shares) else text

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # Tiers that cover too many people get ignored: say so where the runs are read.
        latest = RecomputeRun.objects.filter(status=RecomputeRun.Status.PUBLISHED).first()
        warning = "" if latest is None else selectivity_warning(latest.tier_shares)
        if warning:
            messages.warning(request, f"The latest run, as of {latest.as_of:%d/%m/%Y}: {warning}")
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        own = [
            path(
                "recompute/",
                self.admin_site.admin_view(self.recompute_view),
                name="risk_recomputerun_recompute",
            ),
            path(
                "progress/",
                self.admin_site.admin_view(require_GET(self.progress_view)),
                name="risk_recomputerun_progress",
            ),
            path(
                "progress/status/",
                self.admin_site.admin_view(require_GET(self.progress_status)),
                name="risk_recomputerun_progress_status",
            ),
        ]
        return own + super().get_urls()

    @staticmethod
    def _require_rule_set_rights(request: HttpRequest) -> None:
        # Starting a run is for those who may change the rules it applies.
        if not request.user.has_perm("risk.change_ruleset"):
            raise PermissionDenied

    def recompute_view(self, request: HttpRequest) -> HttpResponse:
        self._require_rule_set_rights(request)
        running = RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING).first()
        if request.method == "POST" and request.POST.get("confirmed") == "yes":
            requested = timezone.now()
            try:
                tasks.flags_recompute_requested.delay()
            except Exception:
                logger.exception("Could not queue a recompute")
                self.message_user(request, RECOMPUTE_NOT_QUEUED, messages.ERROR)
                return HttpResponseRedirect(reverse("admin:risk_recomputerun_changelist"))
            progress = reverse("admin:risk_recomputerun_progress")
            return HttpResponseRedirect(f"{progress}?since={requested.timestamp():.6f}")
        last = (
            RecomputeRun.objects.filter(status=RecomputeRun.Status.PUBLISHED)
            .exclude(finished_at=None)
            .first()
        )
        return TemplateResponse(
            request,
            "admin/risk/recomputerun/recompute_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": "Recompute everyone's flags now?",
                "opts": self.model._meta,
                "rule_set": RuleSet.objects.filter(status=RuleSet.Status.ACTIVE).first(),
                "running": running,
                "last": last,
                "last_seconds": (
                    round((last.finished_at - last.started_at).total_seconds()) if last else None
                ),
            },
            # An empty or unconfirmed POST changes nothing and says so.
            status=400 if request.method == "POST" else 200,
        )

    def progress_view(self, request: HttpRequest) -> HttpResponse:
        self._require_rule_set_rights(request)
        since = _since(request)
        run = _run_to_follow(since)
        if since is None and run is not None:
            since = run.started_at
        return TemplateResponse(
            request,
            "admin/risk/recomputerun/progress.html",
            {
                **self.admin_site.each_context(request),
                "title": "Recompute progress",
                "opts": self.model._meta,
                "run": run,
                # "12 very high, 30 high, 81 raised": the run's counts, highest tier first.
                "tier_counts": ", ".join(
                    f"{(run.counts_by_tier or {}).get(tier, 0)} {TIER_LABELS[tier].lower()}"
                    for tier in TIERS
                )
                if run
                else "",
                "status_url": (
                    reverse("admin:risk_recomputerun_progress_status")
                    + (f"?since={since.timestamp():.6f}" if since else "")
                ),
            },
        )

    def progress_status(self, request: HttpRequest) -> JsonResponse:
        self._require_rule_set_rights(request)
        run = _run_to_follow(_since(request))
        if run is None:
            return JsonResponse(
                {"started": False, "finished": False, "percent": 0, "stage": WAITING}
            )
        return JsonResponse(
            {
                "started": True,
                "finished": run.is_finished,
                "percent": run.progress_percent,
                "stage": run.stage,
            }
        )
