"""The backtest record: one request to score rule set versions against past outcomes.

Kept out of `risk/models.py` (imported at its end, so Django sees it as `risk.Backtest`)
because that module holds the flag lifecycle; this is the evidence a version is judged
by. A backtest names its versions and, for each, a fingerprint of its thresholds and
rules as they stood when it was requested: a draft edited afterwards no longer matches,
so it needs a new backtest before it can be activated.
"""

import dataclasses
import hashlib
import json

from django.conf import settings
from django.db import models


def rule_set_fingerprint(rule_set) -> str:
    """A hash of what decides a rule set's tiers: its thresholds and every rule's settings
    as the engine takes them (rule and set version numbers aside: activating renumbers
    the rules, which changes nothing they do)."""
    spec = rule_set.spec()
    rules = sorted(
        (
            {k: v for k, v in dataclasses.asdict(rule).items() if k != "version"}
            for rule in spec.rules
        ),
        key=lambda rule: rule["code"],
    )
    data = {"thresholds": [spec.raised, spec.high, spec.very_high], "rules": rules}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class Backtest(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    rule_sets = models.ManyToManyField(
        "risk.RuleSet", related_name="backtests", verbose_name="rule set versions"
    )
    # The versions in the order asked (the first is shown first), and each one's
    # fingerprint when asked: {"3": "ab12..."}.
    versions = models.JSONField(default=list)
    fingerprints = models.JSONField(default=dict)
    # The as-of dates evaluated, as ISO dates, and how they were asked for.
    dates = models.JSONField(default=list)
    date_from = models.DateField("from", null=True, blank=True)
    date_to = models.DateField("to", null=True, blank=True)
    every_days = models.PositiveIntegerField("every (days)", null=True, blank=True)
    months = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    results = models.JSONField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        versions = " and ".join(str(v) for v in self.versions)
        return f"Backtest of version {versions} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
