"""The values each segment splits figures into, with their labels, and each person's value.

The values are the same for every call with the same filters, whatever the
data, so the output keeps a stable shape: every sex, ethnicity and age band
there is, and every team or local authority the filters allow (a value with
nobody in it shows zeros). A value found in the data but not in that list (an
ethnicity code from an older import, say) is added rather than dropped, so the
segments always add up to the whole.

- `team`: the person's current team; value its id, label its name.
- `local_authority`: their local authority of residence; value its ONS code.
- `sex`, `ethnicity`: the NDTMS codes, labelled as the record shows them.
- `age_band`: `cases.ages` bands of their age on the last day of the period
  (so the comparison period uses its own last day).
- `sexual_orientation`, `religion`: the record's answers, labelled as the
  record shows them, and "Not recorded" for a person not yet asked.
- `disability`: one group per person, so the groups add up: "Has a disability
  (any kind)" for one kind or several, the answers that stand alone ("No
  disability", "Prefers not to say"), and "Not recorded" for a person not yet
  asked (`loading.DISABILITY_GROUP`).
"""

import datetime
from dataclasses import dataclass

import pandas as pd

from cases.ages import AGE_BAND_LABELS, age_bands
from cases.models import (
    DISABILITY_ALONE,
    Disability,
    Ethnicity,
    LocalAuthority,
    Religion,
    Sex,
    SexualOrientation,
    Team,
)
from core.dates import ages_on
from outcomes.figures.filters import FigureFilters
from outcomes.figures.loading import DISABLED, NOT_RECORDED, lookup

UNKNOWN = "unknown"
UNKNOWN_LABEL = "Not known"
NOT_RECORDED_LABEL = "Not recorded"
DISABLED_LABEL = "Has a disability (any kind)"
# The person id of a row that has no person (an overdose of someone not yet known, a
# naloxone kit to someone who is not a client).
NOBODY = 0


@dataclass(frozen=True)
class SegmentValues:
    """The ordered values of one segment and the label of each."""

    codes: tuple[str, ...]
    labels: dict[str, str]

    def including(self, observed) -> "SegmentValues":
        """These values plus any others the data holds (labelled by their code; "unknown"
        as `UNKNOWN_LABEL`)."""
        extra = sorted({str(v) for v in observed} - set(self.codes))
        labels = {v: UNKNOWN_LABEL if v == UNKNOWN else v for v in extra}
        return SegmentValues(codes=(*self.codes, *extra), labels={**self.labels, **labels})


def segment_values(filters: FigureFilters) -> SegmentValues:
    segment = filters.segment
    if segment == "team":
        teams = Team.objects.order_by("name", "id")
        if filters.teams is not None:
            teams = teams.filter(id__in=filters.teams)
        rows = [(str(pk), name) for pk, name in teams.values_list("id", "name")]
    elif segment == "local_authority":
        authorities = LocalAuthority.objects.order_by("name", "code")
        if filters.local_authority_ids is not None:
            authorities = authorities.filter(id__in=filters.local_authority_ids)
        rows = list(authorities.values_list("code", "name"))
    elif segment == "sex":
        rows = [(str(value), str(label)) for value, label in Sex.choices]
    elif segment == "ethnicity":
        rows = [(str(value), str(label)) for value, label in Ethnicity.choices]
    elif segment == "age_band":
        rows = [(label, label) for label in AGE_BAND_LABELS]
    elif segment == "disability":
        rows = [
            (DISABLED, DISABLED_LABEL),
            *((str(v), str(label)) for v, label in Disability.choices if v in DISABILITY_ALONE),
            (NOT_RECORDED, NOT_RECORDED_LABEL),
        ]
    elif segment in ("sexual_orientation", "religion"):
        choices = SexualOrientation.choices if segment == "sexual_orientation" else Religion.choices
        rows = [
            *((str(value), str(label)) for value, label in choices),
            (NOT_RECORDED, NOT_RECORDED_LABEL),
        ]
    else:
        raise ValueError(f"No segment {segment!r}")
    return SegmentValues(codes=tuple(v for v, _ in rows), labels=dict(rows))


def authority_codes() -> dict[int, str]:
    return dict(LocalAuthority.objects.values_list("id", "code"))


def person_segments(
    people: pd.DataFrame, segment: str, day: datetime.date, codes: dict[int, str] | None = None
) -> pd.Series:
    """Each person's segment value (as text) on `day`, indexed by person id.

    `people` is the frame from `loading.people_statement`; `codes` maps local
    authority ids to their ONS codes.
    """
    attribute = people["attribute"]
    if segment == "age_band":
        values = age_bands(ages_on(attribute, day)).fillna(UNKNOWN)
    elif segment == "team":
        values = attribute.astype("int64").astype("str")
    elif segment == "local_authority":
        values = attribute.map(codes or {}).fillna(UNKNOWN)
    else:
        values = attribute.fillna(UNKNOWN)
    return pd.Series(values.astype("str").to_numpy(), index=people["person_id"].to_numpy())


def assign_segments(
    filters: FigureFilters, people: pd.DataFrame | None, frames_by_day: dict
) -> SegmentValues | None:
    """Give every frame a `segment` column (each person's value on the day it is
    listed under) and return the values to split by; None when not split.

    `frames_by_day` maps a day (a period's last) to the frames of that period,
    each with a `person_id` column.
    """
    if filters.segment is None:
        return None
    assert people is not None
    codes = authority_codes() if filters.segment == "local_authority" else None
    values = segment_values(filters)
    for day, frames in frames_by_day.items():
        series = person_segments(people, filters.segment, day, codes)
        for frame in frames:
            frame["segment"] = lookup(frame["person_id"], series).fillna(UNKNOWN).astype("str")
            values = values.including(frame["segment"].unique())
    return values


def place_rows_without_a_person(
    filters: FigureFilters, frames: list[pd.DataFrame], team_column: str
) -> SegmentValues | None:
    """Give rows with no person (`person_id` of `NOBODY`) their segment, and return the
    values to split by; call it after `assign_segments`, with every frame given to it.

    Such a row is in the segment of its team (`team_column`, where a frame has it) when
    split by team, and in "unknown" for every other split: that value is then always
    listed, with or without such rows, so the shape does not depend on the data.
    """
    if filters.segment is None:
        return None
    values = segment_values(filters)
    for frame in frames:
        if filters.segment == "team" and team_column in frame:
            alone = frame["person_id"] == NOBODY
            frame.loc[alone, "segment"] = frame.loc[alone, team_column].astype("str")
        values = values.including(frame["segment"].unique())
    if filters.segment != "team" and UNKNOWN not in values.codes:
        values = SegmentValues(
            codes=(*values.codes, UNKNOWN), labels={**values.labels, UNKNOWN: UNKNOWN_LABEL}
        )
    return values
