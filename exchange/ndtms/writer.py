"""The NDTMS submission file: writing it for a period, and reading one back.

The file is CSV, every value quoted, with one header line of the item names in the
order of `exchange.ndtms.items.ITEMS`. Each episode open at any time in the
period has at least one row; an episode with several interventions (modalities)
or TOPs has as many rows as the longer of the two lists, the n-th row carrying
the n-th modality (by start date) and the n-th TOP (by date), each row repeating
the client and episode items. Every modality and every TOP up to the end of the
period is sent, so each month's file holds the episode's whole treatment so far.

Coded items are written through the mapping tables of the dataset version
(`exchange.ndtms.mapping`); an item with no value is written as `NA`. A person
who has not consented to NDTMS sharing (or whose consent is not recorded, sent
as N) has one row per episode holding only the items allowed without consent,
every other item empty. The file's name carries the agency, the period and the
dataset version.

The file is made set-based, in blocks of people (`CHUNK_PEOPLE`, in client
reference order), so memory stays flat however many people a service has: for
each block one SQL statement joins the episodes, their person, their
interventions and their TOPs, pairs the n-th modality with the n-th TOP, maps
every coded value through the mapping tables and formats every item as the file
holds it (`submission_frames`). Its rows arrive as one Arrow table of text columns
(the frame), which the validation reads (`exchange.ndtms.validation.FrameChecks`)
and which is written as the file's CSV (`frame_csv`), so what is checked is what is
written.
"""

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection
from psycopg import sql

from exchange.ndtms.frames import TEAM
from exchange.ndtms.items import (
    DATASET_VERSION,
    DATE_FORMAT,
    ITEMS,
    NAMES,
    NOT_KNOWN,
    SOURCE_SQL,
    WITHHELD,
    Item,
)
from exchange.ndtms.mapping import Mappings, mappings_for
from outcomes.top_items import TOP_ITEMS

# People read, checked and written together: the memory a block takes, not the service's size.
CHUNK_PEOPLE = 25_000

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
    # What the items declare they are read by (PRNTSTAT, and later versions' items).
    **SOURCE_SQL,
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


def _people(team_ids: list[int] | None, agency: str | None) -> list[sql.Composable]:
    conditions: list[sql.Composable] = []
    if team_ids is not None:
        conditions.append(sql.SQL("su.team_id = ANY({})").format(sql.Literal(list(team_ids))))
    if agency is not None:
        conditions.append(sql.SQL("svc.code = {}").format(sql.Literal(agency)))
    return conditions


_PEOPLE = (
    "FROM cases_serviceuser su JOIN cases_team tm ON tm.id = su.team_id "
    "JOIN cases_service svc ON svc.id = tm.service_id "
)


def _where(conditions: list[sql.Composable]) -> sql.Composable:
    return sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("true")


def _blocks(team_ids: list[int] | None, agency: str | None) -> list[tuple[str | None, str | None]]:
    """Client reference ranges (after, up to] of `CHUNK_PEOPLE` people each, in order."""
    query = sql.SQL(
        "SELECT client_ref FROM (SELECT su.client_ref, row_number() OVER "
        "(ORDER BY su.client_ref) AS n " + _PEOPLE + "WHERE {where}) people "
        "WHERE n % {size} = 0 ORDER BY client_ref"
    ).format(where=_where(_people(team_ids, agency)), size=sql.Literal(CHUNK_PEOPLE))
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection))
        bounds: list[str | None] = [row[0] for row in cursor.fetchall()]
    edges = [None, *bounds]
    return [(edges[i], bounds[i] if i < len(bounds) else None) for i in range(len(edges))]


def _mapping(mappings: Mappings, code_list: str) -> sql.Composable:
    return sql.SQL("{}::jsonb").format(
        sql.Literal(json.dumps(mappings.to_ndtms.get(code_list, {})))
    )


