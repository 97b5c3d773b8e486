"""Criminal justice pick-up, and parents and people living with children in treatment.

- **Released from prison**: the people with a prison release event that
  happened (not one only expected) in the period; a person counts once, by
  their first release in it.
- **Picked up within 3 weeks**: of those, the people with a first treatment
  contact in the community on the day of that release or in the 21 days after
  it: a contact they attended, or an intervention starting in a setting other
  than prison. Provisional until 21 days after the period ends. Held to a
  local target: by default 75% (the stretch target for people leaving prison in
  the local plan the figures were written for), which a local target loaded for
  the period replaces (`outcomes.benchmarks.with_loaded_targets`): every row
  says whether it is met, and which target it is held to.
- **Parents** and **living with children**: of the people in treatment in the
  period (`outcomes.figures.episodes`), those whose latest episode in treatment
  records that they are a parent (PRNTSTAT), and that children live with them
  (CHILDWTH above 0); the share not recorded is given beside each, so a low
  figure can be told from a missing answer.

A person counts in the client group of their latest episode in treatment (the
parents) and in no client group (the releases); their team, local authority
and the rest are as they are now.
"""

import pandas as pd

from cases.models import EventKind, EventStatus, Intervention
from core.frames import day_number
from outcomes.figures import loading
from outcomes.figures.episodes import (
    CLIENT_GROUPS,
    episodes_statement,
    in_treatment_people,
    in_window_people,
    window_params,
)
from outcomes.figures.filters import FigureFilters, Period
from outcomes.figures.loading import Column, Statement
from outcomes.figures.segments import SegmentValues
from outcomes.figures.tables import (
    CountTable,
    Figure,
    Tables,
    both_periods,
    family_result,
    nested_in,
)

PICK_UP_DAYS = 21
# The default, where no local target is loaded for the period.
PICK_UP_TARGET = 75.0

_RELEASED = f"""
    SELECT r.service_user_id FROM cases_event r
    WHERE r.kind = '{EventKind.PRISON_RELEASE}' AND r.status = '{EventStatus.HAPPENED}'
      AND r.service_user_id IS NOT NULL
      AND r.occurred_on BETWEEN %(window_start)s AND %(window_end)s
"""


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    people = loading.person_filter(filters)
    params = {**people.params, **window_params(filters), "pick_up_days": PICK_UP_DAYS}
    statements = {
        "episodes": episodes_statement(people, params, whole_history=False),
        "releases": Statement(
            f"""
            SELECT r.service_user_id, {day_number("r.occurred_on")}
            FROM cases_event r {people.join("r.service_user_id")}
            WHERE {people.where} AND r.id IN ({_RELEASED.replace("r.service_user_id", "r.id", 1)})
            """,
            (Column("person_id", "int"), Column("released_on", "date")),
            params,
        ),
        "contacts": Statement(
            f"""
            SELECT c.service_user_id, {day_number("c.contact_date")}
            FROM cases_contact c
            WHERE c.status = 'attended' AND c.service_user_id IN ({_RELEASED})
              AND c.contact_date BETWEEN %(window_start)s
                  AND %(window_end)s + %(pick_up_days)s
            UNION ALL
            SELECT e.service_user_id, {day_number("i.start_date")}
            FROM cases_intervention i JOIN cases_treatmentepisode e ON e.id = i.episode_id
            WHERE i.setting <> '{Intervention.Setting.PRISON}'
              AND e.service_user_id IN ({_RELEASED})
              AND i.start_date BETWEEN %(window_start)s AND %(window_end)s + %(pick_up_days)s
            """,
            (Column("person_id", "int"), Column("contact_on", "date")),
            params,
        ),
    }
    if filters.segment is not None:
        statements["people"] = loading.people_statement(
            filters,
            f"{in_window_people()} UNION {_RELEASED}",
            params,
        )
    return statements


