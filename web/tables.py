"""The caseload table: one row per person, every cell from the row's annotations."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst

from care.selectors import plan_due_when_none
from cases.models import ServiceUser
from cases.selectors import naloxone_status
from outcomes.selectors import next_top_due
from risk import wording
from risk.templatetags.risk_tags import override_pending_html, tier_badge_html


class CaseloadTable(tables.Table):
    name = tables.Column(
        accessor="last_name", verbose_name="Name", order_by=("last_name", "first_name")
    )
    # Highest tier first, then the heaviest combined weight within a tier, then by name;
    # unflagged people rank and score 0. The caseload opens in this order.
    risk = tables.Column(
        accessor="flag_rank",
        verbose_name="Risk",
        order_by=("-flag_rank", "-flag_score", "last_name", "first_name"),
        empty_values=(),
        attrs={"td": {"class": "risk-cell"}},
    )
    client_ref = tables.Column(verbose_name="Reference", attrs={"td": {"class": "text-nowrap"}})
    age = tables.Column(accessor="date_of_birth", verbose_name="Age", order_by=("-date_of_birth",))
    main_substance = tables.Column(verbose_name="Main substance", default="—")
    treatment = tables.Column(
        accessor="left_on", verbose_name="Treatment", order_by=("-left_on",), empty_values=()
    )
    # A plain column rather than DateColumn, which renders a template for every cell.
    last_contact = tables.Column(verbose_name="Last contact", default="None recorded")
    next_top = tables.Column(
        accessor="last_top_date", verbose_name="Next TOP due", orderable=False, empty_values=()
    )
    # The current care plan's next review; for someone in treatment without a plan, when
    # the first one is due. Overdue is said in words, not by colour alone.
    plan_review = tables.Column(
        accessor="plan_review_due",
        verbose_name="Plan review",
        order_by=("plan_review_due",),
        empty_values=(),
    )
    keyworker = tables.Column(
        accessor="keyworker__last_name",
        verbose_name="Keyworker",
        order_by=("keyworker__last_name",),
        default="Unassigned",
    )
    naloxone = tables.Column(
        accessor="naloxone_expiry",
        verbose_name="Naloxone",
        order_by=("naloxone_expiry",),
        empty_values=(),
    )

    class Meta:
        model = ServiceUser
        fields = ()
        sequence = (
            "name",
            "risk",
            "client_ref",
            "age",
            "main_substance",
            "treatment",
            "last_contact",
            "next_top",
            "plan_review",
            "naloxone",
        )
        order_by = ("risk",)
        attrs = {"class": "table table-hover align-middle caseload-table table-stack"}
        template_name = "tables/one_pass.html"
        empty_text = "Nobody matches these filters."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        # Below 992 px each row stacks into a card, every cell under its column's name
        # (`.table-stack` in lantern.css), instead of scrolling sideways.
        for bound in self.columns:
            td = dict(bound.column.attrs.get("td", {}))
            td["data-label"] = str(bound.verbose_name)
            bound.column.attrs = {**bound.column.attrs, "td": td}

    def render_name(self, record: ServiceUser):
        url = reverse("person_detail", args=[record.external_id])
        return format_html('<a href="{}">{}</a>', url, record.display_name)

    def render_risk(self, record: ServiceUser):
        if not record.flag_tier:
            return tier_badge_html(None)
        return format_html(
            '{}{}<div class="small text-body-secondary mt-1">{}</div>',
            tier_badge_html(record.flag_tier),
            format_html(" {}", override_pending_html()) if record.flag_override_pending else "",
            capfirst(wording.summary_text(record.flag_summary or "", on=self.today)),
        )

    def render_last_contact(self, value):
        return value.strftime("%d/%m/%Y")

    def render_keyworker(self, record: ServiceUser):
        return record.keyworker.display_name

    def render_age(self, record: ServiceUser):
        return record.age_on(record.date_of_death or self.today)

    def render_treatment(self, record: ServiceUser):
        if record.date_of_death:
            return format_html(
                '<span class="fw-semibold"><i class="bi bi-flower1" aria-hidden="true"></i> '
                "Died on {}</span>",
                record.date_of_death.strftime("%d/%m/%Y"),
            )
        if record.left_on is None:
            return "In treatment"
        if record.left_unplanned:
            how, badge = "unplanned", "text-bg-warning"
        else:
            how, badge = "planned", "text-bg-secondary"
        return format_html(
            'Left {} <span class="badge {}">{}</span>',
            record.left_on.strftime("%d/%m/%Y"),
            badge,
            how,
        )

    def render_next_top(self, record: ServiceUser):
        due = next_top_due(
            in_treatment=record.left_on is None,
            episode_start=record.episode_start,
            episode_referral=record.episode_referral,
            last_top_date=record.last_top_date,
        )
        if due is None:
            return "—"
        if due < self.today:
            return format_html(
                '<span class="text-danger fw-semibold">Overdue since {}</span>',
                due.strftime("%d/%m/%Y"),
            )
        return due.strftime("%d/%m/%Y")

    def render_plan_review(self, record: ServiceUser):
        due = record.plan_review_due
        first = due is None
        if first:
            in_treatment = record.left_on is None and not record.date_of_death
            due = plan_due_when_none(record.episode_start if in_treatment else None)
        if due is None:
            return "—"
        if due < self.today:
            return format_html(
                '<span class="text-danger fw-semibold">{} since {}</span>',
                "No plan: overdue" if first else "Overdue",
                due.strftime("%d/%m/%Y"),
            )
        return f"No plan: due {due:%d/%m/%Y}" if first else due.strftime("%d/%m/%Y")

    def render_naloxone(self, record: ServiceUser):
        status = naloxone_status(
            expiry=record.naloxone_expiry,
            used_recently=record.naloxone_used_recently,
            uses_opioids=record.uses_opioids,
            on=self.today,
        )
        if status.alert:
            return format_html(
                '<span class="text-danger fw-semibold"><i class="bi bi-exclamation-triangle" aria-hidden="true"></i> {}</span>',
                status.words,
            )
        return status.words
