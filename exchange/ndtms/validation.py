"""Pre-submission validation of a submission's rows, as pure functions over the declaration.

Each rule takes the file's rows grouped by episode (item name -> value as written,
see `episodes_of`) and returns its problems; `validate` runs them all. They read
only the declaration (`exchange.ndtms.items`) and the code lists of the dataset
version, so they check a file Lantern wrote and a file read back alike, and need
no database. Rows of people without consent hold only the items allowed without
it and are not checked beyond them.

The rules: items required at the stage an episode has reached; codes valid in the
dataset version; dates in order across the episode, its modalities and TOPs; age
at least 18 at referral; triage before treatment; a modality for every episode in
treatment; a TOP due and missing; one person under several client identifiers.
The same rules run over the writer's frames, a block at a time, in
`exchange.ndtms.frames`.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core import dates
from exchange.ndtms.items import DATE_FORMAT, ITEMS, NOT_KNOWN, WITHHELD, Item

FileRow = dict[str, str]
# A review TOP is due this many days after the episode's latest one.
TOP_REVIEW_DAYS = 182
# A start TOP is due this many days after treatment begins.
TOP_START_DAYS = 28
ADULT_AGE = 18


@dataclass(frozen=True)
class Problem:
    rule: str
    client: str
    episode: str
    item: str
    message: str


@dataclass(frozen=True)
class Episode:
    """One episode's rows: the first holds its client and episode items."""

    rows: tuple[FileRow, ...]

    @property
    def first(self) -> FileRow:
        return self.rows[0]

    @property
    def consented(self) -> bool:
        return self.first.get("CONSENT") == "Y"

    def problem(self, rule: str, item: str, message: str) -> Problem:
        return Problem(rule, self.first["CLIENTID"], self.first.get("EPISODID", ""), item, message)

    def date(self, row: FileRow, name: str) -> datetime.date | None:
        return _date(row.get(name, NOT_KNOWN))

    def stages(self) -> set[str]:
        reached = {"referral"}
        if self.has("TRIAGED"):
            reached.add("triage")
        if self.has("CPLANDT") or any(_given(row.get("MODST", NOT_KNOWN)) for row in self.rows):
            reached.add("treatment")
        if self.has("DISD"):
            reached.add("discharge")
        return reached

    def has(self, name: str) -> bool:
        return _given(self.first.get(name, NOT_KNOWN))


def _given(value: str) -> bool:
    return value not in (NOT_KNOWN, WITHHELD)


def _date(value: str) -> datetime.date | None:
    if not _given(value):
        return None
    try:
        return datetime.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=datetime.UTC).date()
    except ValueError:
        return None


