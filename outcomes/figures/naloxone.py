"""Naloxone coverage of people with opioid use, beside the previous period's.

- **People with opioid use in a period**: people in treatment in the period
  (`outcomes.figures.episodes`, as in the outcome summary) whose latest such episode has an opioid among
  its problem substances (main, second or third), or whose latest TOP on or
  before the period's last day, from any episode, recorded OPIUSE above 0. A
  TOP with OPIUSE not disclosed does not count either way.
- **Kit supplied**: at least one naloxone supply recorded for them on or
  before the period's last day, to any recipient.
- **In-date kit at the period end**: their latest supply on or before the
  period's last day expires on or after that day.
- **Reach**: of the people with opioid use, those with a first supply (supply
  type "first") recorded for them in the period, per 100 (a percentage).

The programme's kits (one unit a supply, `NaloxoneSupply`): every kit supplied
in the period, to clients and to people who are not clients (recorded by the
supplying team, without a case record), by outlet (`Setting`), by recipient,
first or repeat, and the repeats because the last kit was used (on the person
themselves, or on someone else). A kit to a client counts where the filters
put the client; a kit to someone who is not a client counts under the team that
supplied it, and only when no local authority is asked for (nobody knows where
its holder lives). Split by team, it is in that team; by anything else, in no
segment ("unknown"). Non-client kits never count in the reach, which is about
people with opioid use.

People whose episode is opioid-related are the outcome summary's opiate
clients in treatment, which that family shows: those counts are passed to
suppression as published, so that the people counted here only through their
TOP can never be worked out as the difference.
"""

import pandas as pd
from django.utils import timezone

from cases.models import NaloxoneSupply
from core.frames import day_number
from outcomes.figures import loading
from outcomes.figures.episodes import (
    episodes_statement,
    in_treatment_people,
    in_window_people,
    window_params,
)
from outcomes.figures.filters import FigureFilters, Period
from outcomes.figures.loading import Column, Statement
from outcomes.figures.segments import (
    NOBODY,
    SegmentValues,
    assign_segments,
    place_rows_without_a_person,
)
from outcomes.figures.tables import CountTable, Figure, figures_result, nested_in

OUTLETS = {str(k): str(v) for k, v in NaloxoneSupply.Setting.choices}
RECIPIENTS = {str(k): str(v) for k, v in NaloxoneSupply.Recipient.choices}
SUPPLY_TYPES = {str(k): str(v) for k, v in NaloxoneSupply.SupplyType.choices}
USED_REASONS = {str(r): str(r.label) for r in NaloxoneSupply.USED_REASONS}
HOLDERS = {"to_clients": "To clients", "to_non_clients": "To people who are not clients"}

FIGURES = [
    Figure(
        "naloxone_kit_supplied",
        "People with opioid use who have had a naloxone kit supplied",
        "percent",
        numerator="kit_supplied",
        denominator="opioid_use",
    ),
    Figure(
        "naloxone_kit_in_date",
        "People with opioid use holding an in-date naloxone kit at the period end",
        "percent",
        numerator="kit_in_date",
        denominator="opioid_use",
    ),
    Figure(
        "naloxone_first_supply_reach",
        "People with opioid use given their first naloxone kit in the period, per 100 "
        "people with opioid use",
        "percent",
        numerator="first_supply",
        denominator="opioid_use",
    ),
    *(
        Figure(
            "naloxone_kits",
            "Naloxone kits supplied in the period, to clients and to people who are not clients",
            "count",
            numerator=holder or "kits",
            category=holder,
            category_label=label,
        )
        for holder, label in ((None, None), *HOLDERS.items())
    ),
    *(
        Figure(
            "naloxone_kits_by_outlet",
            "Naloxone kits supplied in the period, by where they were supplied",
            "count",
            numerator=f"outlet:{code}",
            category=code,
            category_label=label,
        )
        for code, label in OUTLETS.items()
    ),
    *(
        Figure(
            "naloxone_kits_by_recipient",
            "Naloxone kits supplied in the period, by who received them",
            "count",
            numerator=f"recipient:{code}",
            category=code,
            category_label=label,
        )
        for code, label in RECIPIENTS.items()
    ),
    *(
        Figure(
            "naloxone_kits_by_supply_type",
            "Naloxone kits supplied in the period, first or repeat",
            "count",
            numerator=f"type:{code}",
            category=code,
            category_label=label,
        )
        for code, label in SUPPLY_TYPES.items()
    ),
    *(
        Figure(
            "naloxone_repeat_kits_used",
            "Repeat naloxone kits supplied in the period because the last kit was used",
            "count",
            numerator=f"used:{reason}" if reason else "used",
            category=reason,
            category_label=label,
        )
        for reason, label in ((None, None), *USED_REASONS.items())
    ),
]


