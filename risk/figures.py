"""Flag and outreach figures for commissioners: one family, suppressed as one table.

`flag_figures(filters)` returns the shape described in `outcomes.figures`
(family "flags_and_outreach"); `FIGURE_FAMILIES` maps every family's name to
its function, these and the outcome layer's alike. Flags and outreach share their counts (the
very high and high flags raised in a period are both a flag figure and the
outreach denominator), so they are computed and suppressed together: split
into two families, one could show a count the other withholds.

Definitions (also in docs/figures.md):

- **A flag open during the period**: raised on or before its last day and not
  ended before its first. A flag ends when a person's tier changes (a new one
  opens at the new tier), when the rules stop firing, or when it is
  overridden; overridden flags count while they were open.
- **People flagged during the period, by tier**: each person once, at the
  highest tier of their flags open during the period.
- **Flags raised in the period, by tier**: every flag raised between its
  first and last day, so a person whose tier changed counts once per flag.
- **People flagged, by rule**: of the people flagged during the period, those
  with a flag open during the period that the rule contributed to (a person
  counts under every rule that did, so rules do not add up to the total).
  Every rule of every rule set version is listed, by its latest title.
- **Outreach**: of the very high and high flags raised in the period, the
  share whose person was reached (an outreach attempt with an outcome in
  `risk.models.REACHED_OUTCOMES`, on or after the day the flag was raised)
  within 2 days and within 7 days of it being raised (0 means the same day),
  and the median days to the first such contact, over the flags reached at
  all so far. They are provisional until 2 (or 7) days after the period ends;
  a later first contact still moves the median. Attended appointments are not
  outreach and do not count here (the team lead's not-contacted list counts
  both). These are the share of very high and high flags reached within 2 and
  7 days that the overdose pathway's figures call for.
- **Outreach attempts by method and outcome**: every outreach attempt made in
  the period (`attempted_on`), of anyone the filters keep, flagged or not, by
  method (phone, visit, letter, partner agency) and, within each method, by
  outcome. A count of attempts, not of people: one person tried three times
  counts three times.
"""

import datetime

import numpy as np
import pandas as pd
from django.utils import timezone

from core.frames import day_number
from outcomes.figures import loading, naloxone_coverage, outcome_summary
from outcomes.figures.filters import FigureFilters, Period
from outcomes.figures.loading import Column, Statement
from outcomes.figures.segments import SegmentValues, assign_segments
from outcomes.figures.tables import CountTable, Figure, figures_result, nested_in
from overdoses.figures import overdose_figures
from risk.engine import OUTREACH_TIERS, TIER_OF_RANK, TIER_RANKS, TIERS
from risk.models import REACHED_OUTCOMES, OutreachMethod, OutreachOutcome, Rule, RuleSet
from risk.wording import TIER_LABELS

# The outreach tiers taken together: "very_high_or_high", "Very high or high".
BOTH = "_or_".join(OUTREACH_TIERS)
OUTREACH_CATEGORIES = {
    **{t: TIER_LABELS[t] for t in OUTREACH_TIERS},
    BOTH: " or ".join(TIER_LABELS[t] for t in OUTREACH_TIERS).capitalize(),
}
CONTACT_WITHIN_DAYS = (2, 7)
METHODS = {str(k): str(v) for k, v in OutreachMethod.choices}
OUTCOMES = {str(k): str(v) for k, v in OutreachOutcome.choices}

OPEN_IN_WINDOW = (
    "f.raised_on <= %(window_end)s AND (f.ended_on IS NULL OR f.ended_on >= %(window_start)s)"
)


def reached_statement(
    filters: FigureFilters, window_start: datetime.date, window_end: datetime.date
) -> Statement:
    """The contacts that reached the people of outreach flags raised from `window_start`
    to `window_end` (on or after `window_start`): what `raised_measures` times."""
    people = loading.person_filter(filters)
    return Statement(
        f"""
        SELECT a.service_user_id, {day_number("a.attempted_on")}
        FROM risk_outreachattempt a
        WHERE a.outcome = ANY(%(reached)s::text[]) AND a.attempted_on >= %(window_start)s
          AND a.service_user_id IN (
              SELECT f.service_user_id FROM risk_flag f {people.join("f.service_user_id")}
              WHERE {people.where} AND f.tier_rank >= %(outreach_rank)s
                AND f.raised_on BETWEEN %(window_start)s AND %(window_end)s)
        """,
        (Column("person_id", "int"), Column("attempted_on", "date")),
        {
            **people.params,
            "window_start": window_start,
            "window_end": window_end,
            "reached": [str(outcome) for outcome in REACHED_OUTCOMES],
            "outreach_rank": min(TIER_RANKS[t] for t in OUTREACH_TIERS),
        },
    )


