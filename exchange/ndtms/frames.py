"""The pre-submission rules run over the file's frames as it is written, a block at a time.

`FrameChecks` runs the rules of `exchange.ndtms.validation` over the Arrow frames the
writer writes (`exchange.ndtms.writer.submission_frames`), a block of people at a time,
on columns: no object per row. Each block holds whole episodes (every row of a person),
so every rule but the duplicates is decided within its block; the duplicates span the
file: each block leaves its consented episodes' initials, date of birth and sex, and
`finish` finds those sent under more than one client identifier. The problems come out
rule by rule in file order, as `validation.validate` lists them (a test holds the two
to the same problems); kept in a temporary file per rule when asked for, so memory stays
flat however many there are. Pure: no Django.
"""

import datetime
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from exchange.ndtms.items import DATE_FORMAT, ITEMS, NOT_KNOWN, WITHHELD
from exchange.ndtms.validation import (
    _EPISODE_ORDER,
    _ROW_ORDER,
    _SECTION_ROWS,
    ADULT_AGE,
    TOP_REVIEW_DAYS,
    TOP_START_DAYS,
    Problem,
    _show,
)

# The column of the person's team in the writer's frames (not written to the file).
TEAM = "_team"

PROBLEM_COLUMNS = ("client", "episode", "item", "message", "team")
_SCHEMA = pa.schema([(name, pa.string()) for name in PROBLEM_COLUMNS])
_ITEM_NAMES = pa.array([item.name for item in ITEMS])
_REQUIRED = pa.array([f"{item.lantern} is missing ({item.name})." for item in ITEMS])
_NOT_A_CODE = pa.array([f" is not a code of {item.codes} ({item.lantern})." for item in ITEMS])
_EPOCH = datetime.date(1970, 1, 1)