def _value(item: Item, mappings: Mappings, table: str) -> sql.Composable:
    """One item's value as the file holds it, from `table`'s columns named by the sources
    (see the old row-by-row `item_text`, kept with the tests): the item's absent code or NA
    where Lantern holds nothing, dates as DATE_FORMAT, codes through the mappings."""
    missing = sql.Literal(item.absent or NOT_KNOWN)
    if item.source is None:
        return missing
    value = sql.SQL("{}.{}").format(sql.Identifier(table), sql.Identifier(item.source))
    text = sql.SQL("nullif({}::text, '')").format(value)
    if item.kind == "date":
        assert DATE_FORMAT == "%Y-%m-%d"
        return sql.SQL("coalesce(to_char({}, 'YYYY-MM-DD'), {})").format(value, missing)
    if item.kind == "yesno":
        return sql.SQL("CASE WHEN {v} IS NULL THEN {m} WHEN {v} THEN 'Y' ELSE 'N' END").format(
            v=value, m=missing
        )
    if item.kind == "code":
        return sql.SQL(
            "CASE WHEN {t} IS NULL THEN {m} ELSE coalesce(nullif({map} ->> {t}, ''), {na}) END"
        ).format(
            t=text, m=missing, map=_mapping(mappings, item.codes or ""), na=sql.Literal(NOT_KNOWN)
        )
    if item.kind == "flag":
        # The intervention's sub-intervention code, looked up once (`_SUBCODE`).
        return sql.SQL(
            "CASE WHEN {t} IS NULL THEN {m} WHEN {code} = {name} THEN 'Y' ELSE {na} END"
        ).format(
            t=text,
            m=missing,
            code=sql.SQL("{}.{}").format(sql.Identifier(table), sql.Identifier(_SUBCODE)),
            name=sql.Literal(item.name),
            na=sql.Literal(NOT_KNOWN),
        )
    return sql.SQL("coalesce({}, {})").format(text, missing)


def item_expression(item: Item, mappings: Mappings) -> sql.Composable:
    """A client or episode item as the file holds it, from the episodes' rows (`e`):
    withheld without consent; consent not recorded is sent as N."""
    if item.name == "CONSENT":
        return sql.SQL("CASE WHEN e.consented THEN 'Y' ELSE 'N' END")
    if item.without_consent:
        return _value(item, mappings, "e")
    return sql.SQL("CASE WHEN e.consented THEN {} ELSE {} END").format(
        _value(item, mappings, "e"), sql.Literal(WITHHELD)
    )


_SUBCODE = "iv.subcode"
_PAIRED_MODALITY = {k: v for k, v in _INTERVENTION_COLUMNS.items() if k != "episode_id"}
_PAIRED_TOP = {k: v for k, v in _TOP_COLUMNS.items() if k != "episode_id"}


def _held_by(items: Sequence[Item]) -> tuple[list[Item], list[Item], list[Item]]:
    """The items held by an episode (or its person), by a modality, and by a TOP."""
    modality = [i for i in items if (i.source or "").startswith("iv.")]
    top = [i for i in items if (i.source or "").startswith("tp.")]
    return [i for i in items if i not in modality and i not in top], modality, top


def _select(columns: dict[str, str]) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(sql.SQL(expression), sql.Identifier(name))
        for name, expression in columns.items()
    )


def _episodes_sql(
    start: datetime.date,
    end: datetime.date,
    team_ids: list[int] | None,
    agency: str | None,
    people: list[sql.Composable] | None = None,
) -> sql.Composable:
    """The episodes open in the period with their person's values, one row each, and their
    order in the file (`o`). The people are chosen first (by team and client reference,
    through their indexes), then their episodes."""
    chosen = list(people or [])
    if team_ids is not None:
        chosen.append(sql.SQL("su.team_id = ANY({})").format(sql.Literal(list(team_ids))))
    where = [
        sql.SQL("ep.referral_date <= {}").format(sql.Literal(end)),
        sql.SQL("(ep.discharge_date IS NULL OR ep.discharge_date >= {})").format(
            sql.Literal(start)
        ),
    ]
    if agency is not None:
        where.append(sql.SQL("svc.code = {}").format(sql.Literal(agency)))
    return sql.SQL(
        "SELECT {columns}, coalesce(su.consent_to_ndtms, false) AS consented, "
        "su.team_id AS team, row_number() OVER "
        "(ORDER BY su.client_ref, ep.referral_date, ep.id) AS o "
        "FROM (SELECT * FROM cases_serviceuser su WHERE {people} OFFSET 0) su "
        "JOIN cases_treatmentepisode ep ON ep.service_user_id = su.id "
        "JOIN cases_team tm ON tm.id = su.team_id "
        "JOIN cases_service svc ON svc.id = tm.service_id "
        "JOIN cases_localauthority la ON la.id = su.local_authority_id "
        "JOIN cases_substance s1 ON s1.id = ep.substance_1_id "
        "LEFT JOIN cases_substance s2 ON s2.id = ep.substance_2_id "
        "LEFT JOIN cases_substance s3 ON s3.id = ep.substance_3_id "
        "LEFT JOIN cases_dischargereason dr ON dr.id = ep.discharge_reason_id "
        "WHERE {where}"
    ).format(
        columns=_select(_episode_columns(end)),
        people=_where(chosen),
        where=sql.SQL(" AND ").join(where),
    )