def _statements(filters: FigureFilters) -> dict[str, Statement]:
    people = loading.person_filter(filters)
    params = {
        **people.params,
        "window_start": filters.previous_period.start,
        "window_end": filters.end,
    }
    flagged = (
        f"SELECT f.service_user_id FROM risk_flag f {people.join('f.service_user_id')} "
        f"WHERE {people.where} AND {OPEN_IN_WINDOW}"
    )
    statements = {
        "flags": Statement(
            f"""
            SELECT f.id, f.service_user_id, f.tier_rank, {day_number("f.raised_on")},
                   {day_number("f.ended_on")}, array_to_string(f.rule_codes, ' ')
            FROM risk_flag f {people.join("f.service_user_id")}
            WHERE {people.where} AND {OPEN_IN_WINDOW}
            """,
            (
                Column("flag_id", "int"),
                Column("person_id", "int"),
                Column("tier_rank", "int"),
                Column("raised_on", "date"),
                Column("ended_on", "date"),
                Column("rule_codes", "text"),
            ),
            params,
        ),
        "reached": reached_statement(filters, filters.previous_period.start, filters.end),
        "attempts": Statement(
            f"""
            SELECT a.service_user_id, {day_number("a.attempted_on")}, a.method, a.outcome
            FROM risk_outreachattempt a {people.join("a.service_user_id")}
            WHERE {people.where}
              AND a.attempted_on BETWEEN %(window_start)s AND %(window_end)s
            """,
            (
                Column("person_id", "int"),
                Column("attempted_on", "date"),
                Column("method", "text"),
                Column("outcome", "text"),
            ),
            params,
        ),
    }
    if filters.segment is not None:
        tried = (
            "SELECT a.service_user_id FROM risk_outreachattempt a "
            "WHERE a.attempted_on BETWEEN %(window_start)s AND %(window_end)s"
        )
        statements["people"] = loading.people_statement(filters, f"{flagged} UNION {tried}", params)
    return statements


def rule_titles() -> dict[str, str]:
    """Every rule code of any version ever in use, with the title of its latest version.

    A draft's new rules have flagged nobody, so they wait for the draft to be activated.
    """
    titles: dict[str, str] = {}
    used = Rule.objects.exclude(rule_set__status=RuleSet.Status.DRAFT)
    for code, title in used.order_by("code", "-rule_set__version").values_list("code", "title"):
        titles.setdefault(code, title)
    return titles


def _open_in(flags: pd.DataFrame, period: Period) -> pd.DataFrame:
    raised_by_end = flags["raised_on"] <= pd.Timestamp(period.end)
    still_open = flags["ended_on"].isna() | (flags["ended_on"] >= pd.Timestamp(period.start))
    return flags[raised_by_end & still_open]


def rule_pairs(flags: pd.DataFrame) -> pd.DataFrame:
    """(flag_id, code) for every rule of every flag: worked out once for both periods.

    Flags share a few thousand combinations of rules between them, so each
    combination is split once and repeated with numpy.
    """
    listed = flags[flags["rule_codes"].notna()]
    combination, combinations = pd.factorize(listed["rule_codes"])
    split = [text.split(" ") for text in combinations]
    sizes = np.array([len(codes) for codes in split], dtype="int64")
    flat = np.array([code for codes in split for code in codes], dtype=object)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype("int64")
    per_flag = sizes[combination]
    first_of_flag = np.repeat(np.cumsum(per_flag) - per_flag, per_flag)
    within = np.arange(per_flag.sum()) - first_of_flag
    return pd.DataFrame(
        {
            "flag_id": np.repeat(listed["flag_id"].to_numpy(), per_flag),
            "code": flat[np.repeat(starts[combination], per_flag) + within],
        }
    )


def people_measures(
    flags: pd.DataFrame, pairs: pd.DataFrame, period: Period, codes: list[str]
) -> pd.DataFrame:
    """One row per person flagged during the period: their highest tier and their rules."""
    open_flags = _open_in(flags, period)
    highest = open_flags.groupby("person_id")["tier_rank"].max()
    measures = pd.DataFrame({"person_id": highest.index, "people_flagged": True})
    for tier in TIERS:
        measures[f"flagged_{tier}"] = (highest == TIER_RANKS[tier]).to_numpy()
    held = pairs[pairs["flag_id"].isin(open_flags["flag_id"])]
    person_of_flag = open_flags.set_index("flag_id")["person_id"]
    rows = highest.index.get_indexer(loading.lookup(held["flag_id"], person_of_flag))
    columns = pd.Index(codes).get_indexer(held["code"])
    matrix = np.zeros((len(highest), len(codes)), dtype=bool)
    matrix[rows, columns] = True
    rules = pd.DataFrame(matrix, columns=[f"rule:{code}" for code in codes])
    return pd.concat([measures, rules], axis=1)