def _latest_and_since(table: str, columns: str, dated: str, people: loading.PersonFilter) -> str:
    """Each person's latest row on or before the comparison period's end, then
    every row after it up to the period's end: enough to know anyone's latest
    row on either period's last day, without reading their whole history.

    Every person in scope has theirs read, not only those in treatment: only their rows
    are ever looked up, and cutting the rest in SQL would read the episodes once more,
    which costs more than the rows it saves."""
    return f"""
        SELECT * FROM (
            SELECT DISTINCT ON (x.service_user_id) {columns}
            FROM {table} x {people.join("x.service_user_id")}
            WHERE {people.where} AND x.service_user_id IS NOT NULL
              AND x.{dated} <= %(previous_end)s
            ORDER BY x.service_user_id, x.{dated} DESC, x.id DESC
        ) latest
        UNION ALL
        SELECT {columns} FROM {table} x {people.join("x.service_user_id")}
        WHERE {people.where} AND x.service_user_id IS NOT NULL
          AND x.{dated} > %(previous_end)s AND x.{dated} <= %(window_end)s
    """


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    people = loading.person_filter(filters)
    params = {
        **people.params,
        **window_params(filters),
        "previous_end": filters.previous_period.end,
    }
    statements = {
        "episodes": episodes_statement(people, params, whole_history=False),
        "tops": Statement(
            _latest_and_since(
                "outcomes_topassessment",
                f"x.service_user_id, x.id, {day_number('x.top_date')}, x.opiuse",
                "top_date",
                people,
            ),
            (
                Column("person_id", "int"),
                Column("top_id", "int"),
                Column("top_date", "date"),
                Column("opiuse", "number"),
            ),
            params,
        ),
        "supplies": Statement(
            _latest_and_since(
                "cases_naloxonesupply",
                f"x.service_user_id, x.id, {day_number('x.supplied_on')}, "
                f"{day_number('x.expiry_date')}",
                "supplied_on",
                people,
            ),
            (
                Column("person_id", "int"),
                Column("supply_id", "int"),
                Column("supplied_on", "date"),
                Column("expiry_date", "date"),
            ),
            params,
        ),
    }
    statements["kits"] = _kits_statement(filters, params)
    if filters.segment is not None:
        holders = (
            f"{in_window_people()} "
            "UNION SELECT x.service_user_id FROM cases_naloxonesupply x "
            "WHERE x.supplied_on BETWEEN %(window_start)s AND %(window_end)s "
            "AND x.service_user_id IS NOT NULL"
        )
        statements["people"] = loading.people_statement(filters, holders, params)
    return statements


def _kits_statement(filters: FigureFilters, params: dict) -> Statement:
    """Every kit supplied in the two periods that the filters keep (see the module docstring)."""
    people = loading.person_filter(filters)
    non_client = loading.without_a_person(filters, "x.team_id")
    return Statement(
        f"""
        SELECT x.id, COALESCE(x.service_user_id, {NOBODY}), COALESCE(x.team_id, {NOBODY}),
               {day_number("x.supplied_on")}, x.setting, x.recipient, x.supply_type,
               COALESCE(NULLIF(x.repeat_reason, ''), '-')
        FROM cases_naloxonesupply x LEFT JOIN cases_serviceuser p ON p.id = x.service_user_id
        WHERE x.supplied_on BETWEEN %(window_start)s AND %(window_end)s
          AND ((x.service_user_id IS NOT NULL AND {people.where})
               OR (x.service_user_id IS NULL AND {non_client}))
        """,
        (
            Column("supply_id", "int"),
            Column("person_id", "int"),
            Column("supply_team", "int"),
            Column("supplied_on", "date"),
            Column("setting", "text"),
            Column("recipient", "text"),
            Column("supply_type", "text"),
            Column("repeat_reason", "text"),
        ),
        {**params, **people.params},
    )


