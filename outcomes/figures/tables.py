"""Counting, suppressing and shaping figures: the part every figure family shares.

A family computes, for each period, a frame with one row per unit counted (a
person, an episode, a flag) holding yes/no columns, one per *measure*: "in
treatment", "completed", and so on. `CountTable` counts each measure by client
group and segment, with the margins ("all"), and records what adds up: the
groups and the segments add up to their margins, and the family states the
rest (the bands of time in treatment add up to everyone in treatment; a
numerator and the units that are not in it add up to the denominator). Those
relations drive the secondary suppression in `outcomes.suppression`.

`figures_result` then turns `Figure` definitions into the output rows, the
same shape for every family (see `outcomes.figures` for the contract), and no
count, rate or statistic leaves without passing through suppression. A split
result's rows each carry the whole population's figure beside them and, for a
percentage, whether the segment differs from it by more than chance
(`compared_with_whole`), so every family that splits gets this here.
"""

import datetime
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from django.utils import timezone

from outcomes.figures.difference import DIFFERENCE_WORDS, difference_of, stated_test
from outcomes.figures.filters import FigureFilters, Period
from outcomes.figures.segments import SegmentValues, assign_segments
from outcomes.suppression import Relation, SuppressedCounts, suppress

ALL = "all"
Key = tuple[str, str, str]  # (measure, client group, segment)
Unit = Literal["percent", "count", "years", "days", "hours", "points"]