def _episode_columns(end: datetime.date) -> dict[str, str]:
    """The episode query's columns, with the period's last day where an item reads to it."""
    day = f"'{end.isoformat()}'::date"
    return {name: expression.replace("{end}", day) for name, expression in _EPISODE_COLUMNS.items()}


def _items(items: list[Item], expression: Callable[[Item], sql.Composable]) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(expression(item), sql.Identifier(item.name)) for item in items
    )


def _block_sql(
    start: datetime.date,
    end: datetime.date,
    team_ids: list[int] | None,
    agency: str | None,
    people: list[sql.Composable],
    mappings: Mappings,
    items: Sequence[Item] = ITEMS,
) -> sql.Composable:
    """One block's rows, every item as the file holds it, then the person's team.

    Each item is formatted once where it is held: the client and episode items once an
    episode, a modality's once a modality, a TOP's once a TOP; the rows pair them."""

    def paired(item: Item) -> sql.Composable:
        return sql.SQL("CASE WHEN e.consented THEN coalesce(p.{}, {}) ELSE {} END").format(
            sql.Identifier(item.name),
            sql.Literal(item.absent or NOT_KNOWN),
            sql.Literal(WITHHELD),
        )

    episode_items, modality_items, top_items = _held_by(items)
    return sql.SQL(
        "WITH e AS MATERIALIZED (SELECT e.consented, e.team, e.o, e.{id}, {episode_items} "
        "FROM ({episodes}) e), "
        "m AS (SELECT r.episode_id, r.n, {modality_items} FROM (SELECT iv.episode_id, "
        "{modality}, {subint} ->> nullif({subintention}, '') AS {subcode}, "
        "row_number() OVER (PARTITION BY iv.episode_id ORDER BY iv.start_date, iv.id) AS n "
        "FROM cases_intervention iv "
        "JOIN e ON e.{id} = iv.episode_id AND e.consented WHERE iv.start_date <= {end}) r), "
        "t AS (SELECT r.episode_id, r.n, {top_items} FROM (SELECT tp.episode_id, {top}, "
        "row_number() OVER (PARTITION BY tp.episode_id ORDER BY tp.top_date, tp.id) AS n "
        "FROM outcomes_topassessment tp "
        "JOIN e ON e.{id} = tp.episode_id AND e.consented WHERE tp.top_date <= {end}) r), "
        "p AS (SELECT coalesce(m.episode_id, t.episode_id) AS episode_id, "
        "coalesce(m.n, t.n) AS n, {paired_columns} FROM m FULL JOIN t "
        "ON t.episode_id = m.episode_id AND t.n = m.n) "
        "SELECT {items}, e.team AS {team} FROM e LEFT JOIN p ON p.episode_id = e.{id} "
        "ORDER BY e.o, p.n"
    ).format(
        id=sql.Identifier("ep.id"),
        episode_items=_items(episode_items, lambda item: item_expression(item, mappings)),
        episodes=_episodes_sql(start, end, team_ids, agency, people),
        modality_items=_items(modality_items, lambda item: _value(item, mappings, "r")),
        modality=_select(_PAIRED_MODALITY),
        subint=_mapping(mappings, "SUBINT"),
        subintention=sql.SQL(_SUBINT),
        subcode=sql.Identifier(_SUBCODE),
        top_items=_items(top_items, lambda item: _value(item, mappings, "r")),
        top=_select(_PAIRED_TOP),
        paired_columns=sql.SQL(", ").join(
            [sql.SQL("m.{}").format(sql.Identifier(i.name)) for i in modality_items]
            + [sql.SQL("t.{}").format(sql.Identifier(i.name)) for i in top_items]
        ),
        end=sql.Literal(end),
        items=sql.SQL(", ").join(
            sql.SQL("e.{}").format(sql.Identifier(item.name))
            if item in episode_items
            else paired(item)
            for item in items
        ),
        team=sql.Identifier(TEAM),
    )