def release_measures(frames: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """One row per person released from prison in the period, by their first release."""
    releases = frames["releases"]
    here = releases[
        releases["released_on"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))
    ]
    first = here.groupby("person_id")["released_on"].min()
    contacts = frames["contacts"].merge(
        first.rename("released_on"), left_on="person_id", right_index=True
    )
    after = (contacts["contact_on"] - contacts["released_on"]).dt.days
    picked_up = contacts.loc[after.between(0, PICK_UP_DAYS), "person_id"].unique()
    return pd.DataFrame(
        {
            "person_id": first.index.to_numpy(),
            "released": True,
            "picked_up": first.index.isin(picked_up),
        }
    )


def family_measures(frames: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """One row per person in treatment in the period, with their latest episode's answers."""
    people = in_treatment_people(frames["episodes"], period)
    parent, children = people["parent"], people["children"]
    return pd.DataFrame(
        {
            "person_id": people.index.to_numpy(),
            "client_group": people["client_group"].array,
            "in_treatment": True,
            "parent": (parent == 1).to_numpy(),
            "parent_not_recorded": parent.isna().to_numpy(),
            "with_children": (children > 0).to_numpy(),
            "children_not_recorded": children.isna().to_numpy(),
        }
    )


FAMILY_MEASURES = ["parent", "parent_not_recorded", "with_children", "children_not_recorded"]


def justice_table(measures: dict[str, pd.DataFrame], segments: SegmentValues | None) -> CountTable:
    table = CountTable(client_groups=CLIENT_GROUPS, segments=segments.codes if segments else ())
    table.add_counts(
        measures["releases"],
        ["released", "picked_up"],
        nested=nested_in(["released", "picked_up"]),
    )
    families = measures["families"]
    table.add_counts(
        families,
        ["in_treatment", *FAMILY_MEASURES],
        by_group=True,
        nested=nested_in(*(["in_treatment", m] for m in FAMILY_MEASURES)),
    )
    # Answered yes, answered no and not recorded add up to everyone in treatment.
    families = families.assign(
        parent_no=~families["parent"] & ~families["parent_not_recorded"],
        children_none=~families["with_children"] & ~families["children_not_recorded"],
    )
    table.add_counts(families, ["parent_no", "children_none"], by_group=True)
    table.add_partition(
        "in_treatment", ["parent", "parent_no", "parent_not_recorded"], by_group=True
    )
    table.add_partition(
        "in_treatment", ["with_children", "children_none", "children_not_recorded"], by_group=True
    )
    return table


FIGURES = [
    Figure(
        "prison_release_pick_up",
        "People released from prison in the period with a first treatment contact in the "
        "community within 3 weeks of release",
        "percent",
        numerator="picked_up",
        denominator="released",
        follow_up_days=PICK_UP_DAYS,
        target=PICK_UP_TARGET,
        target_name="local target",
    ),
    *(
        Figure(
            key,
            label,
            "percent",
            numerator=measure,
            denominator="in_treatment",
            by_client_group=True,
        )
        for key, measure, label in (
            ("parents_in_treatment", "parent", "People in treatment who are parents"),
            (
                "parental_status_not_recorded",
                "parent_not_recorded",
                "People in treatment whose parental status is not recorded",
            ),
            (
                "living_with_children",
                "with_children",
                "People in treatment living with children",
            ),
            (
                "children_living_with_not_recorded",
                "children_not_recorded",
                "People in treatment for whom it is not recorded whether children live with them",
            ),
        )
    ),
]


def justice_tables(
    filters: FigureFilters,
) -> Tables:
    """The unsuppressed counts of both periods and the segment values."""
    frames = loading.read_frames(_statements(filters))
    return both_periods(
        filters,
        frames.get("people"),
        lambda p: {"releases": release_measures(frames, p), "families": family_measures(frames, p)},
        justice_table,
    )


def criminal_justice_and_families(filters: FigureFilters) -> dict:
    """Prison release to treatment within 3 weeks against its local target, and parents
    and people living with children in treatment, for the filters' period beside the
    previous one (family "criminal_justice_and_families", suppressed)."""
    return family_result(
        family="criminal_justice_and_families",
        filters=filters,
        figures=FIGURES,
        tables=justice_tables(filters),
        client_groups=CLIENT_GROUPS,
    )
