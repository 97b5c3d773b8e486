"""CSV for PostgreSQL's COPY, built from numpy arrays without a Python loop per row.

Each column becomes a block: an (n, width) uint8 array holding one value per
row, right-padded with NUL bytes. `csv_rows` lays the blocks side by side with
commas and newlines and drops every NUL in one pass, which leaves ordinary
variable-width CSV. A NULL is an all-NUL (empty, unquoted) value, which COPY's
CSV format reads as NULL; an empty string is written `""`, which it reads as
an empty string. Text never contains a NUL byte, so padding is unambiguous.
"""

import datetime
from collections.abc import Sequence

import numpy as np

COMMA = ord(",")
NEWLINE = ord("\n")


def _csv_value(text: str | None) -> bytes:
    if text is None:
        return b""
    if text == "" or any(c in text for c in ',"\n\r') or text != text.strip():
        return b'"' + text.replace('"', '""').encode() + b'"'
    return text.encode()


def label_table(values: Sequence[str | None]) -> np.ndarray:
    """A lookup table of CSV values with a NULL appended, so code -1 means NULL."""
    return np.array([_csv_value(v) for v in values] + [b""], dtype="S")


def block_of(strings: np.ndarray) -> np.ndarray:
    """View a fixed-width bytes array (dtype S) as a block."""
    strings = np.ascontiguousarray(strings)
    return strings.view(np.uint8).reshape(len(strings), strings.dtype.itemsize)


def lookup(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Values from a `label_table` by integer code (-1 for NULL)."""
    return block_of(table[codes])


def choices(values: Sequence[str | None], codes: np.ndarray) -> np.ndarray:
    return lookup(label_table(values), codes)


def booleans(codes: np.ndarray) -> np.ndarray:
    """1 true, 0 false, -1 NULL."""
    return lookup(label_table(["f", "t"]), codes.astype(np.int64))


def integers(values: np.ndarray, null: np.ndarray | None = None) -> np.ndarray:
    """Non-negative integers in decimal; rows where `null` is true are NULL."""
    values = np.asarray(values, dtype=np.int64)
    n = len(values)
    if n and values.min() < 0:
        raise ValueError("integers() writes non-negative numbers only")
    width = len(str(int(values.max()))) if n else 1
    out = np.empty((n, width), dtype=np.uint8)
    rest = values.copy()
    for position in range(width - 1, -1, -1):
        rest, digit = np.divmod(rest, 10)
        out[:, position] = digit + 48
    # Leading zeros would parse, but blank them so the CSV reads naturally.
    if width > 1:
        significant = np.maximum.accumulate(out[:, :-1] != 48, axis=1)
        out[:, :-1][~significant] = 0
    if null is not None:
        out[null] = 0
    return out


def fixed_digits(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers as exactly `width` digits, keeping leading zeros (for text)."""
    rest = np.asarray(values, dtype=np.int64).copy()
    out = np.empty((len(rest), width), dtype=np.uint8)
    for position in range(width - 1, -1, -1):
        rest, digit = np.divmod(rest, 10)
        out[:, position] = digit + 48
    return out


def replace_rows(block: np.ndarray, rows: np.ndarray, text: str) -> np.ndarray:
    """`block` with the chosen rows holding `text` instead (widened if need be)."""
    value = np.frombuffer(_csv_value(text), dtype=np.uint8)
    width = max(block.shape[1], len(value))
    out = np.zeros((block.shape[0], width), dtype=np.uint8)
    out[:, : block.shape[1]] = block
    out[rows] = 0
    out[np.ix_(np.flatnonzero(rows), np.arange(len(value)))] = value
    return out


def literal(text: str, n: int) -> np.ndarray:
    """Raw text repeated on every row, unquoted: a piece of a field built with `quoted`."""
    row = np.frombuffer(text.encode(), dtype=np.uint8)
    return np.broadcast_to(row, (n, len(row)))


def constant(text: str, n: int) -> np.ndarray:
    row = np.frombuffer(_csv_value(text), dtype=np.uint8)
    return np.broadcast_to(row, (n, len(row)))


def concat(*blocks: np.ndarray) -> np.ndarray:
    """Several blocks as one field (their padding disappears with the rest)."""
    return np.hstack(blocks)


def quoted(*blocks: np.ndarray) -> np.ndarray:
    """One double-quoted field made of `blocks`, which must not contain a quote."""
    mark = np.full((blocks[0].shape[0], 1), ord('"'), dtype=np.uint8)
    return np.hstack([mark, *blocks, mark])


def uuids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Random version-4 UUIDs from `rng` (so a seed reproduces them), as 32 hex digits."""
    raw = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hexes = np.frombuffer(raw.tobytes().hex().encode(), dtype="S32")
    return block_of(hexes)


class Calendar:
    """Dates and times as CSV, by whole days before `today` (negative: after it)."""

    FUTURE_DAYS = 1200
    PAST_DAYS = 45000

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        offsets = np.arange(-self.FUTURE_DAYS, self.PAST_DAYS + 1)
        days = np.datetime64(today.isoformat(), "D") - offsets.astype("timedelta64[D]")
        self._dates = np.datetime_as_string(days).astype("S10")
        minutes = np.arange(24 * 60)
        self._times = np.array(
            [f"{m // 60:02d}:{m % 60:02d}".encode() for m in minutes], dtype="S5"
        )

    def dates(self, days_ago: np.ndarray, null: np.ndarray | None = None) -> np.ndarray:
        days_ago = np.asarray(days_ago, dtype=np.int64)
        if len(days_ago) and (
            days_ago.min() < -self.FUTURE_DAYS or days_ago.max() > self.PAST_DAYS
        ):
            raise ValueError("date outside the calendar's range")
        out = block_of(self._dates[days_ago + self.FUTURE_DAYS]).copy()
        if null is not None:
            out[null] = 0
        return out

    def times(self, minutes: np.ndarray, null: np.ndarray | None = None) -> np.ndarray:
        out = block_of(self._times[np.asarray(minutes, dtype=np.int64) % (24 * 60)]).copy()
        if null is not None:
            out[null] = 0
        return out


def csv_rows(blocks: Sequence[np.ndarray]) -> bytes:
    """The rows as CSV bytes, one field per block, in order."""
    n = blocks[0].shape[0]
    if any(b.shape[0] != n for b in blocks):
        raise ValueError("every column needs the same number of rows")
    if n == 0:
        return b""
    comma = np.full((n, 1), COMMA, dtype=np.uint8)
    newline = np.full((n, 1), NEWLINE, dtype=np.uint8)
    parts: list[np.ndarray] = []
    for block in blocks:
        parts.extend((block, comma))
    parts[-1] = newline
    matrix = np.hstack(parts)
    return matrix[matrix != 0].tobytes()
