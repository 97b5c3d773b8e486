"""Hypothesis strategies for hostile form input, by the kind of form field they are aimed at.

Each strategy yields what a browser could post for one field: a string, or a
list of strings for a multiple choice. Values that a keyworker could type are
mixed with values no one should: very long text, NUL and other control
characters, script tags, right-to-left overrides and emoji, out-of-range and
non-finite numbers, dates in the years 1 and 9999, malformed dates, unknown
choices and huge integers.
"""

import datetime

from django import forms
from hypothesis import strategies as st

CONTROL_CHARACTERS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"]

HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "<script>alert('lantern')</script>",
            '"><img src=x onerror=alert(1)>',
            "\u202eelif.exe\u202c",
            "👩🏽\u200d⚕️💊🚑",
            "שלום עולם",
            "Robert'); DROP TABLE cases_serviceuser;--",
            "x" * 10_000,
            " ",
            "%00",
            "{{ request.user }}",
        ]
    ),
    st.builds(
        lambda before, control, after: before + control + after,
        st.text(max_size=20),
        st.sampled_from(CONTROL_CHARACTERS),
        st.text(max_size=20),
    ),
    st.text(max_size=200),
)

HOSTILE_NUMBERS = st.one_of(
    st.sampled_from(
        [
            "NaN",
            "nan",
            "inf",
            "-inf",
            "Infinity",
            "1e309",
            "-1",
            "0",
            "1.5",
            "0x1F",
            "٣",
            "99999999999999999999999999",
            "-99999999999999999999999999",
            "2147483648",
            "9223372036854775808",
            "1_000",
            "",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    HOSTILE_TEXT,
)

HOSTILE_DATES = st.one_of(
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31",
            "1899-12-31",
            "1900-01-01",
            "2026-02-30",
            "2025-13-01",
            "31/12/2025",
            "32/13/2025",
            "0000-00-00",
            "10000-01-01",
            "-2025-01-01",
            "yesterday",
            "",
        ]
    ),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(
        datetime.date.isoformat
    ),
    HOSTILE_TEXT,
)

HOSTILE_TIMES = st.one_of(
    st.sampled_from(["25:00", "23:59", "00:00", "12:60", "-1:00", "noon", "24:00", ""]),
    HOSTILE_TEXT,
)

HOSTILE_KEYS = st.sampled_from(
    ["0", "-1", "99999999999999999999", "2147483648", "abc", "1; DROP TABLE x", "", "\x00"]
)

HOSTILE_TICKS = st.sampled_from(["on", "true", "false", "", "maybe", "\x00", "1", "0"])


def _choices(field: forms.Field) -> list[str]:
    values = []
    for value, label in getattr(field, "choices", []):
        if isinstance(label, list | tuple):  # grouped choices
            values += [str(v) for v, _ in label]
        elif value not in ("", None):
            values.append(str(getattr(value, "value", value)))
    return values


def hostile_value(field: forms.Field) -> st.SearchStrategy:
    """What may be posted for `field`: its own valid values among hostile ones."""
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        one = st.one_of(st.sampled_from(_choices(field) or ["1"]), HOSTILE_KEYS, HOSTILE_TEXT)
        return st.lists(one, max_size=4)
    if isinstance(field, forms.ModelChoiceField):
        keys = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]
        return st.one_of(st.sampled_from(keys or ["1"]), HOSTILE_KEYS)
    if isinstance(field, forms.NullBooleanField | forms.BooleanField):
        return HOSTILE_TICKS
    if isinstance(field, forms.ChoiceField):
        return st.one_of(st.sampled_from(_choices(field) or [""]), HOSTILE_TEXT)
    if isinstance(field, forms.DateField):
        return HOSTILE_DATES
    if isinstance(field, forms.TimeField):
        return HOSTILE_TIMES
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return HOSTILE_NUMBERS
    if isinstance(field, forms.FileField):
        return st.builds(
            lambda name, body: (name, body),
            st.one_of(st.just("people.csv"), HOSTILE_TEXT.filter(lambda n: "\x00" not in n)),
            st.one_of(st.binary(max_size=300), HOSTILE_TEXT.map(str.encode)),
        )
    return HOSTILE_TEXT


# Periods asked of a page or the API, as (from, to), "" for an end left out: a mistyped
# year at either end, the widest range a date field takes, before 1900, and too long.
HOSTILE_PERIODS = [
    ("0001-01-01", "9999-12-31"),
    ("2026-01-01", "9999-12-31"),
    ("", "9999-12-31"),
    ("9999-12-31", ""),
    ("0001-01-01", ""),
    ("1899-12-31", "2026-01-01"),
    ("1901-01-01", "2026-01-01"),
]