class CountTable:
    """The counts of one period, keyed (measure, client group, segment).

    `client_groups` are the groups figures split by (besides "all"); `segments`
    the segment values (empty when figures are not split).
    """

    def __init__(self, *, client_groups: Sequence[str] = (), segments: Sequence[str] = ()):
        self.client_groups = tuple(client_groups)
        self.segments = tuple(segments)
        self.counts: dict[Key, int] = {}
        self.statistics: dict[Key, float | None] = {}
        self.relations: list[Relation[Key]] = []
        self.published: set[Key] = set()

    def _dimensions(self, by_group: bool) -> list[tuple[str, tuple[str, ...]]]:
        dimensions = []
        if by_group:
            dimensions.append(("client_group", self.client_groups))
        if self.segments:
            dimensions.append(("segment", self.segments))
        return dimensions

    def _cells(self, by_group: bool):
        """Every (client group, segment) pair a measure has, margins included."""
        groups = [*self.client_groups, ALL] if by_group else [ALL]
        segments = [*self.segments, ALL] if self.segments else [ALL]
        return itertools.product(groups, segments)

    def _grouped(self, frame: pd.DataFrame, by_group: bool, reduce) -> dict[tuple[str, str], dict]:
        """`reduce(frame or group)` -> {column: value} for every cell, margins included."""
        dimensions = self._dimensions(by_group)
        results: dict[tuple[str, str], dict] = {}
        for chosen in itertools.product((True, False), repeat=len(dimensions)):
            names = [name for (name, _), keep in zip(dimensions, chosen, strict=True) if keep]
            if names:
                grouped = frame.groupby([frame[n] for n in names], observed=True, sort=False)
                reduced = reduce(grouped)
                by_key = {
                    (key if isinstance(key, tuple) else (key,)): row
                    for key, row in reduced.to_dict(orient="index").items()
                }
            else:
                by_key = {(): reduce(frame).to_dict()}
            for group, segment in self._cells(by_group):
                picked = {"client_group": group, "segment": segment}
                if any(
                    (picked[name] == ALL) == keep
                    for (name, _), keep in zip(dimensions, chosen, strict=True)
                ):
                    continue
                results[(group, segment)] = by_key.get(tuple(picked[n] for n in names), {})
        return results

    def add_counts(
        self,
        frame: pd.DataFrame,
        measures: Sequence[str],
        *,
        by_group: bool = False,
        nested: Sequence[tuple[str, str, str]] = (),
        published: bool = False,
    ) -> None:
        """Count the rows where each yes/no `measures` column is true.

        `frame` has a `segment` column when the table has segments and a
        `client_group` column when `by_group`; every value must be one of the
        table's. The groups and the segments are noted to add up to "all".

        `nested` lists (outer, inner, rest): every unit in `inner` is in
        `outer`, so whoever sees both counts knows `rest` (outer but not
        inner). `rest` is counted too, never shown, and the three are noted to
        add up, so a small `rest` withholds one of the others.

        `published` counts are shown by another family: here they only stop a
        count of this table being worked back from them (see
        `outcomes.suppression.suppress`).
        """
        measures = list(measures)
        values = frame[measures].astype("bool")
        for outer, inner, rest in nested:
            if (values[inner] & ~values[outer]).any():
                raise ValueError(f"Some units are in {inner} but not in {outer}.")
            values[rest] = values[outer] & ~values[inner]
            measures.append(rest)
        values = values.astype("int64")
        if "client_group" in frame:
            values["client_group"] = frame["client_group"]
        if "segment" in frame:
            values["segment"] = frame["segment"]
        self._check_values(frame, by_group)
        cells = self._grouped(values, by_group, lambda g: g[measures].sum())
        for (group, segment), row in cells.items():
            for measure in measures:
                key = (measure, group, segment)
                self.counts[key] = int(row.get(measure, 0))
                if published:
                    self.published.add(key)
        if published:
            return
        for measure in measures:
            if by_group:
                for segment in [*self.segments, ALL] if self.segments else [ALL]:
                    self.relations.append(
                        Relation(
                            (measure, ALL, segment),
                            tuple((measure, g, segment) for g in self.client_groups),
                        )
                    )
            if self.segments:
                for group in [*self.client_groups, ALL] if by_group else [ALL]:
                    self.relations.append(
                        Relation(
                            (measure, group, ALL),
                            tuple((measure, group, s) for s in self.segments),
                        )
                    )
        for outer, inner, rest in nested:
            self.add_partition(outer, [inner, rest], by_group=by_group)

    def _check_values(self, frame: pd.DataFrame, by_group: bool) -> None:
        for name, allowed in self._dimensions(by_group):
            if name not in frame:
                raise ValueError(f"The frame has no {name} column.")
            unknown = set(frame[name].unique()) - set(allowed)
            if unknown:
                raise ValueError(f"{name} values {sorted(map(str, unknown))} are not in the table.")

    def add_partition(self, total: str, parts: Sequence[str], *, by_group: bool = False) -> None:
        """Note that measure `total` is the sum of measures `parts` in every cell."""
        for group, segment in self._cells(by_group):
            self.relations.append(
                Relation((total, group, segment), tuple((p, group, segment) for p in parts))
            )

    def add_statistic(
        self,
        name: str,
        frame: pd.DataFrame,
        column: str,
        how: Literal["mean", "median"],
        *,
        by_group: bool = False,
    ) -> None:
        """The mean or median of `column` over the rows of `frame`, in every cell."""
        values = frame[[column]].astype("float64")
        if "client_group" in frame:
            values["client_group"] = frame["client_group"]
        if "segment" in frame:
            values["segment"] = frame["segment"]
        self._check_values(frame, by_group)
        cells = self._grouped(values, by_group, lambda g: getattr(g[[column]], how)())
        for (group, segment), row in cells.items():
            value = row.get(column)
            self.statistics[(name, group, segment)] = None if pd.isna(value) else float(value)

    def suppressed(self) -> SuppressedCounts[Key]:
        return suppress(self.counts, self.relations, published=self.published)


def nested_in(
    *chains: Sequence[str], names: dict[tuple[str, str], str] | None = None
) -> list[tuple[str, str, str]]:
    """(outer, inner, rest) for each measure of a chain and every measure after it.

    Each chain lists measures that each contain the next (everyone in
    treatment, those who completed, those who completed and stayed out), so
    every difference between two of them is known to whoever sees both.
    `names` gives a pair's rest a name of its own (when it is a figure too).
    """
    names = names or {}
    triples: dict[tuple[str, str], str] = {}
    for chain in chains:
        for i, outer in enumerate(chain):
            for inner in chain[i + 1 :]:
                triples[(outer, inner)] = names.get((outer, inner), f"{outer} without {inner}")
    return [(outer, inner, rest) for (outer, inner), rest in triples.items()]


