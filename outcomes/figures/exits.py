"""Exits from treatment: planned and unplanned, by modality, and time to re-presentation.

- **An exit**: an episode whose treatment had started (a care-plan start) and
  that was discharged in the period. It is *planned* when its discharge reason
  is a successful completion, *unplanned* when the reason is an unplanned exit
  (dropped out, withdrawn by the provider, treatment declined, onward referral
  refused), and *other* otherwise (a transfer, custody, death).
- **The modality at exit**: the types of the episode's interventions running
  on the discharge day (started on or before it, not ended before it); when
  none was running, those of its intervention(s) that ended last; "none
  recorded" when it had none. An exit with two modalities counts under each,
  so the modalities do not add up to every exit.
- **Time to re-presentation**: of the people whose latest planned or unplanned
  exit was in the period, when their next episode was referred (after the
  discharge day): within 1 calendar month, 1 to 3, 3 to 6 months, or not
  within 6 months. Provisional until 6 months after the period ends. The outcome
  summary's `completed_re_presented` gives the same 6 months for successful
  completions alone.

Each exit counts in its episode's client group; a person's team, local authority
and the rest are as they are now (`outcomes.figures.segments`).
"""

import pandas as pd

from cases.models import InterventionType
from core.frames import day_number
from outcomes.figures import loading
from outcomes.figures.episodes import (
    CLIENT_GROUPS,
    client_groups,
    episodes_statement,
    in_window_people,
    window_params,
    with_an_episode_in_window,
)
from outcomes.figures.filters import FigureFilters, Period
from outcomes.figures.loading import Column, Statement
from outcomes.figures.segments import SegmentValues
from outcomes.figures.tables import CountTable, Figure, Tables, both_periods, family_result

EXIT_KINDS = {"planned": "Planned", "unplanned": "Unplanned", "other": "Other"}
MODALITIES = {
    **{str(k): str(v) for k, v in InterventionType.choices},
    "none": "No intervention recorded",
}
# (code, label, more than this many months, up to this many months or None)
RE_PRESENTATION_BANDS = (
    ("within_1_month", "Within 1 month", None, 1),
    ("1_to_3_months", "1 to 3 months", 1, 3),
    ("3_to_6_months", "3 to 6 months", 3, 6),
    ("not_within_6_months", "Not within 6 months", 6, None),
)
FOLLOW_UP_MONTHS = 6


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    people = loading.person_filter(filters)
    params = {**people.params, **window_params(filters)}
    statements = {
        "episodes": episodes_statement(people, params, whole_history=True),
        "interventions": Statement(
            f"""
            SELECT i.episode_id, i.kind, {day_number("i.start_date")}, {day_number("i.end_date")}
            FROM cases_intervention i
            JOIN cases_treatmentepisode e ON e.id = i.episode_id
            {people.join("e.service_user_id")}
            WHERE {people.where}
              AND e.discharge_date BETWEEN %(window_start)s AND %(window_end)s
            """,
            (
                Column("episode_id", "int"),
                Column("kind", "text"),
                Column("start_date", "date"),
                Column("end_date", "date"),
            ),
            params,
        ),
    }
    if filters.segment is not None:
        statements["people"] = loading.people_statement(
            filters,
            in_window_people(),
            params,
        )
    return statements


