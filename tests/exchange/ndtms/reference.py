"""The submission file and its checks as they were written before the set-based path: the
reference for byte identity.

`reference_file(start=, end=, agency=)` writes the file the old way (three queries, a dict
per row, each item through `item_text`, Python's csv writer) and `reference_problems`
checks it the old way (the file parsed back into a dict per row, `Episode` objects and
rule functions over them, `exchange.ndtms.validation`). The writer is frozen here as it was,
independent of the code under test:
`test_same_file` proves the fast path gives the same bytes and the same problems, and
`bench/ndtms.py` runs it as its baseline.
"""

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import zip_longest
from typing import Any

from django.db import connection
from psycopg import sql

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
from exchange.ndtms.validation import validate
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


# The checks the old way are `exchange.ndtms.validation`'s, which still check a file read back
# row by row (the extract command's check) and are not the code under test.


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