def raised_measures(flags: pd.DataFrame, reached: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per flag raised in the period, with how soon its person was reached."""
    raised = flags[flags["raised_on"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))]
    raised = raised.sort_values("raised_on")
    first = pd.merge_asof(
        raised[["flag_id", "person_id", "raised_on"]],
        reached.dropna().sort_values("attempted_on"),
        left_on="raised_on",
        right_on="attempted_on",
        by="person_id",
        direction="forward",
    )
    days = (first["attempted_on"] - first["raised_on"]).dt.days
    tier = raised["tier_rank"].map(TIER_OF_RANK).to_numpy()
    measures = pd.DataFrame(
        {"person_id": raised["person_id"].to_numpy(), "flags_raised": True, "days": days}
    )
    for name in TIERS:
        measures[f"raised_{name}"] = tier == name
    measures[f"raised_{BOTH}"] = measures[[f"raised_{t}" for t in OUTREACH_TIERS]].any(axis=1)
    for category in OUTREACH_CATEGORIES:
        outreach = measures[f"raised_{category}"]
        measures[f"contacted_ever_{category}"] = outreach & days.notna().to_numpy()
        for within in CONTACT_WITHIN_DAYS:
            measures[f"contacted_{within}_{category}"] = outreach & (days <= within).to_numpy()
    return measures


def attempt_measures(attempts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per outreach attempt made in the period, by method and outcome."""
    rows = attempts[
        attempts["attempted_on"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))
    ]
    method, outcome = rows["method"].to_numpy(), rows["outcome"].to_numpy()
    measures = pd.DataFrame({"person_id": rows["person_id"].to_numpy(), "attempts": True})
    for m in METHODS:
        measures[f"method:{m}"] = method == m
        for o in OUTCOMES:
            measures[f"attempt:{m}:{o}"] = (method == m) & (outcome == o)
    return measures


def _outreach_measures(category: str) -> list[str]:
    return [
        f"contacted_ever_{category}",
        *(f"contacted_{within}_{category}" for within in CONTACT_WITHIN_DAYS),
    ]


def flag_table(
    people: pd.DataFrame,
    raised: pd.DataFrame,
    attempts: pd.DataFrame,
    codes: list[str],
    segments: SegmentValues | None,
) -> CountTable:
    table = CountTable(segments=segments.codes if segments else ())
    rules = [f"rule:{code}" for code in codes]
    table.add_counts(
        people,
        ["people_flagged", *(f"flagged_{t}" for t in TIERS), *rules],
        nested=nested_in(*(["people_flagged", rule] for rule in rules)),
    )
    table.add_partition("people_flagged", [f"flagged_{t}" for t in TIERS])
    # Each holds the next: raised, reached at all, within 7 days, within 2.
    chains = [
        [
            f"raised_{c}",
            f"contacted_ever_{c}",
            *(f"contacted_{w}_{c}" for w in sorted(CONTACT_WITHIN_DAYS, reverse=True)),
        ]
        for c in OUTREACH_CATEGORIES
    ]
    table.add_counts(
        raised,
        [
            "flags_raised",
            *(f"raised_{t}" for t in TIERS),
            f"raised_{BOTH}",
            *(m for c in OUTREACH_CATEGORIES for m in _outreach_measures(c)),
        ],
        nested=nested_in(*chains),
    )
    table.add_partition("flags_raised", [f"raised_{t}" for t in TIERS])
    prefixes = ["raised", "contacted_ever", *(f"contacted_{w}" for w in CONTACT_WITHIN_DAYS)]
    for prefix in prefixes:
        table.add_partition(f"{prefix}_{BOTH}", [f"{prefix}_{t}" for t in OUTREACH_TIERS])
    for category in OUTREACH_CATEGORIES:
        reached = raised[raised[f"contacted_ever_{category}"]]
        table.add_statistic(f"days_to_contact_{category}", reached, "days", "median")
    methods = [f"method:{m}" for m in METHODS]
    table.add_counts(
        attempts,
        ["attempts", *methods, *(f"attempt:{m}:{o}" for m in METHODS for o in OUTCOMES)],
    )
    table.add_partition("attempts", methods)
    for m in METHODS:
        table.add_partition(f"method:{m}", [f"attempt:{m}:{o}" for o in OUTCOMES])
    return table


