"""Problems found in import files: where (file, row, column), the value, and a plain message.

A file of a million bad rows must not fill memory, so `ProblemLog` keeps the
first `limit` problems and counts the rest; a `sink` (a callable) can receive
every problem as it is found, e.g. to write them all to a CSV file.
Row numbers are as a spreadsheet shows them: the header is row 1.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import numpy as np

DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


class ProblemLog:
    def __init__(
        self, limit: int = DEFAULT_LIMIT, sink: Callable[[Problem], None] | None = None
    ) -> None:
        self.limit = limit
        self.sink = sink
        self.kept: list[Problem] = []
        self.count = 0
        self.by_file: Counter[str] = Counter()

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, file: str, row: int, column: str, value: object, message: str) -> None:
        self.count += 1
        self.by_file[file] += 1
        if len(self.kept) < self.limit or self.sink:
            problem = Problem(file, int(row), column, "" if value is None else str(value), message)
            if len(self.kept) < self.limit:
                self.kept.append(problem)
            if self.sink:
                self.sink(problem)

    def add_many(
        self,
        file: str,
        rows: np.ndarray,
        column: str,
        values: Iterable[object],
        message: Callable[[object, int], str],
    ) -> None:
        """Record one problem per row; messages are only built for problems that are kept."""
        rows = np.asarray(rows)
        wanted = len(rows) if self.sink else max(0, self.limit - len(self.kept))
        values = list(values)[:wanted] if wanted < len(rows) else list(values)
        for index, (row, value) in enumerate(zip(rows[:wanted], values, strict=False)):
            self.add(file, int(row), column, value, message(value, index))
        skipped = len(rows) - min(wanted, len(rows))
        self.count += skipped
        self.by_file[file] += skipped
