"""The rules of each care record's row: its model's `clean()`, the rules its form applies,
run on every row whose cells are sound, so the import refuses what the form refuses, in the
form's words, at the column the form would show it at.

A rule that needs another record (a goal's date against its plan's, a dose against the
person's earlier doses, a named needle exchange contact's team against the person's) is
checked in SQL (`care_rules`) against this import's rows and Lantern's records together;
here the record is built without its person or plan, and the model leaves those rules out.
"""

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from exchange.importing.care_specs import CARE_SPECS_BY_KIND
from exchange.importing.columns import Column

if TYPE_CHECKING:
    from exchange.importing.validate import ChunkCheck


def _values(check: "ChunkCheck", column: Column) -> np.ndarray:
    """The column's cells as the model holds them (None where empty)."""
    name = column.name
    if column.type == "date":
        days = check.date(name).to_numpy().astype("M8[D]")
        return np.array([None if np.isnat(d) else d.item() for d in days], dtype=object)
    if column.type == "bool":
        return np.array([None if v is pd.NA else bool(v) for v in check.flag(name)], dtype=object)
    if column.type == "int":
        return np.array(
            [None if np.isnan(v) else int(v) for v in check.number(name).to_numpy()],
            dtype=object,
        )
    cells = check.text(name)
    if column.type == "list":
        lists = np.empty(len(cells), dtype=object)
        for i, cell in enumerate(cells):
            lists[i] = [item.strip() for item in cell.split(";") if item.strip()]
        return lists
    return np.array([cell if cell != "" else None for cell in cells], dtype=object)


def care_rows(check: "ChunkCheck") -> None:
    spec = CARE_SPECS_BY_KIND[check.spec.kind]
    model = spec.model
    assert model is not None
    columns = [
        column
        for column in spec.data_columns
        if column.name in check.raw.columns and column.type != "lookup"
    ]
    values = {column.name: _values(check, column) for column in columns}
    first = columns[0].name if columns else "ref"
    found: dict[str, dict[int, str]] = defaultdict(dict)
    blank = model().__dict__
    # A required Y or N given as "not known" leaves the record without its answer.
    skip = check.bad.copy()
    for column in columns:
        if column.required:
            unknown = ~check.bad & np.fromiter(
                (cell is None for cell in values[column.name]), dtype=bool, count=check.n
            )
            for i in np.flatnonzero(unknown):
                found[column.name][int(i)] = f"{column.label} is required: Y or N."
            skip |= unknown
    cells_by_name = list(values.items())
    for i in np.flatnonzero(~skip):
        fields = {name: cells[i] for name, cells in cells_by_name if cells[i] is not None}
        # The record as its form would build it: the model's defaults under the row's cells.
        # Built from one blank record rather than by the model's constructor, which took
        # most of the time of a row; it is only checked, never saved.
        record = model.__new__(model)
        record.__dict__ = {**blank, **fields}
        try:
            record.clean()
        except ValidationError as invalid:
            errors = (
                invalid.message_dict
                if hasattr(invalid, "error_dict")
                else {NON_FIELD_ERRORS: invalid.messages}
            )
            for field, messages in errors.items():
                at = first if field == NON_FIELD_ERRORS or field not in spec.by_name else field
                found[at].setdefault(int(i), messages[0])
    for at, messages in found.items():
        mask = np.zeros(check.n, dtype=bool)
        mask[list(messages)] = True
        check.report(mask, at, lambda i, messages=messages: messages[i])
