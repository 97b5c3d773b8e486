"""The summary above a form with problems (`templates/form_errors.html`): each problem
named with its field's label and linked to the field, so nobody has to hunt for it."""

from dataclasses import dataclass

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


@dataclass(frozen=True)
class Problem:
    message: str
    label: str = ""
    anchor: str = ""  # the id of the input to go to; empty for problems of the whole form


def field_anchor(field: BoundField) -> str:
    """The id of the first input of `field`. Radio and checkbox lists give no id for a
    label (`id_for_label` is empty), so their first option's id is used."""
    return field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")


@register.simple_tag
def form_problems(form: forms.BaseForm) -> list[Problem]:
    """Every problem on `form`: those of the whole form first, then each field's in the
    form's order. A hidden field's problem has no input to go to."""
    problems = [Problem(str(message)) for message in form.non_field_errors()]
    for field in form:
        for message in field.errors:
            if field.is_hidden:
                problems.append(Problem(str(message)))
            else:
                label = str(field.label or field.name.replace("_", " ").capitalize())
                problems.append(Problem(str(message), label, field_anchor(field)))
    return problems
