"""How a review's fields read on a page: labels, choice words, yes/no, UK dates."""

import datetime

from django import template
from django.db import models

register = template.Library()

NOT_RECORDED = "Not recorded"


def display(obj: models.Model, name: str) -> str:
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        names = [str(item) for item in getattr(obj, name).all()]
        return ", ".join(names) or NOT_RECORDED
    value = getattr(obj, name)
    if value is None or value == "":
        return NOT_RECORDED
    if model_field.choices:
        return getattr(obj, f"get_{name}_display")()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if hasattr(value, "display_name"):
        return value.display_name
    return str(value)


@register.simple_tag
def field_value(obj: models.Model, name: str) -> str:
    return display(obj, name)


@register.simple_tag
def field_label(obj: models.Model, name: str) -> str:
    label = str(obj._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


@register.filter
def uk_date(value: str | datetime.date | None) -> str:
    """An ISO date from a snapshot (or a date) as dd/mm/yyyy."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
