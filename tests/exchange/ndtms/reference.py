"""The submission file and its checks as they were written before the set-based path: the
reference for byte identity.

`reference_file(start=, end=, agency=)` writes the file the old way (three queries, a dict
per row, each item through `item_text`, Python's csv writer) and `reference_problems`
checks it the old way (the file parsed back into a dict per row, `Episode` objects and
rule functions over them). Frozen here as they were, independent of the code under test:
`test_same_file` proves the fast path gives the same bytes and the same problems, and
`bench/ndtms.py` runs it as its baseline.
"""

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from django.db import connection
from psycopg import sql

from core import dates
from exchange.ndtms.items import (
    DATASET_VERSION,
    DATE_FORMAT,
    ITEMS,
    NAMES,
    NOT_KNOWN,
    WITHHELD,
    Item,
)
from exchange.ndtms.mapping import Mappings, mappings_for
from outcomes.top_items import TOP_ITEMS

Row = dict[str, Any]
# Rows written between two blocks handed to the caller.
BLOCK_ROWS = 2000

_EPISODE_COLUMNS = {
    "svc.code": "svc.code",
    "su.client_ref": "su.client_ref",
    "su.first_initial": "upper(left(btrim(su.first_name), 1))",
    "su.last_initial": "upper(left(btrim(su.last_name), 1))",
    "su.date_of_birth": "su.date_of_birth",
    "su.sex": "su.sex",
    "su.ethnicity": "su.ethnicity",
    "su.nationality": "su.nationality",
    "su.postcode": "su.postcode",
    "su.gp_practice_code": "su.gp_practice_code",
    "su.sexual_orientation": "su.sexual_orientation",
    "su.consent_to_ndtms": "su.consent_to_ndtms",
    "la.code": "la.code",
    "ep.id": "ep.id",
    "ep.external_id": "ep.external_id::text",
    "ep.referral_date": "ep.referral_date",
    "ep.referral_source": "ep.referral_source",
    "ep.triage_date": "ep.triage_date",
    "ep.start_date": "ep.start_date",
    "ep.previously_treated": "ep.previously_treated",
    "s1.code": "s1.code",
    "s2.code": "s2.code",
    "s3.code": "s3.code",
    "ep.age_first_use": "ep.age_first_use",
    "ep.route": "ep.route",
    "ep.injecting_status": "ep.injecting_status",
    "ep.accommodation_need": "ep.accommodation_need",
    # Not a parent: 14; a parent with no children living with them: 13. Whether all or
    # only some of a parent's children live with them is not recorded.
    "ep.prntstat": "CASE WHEN ep.parental_status = false THEN '14' "
    "WHEN ep.parental_status AND ep.children_living_with = 0 THEN '13' END",
    "ep.children_living_with": "ep.children_living_with",
    "ep.pregnant": "ep.pregnant",
    "ep.alcohol_days": "ep.alcohol_days",
    "ep.alcohol_units": "ep.alcohol_units",
    "ep.dual_diagnosis": "ep.dual_diagnosis",
    "ep.hep_c_test_date": "ep.hep_c_test_date",
    "ep.hep_c_intervention": "ep.hep_c_intervention",
    "ep.hep_c_positive": "ep.hep_c_positive",
    "ep.hep_b_vaccinations": "ep.hep_b_vaccinations",
    "ep.hep_b_intervention": "ep.hep_b_intervention",
    "ep.employment_status": "ep.employment_status",
    "ep.discharge_date": "ep.discharge_date",
    "dr.code": "dr.code",
    "ep.discharge_destination_kind": "ep.discharge_destination_kind",
}

_SUBINT = "coalesce(nullif(iv.intention, ''), nullif(iv.approach, ''))"
_INTERVENTION_COLUMNS = {
    "episode_id": "iv.episode_id",
    "iv.external_id": "iv.external_id::text",
    "iv.kind": "iv.kind",
    "iv.referral_date": "iv.referral_date",
    "iv.first_offered_date": "iv.first_offered_date",
    "iv.start_date": "iv.start_date",
    "iv.end_date": "iv.end_date",
    "iv.exit_status": "iv.exit_status",
    "iv.setting": "iv.setting",
    "iv.subint": _SUBINT,
    "iv.sub_id": f"CASE WHEN {_SUBINT} IS NOT NULL THEN iv.external_id::text END",
    "iv.sub_date": f"CASE WHEN {_SUBINT} IS NOT NULL THEN iv.start_date END",
}

_TOP_COLUMNS = {
    "episode_id": "tp.episode_id",
    "tp.external_id": "tp.external_id::text",
    "tp.top_date": "tp.top_date",
    "tp.stage": "tp.stage",
    **{f"tp.{item.field}": f"tp.{item.field}" for item in TOP_ITEMS},
}


def _select(columns: dict[str, str]) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(sql.SQL(expression), sql.Identifier(name))
        for name, expression in columns.items()
    )