def exits_in(episodes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The exits of the period, each with its kind (planned, unplanned, other)."""
    discharged = episodes["discharge_date"].between(
        pd.Timestamp(period.start), pd.Timestamp(period.end)
    )
    exits = episodes[discharged & episodes["start_date"].notna()]
    kind = pd.Series("other", index=exits.index, dtype="str")
    kind[exits["unplanned"] == 1] = "unplanned"
    kind[exits["successful"] == 1] = "planned"
    return exits.assign(kind=kind)


def modalities_at_exit(exits: pd.DataFrame, interventions: pd.DataFrame) -> pd.DataFrame:
    """(episode_id, modality) for every modality of each exit (see the module docstring)."""
    both = interventions.merge(exits[["episode_id", "discharge_date"]], on="episode_id")
    both = both[both["start_date"] <= both["discharge_date"]]
    running = both["end_date"].isna() | (both["end_date"] >= both["discharge_date"])
    last_end = both.groupby("episode_id")["end_date"].transform("max")
    has_running = running.groupby(both["episode_id"]).transform("any")
    chosen = both[running | (~has_running & (both["end_date"] == last_end))]
    pairs = chosen[["episode_id", "kind"]].drop_duplicates()
    missing = exits.loc[~exits["episode_id"].isin(pairs["episode_id"]), ["episode_id"]]
    return pd.concat([pairs, missing.assign(kind="none")], ignore_index=True)


def exit_measures(frames: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """One row per exit in the period: its kind, overall and under each modality."""
    exits = exits_in(frames["episodes"], period)
    pairs = modalities_at_exit(exits, frames["interventions"])
    measures = pd.DataFrame(
        {
            "person_id": exits["person_id"].to_numpy(),
            "client_group": client_groups(exits["opioid"], exits["other_drug"]).array,
            "exits": True,
        }
    )
    kinds = exits["kind"].to_numpy()
    for kind in EXIT_KINDS:
        measures[f"exits_{kind}"] = kinds == kind
    episode_ids = exits["episode_id"].to_numpy()
    for modality in MODALITIES:
        has = pd.Index(pairs.loc[pairs["kind"] == modality, "episode_id"])
        under = has.get_indexer(episode_ids) >= 0
        measures[f"exits@{modality}"] = under
        for kind in EXIT_KINDS:
            measures[f"exits_{kind}@{modality}"] = under & (kinds == kind)
    return measures


def re_presentation_measures(episodes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per person whose latest planned or unplanned exit was in the period."""
    exits = exits_in(episodes, period)
    exits = exits[exits["kind"] != "other"]
    latest = exits.sort_values(["person_id", "discharge_date", "episode_id"]).drop_duplicates(
        "person_id", keep="last"
    )
    later = latest[["person_id", "discharge_date"]].merge(
        episodes[["person_id", "referral_date"]], on="person_id"
    )
    later = later[later["referral_date"] > later["discharge_date"]]
    next_referral = later.groupby("person_id")["referral_date"].min()
    back = loading.lookup(latest["person_id"], next_referral)
    measures = pd.DataFrame(
        {
            "person_id": latest["person_id"].to_numpy(),
            "client_group": client_groups(latest["opioid"], latest["other_drug"]).array,
            "left": True,
        }
    )
    for code, _, above, upto in RE_PRESENTATION_BANDS:
        in_band = pd.Series(True, index=latest.index)
        if above is not None:
            in_band &= back.isna() | (back > loading.months_after(latest["discharge_date"], above))
        if upto is not None:
            in_band &= back <= loading.months_after(latest["discharge_date"], upto)
        measures[f"back:{code}"] = in_band.to_numpy()
    return measures


def exit_table(measures: dict[str, pd.DataFrame], segments: SegmentValues | None) -> CountTable:
    table = CountTable(client_groups=CLIENT_GROUPS, segments=segments.codes if segments else ())
    kinds = [f"exits_{kind}" for kind in EXIT_KINDS]
    table.add_counts(measures["exits"], ["exits", *kinds], by_group=True)
    table.add_partition("exits", kinds, by_group=True)
    for modality in MODALITIES:
        under = [f"{kind}@{modality}" for kind in kinds]
        table.add_counts(measures["exits"], [f"exits@{modality}", *under])
        table.add_partition(f"exits@{modality}", under)
    bands = [f"back:{code}" for code, *_ in RE_PRESENTATION_BANDS]
    table.add_counts(measures["re_presentation"], ["left", *bands], by_group=True)
    table.add_partition("left", bands, by_group=True)
    return table


def _figures() -> list[Figure]:
    figures = []
    for kind in ("planned", "unplanned"):
        figures.append(
            Figure(
                f"{kind}_exits",
                f"{EXIT_KINDS[kind]} exits, as a share of every exit from treatment in the period",
                "percent",
                numerator=f"exits_{kind}",
                denominator="exits",
                by_client_group=True,
            )
        )
        figures += [
            Figure(
                f"{kind}_exits_by_modality",
                f"{EXIT_KINDS[kind]} exits, as a share of the exits with this modality at exit",
                "percent",
                numerator=f"exits_{kind}@{modality}",
                denominator=f"exits@{modality}",
                category=modality,
                category_label=label,
            )
            for modality, label in MODALITIES.items()
        ]
    figures += [
        Figure(
            "time_to_re_presentation",
            "People whose latest planned or unplanned exit was in the period, by when they "
            "were next referred",
            "percent",
            numerator=f"back:{code}",
            denominator="left",
            category=code,
            category_label=label,
            by_client_group=True,
            follow_up_months=FOLLOW_UP_MONTHS,
        )
        for code, label, *_ in RE_PRESENTATION_BANDS
    ]
    return figures


FIGURES = _figures()


def exit_tables(filters: FigureFilters) -> Tables:
    """The unsuppressed counts of both periods and the segment values."""
    frames = loading.read_frames(_statements(filters))
    frames["episodes"] = with_an_episode_in_window(frames["episodes"], filters)
    return both_periods(
        filters,
        frames.get("people"),
        lambda p: {
            "exits": exit_measures(frames, p),
            "re_presentation": re_presentation_measures(frames["episodes"], p),
        },
        exit_table,
    )


def treatment_exits(filters: FigureFilters) -> dict:
    """Planned and unplanned exits, by modality, and time to re-presentation, for the
    filters' period beside the previous one (family "treatment_exits", suppressed)."""
    return family_result(
        family="treatment_exits",
        filters=filters,
        figures=FIGURES,
        tables=exit_tables(filters),
        client_groups=CLIENT_GROUPS,
    )
