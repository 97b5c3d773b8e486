"""How a review's fields read on a page: labels, and values in words (`cases.wording`)."""

from django import template
from django.db import models

from cases import wording

register = template.Library()

NOT_RECORDED = "Not recorded"


def display(obj: models.Model, name: str) -> str:
    model_field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if model_field.many_to_many:
        value = list(value.all())
    return wording.words(value, model_field, empty=NOT_RECORDED)


@register.simple_tag
def field_value(obj: models.Model, name: str) -> str:
    return display(obj, name)


@register.simple_tag
def field_label(obj: models.Model, name: str) -> str:
    label = str(obj._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


# An ISO date from a snapshot (or a date) as dd/mm/yyyy, "—" when there is none.
register.filter("uk_date", wording.uk_date)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