def _in_block(after: str | None, upto: str | None) -> list[sql.Composable]:
    found = []
    if after is not None:
        found.append(sql.SQL("su.client_ref > {}").format(sql.Literal(after)))
    if upto is not None:
        found.append(sql.SQL("su.client_ref <= {}").format(sql.Literal(upto)))
    return found


def _copy_table(raw: psycopg.Connection, query: sql.Composable, names: list[str]) -> pa.Table:
    """The rows of `query` as an Arrow table of text, through one COPY into one buffer.

    `raw` is the psycopg connection under Django's, so that a block can be read in a
    thread while the one before it is checked and written."""
    buffer = io.BytesIO()
    with raw.cursor() as cursor:
        statement = sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv)").format(query)
        with cursor.copy(statement.as_string(raw)) as copy:
            for data in copy:
                buffer.write(data)
    if buffer.tell() == 0:
        return pa.table({name: pa.array([], pa.string()) for name in names})
    buffer.seek(0)
    return pa_csv.read_csv(
        buffer,
        read_options=pa_csv.ReadOptions(column_names=names, block_size=8 << 20),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _raw_connection() -> psycopg.Connection:
    connection.ensure_connection()
    return connection.connection


def submission_frames(
    *,
    start: datetime.date,
    end: datetime.date,
    team_ids: list[int] | None = None,
    agency: str | None = None,
    mappings: Mappings | None = None,
    items: Sequence[Item] = ITEMS,
) -> Iterator[pa.Table]:
    """The file's rows in order, a block of people at a time: one text column per item, as
    the file holds it, then the person's team (`TEAM`). `items` and `mappings` are the
    dataset version's (another version's, to see what it would hold).

    The next block is read while the caller works on this one (one block ahead, on the
    same connection: PostgreSQL and Python each use a core)."""
    mappings = mappings or mappings_for(DATASET_VERSION)
    queries = [
        _block_sql(start, end, team_ids, agency, _in_block(after, upto), mappings, items)
        for after, upto in _blocks(team_ids, agency)
    ]
    raw = _raw_connection()
    names = [*(item.name for item in items), TEAM]
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(_copy_table, raw, queries[0], names)
        for following in [*queries[1:], None]:
            frame = pending.result()
            if following is not None:
                pending = reader.submit(_copy_table, raw, following, names)
            yield frame


_ROWS = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")


def frame_csv(frame: pa.Table) -> bytes:
    """The frame's rows as the file writes them: every value quoted, one line each."""
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(frame.select(list(NAMES)), sink, write_options=_ROWS)
    return sink.getvalue().to_pybytes()


def header_csv() -> bytes:
    """The file's header line: the item names, quoted."""
    return (",".join(f'"{name}"' for name in NAMES) + "\n").encode()


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
    sent = 0
    try:
        yield header_csv()
        for frame in submission_frames(start=start, end=end, team_ids=team_ids, agency=agency):
            if frame.num_rows:
                yield frame_csv(frame)
                sent += frame.num_rows
    finally:
        if finished is not None:
            finished(sent)


def submission_file_name(*, agency: str, start: datetime.date, end: datetime.date) -> str:
    """The agency, the period and the dataset version, as the file's name carries them."""
    return f"{agency}-{start:%Y%m%d}-{end:%Y%m%d}-TREAT-IN-{DATASET_VERSION}.csv"


def read_submission(text: str) -> list[dict[str, str]]:
    """A submission file's rows, item name -> value as written.

    Refuses a file whose header is not this dataset version's items in order."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(header) != NAMES:
        raise ValueError(
            f"This is not a dataset {DATASET_VERSION} submission: its header is not the "
            "items in order."
        )
    return [dict(zip(NAMES, values, strict=True)) for values in reader]


def lantern_value(item: Item, text: str, mappings: Mappings) -> object:
    """What a value read back from a file means in Lantern's terms.

    None for NA or withheld; a date, a number or a yes/no as such; for a coded item
    the set of Lantern values written as that code (several may share one)."""
    if text in (NOT_KNOWN, WITHHELD) or text == item.absent:
        return None
    if item.kind == "date":
        return datetime.datetime.strptime(text, DATE_FORMAT).replace(tzinfo=datetime.UTC).date()
    if item.kind == "number":
        return int(text)
    if item.kind == "yesno":
        return text == "Y"
    if item.kind == "code":
        return mappings.lantern_values(item.codes or "", text)
    if item.kind == "flag":
        return mappings.lantern_values("SUBINT", item.name) if text == "Y" else None
    return text
