"""`{% blank_form form %}...{% endblank_form %}`: a blank form's fields, rendered once.

Crispy fields cost a template render each (about 2 ms a field), and the busiest pages
show the same blank form on every request: the caseload's filters before anyone
filters, the worklist's outreach attempt fields. The block's output is kept, per
process, for each blank state of `form` (its class, prefix, ids, the values it shows,
today's date included, and each field's choices) and given again; a form holding
anything typed, or errors, or choices read from the database (which may differ by
reader), is rendered in full every time, so nothing anyone sent or may not see is kept.

The block must depend on nothing but `form`: put the page's other variables outside it.
"""

from django import forms, template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Blank states a page can show are few (one a day for a form showing today's date);
# the bound is a guard, not a tuning knob.
_KEPT_STATES = 32


def blank_state(form: forms.BaseForm) -> tuple | None:
    """What a blank `form` shows, as a key; None if anything was typed into it, it has
    errors, or a field's choices come from the database (they may differ by reader)."""
    typed = form.is_bound and (
        bool(form.errors)
        or any(form[name].data not in (None, "", [], False) for name in form.fields)
    )
    if typed or any(isinstance(f, forms.ModelChoiceField) for f in form.fields.values()):
        return None
    shown = tuple(
        (name, type(field).__name__, repr(form[name].value()), _choices(field))
        for name, field in form.fields.items()
    )
    # By the class's name, not the class: django-filter makes a new form class for each
    # filter set it builds, one a request.
    kind = (type(form).__module__, type(form).__qualname__)
    return (kind, form.prefix, form.auto_id, form.is_bound, get_language(), shown)


def _choices(field: forms.Field) -> tuple:
    """A choice field's options as plain text (labels may be lazy), part of what it shows."""
    choices = getattr(field, "choices", None)
    if choices is None:
        return ()
    return tuple((str(value), str(label)) for value, label in choices)


class BlankFormNode(template.Node):
    def __init__(self, form: template.base.FilterExpression, nodelist: template.NodeList):
        self.form = form
        self.nodelist = nodelist
        self.rendered: dict[tuple, str] = {}

    def render(self, context: template.Context) -> str:
        key = blank_state(self.form.resolve(context))
        if key is None:
            return self.nodelist.render(context)
        html = self.rendered.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(self.rendered) >= _KEPT_STATES:
                self.rendered.clear()
            self.rendered[key] = html
        return mark_safe(html)  # the template's own output, escaped as it rendered


@register.tag
def blank_form(parser: template.base.Parser, token: template.base.Token) -> BlankFormNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% blank_form %} takes one form")
    nodelist = parser.parse(("endblank_form",))
    parser.delete_first_token()
    return BlankFormNode(parser.compile_filter(bits[1]), nodelist)