def _fetch(query: sql.Composable) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection))
        names = [column.name for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _episodes(
    start: datetime.date,
    end: datetime.date,
    team_ids: list[int] | None,
    agency: str | None,
) -> list[Row]:
    conditions = [
        sql.SQL("ep.referral_date <= {}").format(sql.Literal(end)),
        sql.SQL("(ep.discharge_date IS NULL OR ep.discharge_date >= {})").format(
            sql.Literal(start)
        ),
    ]
    if team_ids is not None:
        conditions.append(sql.SQL("su.team_id = ANY({})").format(sql.Literal(list(team_ids))))
    if agency is not None:
        conditions.append(sql.SQL("svc.code = {}").format(sql.Literal(agency)))
    return _fetch(
        sql.SQL(
            "SELECT {columns} FROM cases_treatmentepisode ep "
            "JOIN cases_serviceuser su ON su.id = ep.service_user_id "
            "JOIN cases_team tm ON tm.id = su.team_id "
            "JOIN cases_service svc ON svc.id = tm.service_id "
            "JOIN cases_localauthority la ON la.id = su.local_authority_id "
            "JOIN cases_substance s1 ON s1.id = ep.substance_1_id "
            "LEFT JOIN cases_substance s2 ON s2.id = ep.substance_2_id "
            "LEFT JOIN cases_substance s3 ON s3.id = ep.substance_3_id "
            "LEFT JOIN cases_dischargereason dr ON dr.id = ep.discharge_reason_id "
            "WHERE {conditions} ORDER BY su.client_ref, ep.referral_date, ep.id"
        ).format(
            columns=_select(_EPISODE_COLUMNS),
            conditions=sql.SQL(" AND ").join(conditions),
        )
    )


def _by_episode(
    columns: dict[str, str], table: str, condition: str, order: str, ids: list[int], end
) -> dict[int, list[Row]]:
    found: dict[int, list[Row]] = defaultdict(list)
    if not ids:
        return found
    rows = _fetch(
        sql.SQL(
            "SELECT {columns} FROM {table} WHERE {episode} = ANY({ids}) AND {condition} "
            "ORDER BY {order}"
        ).format(
            columns=_select(columns),
            table=sql.SQL(table),
            episode=sql.SQL(columns["episode_id"]),
            ids=sql.Literal(ids),
            condition=sql.SQL(condition).format(end=sql.Literal(end)),
            order=sql.SQL(order),
        )
    )
    for row in rows:
        found[row.pop("episode_id")].append(row)
    return found


def submission_rows(
    *,
    start: datetime.date,
    end: datetime.date,
    team_ids: list[int] | None = None,
    agency: str | None = None,
) -> Iterator[Row]:
    """Each row's Lantern values, keyed by the items' sources, in the file's order.

    A row of a person without consent has "consented": False."""
    episodes = _episodes(start, end, team_ids, agency)
    ids = [episode["ep.id"] for episode in episodes]
    modalities = _by_episode(
        _INTERVENTION_COLUMNS,
        "cases_intervention iv",
        "iv.start_date <= {end}",
        "iv.episode_id, iv.start_date, iv.id",
        ids,
        end,
    )
    tops = _by_episode(
        _TOP_COLUMNS,
        "outcomes_topassessment tp",
        "tp.top_date <= {end}",
        "tp.episode_id, tp.top_date, tp.id",
        ids,
        end,
    )
    for episode in episodes:
        if not episode["su.consent_to_ndtms"]:
            yield {**episode, "consented": False}
            continue
        pairs = zip_longest(modalities.get(episode["ep.id"], []), tops.get(episode["ep.id"], []))
        first = True
        for modality, top in pairs:
            first = False
            yield {**episode, **(modality or {}), **(top or {}), "consented": True}
        if first:
            yield {**episode, "consented": True}


def item_text(item: Item, row: Row, mappings: Mappings) -> str:
    """One item's value as the file holds it."""
    if not row["consented"] and not item.without_consent:
        return WITHHELD
    value = row.get(item.source) if item.source else None
    if value is None or value == "":
        return item.absent or NOT_KNOWN
    if item.kind == "date":
        return value.strftime(DATE_FORMAT)
    if item.kind == "yesno":
        return "Y" if value else "N"
    if item.kind == "code":
        return mappings.code(item.codes or "", str(value)) or NOT_KNOWN
    if item.kind == "flag":
        return "Y" if mappings.code("SUBINT", str(value)) == item.name else NOT_KNOWN
    return str(value)


def _yes_no_consent(row: Row) -> Row:
    # Consent not recorded is sent as N: the person has not consented.
    return {**row, "su.consent_to_ndtms": bool(row["su.consent_to_ndtms"])}


def submission_chunks(
    *,
    start: datetime.date,
    end: datetime.date,
    team_ids: list[int] | None = None,
    agency: str | None = None,
    finished: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The submission file (header first) in blocks of UTF-8.

    `finished(rows)` is called once when the stream ends or is cut off, with the
    data rows sent."""
    mappings = mappings_for(DATASET_VERSION)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(NAMES)
    sent = 0
    try:
        for row in submission_rows(start=start, end=end, team_ids=team_ids, agency=agency):
            row = _yes_no_consent(row)
            writer.writerow([item_text(item, row, mappings) for item in ITEMS])
            sent += 1
            if sent % BLOCK_ROWS == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()
    finally:
        if finished is not None:
            finished(sent)


# The checks, as they were.
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


def reference_file(*, start: datetime.date, end: datetime.date, **kwargs: Any) -> bytes:
    """The whole file, written the old way."""
    return b"".join(submission_chunks(start=start, end=end, **kwargs))


def reference_problems(content: bytes, *, codes: dict[str, set[str]], end: datetime.date):
    """The file's problems found the old way: parsed back, then checked row by row."""
    reader = csv.reader(io.StringIO(content.decode()))
    names = next(reader)
    return validate(
        [dict(zip(names, values, strict=True)) for values in reader], codes=codes, end=end
    )