@dataclass(frozen=True)
class Figure:
    """One figure of a family: what it divides (or summarises) and how it is labelled.

        - percent: `numerator` / `denominator` x 100;
        - count: `numerator` itself (no denominator);
        - years / days / hours / points: `statistic` (a mean or median) over the `denominator`
          units (points: a change on a TOP item's scale).

    `target`: a percentage the figure is held to (higher is better), shown beside each
    cell with whether it is met, in words (`target_in_words`): the default, which a local
    target loaded for the figure's period replaces (`outcomes.benchmarks`).

        `follow_up_months` / `follow_up_days`: how long after the period ends the
        figure can still change (e.g. re-presentations within 6 months); until
        then it is marked provisional.
    """

    key: str
    label: str
    unit: Unit
    numerator: str | None = None
    denominator: str | None = None
    statistic: str | None = None
    category: str | None = None
    category_label: str | None = None
    by_client_group: bool = False
    digits: int = 1
    follow_up_months: int = 0
    follow_up_days: int = 0
    target: float | None = None
    target_name: str = "target"

    def provisional(self, period: Period, today: datetime.date) -> bool:
        if not (self.follow_up_months or self.follow_up_days):
            return False
        settled = (
            pd.Timestamp(period.end) + pd.DateOffset(months=self.follow_up_months)
        ).date() + datetime.timedelta(days=self.follow_up_days)
        return settled > today


# Where a figure's target comes from: the figure's own (`Figure.target`), or a local
# target an administrator loaded for its period (`outcomes.benchmarks.with_loaded_targets`).
DEFAULT_TARGET = "default"
LOADED_TARGET = "loaded"
DEFAULT_TARGET_SOURCE = "Built-in default"


def target_in_words(
    value: float | None,
    target: float,
    name: str,
    suppressed: bool,
    *,
    better: str = "higher",
    origin: str = DEFAULT_TARGET,
    source: str = DEFAULT_TARGET_SOURCE,
) -> dict:
    """Whether a percentage meets its `target` (`better`: "higher" or "lower" is
    better), as data and in words, with where the target comes from."""
    where = {"origin": origin, "source": source}
    if value is None:
        why = "the figure is withheld" if suppressed else "nobody is counted"
        return {"value": target, "met": None, "words": f"Not known: {why}.", **where}
    # (met, not met), in words, by the direction that is better.
    met_words, unmet_words = (
        ("at or below", "above") if better == "lower" else ("at or above", "below")
    )
    met = value <= target if better == "lower" else value >= target
    verdict = "Met" if met else "Not met"
    relation = met_words if met else unmet_words
    return {
        "value": target,
        "met": met,
        "words": f"{verdict}: {value:g}% is {relation} the {target:g}% {name}.",
        **where,
    }


def _cell(
    figure: Figure,
    table: CountTable,
    published: SuppressedCounts[Key],
    group: str,
    segment: str,
    provisional: bool,
) -> dict:
    numerator = (figure.numerator, group, segment) if figure.numerator else None
    denominator = (figure.denominator, group, segment) if figure.denominator else None
    used = [key for key in (numerator, denominator) if key is not None]
    withheld = any(published.is_withheld(key) for key in used)
    value: float | int | None
    if figure.unit == "percent":
        assert numerator is not None
        assert denominator is not None
        value = published.rate(numerator, denominator, digits=figure.digits)
    elif figure.unit == "count":
        assert numerator is not None
        value = published.count(numerator)
    else:
        assert figure.statistic is not None
        statistic = table.statistics.get((figure.statistic, group, segment))
        value = None if withheld or statistic is None else round(statistic, figure.digits)
    return {
        "numerator": published.count(numerator) if numerator else None,
        "denominator": published.count(denominator) if denominator else None,
        "value": value,
        "suppressed": withheld,
        "provisional": provisional,
    }


def compared_with_whole(
    figure: Figure, published: SuppressedCounts[Key], group: str, segment: str, whole: dict
) -> dict:
    """A split cell's `whole` (the same figure for everyone, this period) and `difference`:
    for a percentage, whether the segment's differs from everyone else's by more than
    chance (`outcomes.figures.difference`); null for other units, when a count either
    side is withheld, or when the difference is within chance."""
    compared: dict = {
        "whole": {
            name: whole[name] for name in ("numerator", "denominator", "value", "suppressed")
        },
        "difference": None,
    }
    if figure.unit != "percent":
        return compared
    assert figure.numerator is not None
    assert figure.denominator is not None
    keys = [
        (measure, group, where)
        for where in (segment, ALL)
        for measure in (figure.numerator, figure.denominator)
    ]
    if any(published.is_withheld(key) for key in keys):
        return compared
    counts = [published.counts[key] for key in keys]
    direction, z = difference_of((counts[0], counts[1]), (counts[2], counts[3]))
    if direction is not None and z is not None:
        compared["difference"] = {
            "direction": direction,
            "words": DIFFERENCE_WORDS[direction],
            "z": z,
        }
    return compared