def _mask(array: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


class _Block:
    """One block's frame, its rows grouped by episode (client and episode identifier)."""

    def __init__(self, frame: pa.Table) -> None:
        self.frame = frame
        key = pc.binary_join_element_wise(frame["CLIENTID"], frame["EPISODID"], "\x1f")
        encoded = pc.dictionary_encode(key).combine_chunks()
        self.episode = encoded.indices.to_numpy().astype(np.int64)
        self.count = len(encoded.dictionary)
        # Indices are given in order of first appearance: the file's order of episodes.
        _, self.first = np.unique(self.episode, return_index=True)
        self._given: dict[str, np.ndarray] = {}
        self._days: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.consented = self.first_value("CONSENT") == "Y"

    def first_value(self, name: str) -> np.ndarray:
        return np.asarray(pc.take(self.frame[name], self.first).to_numpy(zero_copy_only=False))

    def given(self, name: str) -> np.ndarray:
        if name not in self._given:
            column = self.frame[name]
            absent = pc.or_(pc.equal(column, NOT_KNOWN), pc.equal(column, WITHHELD))
            self._given[name] = ~_mask(absent)
        return self._given[name]

    def first_given(self, name: str) -> np.ndarray:
        return self.given(name)[self.first]

    def any(self, rows: np.ndarray) -> np.ndarray:
        return np.bincount(self.episode, weights=rows, minlength=self.count) > 0

    def days(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Each row's date as days since 1970, and whether it is one."""
        if name not in self._days:
            parsed = pc.strptime(self.frame[name], format=DATE_FORMAT, unit="s", error_is_null=True)
            as_days = pc.cast(pc.cast(parsed, pa.date32()), pa.int32())
            valid = _mask(pc.is_valid(as_days))
            values = np.asarray(pc.fill_null(as_days, 0).to_numpy(zero_copy_only=False))
            self._days[name] = (values.astype(np.int64), valid)
        return self._days[name]

    def problems(self, episodes: np.ndarray, items: pa.Array, messages: pa.Array) -> pa.Table:
        rows = self.first[episodes]
        return pa.table(
            [
                pc.take(self.frame["CLIENTID"], rows),
                pc.take(self.frame["EPISODID"], rows),
                items,
                messages,
                pc.take(self.frame[TEAM], rows),
            ],
            schema=_SCHEMA,
        )


def _shown(days: np.ndarray) -> list[str]:
    return [_show(_EPOCH + datetime.timedelta(days=int(day))) for day in days]


def _required_frame(block: _Block, **_: object) -> pa.Table:
    reached = {
        "referral": np.ones(block.count, dtype=bool),
        "triage": block.first_given("TRIAGED"),
        "treatment": block.first_given("CPLANDT") | block.any(block.given("MODST")),
        "discharge": block.first_given("DISD"),
    }
    episodes, items = [], []
    for index, item in enumerate(ITEMS):
        if item.required_at is None:
            continue
        if item.required_at in _SECTION_ROWS:
            rows = block.given(_SECTION_ROWS[item.required_at])
            missing = block.any(rows & ~block.given(item.name))
        else:
            missing = reached[item.required_at] & ~block.first_given(item.name)
        if item.women_only:
            missing &= block.first_value("SEX") == "F"
        found = np.flatnonzero(missing & block.consented)
        episodes.append(found)
        items.append(np.full(len(found), index))
    episode, item = np.concatenate(episodes), np.concatenate(items)
    order = np.lexsort((item, episode))
    chosen = pa.array(item[order])
    return block.problems(episode[order], pc.take(_ITEM_NAMES, chosen), pc.take(_REQUIRED, chosen))


def _codes_frame(block: _Block, *, codes: dict[str, set[str]], **_: object) -> pa.Table:
    rows, items = [], []
    for index, item in enumerate(ITEMS):
        if item.codes is None:
            continue
        column = block.frame[item.name]
        bad = block.given(item.name) & ~_mask(
            pc.is_in(column, value_set=pa.array(sorted(codes.get(item.codes, set())), pa.string()))
        )
        if item.absent is not None:
            bad &= ~_mask(pc.equal(column, item.absent))
        found = np.flatnonzero(bad)
        rows.append(found)
        items.append(np.full(len(found), index))
    row, item = np.concatenate(rows), np.concatenate(items)
    order = np.lexsort((item, row, block.episode[row]))
    row, chosen = row[order], pa.array(item[order])
    values = [
        block.frame[ITEMS[i].name][int(r)].as_py() for r, i in zip(row, item[order], strict=True)
    ]
    messages = pc.binary_join_element_wise(
        pa.array(values, pa.string()), pc.take(_NOT_A_CODE, chosen), ""
    )
    return block.problems(block.episode[row], pc.take(_ITEM_NAMES, chosen), messages)


def _dates_frame(block: _Block, **_: object) -> pa.Table:
    pairs = (*_EPISODE_ORDER, *_ROW_ORDER)
    parts = []
    for index, (earlier, later) in enumerate(pairs):
        (before, known_before), (after, known_after) = block.days(earlier), block.days(later)
        wrong = known_before & known_after & (after < before)
        if index < len(_EPISODE_ORDER):
            rows = block.first[np.flatnonzero(wrong[block.first])]
            episodes = np.flatnonzero(wrong[block.first])
            sequence = np.full(len(rows), index, dtype=np.int64)
        else:
            rows = np.flatnonzero(wrong)
            episodes = block.episode[rows]
            sequence = len(pairs) + rows * len(pairs) + index
        parts.append((episodes, sequence, np.full(len(rows), index), after[rows], before[rows]))
    episode, sequence, pair, after, before = (np.concatenate(p) for p in zip(*parts, strict=True))
    order = np.lexsort((sequence, episode))
    episode, pair, after, before = episode[order], pair[order], after[order], before[order]
    # Each (pair, later date) once an episode: its first finding.
    _, once = np.unique(np.stack([episode, pair, after]), axis=1, return_index=True)
    once = np.sort(once)
    episode, pair, after, before = episode[once], pair[once], after[once], before[once]
    messages = [
        f"{pairs[p][1]} {a} is before {pairs[p][0]} {b}."
        for p, a, b in zip(pair, _shown(after), _shown(before), strict=True)
    ]
    return block.problems(
        episode, pa.array([pairs[p][1] for p in pair], pa.string()), pa.array(messages, pa.string())
    )


def _date_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    day = days.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    years = day.astype("datetime64[Y]").astype(np.int64) + 1970
    return years, month.astype(np.int64) % 12 + 1, (day - month).astype(np.int64) + 1


def _adult_frame(block: _Block, **_: object) -> pa.Table:
    born, known_born = block.days("DOB")
    referred, known_referred = block.days("REFLD")
    born, referred = born[block.first], referred[block.first]
    by, bm, bd = _date_parts(born)
    ry, rm, rd = _date_parts(referred)
    before_birthday = (rm < bm) | ((rm == bm) & (rd < bd))
    age = ry - by - before_birthday.astype(np.int64)
    found = np.flatnonzero(
        known_born[block.first] & known_referred[block.first] & (age < ADULT_AGE)
    )
    messages = [
        f"Aged {age[i]} at referral: the adult dataset is for people aged {ADULT_AGE} or over."
        for i in found
    ]
    return block.problems(
        found, pa.array(["DOB"] * len(found), pa.string()), pa.array(messages, pa.string())
    )


def _constant(block: _Block, found: np.ndarray, item: str, message: str) -> pa.Table:
    return block.problems(
        found,
        pa.array([item] * len(found), pa.string()),
        pa.array([message] * len(found), pa.string()),
    )


def _triage_frame(block: _Block, **_: object) -> pa.Table:
    treatment = block.first_given("CPLANDT") | block.any(block.given("MODST"))
    found = np.flatnonzero(block.consented & treatment & ~block.first_given("TRIAGED"))
    return _constant(block, found, "TRIAGED", "The episode is in treatment but has no triage date.")


def _modality_frame(block: _Block, **_: object) -> pa.Table:
    found = np.flatnonzero(
        block.consented & block.first_given("CPLANDT") & ~block.any(block.given("MODID"))
    )
    return _constant(block, found, "MODAL", "The episode is in treatment but has no modality.")


def _top_frame(block: _Block, *, end: datetime.date, **_: object) -> pa.Table:
    started, known = block.days("CPLANDT")
    started, known = started[block.first], known[block.first]
    top, dated = block.days("TOPDATE")
    latest = np.full(block.count, np.iinfo(np.int64).min)
    np.maximum.at(latest, block.episode[dated], top[dated])
    has = block.any(dated)
    today = (end - _EPOCH).days
    open_ = block.consented & known & ~block.first_given("DISD")
    first_due = open_ & ~has & (today - started > TOP_START_DAYS)
    review_due = open_ & has & (today - latest > TOP_REVIEW_DAYS)
    found = np.flatnonzero(first_due | review_due)
    messages = [
        f"No TOP since treatment began on {shown}: a start TOP is due."
        if first_due[i]
        else f"The latest TOP was on {shown}: a review TOP is due."
        for i, shown in zip(
            found, _shown(np.where(first_due[found], started[found], latest[found])), strict=True
        )
    ]
    return block.problems(
        found, pa.array(["TOPDATE"] * len(found), pa.string()), pa.array(messages, pa.string())
    )


# Each rule's frame form, in the order of `RULES`, with the kind its problems carry.
FRAME_RULES: tuple[tuple[str, Callable[..., pa.Table]], ...] = (
    ("required", _required_frame),
    ("code", _codes_frame),
    ("dates", _dates_frame),
    ("age", _adult_frame),
    ("triage", _triage_frame),
    ("modality", _modality_frame),
    ("TOP", _top_frame),
)
DUPLICATE = "duplicate"


_DUPLICATE_KEY = ("FINITIAL", "SINITIAL", "DOB", "SEX")


def _duplicate_keys(block: _Block) -> pa.Table:
    """Each consented episode whose initials, date of birth and sex are all given: its key,
    client, episode and team, in file order."""
    complete = block.consented.copy()
    for name in _DUPLICATE_KEY:
        complete &= block.first_given(name)
    rows = pa.array(block.first[complete])
    key = pc.binary_join_element_wise(
        *(pc.take(block.frame[name], rows) for name in _DUPLICATE_KEY), "\x1f"
    )
    return pa.table(
        {
            "key": key,
            "client": pc.take(block.frame["CLIENTID"], rows),
            "episode": pc.take(block.frame["EPISODID"], rows),
            "team": pc.take(block.frame[TEAM], rows),
        }
    )


def duplicate_problems(keys: pa.Table) -> pa.Table:
    """Every consented episode whose initials, date of birth and sex are sent under another
    client identifier too, in file order (`keys` from `_duplicate_keys`, every block's)."""
    clients = keys.group_by("key").aggregate([("client", "count_distinct")])
    shared = clients.filter(pc.greater(clients["client_count_distinct"], 1))["key"]
    rows = keys.filter(pc.is_in(keys["key"], value_set=shared))
    clients_of: dict[str, set[str]] = defaultdict(set)
    pairs = list(zip(rows["key"].to_pylist(), rows["client"].to_pylist(), strict=True))
    for key, client in pairs:
        clients_of[key].add(client)
    messages = [
        "The same initials, date of birth and sex are sent under "
        f"{', '.join(sorted(clients_of[key] - {client}))} too: check whether they are one person."
        for key, client in pairs
    ]
    return pa.table(
        [
            rows["client"],
            rows["episode"],
            pa.array(["CLIENTID"] * rows.num_rows, pa.string()),
            pa.array(messages, pa.string()),
            rows["team"],
        ],
        schema=_SCHEMA,
    )


class FrameChecks:
    """The rules run over a file's frames as they are written: counts by kind and by team,
    and (with `keep`) the problems themselves, rule by rule in file order."""

    def __init__(self, *, codes: dict[str, set[str]], end: datetime.date, keep: bool = True):
        self.codes, self.end, self.keep = codes, end, keep
        self.by_team: dict[str, Counter[str]] = defaultdict(Counter)
        self._spools: dict[str, tuple[IO[bytes], pa.ipc.RecordBatchStreamWriter]] = {}
        self._keys: list[pa.Table] = []

    def _add(self, kind: str, problems: pa.Table) -> None:
        if not problems.num_rows:
            return
        teams = problems["team"].value_counts()
        for value, count in zip(
            teams.field(0).to_pylist(), teams.field(1).to_pylist(), strict=True
        ):
            self.by_team[value][kind] += count
        if not self.keep:
            return
        if kind not in self._spools:
            # Closed when its problems are read back (`batches`).
            spool = tempfile.TemporaryFile()  # noqa: SIM115
            self._spools[kind] = (spool, pa.ipc.new_stream(spool, _SCHEMA))
        self._spools[kind][1].write_table(problems)

    def check(self, frame: pa.Table) -> None:
        """Check one block of the file (whole episodes)."""
        if not frame.num_rows:
            return
        block = _Block(frame)
        for kind, rule in FRAME_RULES:
            self._add(kind, rule(block, codes=self.codes, end=self.end))
        self._keys.append(_duplicate_keys(block))

    def finish(self) -> None:
        """After the last block: the duplicate clients, which span the file."""
        if self._keys:
            self._add(DUPLICATE, duplicate_problems(pa.concat_tables(self._keys)))
        self._keys = []

    @property
    def counts(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for kinds in self.by_team.values():
            total.update(kinds)
        return dict(sorted(total.items()))

    @property
    def team_counts(self) -> dict[str, dict[str, int]]:
        """Problems by the team of the person they are about, then kind."""
        return {team: dict(sorted(kinds.items())) for team, kinds in sorted(self.by_team.items())}

    def batches(self) -> Iterator[tuple[str, pa.RecordBatch]]:
        """The problems kept, rule by rule in the rules' order, each rule's in file order."""
        for kind in [kind for kind, _ in FRAME_RULES] + [DUPLICATE]:
            if kind not in self._spools:
                continue
            spool, writer = self._spools.pop(kind)
            writer.close()
            spool.seek(0)
            with spool, pa.ipc.open_stream(spool) as reader:
                for batch in reader:
                    yield kind, batch

    def problem_lists(self) -> Iterator[list[Problem]]:
        """The problems kept, as `validate` lists them, a batch at a time."""
        for kind, batch in self.batches():
            columns = (batch[n].to_pylist() for n in PROBLEM_COLUMNS[:-1])
            yield [Problem(kind, *values) for values in zip(*columns, strict=True)]

    def problems(self) -> list[Problem]:
        """Every problem kept (for a file of a size to hold)."""
        return [problem for found in self.problem_lists() for problem in found]
