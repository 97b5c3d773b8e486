"""No query orders ascending by a date that may be empty, unless it says where the empty ones
go. PostgreSQL sorts NULL last in ascending order: "the open episode first" written as
`order_by("discharge_date")` put it last, and a partner's outstanding actions came after
their finished ones. Say it with `F(name).asc(nulls_first=...)` (or a named ordering such
as `cases.selectors.CURRENT_EPISODE_FIRST`)."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

BASE = Path(settings.BASE_DIR)
ORDER_BY = re.compile(r"order_by\(([^()]*)\)")


def nullable_dates() -> set[str]:
    names = set()
    for model in apps.get_models():
        if not (BASE / model.__module__.split(".")[0]).is_dir():
            continue  # a library's model
        for field in model._meta.get_fields():
            if isinstance(field, models.DateField) and field.null:
                names.add(field.name)
    return names


def ascending_on_nullable_dates() -> list[str]:
    names = nullable_dates()
    found = []
    for path in sorted(BASE.rglob("*.py")):
        relative = path.relative_to(BASE)
        if relative.parts[0] in {".venv", "tests", "bench", "node_modules"}:
            continue
        if "migrations" in relative.parts:
            continue
        text = path.read_text()
        for match in ORDER_BY.finditer(text):
            for name in names:
                if re.search(rf"""(?<![-\w])["']{name}["']""", match.group(1)):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{relative}:{line} orders by {name} ascending")
    return found


def test_no_query_orders_ascending_by_a_date_that_may_be_empty():
    assert nullable_dates() >= {"discharge_date", "done_on", "completed_on", "end_date"}
    assert ascending_on_nullable_dates() == []
