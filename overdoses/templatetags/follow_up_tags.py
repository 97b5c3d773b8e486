"""How an overdose follow-up's state looks on a page: in words, with an icon; colour only
repeats them (as a flag's tier does)."""

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from overdoses.models import FollowUp

register = template.Library()


def _badge(look: str, icon: str, words: str) -> SafeString:
    return format_html(
        '<span class="badge {} follow-up-state"><i class="bi {}" aria-hidden="true"></i> {}</span>',
        look,
        icon,
        words,
    )


def follow_up_badges(follow_up: FollowUp, user=None) -> SafeString:
    """ "Closed", "Due", "Overdue", and "Escalated to you" (or to whom) beside it."""
    if not follow_up.is_open:
        return _badge("text-bg-light border", "bi-check2-circle", "Closed")
    if not follow_up.is_overdue():
        return _badge("text-bg-light border", "bi-clock", "Due")
    badges = [_badge("text-bg-danger", "bi-exclamation-octagon", "Overdue")]
    if follow_up.escalated_at is not None:
        if user is not None and follow_up.escalated_to_id == user.pk:
            badges.append(_badge("text-bg-warning", "bi-arrow-up-circle", "Escalated to you"))
        elif follow_up.escalated_to_id is not None:
            # Lists select the lead with the follow-up (`overdoses.selectors`).
            lead = follow_up.escalated_to.display_name  # type: ignore[union-attr]
            badges.append(_badge("text-bg-warning", "bi-arrow-up-circle", f"Escalated to {lead}"))
        else:
            badges.append(_badge("text-bg-warning", "bi-arrow-up-circle", "Escalated"))
    return format_html_join(" ", "{}", ((badge,) for badge in badges))


@register.simple_tag(takes_context=True)
def follow_up_state(context, follow_up: FollowUp) -> SafeString:
    return follow_up_badges(follow_up, context.get("user"))


@register.filter
def due_words(follow_up: FollowUp) -> str:
    """When it is due, as a keyworker says it: "17:00 today", "17:00 tomorrow" or a date."""
    due = timezone.localtime(follow_up.due_at)
    days = (due.date() - timezone.localdate()).days
    if days == 0:
        return f"{due:%H:%M} today"
    if days == 1:
        return f"{due:%H:%M} tomorrow"
    if days == -1:
        return f"{due:%H:%M} yesterday"
    return f"{due:%H:%M} on {due:%d/%m/%Y}"
