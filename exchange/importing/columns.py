"""The building blocks of the import formats: a `Column` of a file, a `FileSpec` of a
kind of file, and the helpers `exchange.importing.specs` declares the columns with."""

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal[
    "text", "date", "time", "int", "decimal", "bool", "choice", "list", "lookup", "parent"
]
# Lookups resolve a code or name in the file to a row Lantern already holds.
Lookup = Literal["team", "keyworker", "staff", "local_authority", "substance", "discharge_reason"]

SQL_TYPES: dict[str, str] = {
    "text": "text",
    "date": "date",
    "time": "time",
    "int": "integer",
    "decimal": "numeric",
    "bool": "boolean",
    "choice": "text",
    "list": "varchar[]",
    "lookup": "bigint",
    "parent": "text",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    label: str
    required: bool = False
    # The database column it fills; None for the ref and parent columns.
    field: str | None = None
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    bounds: tuple[float, float] | None = None
    lookup: Lookup | None = None
    # What an empty cell stores, as SQL: NULL where the model allows it, else
    # the model's default ('' for optional text).
    empty: str = "NULL"
    # Dates are in the past unless the column says otherwise (bookings, kit expiry).
    may_be_future: bool = False
    help: str = ""

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class FileSpec:
    kind: str
    title: str
    table: str
    columns: tuple[Column, ...]
    # The parent column (`person_ref` or `episode_ref`), if rows belong to one.
    parent: Literal["person", "episode"] | None = None
    # Whether the table has an `updated_at` column to touch when a row changes.
    has_updated_at: bool = False
    help: str = ""
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {column.name: column for column in self.columns})

    @property
    def file_name(self) -> str:
        return f"{self.kind}.csv"

    @property
    def data_columns(self) -> tuple[Column, ...]:
        """The columns that fill a database column of their own."""
        return tuple(column for column in self.columns if column.field)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)


def _ref(what: str) -> Column:
    return Column(
        "ref",
        "text",
        "Reference",
        required=True,
        max_length=60,
        help=f"The source system's reference for the {what}; unique within this file.",
    )


def _text(name: str, label: str, max_length: int | None, *, required: bool = False, **kw) -> Column:
    return Column(
        name,
        "text",
        label,
        required=required,
        field=name,
        max_length=max_length,
        empty="NULL" if required else "''",
        **kw,
    )


def _choice(name: str, label: str, choices, *, required: bool = False, empty="''", **kw) -> Column:
    return Column(
        name,
        "choice",
        label,
        required=required,
        field=name,
        choices=tuple(choices),
        empty=empty,
        **kw,
    )


def _date(name: str, label: str, *, required: bool = False, **kw) -> Column:
    return Column(name, "date", label, required=required, field=name, **kw)


def _bool(name: str, label: str, *, empty: str = "NULL", **kw) -> Column:
    return Column(name, "bool", label, field=name, empty=empty, **kw)


def _int(name: str, label: str, low: int, high: int, **kw) -> Column:
    return Column(name, "int", label, field=name, bounds=(low, high), **kw)


PERSON_PARENT = Column(
    "person_ref",
    "parent",
    "person",
    required=True,
    help="The `ref` of the person in service_users.csv (this import or an earlier one).",
)
