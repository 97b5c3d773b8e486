"""NDTMS codes in the import files: which columns read them, and how they become Lantern's values.

A service moving from a system that exports NDTMS-coded data loads its files as they
are: each coded column that has an NDTMS item (`IMPORT_COLUMNS`, derived from the
declaration of items) reads the item's NDTMS code as well as Lantern's own value. The
translation is the mapping table the submission is written through (`NdtmsMapping`, for
the dataset version the submission follows), read once per import and turned round, so
an administrator's correction of a mapping applies to both.

The rules, in order:

- A value valid as a Lantern value keeps its Lantern meaning: only the cells that are
  not Lantern values are looked up at all.
- An NDTMS code that exactly one Lantern value is written as reads as that value.
- An NDTMS code that several Lantern values are written as (`DRUG` 8799 stands for
  ketamine, mephedrone, synthetic cannabinoids and other drugs) is refused, with a
  message naming the code, the column and the Lantern values it could be: the import
  cannot know which one the source meant, and a guess would put wrong data on a record.
- `NA`, the file's "not known", and the item's own "none" code (`DRUG2` 9996) read as an
  empty cell; in a required column they are refused as missing.
- Anything else is refused as before, with the NDTMS codes the column reads added to
  the message.

Everything is a dictionary per column, built once per import, applied to whole columns;
a chunk whose cells are all Lantern values costs nothing more. The declaration part of
this module is pure (no Django), so docs/ndtms.md can be generated from it.
"""

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from exchange.ndtms.items import ITEMS, NOT_KNOWN, Item

# The submission's sources (see `exchange.ndtms.items`) by the import file that holds them.
_FILES = {"su": "service_users", "ep": "episodes", "iv": "interventions", "tp": "top_assessments"}
# Sources whose import column is not named after the field.
_RENAMED = {
    "s1.code": ("episodes", "substance_1"),
    "s2.code": ("episodes", "substance_2"),
    "s3.code": ("episodes", "substance_3"),
    "dr.code": ("episodes", "discharge_reason"),
}
SUBINT = "SUBINT"


@dataclass(frozen=True)
class ImportColumn:
    """An import column that reads an NDTMS item's codes."""

    file: str
    column: str
    item: str
    code_list: str
    # The item's "none" code (written for an absent second substance), read as empty.
    absent: str | None = None

    @property
    def file_name(self) -> str:
        return f"{self.file}.csv"


def _import_column(item: Item) -> ImportColumn | None:
    if item.kind != "code" or item.source is None or item.codes is None:
        return None  # derived codes (PRNTSTAT) have no column of their own
    if item.source in _RENAMED:
        file, column = _RENAMED[item.source]
    else:
        prefix, _, column = item.source.partition(".")
        if prefix not in _FILES:
            return None
        file = _FILES[prefix]
    return ImportColumn(file, column, item.name, item.codes, item.absent)


# The sub-intervention items are flags, one per prescribing intention or approach: a file
# that names the one an intervention consists of gives the item's name (e.g. PHMAIN).
IMPORT_COLUMNS: tuple[ImportColumn, ...] = (
    *(column for item in ITEMS if (column := _import_column(item)) is not None),
    ImportColumn("interventions", "intention", "sub-interventions (PH...)", SUBINT),
    ImportColumn("interventions", "approach", "sub-interventions (PSY..., REC...)", SUBINT),
)


@dataclass(frozen=True)
class ColumnCodes:
    """One column's NDTMS codes, turned round into Lantern's values."""

    code_list: str
    # NDTMS code -> the one Lantern value written as it.
    to_lantern: dict[str, str] = field(default_factory=dict)
    # NDTMS code -> the Lantern values written as it, listed, when there are several.
    ambiguous: dict[str, str] = field(default_factory=dict)
    # What reads as an empty cell: NA, and the item's "none" code.
    empty: frozenset[str] = frozenset()

    def hint(self, *, listed: bool = True) -> str:
        """The sentence added to a refusal: the NDTMS codes the column reads, or (for a
        column of rows held in Lantern, whose codes are many) only that it reads them."""
        codes = sorted({*self.to_lantern, *self.ambiguous}, key=_code_order)
        if not codes:
            return ""
        if not listed:
            return f" It is not an NDTMS {self.code_list} code either."
        what = "sub-intervention items" if self.code_list == SUBINT else f"{self.code_list} codes"
        return f" NDTMS {what} are read too: {', '.join(codes)}."


def _code_order(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (1 << 30, code)


def column_codes(
    to_ndtms: Mapping[str, Mapping[str, str]],
    valid: Mapping[tuple[str, str], Collection[str]],
) -> dict[tuple[str, str], ColumnCodes]:
    """Each NDTMS-coded column's codes, by (file kind, column name).

    `to_ndtms` is a dataset version's mapping tables (code list -> Lantern value -> NDTMS
    code, as `exchange.ndtms.mapping.Mappings` holds them); `valid` the values each
    column accepts as Lantern's own (its choices, or the codes of the rows a lookup
    finds). A Lantern value the column does not accept is not a translation for it, and
    a code that is itself a Lantern value of the column is read as the Lantern value."""
    found: dict[tuple[str, str], ColumnCodes] = {}
    for column in IMPORT_COLUMNS:
        accepted = set(valid[column.file, column.column])
        values: defaultdict[str, list[str]] = defaultdict(list)
        for value, code in to_ndtms.get(column.code_list, {}).items():
            if code and value in accepted and code not in accepted:
                values[code].append(value)
        found[column.file, column.column] = ColumnCodes(
            code_list=column.code_list,
            to_lantern={code: lantern[0] for code, lantern in values.items() if len(lantern) == 1},
            ambiguous={
                code: ", ".join(sorted(lantern))
                for code, lantern in values.items()
                if len(lantern) > 1
            },
            empty=frozenset(
                code for code in (NOT_KNOWN, column.absent) if code and code not in accepted
            ),
        )
    return found