def _figures(titles: dict[str, str]) -> list[Figure]:
    figures = [
        Figure(
            "people_flagged",
            "People with a flag open during the period, by the highest tier it reached",
            "count",
            numerator=f"flagged_{tier}" if tier else "people_flagged",
            category=tier,
            category_label=TIER_LABELS[tier] if tier else None,
        )
        for tier in (None, *TIERS)
    ]
    figures += [
        Figure(
            "flags_raised",
            "Flags raised in the period, by tier",
            "count",
            numerator=f"raised_{tier}" if tier else "flags_raised",
            category=tier,
            category_label=TIER_LABELS[tier] if tier else None,
        )
        for tier in (None, *TIERS)
    ]
    figures += [
        Figure(
            "people_flagged_by_rule",
            "People flagged during the period whose flag the rule contributed to, "
            "as a share of everyone flagged",
            "percent",
            numerator=f"rule:{code}",
            denominator="people_flagged",
            category=code,
            category_label=title,
        )
        for code, title in titles.items()
    ]
    for within in CONTACT_WITHIN_DAYS:
        figures += [
            Figure(
                f"contacted_within_{within}_days",
                f"Very high and high flags raised in the period whose person was reached "
                f"within {within} days",
                "percent",
                numerator=f"contacted_{within}_{category}",
                denominator=f"raised_{category}",
                category=category,
                category_label=label,
                follow_up_days=within,
            )
            for category, label in OUTREACH_CATEGORIES.items()
        ]
    figures += [
        Figure(
            "median_days_to_first_contact",
            "Median days from a very high or high flag being raised to its person first "
            "being reached, of those reached",
            "days",
            denominator=f"contacted_ever_{category}",
            statistic=f"days_to_contact_{category}",
            category=category,
            category_label=label,
            follow_up_days=max(CONTACT_WITHIN_DAYS),
        )
        for category, label in OUTREACH_CATEGORIES.items()
    ]
    figures += [
        Figure(
            "outreach_attempts",
            "Outreach attempts made in the period, by method",
            "count",
            numerator=f"method:{method}" if method else "attempts",
            category=method,
            category_label=label,
        )
        for method, label in ((None, None), *METHODS.items())
    ]
    figures += [
        Figure(
            "outreach_attempt_outcomes",
            "Outreach attempts made in the period, by method and outcome",
            "count",
            numerator=f"attempt:{method}:{outcome}",
            category=f"{method}:{outcome}",
            category_label=f"{method_label}: {outcome_label.lower()}",
        )
        for method, method_label in METHODS.items()
        for outcome, outcome_label in OUTCOMES.items()
    ]
    return figures


def flag_tables(
    filters: FigureFilters,
) -> tuple[CountTable, CountTable, SegmentValues | None, dict[str, str]]:
    """The unsuppressed counts of both periods, the segment values and the rules' titles."""
    frames = loading.read_frames(_statements(filters))
    titles = rule_titles()
    pairs = rule_pairs(frames["flags"])
    seen = set(pairs["code"].unique())
    titles.update({code: code for code in sorted(seen - set(titles))})
    codes = list(titles)
    periods = (filters.period, filters.previous_period)
    measures = {
        p: (
            people_measures(frames["flags"], pairs, p, codes),
            raised_measures(frames["flags"], frames["reached"], p),
            attempt_measures(frames["attempts"], p),
        )
        for p in periods
    }
    values = assign_segments(
        filters, frames.get("people"), {p.end: list(measures[p]) for p in periods}
    )
    current, previous = (flag_table(*measures[p], codes, values) for p in periods)
    return current, previous, values, titles


def flag_figures(filters: FigureFilters) -> dict:
    """Flags by tier and rule, and outreach performance, beside the previous period.

    Returns the shape described in `outcomes.figures` (family
    "flags_and_outreach"), every count, rate and median already suppressed.
    """
    current, previous, values, titles = flag_tables(filters)
    return figures_result(
        family="flags_and_outreach",
        filters=filters,
        figures=_figures(titles),
        current=current,
        previous=previous,
        segments=values,
        today=timezone.localdate(),
    )


# Every figure family by the name its result carries, for endpoints that serve
# them side by side (this is the one layer that sees them all).
FIGURE_FAMILIES = {
    "outcome_summary": outcome_summary,
    "naloxone_coverage": naloxone_coverage,
    "flags_and_outreach": flag_figures,
    "overdose_pathway": overdose_figures,
}
