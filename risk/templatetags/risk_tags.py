"""How a tier and a time since contact look on a page.

A tier is never shown by colour alone: every badge carries its name in words
and an icon, and the colour only repeats them.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cases.validators import compact_phone
from risk import selectors, wording
from risk.models import Flag, OutreachOutcome

register = template.Library()


def tier_badge_html(tier: str | None) -> SafeString:
    if not tier:
        return format_html('<span class="text-body-secondary">{}</span>', "Not flagged")
    look = wording.TIER_LOOKS.get(tier, wording.UNKNOWN_TIER_LOOK)
    return format_html(
        '<span class="badge {} tier-badge" data-tier="{}">'
        '<i class="bi {}" aria-hidden="true"></i> {}</span>',
        look["badge"],
        tier,
        look["icon"],
        wording.tier_label(tier),
    )


@register.simple_tag
def tier_badge(tier: str | None) -> SafeString:
    return tier_badge_html(tier)


def override_pending_html() -> SafeString:
    """Beside the tier of a very high flag whose override waits for a team lead: the flag
    still stands until then, and this says why it may look already dealt with."""
    return format_html(
        '<span class="badge text-bg-light border override-pending">'
        '<i class="bi bi-hourglass-split" aria-hidden="true"></i> {}</span>',
        "Override pending",
    )


@register.simple_tag
def override_pending_badge() -> SafeString:
    return override_pending_html()


@register.filter
def days_since(day: datetime.date | None) -> str:
    """ "12 days", "today", or "No contact recorded"."""
    if day is None:
        return "No contact recorded"
    days = (timezone.localdate() - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "1 day"
    return f"{days} days"


@register.filter
def summary_words(flag: Flag) -> str:
    """A flag's summary in words for today (an ended flag's as it last stood)."""
    return wording.flag_summary(flag, on=timezone.localdate())


@register.filter
def outcome_label(value: str | None) -> str:
    return OutreachOutcome(value).label if value in OutreachOutcome.values else ""


@register.filter
def tel_href(phone: str) -> str:
    """A `tel:` link's address for a phone number as typed, so a tap on a phone dials it."""
    return f"tel:{compact_phone(phone)}"


@register.simple_tag
def open_flag(person) -> Flag | None:
    """The person's open flag with its reasons worded for today, for a page of the case
    layer (reassigning them) that must show it and may not import the risk layer."""
    return selectors.open_flag_for(person)
