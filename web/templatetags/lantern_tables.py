"""A table body drawn in one pass, for tables with many cells on a busy page.

django-tables2's own body template resolves half a dozen template variables for
every cell, and its rows inspect each cell's render method's signature afresh
(`inspect.signature`, once a cell: 225 times for a caseload page): together most
of the page's cost. This tag writes the same markup from the same bound rows and
columns in Python, reading each column's render method's signature once a table.
Which value a cell gets, and when it falls back to the column's default, is still
decided by django-tables2 (`BoundRow._get_and_render_with`).
"""

from collections.abc import Callable
from functools import partial

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.utils import signature

register = template.Library()


def _renderer(bound_column) -> Callable:
    """`bound_column`'s cell for a row: django-tables2's `BoundRow._call_render`, with
    the render method's wanted arguments worked out once rather than once a cell."""
    render = bound_column.render
    wanted, catch_all = signature(render)
    link = bound_column.link

    def call_render(row, bound, value=None):
        offered = row._optional_cell_arguments(bound, value)
        if catch_all:
            content = render(**offered)
        elif all(name in offered for name in wanted):
            content = render(**{name: offered[name] for name in wanted})
        else:
            # As django-tables2 does: a render method wanting something no cell offers.
            return None
        return link(content, **offered) if link else content

    return call_render


@register.simple_tag
def table_body_rows(table) -> str:
    columns = list(table.columns)
    cell_opening = [format_html("<td {}>", column.attrs["td"].as_html()) for column in columns]
    renderers = [(column, _renderer(column), column.default) for column in columns]
    parts = []
    for row in table.paginated_rows:
        parts.append(format_html("<tr {}>", row.attrs.as_html()))
        for opening, (column, render, default) in zip(cell_opening, renderers, strict=True):
            cell = row._get_and_render_with(column, partial(render, row), default)
            parts.extend((opening, conditional_escape(cell), "</td>"))
        parts.append("</tr>")
    if not parts and table.empty_text:
        parts.append(
            format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text)
        )
    return mark_safe("".join(parts))  # every part above is escaped or built by format_html