def figures_result(
    *,
    family: str,
    filters: FigureFilters,
    figures: Sequence[Figure],
    current: CountTable,
    previous: CountTable,
    segments: SegmentValues | None,
    client_groups: Sequence[str] = (),
    today: datetime.date,
) -> dict:
    """The family's output: its periods, and one row per figure, client group and segment."""
    period, previous_period = filters.period, filters.previous_period
    published_now, published_before = current.suppressed(), previous.suppressed()
    segment_rows: list[tuple[str, str | None, str | None]] = [(ALL, None, None)]
    if segments is not None:
        segment_rows += [(v, v, segments.labels[v]) for v in segments.codes]
    rows = []
    for figure in figures:
        groups = [*client_groups, ALL] if figure.by_client_group else [ALL]
        provisional_now = figure.provisional(period, today)
        provisional_before = figure.provisional(previous_period, today)
        for group in groups:
            whole: dict = {}
            for segment, segment_value, segment_label in segment_rows:
                now = _cell(figure, current, published_now, group, segment, provisional_now)
                if segment == ALL:
                    whole = now
                before = _cell(
                    figure, previous, published_before, group, segment, provisional_before
                )
                change = None
                if now["value"] is not None and before["value"] is not None:
                    change = round(now["value"] - before["value"], figure.digits)
                extra = {}
                if figure.target is not None:
                    extra["target"] = target_in_words(
                        now["value"], figure.target, figure.target_name, now["suppressed"]
                    )
                rows.append(
                    {
                        "key": figure.key,
                        "label": figure.label,
                        "unit": figure.unit,
                        "client_group": group if figure.by_client_group else None,
                        "category": figure.category,
                        "category_label": figure.category_label,
                        "segment_value": segment_value,
                        "segment_label": segment_label,
                        **now,
                        "previous": before,
                        "change": change,
                        **extra,
                    }
                )
                if segment_value is not None:
                    rows[-1] |= compared_with_whole(figure, published_now, group, segment, whole)
    result = {
        "family": family,
        "computed_on": today.isoformat(),
        "period": period.as_json(),
        "previous_period": {**previous_period.as_json(), "rule": period.previous_rule},
        "segment": filters.segment,
        "figures": rows,
    }
    if segments is not None:
        result["test"] = stated_test()
    return result


# A period's measures: frames of units (people, episodes, kits...) with yes/no columns.
Measures = dict[str, pd.DataFrame]
Tables = tuple[CountTable, CountTable, SegmentValues | None]


def both_periods(
    filters: FigureFilters,
    people: pd.DataFrame | None,
    measures: Callable[[Period], Measures],
    table: Callable[[Measures, SegmentValues | None], CountTable],
) -> Tables:
    """The unsuppressed counts of the filters' period and of the period before, and the
    segment values: each period's `measures`, every frame given its segment as on the
    period's last day (`assign_segments`, from the `people` frame when split), then each
    period's `table`."""
    periods = (filters.period, filters.previous_period)
    measured = {p: measures(p) for p in periods}
    values = assign_segments(filters, people, {p.end: list(measured[p].values()) for p in periods})
    current, previous = (table(measured[p], values) for p in periods)
    return current, previous, values


def family_result(
    *,
    family: str,
    filters: FigureFilters,
    figures: Sequence[Figure],
    tables: Tables,
    client_groups: Sequence[str] = (),
) -> dict:
    """`figures_result` of both periods' tables (`both_periods`) as of today."""
    current, previous, values = tables
    return figures_result(
        family=family,
        filters=filters,
        figures=figures,
        current=current,
        previous=previous,
        segments=values,
        client_groups=client_groups,
        today=timezone.localdate(),
    )