def kits_in(kits: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The kits supplied in the period."""
    return kits[kits["supplied_on"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))]


def kit_measures(kits: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per kit supplied in the period, with a yes/no column per measure."""
    rows = kits_in(kits, period)
    client = (rows["person_id"] != NOBODY).to_numpy()
    repeat = (rows["supply_type"] == NaloxoneSupply.SupplyType.REPEAT).to_numpy()
    reason = rows["repeat_reason"].to_numpy()
    measures = pd.DataFrame(
        {
            "person_id": rows["person_id"].to_numpy(),
            "supply_team": rows["supply_team"].to_numpy(),
            "kits": True,
            "to_clients": client,
            "to_non_clients": ~client,
            "used": repeat & pd.Series(reason).isin(list(USED_REASONS)).to_numpy(),
        }
    )
    for column, prefix, codes in (
        ("setting", "outlet", OUTLETS),
        ("recipient", "recipient", RECIPIENTS),
        ("supply_type", "type", SUPPLY_TYPES),
    ):
        values = rows[column].to_numpy()
        for code in codes:
            measures[f"{prefix}:{code}"] = values == code
    for code in USED_REASONS:
        measures[f"used:{code}"] = repeat & (reason == code)
    return measures


def _latest_by_person(frame: pd.DataFrame, dated: str, row_id: str, day) -> pd.DataFrame:
    upto = frame[frame[dated] <= pd.Timestamp(day)]
    return (
        upto.sort_values(["person_id", dated, row_id])
        .drop_duplicates("person_id", keep="last")
        .set_index("person_id")
    )


def naloxone_measures(frames: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """One row per person with opioid use in the period, with their kit position and
    whether their first kit was supplied in the period."""
    people = in_treatment_people(frames["episodes"], period)
    top = _latest_by_person(frames["tops"], "top_date", "top_id", period.end)
    supply = _latest_by_person(frames["supplies"], "supplied_on", "supply_id", period.end)
    opiate_client = people["opioid"] == 1
    used_on_top = loading.lookup(people.index, top["opiuse"]) > 0
    users = people[opiate_client | used_on_top]
    expiry = loading.lookup(users.index, supply["expiry_date"])
    kits = kits_in(frames["kits"], period)
    first = kits.loc[kits["supply_type"] == NaloxoneSupply.SupplyType.FIRST, "person_id"]
    return pd.DataFrame(
        {
            "person_id": users.index,
            "opioid_use": True,
            "opiate_in_treatment": (users["opioid"] == 1).to_numpy(),
            "kit_supplied": expiry.notna().to_numpy(),
            "kit_in_date": (expiry >= pd.Timestamp(period.end)).to_numpy(),
            "first_supply": users.index.isin(first),
        }
    )


def naloxone_table(
    measures: pd.DataFrame, kits: pd.DataFrame, segments: SegmentValues | None
) -> CountTable:
    table = CountTable(segments=segments.codes if segments else ())
    table.add_counts(
        measures,
        ["opioid_use", "kit_supplied", "kit_in_date", "first_supply"],
        nested=nested_in(
            ["opioid_use", "kit_supplied", "kit_in_date"],
            ["opioid_use", "kit_supplied", "first_supply"],
        ),
    )
    # Shown by the outcome summary as opiate clients in treatment.
    table.add_counts(measures, ["opiate_in_treatment"], published=True)
    measures = measures.assign(
        use_on_top_only=measures["opioid_use"] & ~measures["opiate_in_treatment"]
    )
    table.add_counts(measures, ["use_on_top_only"])
    table.add_partition("opioid_use", ["opiate_in_treatment", "use_on_top_only"])
    outlets = [f"outlet:{code}" for code in OUTLETS]
    recipients = [f"recipient:{code}" for code in RECIPIENTS]
    types = [f"type:{code}" for code in SUPPLY_TYPES]
    used = [f"used:{code}" for code in USED_REASONS]
    table.add_counts(
        kits,
        ["kits", *HOLDERS, *outlets, *recipients, *types, "used", *used],
        nested=nested_in(["type:repeat", "used"]),
    )
    for parts in (list(HOLDERS), outlets, recipients, types):
        table.add_partition("kits", parts)
    table.add_partition("used", used)
    return table


def naloxone_tables(
    filters: FigureFilters,
) -> tuple[CountTable, CountTable, SegmentValues | None]:
    """The unsuppressed counts of both periods and the segment values."""
    frames = loading.read_frames(_statements(filters))
    periods = (filters.period, filters.previous_period)
    measures = {p: naloxone_measures(frames, p) for p in periods}
    kits = {p: kit_measures(frames["kits"], p) for p in periods}
    assign_segments(filters, frames.get("people"), {p.end: [measures[p], kits[p]] for p in periods})
    values = place_rows_without_a_person(
        filters, [frame for p in periods for frame in (measures[p], kits[p])], "supply_team"
    )
    current, previous = (naloxone_table(measures[p], kits[p], values) for p in periods)
    return current, previous, values


def naloxone_coverage(filters: FigureFilters) -> dict:
    """Naloxone coverage for the filters' period, beside the previous one.

    Returns the shape described in `outcomes.figures` (family
    "naloxone_coverage"), every count and rate already suppressed.
    """
    current, previous, values = naloxone_tables(filters)
    return figures_result(
        family="naloxone_coverage",
        filters=filters,
        figures=FIGURES,
        current=current,
        previous=previous,
        segments=values,
        today=timezone.localdate(),
    )
