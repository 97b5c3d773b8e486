"""Vectorised checks of one chunk of one file, and the typed rows to stage.

`check_chunk` takes a chunk read as strings, checks every cell against its
column's spec and every row against the rules that need only that row (date
order, overdose details only on overdoses, TOP ranges...), records each
problem, and returns the frame to COPY into the staging table with a `valid`
flag. Rules that need other rows or the database (references, one open
episode, TOP stages) are checked afterwards in SQL by `exchange.importing.rules`.

Everything works on whole columns (pandas/numpy); Python loops run only over
problems, and only to build the messages that are kept.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cases import validators
from exchange.importing.problems import ProblemLog
from exchange.importing.specs import OVERDOSE_ONLY, Column, FileSpec
from outcomes.top_items import ITEMS_BY_CODE, out_of_range_message

_NHS_WEIGHTS = np.arange(10, 1, -1)
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
        raw = self.raw[column].to_numpy() if column in self.raw.columns else None

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

    def _cells_choice(self, column: Column, values: pd.Series, given: np.ndarray) -> None:
        allowed = values.isin(column.choices).to_numpy()
        shown = values.to_numpy()
        choices = ", ".join(column.choices)
        self.report(
            given & ~allowed,
            column.name,
            lambda i: f"{column.label} {shown[i]} is not one of: {choices}.",
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
        shown = values.to_numpy()
        self.report(missing, column.name, lambda i: f"{column.label} {shown[i]} not found.")
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


def _service_user_rows(check: ChunkCheck) -> None:
    born = check.date("date_of_birth")
    today = check.today_date
    years = today.year - born.dt.year
    before_birthday = (born.dt.month > today.month) | (
        (born.dt.month == today.month) & (born.dt.day > today.day)
    )
    age = (years - before_birthday.astype("float64")).to_numpy()
    shown = check.text("date_of_birth")
    check.report(
        age > validators.OLDEST_AGE,
        "date_of_birth",
        lambda i: (
            f"Date of birth {shown[i]} makes the person {int(age[i])}; check the year (it must "
            f"be within the last {validators.OLDEST_AGE} years)."
        ),
    )
    check.report(
        (age < validators.YOUNGEST_AGE) & (born <= check.today).to_numpy(),
        "date_of_birth",
        lambda i: (
            f"Date of birth {shown[i]} makes the person {int(age[i])}; Lantern records people "
            f"aged {validators.YOUNGEST_AGE} or over."
        ),
    )
    if "nhs_number" in check.raw.columns:
        nhs = check.raw["nhs_number"].str.replace(r"[\s-]", "", regex=True)
        given = (nhs != "").to_numpy()
        shape_ok = nhs.str.fullmatch(r"\d{10}").fillna(False).to_numpy(dtype=bool)
        shown_nhs = check.text("nhs_number")
        check.report(
            given & ~shape_ok,
            "nhs_number",
            lambda i: f"NHS number {shown_nhs[i]} does not have 10 digits.",
        )
        digits = np.zeros((check.n, 10), dtype=np.int64)
        if shape_ok.any():
            chosen = nhs[shape_ok].to_numpy().astype("U10")
            digits[shape_ok] = chosen.view("U1").reshape(-1, 10).astype(np.int64)
        expected = 11 - (digits[:, :9] @ _NHS_WEIGHTS) % 11
        expected[expected == 11] = 0
        check.report(
            shape_ok & (expected != digits[:, 9]),
            "nhs_number",
            lambda i: f"NHS number {shown_nhs[i]} is not valid: its check digit does not match.",
        )
        check.out["nhs_number"] = nhs.where(given, None)
    if "postcode" in check.raw.columns:
        compact = check.raw["postcode"].str.replace(r"\s", "", regex=True).str.upper()
        spaced = compact.where(compact.str.len() <= 3, compact.str[:-3] + " " + compact.str[-3:])
        given = (compact != "").to_numpy()
        ok = spaced.str.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}").to_numpy(dtype=bool)
        shown_pc = check.text("postcode")
        check.report(
            given & ~ok, "postcode", lambda i: f"Postcode {shown_pc[i]} is not a UK postcode."
        )
        check.out["postcode"] = spaced.where(given, None)
    if "phone" in check.raw.columns:
        compact = check.raw["phone"].str.replace(r"[\s()-]", "", regex=True)
        given = (compact != "").to_numpy()
        ok = compact.str.fullmatch(r"(?:\+44|0)\d{9,10}").to_numpy(dtype=bool)
        shown_ph = check.text("phone")
        check.report(
            given & ~ok, "phone", lambda i: f"Phone {shown_ph[i]} is not a UK phone number."
        )


def _episode_rows(check: ChunkCheck) -> None:
    check.before(
        "triage_date", "referral_date", "Triage date {late} is before the referral date {early}."
    )
    check.before(
        "start_date", "referral_date", "Care plan start {late} is before the referral date {early}."
    )
    check.before(
        "discharge_date",
        "referral_date",
        "Discharge date {late} is before the referral date {early}.",
    )
    check.before(
        "discharge_date",
        "start_date",
        "Discharge date {late} is before the care plan start {early}.",
    )
    discharged = check.present("discharge_date")
    reason = check.present("discharge_reason")
    check.report(
        discharged & ~reason,
        "discharge_reason",
        lambda _i: "Discharge reason is required with a discharge date.",
    )
    check.report(
        reason & ~discharged,
        "discharge_date",
        lambda _i: "Discharge date is required with a discharge reason.",
    )
    children = check.number("children_living_with").fillna(0).to_numpy() > 0
    not_parent = check.flag("parental_status").eq(False).fillna(False).to_numpy(dtype=bool)
    check.report(
        children & not_parent,
        "children_living_with",
        lambda _i: "Children are recorded but the person is not a parent.",
    )


def _intervention_rows(check: ChunkCheck) -> None:
    check.before("end_date", "start_date", "End date {late} is before the start date {early}.")
    ended = check.present("end_date")
    status = check.present("exit_status")
    check.report(
        ended & ~status,
        "exit_status",
        lambda _i: "Exit status is required with an end date.",
    )
    check.report(
        status & ~ended, "end_date", lambda _i: "End date is required with an exit status."
    )
    prescribing = check.text("kind") == "pharmacological"
    for name, label in (("medicine", "OST medicine"), ("intention", "Prescribing intention")):
        check.report(
            prescribing & ~check.present(name),
            name,
            lambda _i, label=label: f"{label} is required for a prescribing intervention.",
        )
        check.report(
            ~prescribing & check.present(name),
            name,
            lambda _i, label=label: f"Only a prescribing intervention has an {label.lower()}.",
        )
    dose = check.number("daily_dose_mg").to_numpy()
    check.report(
        ~prescribing & check.present("daily_dose_mg"),
        "daily_dose_mg",
        lambda _i: "Only a prescribing intervention has a daily dose.",
    )
    check.report(dose == 0, "daily_dose_mg", lambda _i: "Daily dose (mg) must be more than 0.")


def _event_rows(check: ChunkCheck) -> None:
    overdose = check.text("kind") == "non_fatal_overdose"
    for name in OVERDOSE_ONLY:
        label = check.spec.by_name[name].label
        check.report(
            ~overdose & check.present(name),
            name,
            lambda _i, label=label: f"{label} is only recorded for a non_fatal_overdose.",
        )
    # Taken to hospital may be empty: a notifier often cannot know, and empty means not known.
    doses = check.number("naloxone_doses").fillna(0).to_numpy() > 0
    not_given = np.isin(check.text("naloxone_given_by"), ["not_given", "unknown"])
    giver = check.text("naloxone_given_by")
    check.report(
        overdose & doses & not_given,
        "naloxone_doses",
        lambda i: (
            f"Naloxone doses are recorded only when naloxone was given, and naloxone_given_by "
            f"says {giver[i]}: say who gave it, or leave the doses empty."
        ),
    )
    check.report(
        overdose & ~check.present("information_source"),
        "information_source",
        lambda _i: "Information source is required for an overdose.",
    )


def _contact_rows(check: ChunkCheck) -> None:
    day = check.date("contact_date")
    status = check.text("status")
    shown = check.text("contact_date")
    check.report(
        (status == "booked") & (day < check.today).to_numpy(),
        "status",
        lambda i: (
            f"Contact on {shown[i]} is in the past but still booked: record attended, dna or cancelled."
        ),
        value=lambda i: status[i],
    )
    check.report(
        np.isin(status, ["attended", "dna"]) & (day > check.today).to_numpy(),
        "status",
        lambda i: f"Contact on {shown[i]} is in the future, so it cannot be {status[i]}.",
        value=lambda i: status[i],
    )


def _naloxone_rows(check: ChunkCheck) -> None:
    supplied, expiry = check.date("supplied_on"), check.date("expiry_date")
    shown = check.text("expiry_date")
    check.report(
        (expiry <= supplied).to_numpy(),
        "expiry_date",
        lambda i: f"Kit expiry date {shown[i]} is not after the supply date.",
    )
    repeat = check.text("supply_type") == "repeat"
    first = check.text("supply_type") == "first"
    reason = check.present("repeat_reason")
    check.report(
        repeat & ~reason,
        "repeat_reason",
        lambda _i: "Repeat reason is required for a repeat supply.",
    )
    check.report(first & reason, "repeat_reason", lambda _i: "A first supply has no repeat reason.")
    used = np.isin(check.text("repeat_reason"), ["used_self", "used_other"])
    check.report(
        check.present("kit_used_on") & ~used,
        "kit_used_on",
        lambda _i: (
            "Date the previous kit was used goes only with repeat reason used_self or used_other."
        ),
    )
    shown_used = check.text("kit_used_on")
    check.report(
        (check.date("kit_used_on") > supplied).to_numpy(),
        "kit_used_on",
        lambda i: (
            f"Date the previous kit was used {shown_used[i]} is after the supply date: "
            "the kit was used before this one was supplied."
        ),
    )


def _top_rows(check: ChunkCheck) -> None:
    used_other = check.number("OTDRGUSE").fillna(0).to_numpy() > 0
    check.report(
        used_other & ~check.present("other_substance_name"),
        "other_substance_name",
        lambda _i: "Other substance's name is required when OTDRGUSE is above 0.",
    )


ROW_RULES: dict[str, Callable[[ChunkCheck], None]] = {
    "service_users": _service_user_rows,
    "episodes": _episode_rows,
    "interventions": _intervention_rows,
    "events": _event_rows,
    "contacts": _contact_rows,
    "naloxone_supplies": _naloxone_rows,
    "top_assessments": _top_rows,
}


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