def _show(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def episodes_of(rows: Iterable[FileRow]) -> list[Episode]:
    """The rows grouped by episode (by client for rows without an episode), in file order."""
    grouped: dict[tuple[str, str], list[FileRow]] = defaultdict(list)
    for row in rows:
        grouped[(row.get("CLIENTID", ""), row.get("EPISODID", ""))].append(row)
    return [Episode(tuple(found)) for found in grouped.values()]


_SECTION_ROWS = {"modality": "MODID", "TOP": "TOPID"}


def required_items(episodes: list[Episode], **_: object) -> list[Problem]:
    """Every item the national system expects at the stage the episode has reached."""
    problems = []
    for episode in episodes:
        if not episode.consented:
            continue
        reached = episode.stages()
        for item in ITEMS:
            if item.required_at is None:
                continue
            if item.women_only and episode.first.get("SEX") != "F":
                continue
            if item.required_at in _SECTION_ROWS:
                key = _SECTION_ROWS[item.required_at]
                rows = [row for row in episode.rows if _given(row.get(key, NOT_KNOWN))]
            elif item.required_at in reached:
                rows = [episode.first]
            else:
                rows = []
            if any(not _given(row.get(item.name, NOT_KNOWN)) for row in rows):
                problems.append(
                    episode.problem(
                        "required", item.name, f"{item.lantern} is missing ({item.name})."
                    )
                )
    return problems


def valid_codes(
    episodes: list[Episode], *, codes: dict[str, set[str]], **_: object
) -> list[Problem]:
    """Every coded value is a code of its list in the dataset version."""
    coded: list[Item] = [item for item in ITEMS if item.codes is not None]
    problems = []
    for episode in episodes:
        for row in episode.rows:
            for item in coded:
                value = row.get(item.name, NOT_KNOWN)
                if not _given(value) or value == item.absent:
                    continue
                if value not in codes.get(item.codes or "", set()):
                    problems.append(
                        episode.problem(
                            "code",
                            item.name,
                            f"{value} is not a code of {item.codes} ({item.lantern}).",
                        )
                    )
    return problems


# (earlier, later, where): the later date may not come before the earlier one.
_EPISODE_ORDER = (
    ("DOB", "REFLD"),
    ("REFLD", "TRIAGED"),
    ("REFLD", "CPLANDT"),
    ("TRIAGED", "CPLANDT"),
    ("REFLD", "DISD"),
    ("CPLANDT", "DISD"),
)
_ROW_ORDER = (
    ("REFLD", "REFMODDT"),
    ("REFMODDT", "MODST"),
    ("MODST", "MODEND"),
    ("REFLD", "MODST"),
    ("MODEND", "DISD"),
    ("REFLD", "TOPDATE"),
)


def date_order(episodes: list[Episode], **_: object) -> list[Problem]:
    """Dates in order across the episode, its modalities and its TOPs."""
    problems = []
    for episode in episodes:
        seen = set()
        checks = [(episode.first, pair) for pair in _EPISODE_ORDER]
        checks += [(row, pair) for row in episode.rows for pair in _ROW_ORDER]
        for row, (earlier, later) in checks:
            before, after = episode.date(row, earlier), episode.date(row, later)
            if before and after and after < before and (earlier, later, after) not in seen:
                seen.add((earlier, later, after))
                problems.append(
                    episode.problem(
                        "dates",
                        later,
                        f"{later} {_show(after)} is before {earlier} {_show(before)}.",
                    )
                )
    return problems


def adult(episodes: list[Episode], **_: object) -> list[Problem]:
    """The adult dataset: 18 or over at referral."""
    problems = []
    for episode in episodes:
        born, referred = episode.date(episode.first, "DOB"), episode.date(episode.first, "REFLD")
        if born and referred and dates.age_on(born, referred) < ADULT_AGE:
            problems.append(
                episode.problem(
                    "age",
                    "DOB",
                    f"Aged {dates.age_on(born, referred)} at referral: the adult dataset is "
                    f"for people aged {ADULT_AGE} or over.",
                )
            )
    return problems


def triaged(episodes: list[Episode], **_: object) -> list[Problem]:
    """An episode in treatment has been triaged."""
    return [
        episode.problem("triage", "TRIAGED", "The episode is in treatment but has no triage date.")
        for episode in episodes
        if episode.consented and "treatment" in episode.stages() and not episode.has("TRIAGED")
    ]


def modality_in_treatment(episodes: list[Episode], **_: object) -> list[Problem]:
    """An episode in treatment has at least one modality."""
    return [
        episode.problem("modality", "MODAL", "The episode is in treatment but has no modality.")
        for episode in episodes
        if episode.consented
        and episode.has("CPLANDT")
        and not any(_given(row.get("MODID", NOT_KNOWN)) for row in episode.rows)
    ]


def top_due(episodes: list[Episode], *, end: datetime.date, **_: object) -> list[Problem]:
    """A start TOP within 28 days of treatment, then a review TOP every six months while open."""
    problems = []
    for episode in episodes:
        started = episode.date(episode.first, "CPLANDT")
        if not episode.consented or started is None or episode.has("DISD"):
            continue
        tops = sorted(day for row in episode.rows if (day := episode.date(row, "TOPDATE")))
        if not tops:
            if (end - started).days > TOP_START_DAYS:
                problems.append(
                    episode.problem(
                        "TOP",
                        "TOPDATE",
                        f"No TOP since treatment began on {_show(started)}: a start TOP is due.",
                    )
                )
        elif (end - tops[-1]).days > TOP_REVIEW_DAYS:
            problems.append(
                episode.problem(
                    "TOP",
                    "TOPDATE",
                    f"The latest TOP was on {_show(tops[-1])}: a review TOP is due.",
                )
            )
    return problems


def duplicate_clients(episodes: list[Episode], **_: object) -> list[Problem]:
    """One person (same initials, date of birth and sex) under several client identifiers."""
    clients: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for episode in episodes:
        key = tuple(
            episode.first.get(name, NOT_KNOWN) for name in ("FINITIAL", "SINITIAL", "DOB", "SEX")
        )
        if episode.consented and all(_given(part) for part in key):
            clients[key].add(episode.first["CLIENTID"])
    problems = []
    for episode in episodes:
        key = tuple(
            episode.first.get(name, NOT_KNOWN) for name in ("FINITIAL", "SINITIAL", "DOB", "SEX")
        )
        others = clients.get(key, set()) - {episode.first["CLIENTID"]}
        if episode.consented and others:
            problems.append(
                episode.problem(
                    "duplicate",
                    "CLIENTID",
                    "The same initials, date of birth and sex are sent under "
                    f"{', '.join(sorted(others))} too: check whether they are one person.",
                )
            )
    return problems


RULES: tuple[Callable[..., list[Problem]], ...] = (
    required_items,
    valid_codes,
    date_order,
    adult,
    triaged,
    modality_in_treatment,
    top_due,
    duplicate_clients,
)


def validate(
    rows: Iterable[FileRow], *, codes: dict[str, set[str]], end: datetime.date
) -> list[Problem]:
    """Every problem of a submission's rows, rule by rule."""
    episodes = episodes_of(rows)
    return [problem for rule in RULES for problem in rule(episodes, codes=codes, end=end)]
