"""Vectorised checks of one chunk of one file, and the typed rows to stage.

`check_chunk` takes a chunk read as strings, checks every cell against its
column's spec and every row against the rules that need only that row (date
order, overdose details only on overdoses, TOP ranges...), records each
problem, and returns the frame to COPY into the staging table with a `valid`
flag. The row rules are `exchange.importing.rows`; a coded column with an NDTMS item
reads its NDTMS codes too (`exchange.importing.ndtms_codes`), translated before the
cell is checked, so every later rule sees Lantern's values. Rules that need other rows or the database (references, one open
episode, TOP stages) are checked afterwards in SQL by `exchange.importing.rules`.

Everything works on whole columns (pandas/numpy); Python loops run only over
problems, and only to build the messages that are kept.
"""

import datetime
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from exchange.importing.ndtms_codes import IMPORT_COLUMNS, ColumnCodes, column_codes
from exchange.importing.problems import ProblemLog
from exchange.importing.rows import ROW_RULES
from exchange.importing.specs import SPECS_BY_KIND, Column, FileSpec
from outcomes.top_items import ITEMS_BY_CODE, out_of_range_message

# What a yes/no column that may be left empty also reads as not known (stored as empty).
NOT_KNOWN_WORDS = ("NOT KNOWN", "UNKNOWN", "NK")


@dataclass
class Lookups:
    """Codes and names in the files mapped to the ids of rows Lantern already holds."""

    team: dict[str, int]
    keyworker: dict[str, int]
    staff: dict[str, int]
    local_authority: dict[str, int]
    substance: dict[str, int]
    discharge_reason: dict[str, int]
    # The NDTMS codes each coded column reads too (see `exchange.importing.ndtms_codes`).
    ndtms: dict[tuple[str, str], ColumnCodes] = field(default_factory=dict)

    def read_ndtms(self, to_ndtms: Mapping[str, Mapping[str, str]]) -> None:
        """Learn the NDTMS codes from a dataset version's mapping tables, turned round."""
        accepted: dict[tuple[str, str], Collection[str]] = {}
        for coded in IMPORT_COLUMNS:
            column = SPECS_BY_KIND[coded.file].by_name[coded.column]
            accepted[coded.file, coded.column] = (
                column.choices if column.type == "choice" else getattr(self, column.lookup or "")
            )
        self.ndtms = column_codes(to_ndtms, accepted)


def _show(value: object) -> str:
    return "" if value is None else str(value)


class ChunkCheck:
    """One chunk of one file being checked; `bad` marks rows with any problem."""

    def __init__(
        self,
        spec: FileSpec,
        raw: pd.DataFrame,
        first_row: int,
        lookups: Lookups,
        today: datetime.date,
        log: ProblemLog,
    ) -> None:
        self.spec = spec
        self.raw = raw
        self.n = len(raw)
        self.rows = np.arange(first_row, first_row + self.n)
        self.lookups = lookups
        self.today = np.datetime64(today, "ns")
        self.today_date = today
        self.log = log
        self.bad = np.zeros(self.n, dtype=bool)
        self.typed: dict[str, pd.Series] = {}
        # The cells as the file has them, of the columns whose NDTMS codes were translated.
        self.as_written: dict[str, pd.Series] = {}
        self.out: dict[str, object] = {}

    # --- reporting -------------------------------------------------------

    def report(
        self,
        mask: np.ndarray,
        column: str,
        message: Callable[[int], str],
        value: Callable[[int], object] | None = None,
    ) -> None:
        """Record a problem for every row in `mask`; `message(i)` gets the row's position."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        positions = np.flatnonzero(mask)
        cells = self.as_written.get(column, self.raw.get(column))
        raw = cells.to_numpy() if cells is not None else None

        def cell(i: int) -> object:
            if value is not None:
                return value(i)
            return raw[i] if raw is not None else ""

        self.log.add_many(
            self.spec.file_name,
            self.rows[positions],
            column,
            (cell(i) for i in positions),
            lambda _value, k: message(int(positions[k])),
        )

    # --- typed views -----------------------------------------------------

    def present(self, name: str) -> np.ndarray:
        if name not in self.raw.columns:
            return np.zeros(self.n, dtype=bool)
        return (self.raw[name] != "").to_numpy()

    def text(self, name: str) -> np.ndarray:
        if name not in self.raw.columns:
            return np.full(self.n, "", dtype=object)
        return self.raw[name].to_numpy()

    def date(self, name: str) -> pd.Series:
        return self.typed.get(name, pd.Series(pd.NaT, index=self.raw.index, dtype="M8[ns]"))

    def number(self, name: str) -> pd.Series:
        return self.typed.get(name, pd.Series(np.nan, index=self.raw.index))

    def flag(self, name: str) -> pd.Series:
        """A Y/N column as True, False or <NA>."""
        return self.typed.get(name, pd.Series(pd.NA, index=self.raw.index, dtype="boolean"))

    # --- cells -----------------------------------------------------------

    def check_cells(self) -> None:
        for column in self.spec.columns:
            if column.name not in self.raw.columns:
                continue
            values = self.raw[column.name]
            given = (values != "").to_numpy()
            if column.required:
                self.report(~given, column.name, lambda _i, c=column: f"{c.label} is required.")
            if column.max_length:
                too_long = given & (values.str.len() > column.max_length).to_numpy()
                self.report(
                    too_long,
                    column.name,
                    lambda _i, c=column: f"{c.label} is longer than {c.max_length} characters.",
                )
            getattr(self, f"_cells_{column.type}")(column, values, given)

    def _cells_text(self, column: Column, values: pd.Series, given: np.ndarray) -> None:
        self.out[column.name] = values.where(given, None)

    _cells_parent = _cells_text

    def _cells_date(self, column: Column, values: pd.Series, given: np.ndarray) -> None:
        parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        not_date = given & parsed.isna().to_numpy()
        shown = values.to_numpy()
        self.report(
            not_date,
            column.name,
            lambda i: f"{column.label} {shown[i]} is not a date: write it as YYYY-MM-DD.",
        )
        if not column.may_be_future:
            future = (parsed > self.today).to_numpy()
            self.report(
                future, column.name, lambda i: f"{column.label} {shown[i]} is in the future."
            )
        self.typed[column.name] = parsed
        # The strict format means a parsed cell is already what PostgreSQL reads.
        self.out[column.name] = values.where(parsed.notna(), None)

    def _cells_time(self, column: Column, values: pd.Series, given: np.ndarray) -> None:
        short = pd.to_datetime(values, format="%H:%M", errors="coerce")
        long = pd.to_datetime(values, format="%H:%M:%S", errors="coerce")
        parsed = short.fillna(long)
        shown = values.to_numpy()
        self.report(
            given & parsed.isna().to_numpy(),
            column.name,
            lambda i: f"{column.label} {shown[i]} is not a time: write it as HH:MM.",
        )
        self.typed[column.name] = parsed
        self.out[column.name] = values.where(parsed.notna(), None)

    def _numbers(self, column: Column, values: pd.Series, given: np.ndarray, whole: bool):
        parsed = pd.to_numeric(values.where(given, None), errors="coerce").astype("float64")
        shown = values.to_numpy()
        wrong = given & parsed.isna().to_numpy()
        if whole:
            wrong |= given & ~np.isnan(parsed.to_numpy()) & (parsed % 1 != 0).to_numpy()
        kind = "a whole number" if whole else "a number"
        self.report(wrong, column.name, lambda i: f"{column.label} {shown[i]} is not {kind}.")
        parsed = parsed.where(~wrong)
        if column.bounds is not None:
            low, high = column.bounds
            item = ITEMS_BY_CODE.get(column.name)
            numbers = parsed.to_numpy()
            above = (parsed > high).to_numpy()
            below = (parsed < low).to_numpy()
            # TOP items keep the wording the TOP form uses.
            if item is not None:
                self.report(
                    above | below,
                    column.name,
                    lambda i: out_of_range_message(item, int(numbers[i])),
                )
            else:
                self.report(
                    above, column.name, lambda i: f"{column.label} {shown[i]} is above {high:g}."
                )
                self.report(
                    below, column.name, lambda i: f"{column.label} {shown[i]} is below {low:g}."
                )
        self.typed[column.name] = parsed
        return parsed

    def _cells_int(self, column: Column, values: pd.Series, given: np.ndarray) -> None:
        parsed = self._numbers(column, values, given, whole=True)
        self.out[column.name] = parsed.astype("Int64")

    def _cells_decimal(self, column: Column, values: pd.Series, given: np.ndarray) -> None:
        parsed = self._numbers(column, values, given, whole=False)
        self.out[column.name] = parsed

    def _cells_bool(self, column: Column, values: pd.Series, given: np.ndarray) -> None:
        upper = values.str.upper().str.strip()
        yes = upper.isin(("Y", "YES", "TRUE", "1")).to_numpy()
        no = upper.isin(("N", "NO", "FALSE", "0")).to_numpy()
        # Where an empty cell means not known, the words mean it too; where empty means N
        # (training given), "not known" is not an answer the record can hold.
        may_be_unknown = column.empty == "NULL"
        unknown = upper.isin(NOT_KNOWN_WORDS).to_numpy() & may_be_unknown
        shown = values.to_numpy()
        answers = "Y, N or not known" if may_be_unknown else "Y or N"
        self.report(
            given & ~yes & ~no & ~unknown,
            column.name,
            lambda i: f"{column.label} {shown[i]} is not {answers}.",
        )
        flags = pd.Series(pd.NA, index=values.index, dtype="boolean")
        flags[yes] = True
        flags[no] = False
        self.typed[column.name] = flags
        self.out[column.name] = np.where(yes, "t", np.where(no, "f", None))

    def _from_ndtms(
        self, column: Column, values: pd.Series, given: np.ndarray, unknown: np.ndarray
    ) -> tuple[pd.Series, np.ndarray, str, np.ndarray]:
        """`values` with the NDTMS codes among the `unknown` cells turned into Lantern's
        values; the cells still given; the sentence naming the codes for a refusal; and
        the positions of the cells that changed.

        Only the few distinct unknown values are looked up, in Python; the cells take
        their answers by position (`factorize`), whatever the size of the chunk."""
        codes = self.lookups.ndtms.get((self.spec.kind, column.name))
        if codes is None:
            return values, given, "", np.empty(0, dtype=np.intp)
        hint = codes.hint(listed=column.type == "choice")
        positions = np.flatnonzero(unknown)
        if not len(positions):
            return values, given, hint, positions
        shown = values.to_numpy()
        which, distinct = pd.factorize(shown[positions])
        lantern = np.array([codes.to_lantern.get(code) for code in distinct], dtype=object)
        translated = lantern[which]
        found = np.array([value is not None for value in lantern], dtype=bool)[which]
        empty = np.zeros(self.n, dtype=bool)
        empty[positions[np.isin(distinct, list(codes.empty))[which]]] = True
        ambiguous = np.zeros(self.n, dtype=bool)
        ambiguous[positions[np.isin(distinct, list(codes.ambiguous))[which]]] = True
        self.report(
            ambiguous,
            column.name,
            lambda i: (
                f"{column.label} {shown[i]} is an NDTMS {codes.code_list} code that stands for "
                f"several of Lantern's values ({codes.ambiguous[shown[i]]}): write the one "
                "meant instead."
            ),
        )
        if column.required:
            self.report(
                empty,
                column.name,
                lambda i: f"{column.label} is required: {shown[i]} says it is not known.",
            )
        changed = positions[found | empty[positions]]
        if not len(changed):
            return values, given & ~ambiguous, hint, changed
        written = shown.copy()
        written[positions[found]] = translated[found]
        written[empty] = ""
        self.as_written.setdefault(column.name, values)
        values = pd.Series(written, index=values.index, dtype=values.dtype)
        self.raw[column.name] = values
        return values, given & ~ambiguous & ~empty, hint, changed

    def _cells_choice(self, column: Column, values: pd.Series, given: np.ndarray) -> None:
        allowed = values.isin(column.choices).to_numpy(copy=True)
        values, given, hint, changed = self._from_ndtms(column, values, given, given & ~allowed)
        # A translation is one of the column's values by construction; an emptied cell is
        # no longer given.
        allowed[changed] = True
        shown = self.as_written.get(column.name, values).to_numpy()
        choices = ", ".join(column.choices)
        self.report(
            given & ~allowed,
            column.name,
            lambda i: f"{column.label} {shown[i]} is not one of: {choices}.{hint}",
        )
        self.out[column.name] = values.where(given & allowed, None)

    def _cells_list(self, column: Column, values: pd.Series, given: np.ndarray) -> None:
        items = values.where(given).str.split(";").explode().str.strip()
        items = items[items.notna()]
        wrong_items = items[~items.isin(column.choices)]
        wrong = values.index.isin(wrong_items.index.unique())
        choices = ", ".join(column.choices)
        shown = values.to_numpy()
        self.report(
            wrong,
            column.name,
            lambda i: (
                f"{column.label} {shown[i]} has a value that is not one of: {choices} "
                "(separate values with semicolons)."
            ),
        )
        # Every item is a known code (no quotes or commas), so the PostgreSQL array
        # literal is the cell with its separators swapped.
        literal = "{" + values.str.replace(r"\s*;\s*", ",", regex=True).str.strip() + "}"
        self.out[column.name] = literal.where(given & ~wrong, None)

    def _cells_lookup(self, column: Column, values: pd.Series, given: np.ndarray) -> None:
        table = getattr(self.lookups, column.lookup or "")
        ids = values.map(table)
        missing = given & ids.isna().to_numpy()
        values, given, hint, changed = self._from_ndtms(column, values, given, missing)
        if len(changed):
            ids.iloc[changed] = values.iloc[changed].map(table).to_numpy()
        # A cell refused as an ambiguous code, or emptied, is no longer given.
        missing = given & ids.isna().to_numpy()
        shown = self.as_written.get(column.name, values).to_numpy()
        self.report(missing, column.name, lambda i: f"{column.label} {shown[i]} not found.{hint}")
        self.out[column.name] = ids.astype("Int64")

    # --- rows ------------------------------------------------------------

    def check_rows(self) -> None:
        ROW_RULES[self.spec.kind](self)

    def before(self, later: str, earlier: str, message: str) -> None:
        """Report `later` where it falls before `earlier` (both dates, both given)."""
        late, early = self.date(later), self.date(earlier)
        mask = (late < early).to_numpy()
        late_days = late.to_numpy().astype("M8[D]")
        early_days = early.to_numpy().astype("M8[D]")
        self.report(
            mask,
            later,
            lambda i: message.format(late=str(late_days[i]), early=str(early_days[i])),
        )

    def frame(self) -> pd.DataFrame:
        """The rows to stage: row number, validity, ref, parent ref and each data column."""
        data: dict[str, object] = {"row_no": self.rows, "valid": np.where(self.bad, "f", "t")}
        for column in self.spec.columns:
            key = column.field or column.name
            if column.name in self.out:
                data[key] = self.out[column.name]
            else:
                data[key] = None
        return pd.DataFrame(data, index=self.raw.index)


def check_chunk(
    spec: FileSpec,
    raw: pd.DataFrame,
    *,
    first_row: int,
    lookups: Lookups,
    today: datetime.date,
    log: ProblemLog,
) -> pd.DataFrame:
    """Check one chunk (read as strings) and return its rows to stage."""
    check = ChunkCheck(spec, raw, first_row, lookups, today, log)
    check.check_cells()
    check.check_rows()
    return check.frame()
